"""indicators 0003: the stored review status "approved" becomes "accepted" (one verb per act), in the
tables and in the audit log's snapshots, and back when the migration is reversed."""

import importlib

import pytest
from django.apps import apps

from kesu.audit.models import AuditEntry
from kesu.indicators.models import DataElement, DataValue, Submission

pytestmark = pytest.mark.django_db

migration = importlib.import_module("kesu.indicators.migrations.0003_status_accepted")


def test_approved_rows_and_their_history_become_accepted_and_back(world, national):
    value = DataValue.objects.create(element=DataElement.objects.get(code="lectures"), region=world.county,
                                     year=2024, value=3)
    submission = Submission.objects.create(data_set=national, region=world.county, year=2024)
    # As a database written before the rename holds them (update() writes no audit entry of its own).
    DataValue.objects.filter(pk=value.pk).update(status="approved")
    Submission.objects.filter(pk=submission.pk).update(status="approved")
    AuditEntry.objects.create(action="update", model="indicators.Submission", object_id=str(submission.pk),
                              object_repr=f"{submission.pk}·1·2024Q0:approved",
                              before={"status": "submitted"}, after={"status": "approved"})
    AuditEntry.objects.create(action="update", model="indicators.DataValue", object_id=str(value.pk),
                              object_repr="v", before={"status": "approved"}, after={"status": "returned"})
    untouched = AuditEntry.objects.create(action="update", model="progress.ProgressReport", object_id="1",
                                          object_repr="r", before={"status": "approved"}, after={})

    migration._relabel(apps, "approved", "accepted")
    assert DataValue.objects.get(pk=value.pk).status == "accepted"
    assert Submission.objects.get(pk=submission.pk).status == "accepted"
    entries = {e.model: e for e in AuditEntry.objects.filter(model__startswith="indicators.", object_repr__in=[
        f"{submission.pk}·1·2024Q0:accepted", "v"])}
    assert entries["indicators.Submission"].after == {"status": "accepted"}
    assert entries["indicators.DataValue"].before == {"status": "accepted"}
    untouched.refresh_from_db()
    assert untouched.before == {"status": "approved"}  # another app's history is not touched

    migration._relabel(apps, "accepted", "approved")
    assert Submission.objects.get(pk=submission.pk).status == "approved"
    assert AuditEntry.objects.filter(object_repr=f"{submission.pk}·1·2024Q0:approved",
                                     after__status="approved").exists()
