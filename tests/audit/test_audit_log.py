import pytest

from kesu.audit.context import acting_as
from kesu.audit.models import AuditEntry
from kesu.audit.registry import history_for
from kesu.org.models import Region, RegionLevel, Role, Unit, User
from kesu.planning.models import Plan, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    region = Region.objects.create(code="371083", name="乳山市", level=RegionLevel.COUNTY)
    return Plan.objects.create(region=region, title="乳山市全民科学素质行动规划纲要实施方案")


def test_task_create_update_delete_are_logged_with_actor_and_before_after(plan):
    admin = User.objects.create_user("office", password="x-secret-123", role=Role.OFFICE_ADMIN, region=plan.region)
    with acting_as(admin):
        task = Task.objects.create(plan=plan, code="1.1", title="弘扬和传承科学精神")
        task.title = "弘扬科学家精神"
        task.save()
        task_id = task.pk
        task.delete()

    entries = list(AuditEntry.objects.filter(model="planning.Task", object_id=str(task_id)).order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.actor_id == admin.pk and e.actor_name == "office" for e in entries)
    update = entries[1]
    assert update.before["title"] == "弘扬和传承科学精神"
    assert update.after["title"] == "弘扬科学家精神"
    assert update.changed_fields() == [("title", "弘扬和传承科学精神", "弘扬科学家精神")]
    assert entries[2].after is None and entries[2].before["code"] == "1.1"


def test_saving_without_change_writes_no_update_entry(plan):
    task = Task.objects.create(plan=plan, code="2", title="任务")
    task.save()
    assert [e.action for e in history_for(task)] == ["create"]
    assert history_for(task).get().actor_name == "系统"


def test_unit_is_not_audited_but_plan_is(plan):
    Unit.objects.create(region=plan.region, name="市科协")
    assert not AuditEntry.objects.filter(model="org.Unit").exists()
    assert AuditEntry.objects.filter(model="planning.Plan", object_id=str(plan.pk), action="create").exists()
