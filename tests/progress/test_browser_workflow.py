"""The whole 督办 cycle in a real browser (Debian's Chromium through Playwright): a unit reporter files
a report with an evidence file (the draft autosaves through HTMX), the office returns it with a
comment, the unit resubmits, the office accepts, and the task's traffic light turns from red to
green. Screenshots of each main page go to test-artifacts/reports-*.png."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.browser import log_in, screenshot
from tests.progress.conftest import PDF_BYTES

from kesu.progress import services
from kesu.progress.models import ProgressReport, ReportStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def logged_in_page(chromium, live_server, username: str):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the "报送后将不能修改" confirmation
    log_in(page, live_server, username)
    return page


def shoot(page, name: str) -> None:
    screenshot(page, f"reports-{name}")


def test_report_is_filed_returned_resubmitted_and_accepted(live_server, world, chromium, tmp_path):
    task = world.tasks[1]  # 3.1.2, target 每年培训科技辅导员200人次
    # Only the education bureau and only the first half-year are due, so that accepting its report
    # is what turns the task green.
    task.assignments.exclude(unit=world.units["市教育和体育局"]).delete()
    world.periods[1].delete()
    period = world.periods[0]
    task_url = live_server.url + reverse("supervision:task_detail", args=[task.pk])
    evidence = tmp_path / "科技辅导员培训签到表.pdf"
    evidence.write_bytes(PDF_BYTES)

    office = logged_in_page(chromium, live_server, "office")
    office.goto(task_url)
    assert office.get_attribute("[data-status]", "data-status") == "red"
    shoot(office, "task-before")

    # The unit files its report.
    unit = logged_in_page(chromium, live_server, "edu")
    unit.goto(live_server.url + reverse("progress:my_tasks"))
    row = unit.locator('tr[data-task="3.1.2"]')
    assert row.locator("[data-state]").get_attribute("data-state") == "not_started"
    shoot(unit, "my-tasks")
    row.locator("a.button").click()
    unit.wait_for_selector("#report-form")
    unit.fill("textarea[name=narrative]", "上半年举办科技辅导员培训两期，共 230 人次。")  # autosaved 2 s later
    unit.wait_for_selector("#autosave-status .autosave-ok", timeout=15000)
    draft = ProgressReport.objects.get()
    assert draft.status == ReportStatus.DRAFT

    # A colleague saves from another computer; the next autosave here must not overwrite it.
    services.save_draft(
        actor=world.users["edu"], task=task, period=period, expected_revision=draft.revision,
        narrative="同事在另一台电脑上保存的版本", figures={},
    )
    unit.locator("textarea[name=narrative]").type("另附签到表。")
    conflict = unit.wait_for_selector("#autosave-status .conflict", timeout=15000)
    assert "同事在另一台电脑上保存的版本" in conflict.inner_text()
    assert ProgressReport.objects.get().narrative == "同事在另一台电脑上保存的版本"
    assert "另附签到表" in unit.input_value("textarea[name=narrative]")
    shoot(unit, "conflict")
    unit.click("button[value=overwrite]")
    unit.wait_for_selector(".msg-success")
    assert ProgressReport.objects.get().narrative.endswith("另附签到表。")
    target_id = task.targets.get().pk
    unit.fill(f"input[name=figure_{target_id}]", "230")
    unit.set_input_files("input[name=evidence_file]", str(evidence))
    shoot(unit, "form")
    unit.click("button[value=submit]")
    unit.wait_for_url("**/reports/*/")
    assert unit.get_attribute("h1 + p [data-state]", "data-state") == "submitted"
    assert "科技辅导员培训签到表.pdf" in unit.content()

    # The office returns it with a comment.
    office.goto(live_server.url + reverse("progress:review_queue"))
    shoot(office, "review-queue")
    office.click("tr[data-report] a.button")
    office.wait_for_selector(".review-box")
    shoot(office, "review")
    office.fill("textarea[name=comment]", "请补充培训照片，并说明参训学校数量。")
    office.click("button[value=return]")
    office.wait_for_url("**/review/")
    assert ProgressReport.objects.get().status == ReportStatus.RETURNED

    # The unit sees the comment in its inbox and on its task list, revises and resubmits.
    unit.goto(live_server.url + reverse("progress:my_tasks") + f"?period={period.pk}")
    assert row.locator("[data-state]").get_attribute("data-state") == "returned"
    assert "请补充培训照片" in row.inner_text()
    assert unit.locator(".nav-count").inner_text() == "1"
    unit.click("a.nav-inbox")
    assert "请补充培训照片" in unit.content()
    shoot(unit, "inbox")
    unit.goto(live_server.url + reverse("progress:my_tasks"))
    row.locator("a.button").click()
    unit.wait_for_selector("#report-form")
    unit.fill("textarea[name=narrative]", "上半年举办培训两期，覆盖 18 所学校，共 230 人次；照片见附件。")
    unit.click("button[value=submit]")
    unit.wait_for_url("**/reports/*/")
    assert unit.get_attribute("h1 + p [data-state]", "data-state") == "submitted"

    # The office accepts; the task turns green.
    office.goto(live_server.url + reverse("progress:review_queue"))
    office.click("tr[data-report] a.button")
    office.click("button[value=accept]")
    office.wait_for_url("**/review/")
    assert ProgressReport.objects.get().status == ReportStatus.ACCEPTED
    office.goto(task_url)
    assert office.get_attribute("[data-status]", "data-status") == "green"
    assert "230 人次 / 200 人次" in office.content()
    shoot(office, "task-after")
    office.set_viewport_size({"width": 390, "height": 844})
    shoot(office, "task-phone")
