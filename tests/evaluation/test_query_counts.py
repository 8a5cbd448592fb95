"""The evaluation figures are read in a fixed number of queries: ten times the tasks, units and reports cost nothing more."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.evaluation.conftest import TODAY, add_report, at

from kesu.evaluation.document import build_document
from kesu.evaluation.figures import evaluation_figures
from kesu.org.models import Region, RegionLevel, Unit
from kesu.planning.models import Plan, Target, Task, TaskUnit, UnitRole
from kesu.progress.models import ReportingPeriod, ReportStatus
from kesu.supervision import board_cache

pytestmark = pytest.mark.django_db
# 20 for plans, reports, indicators and surveys; 3 for the registries of outreach resources
# (kesu.resources.summaries, counted on their own in test_resources_section.py); 4 for the content
# library (kesu.content.summaries, counted in tests/content/test_summaries.py).
MAX_QUERIES = 27


def grow(world, tag: int, tasks: int, townships: int) -> None:
    """Add tasks with their own units, targets and reports, and townships with plans."""
    h1, h2 = world.periods
    for n in range(tag * 1000, tag * 1000 + tasks):
        unit = Unit.objects.create(region=world.county, name=f"成员单位{n}")
        task = Task.objects.create(plan=world.plan, code=f"9.{n}", title=f"补充任务{n}", order=10 + n,
                                   group=world.tasks[n % 3].group)
        TaskUnit.objects.create(task=task, unit=unit, role=UnitRole.LEAD)
        TaskUnit.objects.create(task=task, unit=world.units["市科协"], role=UnitRole.PARTICIPATING)
        Target.objects.create(task=task, text=f"完成{n}", subject=f"指标{n}", value=100, unit="次")
        add_report(task, unit, h1, ReportStatus.ACCEPTED, at(2024, 7, 1), at(2024, 7, 5), figure=40)
        add_report(task, unit, h2, ReportStatus.SUBMITTED, at(2025, 1, 20))
    for n in range(tag * 10, tag * 10 + townships):
        township = Region.objects.create(code=f"371083{n:03d}", name=f"镇{n}", level=RegionLevel.TOWNSHIP,
                                         parent=world.county)
        plan = Plan.objects.create(region=township, title=f"镇{n}方案", period_start=2021, period_end=2025)
        ReportingPeriod.objects.create(plan=plan, kind="yearly", label="2024年", start=h1.start, end=h2.end,
                                       due=h2.due)
        unit = Unit.objects.create(region=township, name=f"镇{n}科协")
        task = Task.objects.create(plan=plan, code="1", title="镇任务", order=0)
        TaskUnit.objects.create(task=task, unit=unit, role=UnitRole.LEAD)


def queries_for(world) -> int:
    board_cache.clear_boards()  # the uncached cost: boards computed afresh, as after any write
    with CaptureQueriesContext(connection) as captured:
        data = evaluation_figures(world.county, 2024, today=TODAY)
        build_document(data)
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_data(annual_world):
    grow(annual_world, 1, tasks=0, townships=1)
    small = queries_for(annual_world)
    grow(annual_world, 2, tasks=27, townships=9)  # 10× the tasks and the townships
    data = evaluation_figures(annual_world.county, 2024, today=TODAY)
    assert data.task_total == 3 + 27 and len(data.lower_regions) == 10
    large = queries_for(annual_world)
    assert small == large
    assert large <= MAX_QUERIES
