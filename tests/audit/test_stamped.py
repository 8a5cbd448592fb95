"""`stamped()`: a history loaded after the fact (the demo's backdated reports) keeps its own dates in the
audit log; outside the block entries carry the moment of writing again."""

import datetime

import pytest
from django.utils import timezone

from kesu.audit.context import stamped
from kesu.audit.registry import history_for
from kesu.org.models import Region, RegionLevel
from kesu.planning.models import Plan, Task

pytestmark = pytest.mark.django_db


def test_entries_written_inside_carry_the_stamp_and_later_ones_the_time_of_writing():
    region = Region.objects.create(code="320300", name="徐州市", level=RegionLevel.CITY)
    plan = Plan.objects.create(region=region, title="徐州市全民科学素质行动实施方案（2026—2030年）")
    then = timezone.make_aware(datetime.datetime(2026, 1, 10, 10, 0))
    with stamped(then):
        task = Task.objects.create(plan=plan, code="1", title="深化中小学科学教育")
        task.title = "深化学校科学教育"
        task.save()
    before = timezone.now()
    task.title = "深化中小学和职业学校科学教育"
    task.save()

    entries = list(history_for(task).order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert [e.at for e in entries[:2]] == [then, then]
    assert entries[2].at >= before


def test_a_naive_stamp_is_refused():
    with pytest.raises(ValueError), stamped(datetime.datetime(2026, 1, 10)):
        pass
