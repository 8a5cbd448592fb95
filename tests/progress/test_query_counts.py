"""My tasks, the review queue and the task page issue the same number of queries for 3 rows and for
30 rows (no N+1), and the task page follows predecessor tasks of earlier plan versions."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesu.org.models import Unit
from kesu.planning.models import Plan, Target, Task, TaskUnit, UnitRole
from kesu.progress.models import (
    Evidence,
    ProgressReport,
    ReportStatus,
    ReviewEvent,
    ReviewEventKind,
    TargetFigure,
)

pytestmark = pytest.mark.django_db

# Generous enough for the session, auth and nav queries, tight enough that any per-row query fails.
MY_TASKS_BOUND = 10
REVIEW_QUEUE_BOUND = 10
TASK_PAGE_BOUND = 22


def add_report(task, unit, period, status, *, value=None, reviewer=None):
    report = ProgressReport.objects.create(
        task=task, unit=unit, period=period, status=status, narrative="进展", revision=1,
        submitted_at=timezone.now() if status != ReportStatus.DRAFT else None,
        reviewed_by=reviewer, reviewed_at=timezone.now() if reviewer else None,
    )
    if value is not None:
        for target in task.targets.all():
            TargetFigure.objects.create(report=report, target=target, value=value)
    if status != ReportStatus.DRAFT:
        ReviewEvent.objects.create(report=report, kind=ReviewEventKind.SUBMIT)
    if status == ReportStatus.ACCEPTED:
        ReviewEvent.objects.create(report=report, kind=ReviewEventKind.ACCEPT, actor=reviewer)
    Evidence.objects.create(report=report, file="evidence/x.pdf", original_name="x.pdf", content_type="application/pdf",
                            size=1, sha256="0" * 64)
    return report


def grow_education_tasks(world, count: int, prefix: str = "9"):
    """`count` more tasks for 市教育和体育局, each with a yearly target and a submitted report."""
    education = world.units["市教育和体育局"]
    group = world.tasks[0].group
    existing = Task.objects.filter(plan=world.plan).count()
    for index in range(count):
        task = Task.objects.create(
            plan=world.plan, group=group, code=f"{prefix}.{index}", title=f"扩展任务{prefix}.{index}",
            order=existing + index,
        )
        TaskUnit.objects.create(task=task, unit=education, role=UnitRole.LEAD if index % 2 else UnitRole.PARTICIPATING)
        Target.objects.create(task=task, text="每年开展活动10场", subject="活动", value=10, unit="场", period="每年")
        add_report(task, education, world.periods[index % 2], ReportStatus.SUBMITTED, value=index)


def grow_reporting_units(world, count: int, prefix: str):
    """`count` more units, each leading its own task with a submitted report (for the review queue)."""
    existing = Task.objects.filter(plan=world.plan).count()
    for index in range(count):
        unit = Unit.objects.create(region=world.county, name=f"报送单位{prefix}{index}")
        task = Task.objects.create(plan=world.plan, code=f"{prefix}.{index}", title=f"任务{index}", order=existing + index)
        TaskUnit.objects.create(task=task, unit=unit, role=UnitRole.LEAD)
        add_report(task, unit, world.periods[0], ReportStatus.SUBMITTED)


def grow_units_on_tutor_task(world, count: int, prefix: str):
    """`count` more units on 3.1.2, each with an accepted report carrying a figure."""
    task = world.tasks[1]
    for index in range(count):
        unit = Unit.objects.create(region=world.county, name=f"成员单位{prefix}{index}")
        TaskUnit.objects.create(task=task, unit=unit, role=UnitRole.PARTICIPATING)
        add_report(task, unit, world.periods[index % 2], ReportStatus.ACCEPTED, value=10 + index,
                   reviewer=world.users["office"])


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("extra", [0, 27])
def test_my_tasks_query_count_is_constant(world, client_for, extra, django_assert_max_num_queries):
    grow_education_tasks(world, extra + 1)  # 3 or 30 tasks for the unit (2 from the world)
    client = client_for("edu")
    url = reverse("progress:my_tasks")
    with django_assert_max_num_queries(MY_TASKS_BOUND):
        page = client.get(url, {"period": world.periods[0].pk}).content.decode()
    assert page.count("data-task=") == extra + 3


def test_my_tasks_same_count_for_3_and_30_tasks(world, client_for):
    client = client_for("edu")
    url = reverse("progress:my_tasks")
    grow_education_tasks(world, 1, prefix="9")
    small = queries_for(client, url)
    grow_education_tasks(world, 27, prefix="8")
    large = queries_for(client, url)
    assert small == large <= MY_TASKS_BOUND


def test_review_queue_same_count_for_3_and_30_reports(world, client_for):
    client = client_for("office")
    url = reverse("progress:review_queue")
    grow_reporting_units(world, 3, prefix="7")
    small = queries_for(client, url)
    grow_reporting_units(world, 27, prefix="6")
    large = queries_for(client, url)
    assert small == large <= REVIEW_QUEUE_BOUND
    assert client.get(url).content.decode().count("data-report=") == 30


def test_task_page_same_count_for_3_and_30_reports(world, client_for):
    client = client_for("office")
    url = reverse("supervision:task_detail", args=[world.tasks[1].pk])
    grow_units_on_tutor_task(world, 3, prefix="a")
    small = queries_for(client, url)
    grow_units_on_tutor_task(world, 27, prefix="b")
    large = queries_for(client, url)
    assert small == large <= TASK_PAGE_BOUND
    assert client.get(url).content.decode().count("data-report=") == 30


def test_task_page_includes_reports_of_the_predecessor_task(world, client_for):
    old_plan = Plan.objects.create(region=world.county, title="乳山市旧版方案", version=1, is_current=False)
    old_period = old_plan.periods.create(
        kind="yearly", label="2022年", start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31),
        due=datetime.date(2023, 1, 15),
    )
    old_task = Task.objects.create(plan=old_plan, code="2.1", title="科技辅导员培训（旧）")
    education = world.units["市教育和体育局"]
    TaskUnit.objects.create(task=old_task, unit=education, role=UnitRole.LEAD)
    old_report = add_report(old_task, education, old_period, ReportStatus.ACCEPTED, reviewer=world.users["office"])
    task = world.tasks[1]
    task.predecessor = old_task
    task.save()
    page = client_for("edu").get(reverse("supervision:task_detail", args=[task.pk])).content.decode()
    assert f'data-report="{old_report.pk}"' in page and "上一版本 2.1" in page and "乳山市旧版方案" in page
