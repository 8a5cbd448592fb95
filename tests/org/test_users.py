"""User services: an office admin manages accounts of its region subtree only; system paths (the CLI,
the demo) pass no actor."""

from __future__ import annotations

import pytest

from kesu.audit.models import AuditEntry
from kesu.org.models import Role, User
from kesu.org.services import OrgError, OrgPermissionError, create_user, reset_password, set_user_active

pytestmark = pytest.mark.django_db


def test_an_office_creates_users_in_its_subtree_only(world):
    youth = world.units["团市委"]
    created = create_user(actor=world.users["city_office"], username="youth1", password="kesu-new-pass-9",
                          role=Role.UNIT_REPORTER, unit=youth)
    assert created.region == world.county
    entry = AuditEntry.objects.get(model="org.User", object_id=str(created.pk), action="create")
    assert entry.actor == world.users["city_office"]
    with pytest.raises(OrgPermissionError, match="只能为本地区（及下级地区）的单位和人员创建账号"):
        create_user(actor=world.users["other_office"], username="spy", password="kesu-new-pass-9",
                    role=Role.UNIT_REPORTER, unit=youth)
    with pytest.raises(OrgPermissionError):
        create_user(actor=world.users["leader"], username="x1", password="kesu-new-pass-9", role=Role.LEADER,
                    region=world.county)
    # The system path: no actor, any region.
    assert create_user(actor=None, username="boot", password="kesu-new-pass-9", role=Role.OFFICE_ADMIN,
                       region=world.other_city).region == world.other_city


def test_reset_and_toggle_need_the_users_office(world):
    edu, office, other = world.users["edu"], world.users["office"], world.users["other_office"]
    with pytest.raises(OrgPermissionError, match="只能管理本地区（及下级地区）的账号"):
        reset_password(actor=other, user=edu, new_password="another-pass-77")
    with pytest.raises(OrgPermissionError):
        set_user_active(actor=other, user=edu, active=False)
    with pytest.raises(OrgPermissionError):
        set_user_active(actor=None, user=edu, active=False)
    reset_password(actor=office, user=edu, new_password="another-pass-77")
    set_user_active(actor=office, user=edu, active=False)
    edu.refresh_from_db()
    assert edu.check_password("another-pass-77") and not edu.is_active
    with pytest.raises(OrgError, match="不能停用自己的账号"):
        set_user_active(actor=office, user=office, active=False)
    superuser = User.objects.create_user("root", role=Role.LEADER, is_superuser=True)
    set_user_active(actor=superuser, user=edu, active=True)
