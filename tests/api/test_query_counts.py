"""The API's list endpoints run a fixed number of queries however many rows they return."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.org.models import Unit
from kesu.planning.models import Plan, Target, Task, TaskUnit, UnitRole
from kesu.progress.models import ProgressReport, TargetFigure

pytestmark = pytest.mark.django_db


def grow_plan(world, batch: str, extra_tasks: int) -> None:
    """Add three units, a plan, and tasks, each with two units, a target and a report with a figure for
    both periods."""
    units = [Unit.objects.create(region=world.county, name=f"扩充单位{batch}-{i}") for i in range(3)]
    Plan.objects.create(region=world.county, title=f"扩充方案{batch}", version=2, is_current=False)
    for index in range(extra_tasks):
        task = Task.objects.create(plan=world.plan, code=f"9.{batch}.{index}", title=f"扩充任务{index}",
                                   order=100 + index,
                                   group=world.tasks[0].group)
        target = Target.objects.create(task=task, text="每年开展活动10次", value=10, unit="次", period="每年")
        for role, unit in ((UnitRole.LEAD, units[index % 3]), (UnitRole.PARTICIPATING, units[(index + 1) % 3])):
            TaskUnit.objects.create(task=task, unit=unit, role=role)
            for period in world.periods:
                report = ProgressReport.objects.create(task=task, unit=unit, period=period, narrative="…")
                TargetFigure.objects.create(report=report, target=target, value=3)


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, limit=200)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(
    "path",
    ["/api/plans", "/api/units", "/api/reports", "/api/plans/{plan}/tasks", "/api/plans/{plan}/statuses",
     "/api/tasks/{task}", "/api/tasks/{task}/status"],
)
def test_list_endpoints_query_count_does_not_grow_with_rows(world, api_as, path):
    client = api_as("office")
    path = path.format(plan=world.plan.pk, task=world.tasks[1].pk)
    grow_plan(world, "a", 2)
    few = queries_for(client, path)
    grow_plan(world, "b", 12)
    many = queries_for(client, path)
    # The first request also stamps the token's last use, hence <= rather than ==.
    assert many <= few, f"{path}: {few} queries with few rows, {many} with many"


def test_report_list_stays_within_its_query_budget(world, api_as, django_assert_max_num_queries):
    grow_plan(world, "a", 10)
    client = api_as("leader")
    # token lookup, last-use stamp, count, page, figures
    with django_assert_max_num_queries(5):
        response = client.get("/api/reports", limit=100)
    assert response.json()["count"] == 40
