"""The audit log in words (kesu.audit.display) on real audited changes: labels, names of the objects a
change points at, 是/否, lists joined with “、”, choices by label and local times — and no query per entry."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.factories import PASSWORD

from kesu.audit.context import acting_as
from kesu.audit.display import history_rows
from kesu.audit.registry import history_for
from kesu.progress import services
from kesu.progress.selectors import report_audit_history

pytestmark = pytest.mark.django_db


def _accepted_report(world):
    edu, office = world.users["edu"], world.users["office"]
    task, period = world.tasks[0], world.periods[0]
    with acting_as(edu):
        report = services.save_report(actor=edu, task=task, period=period, expected_revision=0,
                                      narrative="开展科学家精神进校园活动12场。", submit=True)
    with acting_as(office):
        return services.accept_report(actor=office, report=report, expected_revision=report.revision)


def _changes(rows) -> dict[str, tuple[str, str]]:
    return {label: (before, after) for row in rows for label, before, after in row.changes}


def test_a_reviewed_report_names_the_reviewer_period_and_unit_in_local_time(world):
    report = _accepted_report(world)
    rows = report_audit_history(report)
    review = next(row for row in rows if row.entry.action == "update" and
                  any(label == "审核人" for label, _, _ in row.changes))
    changes = _changes([review])
    assert changes["审核人"] == ("", str(world.users["office"]))
    assert changes["状态"][1] == "已通过"
    # The time stored in UTC is shown in Beijing time, to the minute.
    reviewed_at = timezone.localtime(report.reviewed_at).strftime("%Y-%m-%d %H:%M")
    assert changes["审核时间"][1] == reviewed_at
    assert review.at == timezone.localtime(review.entry.at).strftime("%Y-%m-%d %H:%M")

    created = _changes([row for row in rows if row.entry.action == "create"])
    assert created["报送期"][1] == world.periods[0].label
    assert created["单位"][1] == "市教育和体育局"
    assert created["任务"][1] == str(world.tasks[0])
    for _, _, after in (change for row in rows for change in row.changes):
        assert not re.fullmatch(r"\d+", after or "x"), after  # no bare ids
        assert "T" not in (after or "") or not re.search(r"\d{4}-\d\d-\d\dT", after)


def test_booleans_lists_and_deleted_objects_read_as_words(world):
    plan, task = world.plan, world.tasks[0]
    with acting_as(world.users["office"]):
        plan.is_demo = True
        plan.save()
        task.path = ["提升行动", "青少年科学素质提升行动", "弘扬科学家精神"]
        task.save()
    (demo,) = history_rows(history_for(plan).filter(action="update"))
    assert ("演示数据", "否", "是") in demo.changes
    (path,) = history_rows(history_for(task).filter(action="update"))
    assert ("所属章节", "提升行动、青少年科学素质提升行动、弘扬和传承科学精神",
            "提升行动、青少年科学素质提升行动、弘扬科学家精神") in path.changes

    # A unit removed since is named by its number, marked as gone, rather than breaking the page.
    report = _accepted_report(world)
    entry = history_for(report).filter(action="create").get()
    entry.after["period_id"] = 999_999
    (row,) = history_rows([entry])
    assert ("报送期", "", "#999999（已删除）") in row.changes


def test_names_cost_one_query_per_model_not_per_entry(world):
    reports = []
    for task in world.tasks[:2]:
        for period in world.periods:
            edu = world.users["edu"] if task != world.tasks[2] else world.users["agri"]
            with acting_as(edu):
                reports.append(services.save_report(actor=edu, task=task, period=period, expected_revision=0,
                                                    narrative="按计划推进。", submit=True))
    from kesu.audit.models import AuditEntry

    entries = list(AuditEntry.objects.filter(model="progress.ProgressReport"))
    assert len(entries) >= 8
    with CaptureQueriesContext(connection) as queries:
        rows = history_rows(entries)
    # users, units, tasks, periods (and what their names read), whatever the number of entries
    assert len(queries) <= 6, [q["sql"] for q in queries]
    assert {row.changes[0][0] for row in rows} and all(row.changes for row in rows)


def test_the_report_page_shows_names_and_local_time(world, client):
    report = _accepted_report(world)
    assert client.login(username="office", password=PASSWORD)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "审核人：" in html and f"→ {world.users['office']}" in html
    assert "reviewed by" not in html and "period：" not in html
    local = timezone.localtime(report.reviewed_at)
    assert local.strftime("%Y-%m-%d %H:%M") in html
    assert timezone.localtime(report.reviewed_at).utcoffset() == datetime.timedelta(hours=8)
