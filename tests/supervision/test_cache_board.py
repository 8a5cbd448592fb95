"""The board cache (kesu.supervision.board_cache): a second load of the same tasks reads one query and
computes nothing; any write a status depends on, and the next day, give a freshly computed board."""

from __future__ import annotations

import datetime

import pytest

from kesu.planning.models import Task
from kesu.progress import services
from kesu.progress.models import ReportStatus
from kesu.supervision import board_cache
from kesu.supervision import status as status_module
from kesu.supervision.selectors import compute_board, load_board
from kesu.supervision.status import thresholds_from_settings

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 1)


@pytest.fixture
def counted_computations(monkeypatch):
    calls = []
    original = status_module.compute_task_status

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr("kesu.supervision.selectors.compute_task_status", counting)
    return calls


def fresh_board(plan, today=TODAY):
    from kesu.supervision.selectors import board_tasks

    return compute_board(list(board_tasks(Task.objects.filter(plan=plan))), today, thresholds_from_settings())


def statuses(board):
    return [(row.task.pk, row.status, dict(row.unit_status)) for row in board.rows]


def test_second_load_reads_one_query_and_computes_nothing(scored_world, django_assert_num_queries,
                                                          counted_computations):
    plan = scored_world.plan
    board_cache.clear_boards()
    with django_assert_num_queries(6):
        first = load_board(Task.objects.filter(plan=plan), TODAY)
    computed = len(counted_computations)
    assert computed > 0
    with django_assert_num_queries(1):  # the tasks, for the key
        second = load_board(Task.objects.filter(plan=plan), TODAY)
    assert len(counted_computations) == computed
    assert statuses(second) == statuses(first) == statuses(fresh_board(plan))


def test_status_changes_at_once_when_a_report_is_accepted(world):
    task = next(t for t in world.tasks if t.targets.exists())
    unit = task.assignments.select_related("unit").first().unit
    reporter = next(u for u in world.users.values() if u.unit_id == unit.pk)
    target = task.targets.first()
    report = services.save_report(
        actor=reporter, task=task, period=world.periods[0], expected_revision=0,
        narrative="本期完成", figures={target.pk: f"{target.value:g}"}, submit=True,
    )
    today = world.periods[-1].due + datetime.timedelta(days=1)
    before = load_board(Task.objects.filter(plan=world.plan), today)
    assert load_board(Task.objects.filter(plan=world.plan), today) is before  # cached
    row_before = next(r for r in before.rows if r.task.pk == task.pk)
    assert all(not t.figures for t in row_before.data.targets if t.label == (target.subject or target.text))

    services.accept_report(actor=world.users["office"], report=report, expected_revision=report.revision)

    after = load_board(Task.objects.filter(plan=world.plan), today)
    assert after is not before
    row_after = next(r for r in after.rows if r.task.pk == task.pk)
    assert row_after.latest_report(unit.pk).status == ReportStatus.ACCEPTED
    assert any(t.figures for t in row_after.data.targets)
    assert statuses(after) == statuses(fresh_board(world.plan, today))
    assert row_after.status.progress != row_before.status.progress  # the accepted figure counts now


def test_structural_edits_and_the_next_day_give_a_fresh_board(world):
    plan = world.plan
    first = load_board(Task.objects.filter(plan=plan), TODAY)
    assert load_board(Task.objects.filter(plan=plan), TODAY) is first
    assert load_board(Task.objects.filter(plan=plan), TODAY + datetime.timedelta(days=1)) is not first

    task = world.tasks[0]
    task.title = "改过的标题"
    task.save()
    renamed = load_board(Task.objects.filter(plan=plan), TODAY)
    assert renamed is not first and renamed.rows[0].task.title == "改过的标题"

    period = world.periods[0]
    period.due = period.due + datetime.timedelta(days=400)
    period.save()
    moved = load_board(Task.objects.filter(plan=plan), TODAY)
    assert moved is not renamed and statuses(moved) == statuses(fresh_board(plan))

    unit = next(iter(moved.units.values()))
    unit.name = "改名后的单位"
    unit.save()
    assert load_board(Task.objects.filter(plan=plan), TODAY).units[unit.pk].name == "改名后的单位"


def test_a_write_to_another_plan_keeps_the_cached_board(world):
    first = load_board(Task.objects.filter(plan=world.plan), TODAY)
    other = world.other_plan if hasattr(world, "other_plan") else None
    if other is None:
        pytest.skip("the world has no second plan")
    Task.objects.create(plan=other, code="99", title="别的方案的任务", order=99)
    assert load_board(Task.objects.filter(plan=world.plan), TODAY) is first
