"""Plans in succession: declaring a plan the successor of the region's previous one, carrying its
unfinished tasks over, and who may do it (kesu.supervision.succession)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kesu.audit.models import AuditEntry
from kesu.planning.models import Plan, Task, TaskUnit, UnitRole
from kesu.planning.selectors import carried_from, carried_into
from kesu.supervision.succession import (
    SuccessionError,
    carry_over_lines,
    declare_successor,
    succession_links,
    title_similarity,
)

pytestmark = pytest.mark.django_db


def make_successor(world, **fields) -> Plan:
    """乳山市's 2026—2030 plan: a task that continues 科技辅导员, one on 农民, and a new one."""
    plan = Plan.objects.create(region=world.county, title="乳山市全民科学素质行动实施方案（2026—2030年）",
                               period_start=2026, period_end=2030, issued_on=datetime.date(2026, 3, 1), **fields)
    for order, (code, title) in enumerate((("1.1", "加强科技辅导员队伍建设"), ("1.2", "提升农民科学素质"),
                                            ("1.3", "建设数字科普平台"))):
        task = Task.objects.create(plan=plan, code=code, title=title, order=order)
        TaskUnit.objects.create(task=task, unit=world.units["市科协"], role=UnitRole.LEAD)
    return plan


def new_task(plan, code) -> Task:
    return plan.tasks.get(code=code)


def test_declare_links_plans_and_tasks_and_leaves_the_old_plan_alone(world):
    old = world.plan
    successor = make_successor(world)
    _spirit, tutors, farmers = world.tasks
    before = {t.pk: (t.code, t.title, t.carried_from_id, t.plan_id) for t in old.tasks.all()}
    old_snapshot = Plan.objects.filter(pk=old.pk).values().get()

    result = declare_successor(actor=world.users["office"], plan=old, successor=successor,
                               carry_over={tutors.pk: new_task(successor, "1.1").pk,
                                           farmers.pk: new_task(successor, "1.2").pk})

    successor.refresh_from_db()
    assert successor.preceding_plan == old
    assert result.links == {tutors.pk: new_task(successor, "1.1").pk, farmers.pk: new_task(successor, "1.2").pk}
    assert new_task(successor, "1.1").carried_from == tutors
    assert new_task(successor, "1.3").carried_from is None
    # Unfinished work offered with the declaration (nothing reported in the world: every task is open).
    assert {item.code for item in result.unfinished} >= {tutors.code, farmers.code}
    # History: the old plan and its tasks are as they were.
    assert Plan.objects.filter(pk=old.pk).values().get() == old_snapshot
    assert {t.pk: (t.code, t.title, t.carried_from_id, t.plan_id) for t in old.tasks.all()} == before
    assert old.is_current
    # Audited, with the office as actor.
    entries = AuditEntry.objects.filter(reason="声明下一期方案")
    assert {(e.model, e.object_id) for e in entries} == {
        ("planning.Plan", str(successor.pk)), ("planning.Task", str(new_task(successor, "1.1").pk)),
        ("planning.Task", str(new_task(successor, "1.2").pk)),
    }
    assert set(entries.values_list("actor", flat=True)) == {world.users["office"].pk}
    # Both task pages' links.
    assert carried_from(new_task(successor, "1.1")) == tutors
    assert carried_into(tutors) == [new_task(successor, "1.1")]


def test_the_mapping_is_the_whole_set_and_none_keeps_it(world):
    old, successor = world.plan, make_successor(world)
    _spirit, tutors, farmers = world.tasks
    office = world.users["office"]
    declare_successor(actor=office, plan=old, successor=successor,
                      carry_over={tutors.pk: new_task(successor, "1.1").pk})
    declare_successor(actor=office, plan=old, successor=successor, carry_over=None)
    assert new_task(successor, "1.1").carried_from == tutors
    # The office changes its mind: 科技辅导员 is no longer carried, 农民 is.
    declare_successor(actor=office, plan=old, successor=successor,
                      carry_over=[(farmers.pk, new_task(successor, "1.2").pk)])
    assert new_task(successor, "1.1").carried_from is None
    assert new_task(successor, "1.2").carried_from == farmers


@pytest.mark.parametrize("user", ["edu", "leader", "statistician", "other_office"])
def test_only_the_regions_office_may_declare(world, user):
    successor = make_successor(world)
    with pytest.raises(PermissionDenied):
        declare_successor(actor=world.users[user], plan=world.plan, successor=successor, carry_over={})
    successor.refresh_from_db()
    assert successor.preceding_plan is None


def test_the_city_office_may_declare_for_its_county(world):
    successor = make_successor(world)
    declare_successor(actor=world.users["city_office"], plan=world.plan, successor=successor)
    assert Plan.objects.get(pk=successor.pk).preceding_plan_id == world.plan.pk


def test_a_bad_link_writes_nothing(world):
    old, successor = world.plan, make_successor(world)
    _spirit, tutors, farmers = world.tasks
    foreign = Task.objects.get(plan=world.other_plan)
    for carry_over, message in (
        ({tutors.pk: new_task(successor, "1.1").pk, farmers.pk: foreign.pk}, "不是下一期方案的任务"),
        ({tutors.pk: new_task(successor, "1.1").pk, new_task(successor, "1.2").pk: new_task(successor, "1.3").pk},
         "不是上一期方案的任务"),
        ({tutors.pk: new_task(successor, "1.1").pk, farmers.pk: new_task(successor, "1.1").pk}, "只能承接一项"),
        ({"x": "1"}, "任务编号无效"),
    ):
        with pytest.raises(SuccessionError, match=message):
            declare_successor(actor=world.users["office"], plan=old, successor=successor, carry_over=carry_over)
        assert Plan.objects.get(pk=successor.pk).preceding_plan_id is None
        assert not Task.objects.filter(plan=successor, carried_from__isnull=False).exists()


