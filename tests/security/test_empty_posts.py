"""A form posted with nothing in it (a double click, a browser that lost the form, a script) is a bad
request the office is told about, never a server error, and writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

FORMS = [
    ("plan_import:upload", {}),
    ("org:unit_list", {}),
    ("org:unit_edit", {"unit_id": "unit"}),
    ("org:user_list", {}),
    ("org:region_import", {}),
    ("indicators:new", {}),
    ("indicators:element_new", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), FORMS, ids=[name for name, _ in FORMS])
def test_an_empty_post_is_answered_with_the_form_and_its_errors(client, world, name, kwargs):
    client.force_login(world.users["office"])
    kwargs = {key: world.units["团市委"].pk if value == "unit" else value for key, value in kwargs.items()}
    entries = AuditEntry.objects.count()
    response = client.post(reverse(name, kwargs=kwargs), {})
    assert response.status_code in (200, 400)
    # Django's error list, or the field error spans of the hand-laid-out forms.
    assert b"errorlist" in response.content or b'class="error" role="alert"' in response.content
    assert AuditEntry.objects.count() == entries
