"""The review queue is shown 50 reports a page, oldest first, with a Chinese pager that keeps the filters."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesu.planning.models import Task, TaskUnit
from kesu.progress.models import ProgressReport, ReportingPeriod, ReportStatus
from kesu.progress.views import REVIEW_PAGE_SIZE

pytestmark = pytest.mark.django_db


def fill_queue(world, count: int) -> list[ProgressReport]:
    """``count`` submitted reports of the world's units, each for its own (task, unit, period)."""
    from django.utils import timezone

    periods = list(ReportingPeriod.objects.filter(plan=world.plan))
    pairs = [(a.task, a.unit) for a in TaskUnit.objects.filter(task__plan=world.plan).select_related("task", "unit")]
    reports, index = [], 0
    base = timezone.now()
    while len(reports) < count:
        task, unit = pairs[index % len(pairs)]
        period = periods[index // len(pairs) % len(periods)]
        if index >= len(pairs) * len(periods):
            task = Task.objects.create(plan=world.plan, code=f"8.{index}", title=f"补充任务{index}", order=200 + index)
            TaskUnit.objects.create(task=task, unit=unit, role="lead")
        if not ProgressReport.objects.filter(task=task, unit=unit, period=period).exists():
            reports.append(ProgressReport.objects.create(
                task=task, unit=unit, period=period, status=ReportStatus.SUBMITTED,
                submitted_at=base + timezone.timedelta(minutes=len(reports)),
            ))
        index += 1
    return reports


def shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-report="(\d+)"', page)]


def test_review_queue_pages_keep_order_and_filters(world, client):
    reports = fill_queue(world, REVIEW_PAGE_SIZE + 7)
    client.force_login(world.users["office"])
    url = reverse("progress:review_queue")
    first = client.get(url).content.decode()
    assert shown(first) == [r.pk for r in reports[:REVIEW_PAGE_SIZE]]
    assert "第 1 / 2 页" in first and "下一页" in first and "上一页" not in first
    assert f"共 {len(reports)} 份待审核报告" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert shown(second) == [r.pk for r in reports[REVIEW_PAGE_SIZE:]]
    assert "上一页" in second and "下一页" not in second
    # Out-of-range and junk page numbers fall back to a valid page.
    assert shown(client.get(url, {"page": 99}).content.decode()) == shown(second)
    assert shown(client.get(url, {"page": "x"}).content.decode()) == shown(first)

    plan = world.plan.pk
    filtered = client.get(url, {"plan": plan}).content.decode()
    assert f'href="?plan={plan}&amp;page=2" rel="next"' in filtered  # the pager links keep the filter
    assert walk_pages(client, url, {"plan": plan}) == [r.pk for r in reports]

    # Each unit's filter shows exactly that unit's reports, oldest first, over however many pages.
    by_unit = {}
    for report in reports:
        by_unit.setdefault(report.unit_id, []).append(report.pk)
    assert len(by_unit) == 4 and all(len(pks) < len(reports) for pks in by_unit.values())
    for unit_id, pks in by_unit.items():
        page = client.get(url, {"unit": unit_id}).content.decode()
        assert f"共 {len(pks)} 份待审核报告" in page, unit_id
        assert walk_pages(client, url, {"unit": unit_id}) == pks, unit_id
    # And a period's filter exactly that period's.
    for period in world.periods:
        expected = [r.pk for r in reports if r.period_id == period.pk]
        assert 0 < len(expected) < len(reports)
        assert walk_pages(client, url, {"period": period.pk}) == expected, period.label


def walk_pages(client, url: str, filters: dict) -> list[int]:
    """Every report the filtered queue shows, page after page until there is no next page."""
    seen, number = [], 1
    while True:
        page = client.get(url, {**filters, "page": number}).content.decode()
        rows = shown(page)
        assert 0 < len(rows) <= REVIEW_PAGE_SIZE
        seen.extend(rows)
        if 'rel="next"' not in page:
            return seen
        number += 1
        assert number <= 10, "the pager never ends"


def test_review_queue_query_count_does_not_grow_with_the_queue(world, client):
    client.force_login(world.users["office"])
    url = reverse("progress:review_queue")
    fill_queue(world, 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    fill_queue(world, 3 * REVIEW_PAGE_SIZE)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert len(shown(page)) == REVIEW_PAGE_SIZE
    assert len(large) <= len(small) + 1  # + the page's count query


def test_filter_options_mark_the_choice_and_escape_names(world, client):
    reports = fill_queue(world, 3)
    unit = reports[0].unit
    unit.name = "<b>单位</b>"
    unit.save()
    client.force_login(world.users["office"])
    page = client.get(reverse("progress:review_queue"), {"unit": unit.pk, "period": reports[0].period_id}).content.decode()
    assert f'<option value="{unit.pk}" selected>&lt;b&gt;单位&lt;/b&gt;</option>' in page
    assert f'<option value="{reports[0].period_id}" selected>' in page
    assert "<b>单位</b>" not in page


def test_rows_link_to_the_task_and_the_review_page(world, client):
    report = fill_queue(world, 1)[0]
    client.force_login(world.users["office"])
    page = client.get(reverse("progress:review_queue")).content.decode()
    assert f'href="{reverse("supervision:task_detail", args=[report.task_id])}"' in page
    assert f'href="{reverse("progress:report_detail", args=[report.pk])}"' in page