def test_plans_that_cannot_follow_each_other(world):
    office = world.users["office"]
    successor = make_successor(world)
    with pytest.raises(SuccessionError, match="它自己"):
        declare_successor(actor=office, plan=world.plan, successor=world.plan)
    with pytest.raises(SuccessionError, match="结束之后开始"):
        declare_successor(actor=office, plan=successor, successor=world.plan)
    overlapping = Plan.objects.create(region=world.county, title="重叠的方案", period_start=2024, period_end=2028)
    with pytest.raises(SuccessionError, match="结束之后开始"):
        declare_successor(actor=office, plan=world.plan, successor=overlapping)
    # A plan has one successor.
    declare_successor(actor=office, plan=world.plan, successor=successor)
    third = Plan.objects.create(region=world.county, title="另一个方案", period_start=2026, period_end=2030)
    with pytest.raises(SuccessionError, match="已有下一期方案"):
        declare_successor(actor=office, plan=world.plan, successor=third)


def test_carry_over_lines_suggest_the_most_similar_task(world):
    successor = make_successor(world)
    lines, new_tasks = carry_over_lines(world.plan, successor)
    by_code = {line.item.code: line for line in lines}
    assert by_code["3.1.2"].suggested == new_task(successor, "1.1").pk  # same title
    assert by_code["3.1.2"].similarity == pytest.approx(1.0)
    assert by_code["3.1.1"].suggested is None  # 弘扬和传承科学精神: nothing alike
    assert [t.code for t in new_tasks] == ["1.1", "1.2", "1.3"]
    assert title_similarity("（一）加强科技辅导员队伍建设", "加强科技辅导员队伍建设。") == 1.0


def test_succession_links_for_the_plan_pages(world):
    successor = make_successor(world)
    links = succession_links(world.plan)
    assert links.later == (successor,) and links.earlier == () and links.preceding is None and links.can_link
    declare_successor(actor=world.users["office"], plan=world.plan, successor=successor)
    assert succession_links(Plan.objects.get(pk=successor.pk)).preceding == world.plan
    assert succession_links(world.plan).successors == (successor,)


def test_a_revised_successor_keeps_the_carry_over(world):
    old, successor = world.plan, make_successor(world)
    tutors = world.tasks[1]
    declare_successor(actor=world.users["office"], plan=old, successor=successor,
                      carry_over={tutors.pk: new_task(successor, "1.1").pk})
    # A revision of the successor, as plan_import writes it: a new version whose task points back.
    Plan.objects.filter(pk=successor.pk).update(is_current=False)
    revised = Plan.objects.create(region=world.county, title=successor.title, period_start=2026, period_end=2030,
                                  version=2, previous_version=successor)
    task = Task.objects.create(plan=revised, code="1.1", title="加强科技辅导员队伍建设", predecessor=new_task(successor, "1.1"))
    assert carried_from(task) == tutors
    assert carried_into(tutors) == [task]


# --- the pages ---------------------------------------------------------------------------------------


def test_pages_refuse_other_roles_and_regions(world, client_for):
    successor = make_successor(world)
    url = reverse("supervision:succession", args=[world.plan.pk, successor.pk])
    start = reverse("supervision:succession_start", args=[world.plan.pk])
    assert client_for("edu").get(url).status_code == 403
    assert client_for("leader").get(url).status_code == 403
    assert client_for("other_office").get(url).status_code == 404
    assert client_for("other_office").get(start).status_code == 404
    office = client_for("office")
    assert office.get(url).status_code == 200
    # The one candidate: straight to the pair.
    assert office.get(start)["Location"] == url
    other = Plan.objects.create(region=world.other_city, title="徐州", period_start=2026, period_end=2030)
    assert office.get(reverse("supervision:succession", args=[world.plan.pk, other.pk])).status_code == 404


def test_review_then_confirm(world, client_for):
    successor = make_successor(world)
    tutors = world.tasks[1]
    url = reverse("supervision:succession", args=[world.plan.pk, successor.pk])
    office = client_for("office")
    chosen = {"carry": [str(tutors.pk)], f"to_{tutors.pk}": str(new_task(successor, "1.1").pk)}
    review = office.post(url, chosen | {"step": "review"})
    assert review.status_code == 200 and "确认衔接" in review.content.decode()
    assert Plan.objects.get(pk=successor.pk).preceding_plan_id is None  # nothing written yet
    missing = office.post(url, {"carry": [str(tutors.pk)], "step": "review"})
    assert missing.status_code == 400 and "请为勾选的任务" in missing.content.decode()
    done = office.post(url, chosen | {"step": "confirm"})
    assert done.status_code == 302 and done["Location"] == reverse("supervision:dashboard", args=[successor.pk])
    assert new_task(successor, "1.1").carried_from == tutors
    page = office.get(reverse("supervision:task_detail", args=[new_task(successor, "1.1").pk])).content.decode()
    assert "承接自上一期" in page and tutors.title in page
    old_page = office.get(reverse("supervision:task_detail", args=[tutors.pk])).content.decode()
    assert "由下一期任务承接" in old_page
    dashboard = office.get(reverse("supervision:dashboard", args=[successor.pk])).content.decode()
    assert "上一期方案" in dashboard and world.plan.title in dashboard
