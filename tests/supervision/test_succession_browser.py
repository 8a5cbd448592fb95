"""Plans over time in a real browser: the city's dashboard names a county whose plan has ended, and
the county office declares its 2026—2030 plan the successor of the 2021—2025 one, carrying two
unfinished tasks over; the task pages then link old and new."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.browser import log_in, screenshot
from tests.supervision.test_succession import make_successor

from kesu.planning.models import Plan, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ended_plan_then_successor_declaration(live_server, world, browser_page):
    # Today (December 2026) 乳山市's plan has ended and no new one is in: the city's dashboard says so.
    page = browser_page
    log_in(page, live_server, "city_office")
    page.goto(live_server.url + reverse("evaluation:region_dashboard", args=["371000"]) + "?year=2026")
    note = page.locator(".plan-note.plan-ended").first
    assert note.inner_text() == "方案已到期（2021—2025，尚无新方案）"
    assert "乳山市 · 方案已到期" in page.locator("main, body").first.inner_text()
    screenshot(page, "region-dashboard-plan-ended")

    successor = make_successor(world)
    _spirit, tutors, farmers = world.tasks
    page.context.clear_cookies()  # sign the city office out
    log_in(page, live_server, "office")
    # The office lands on the plan in force this year: the new one.
    page.wait_for_url(f"**/plans/{successor.pk}/dashboard/")
    page.click("#plan-succession >> text=衔接上一期")
    page.wait_for_url(f"**/plans/{world.plan.pk}/succession/{successor.pk}/")

    rows = page.locator("#carry-over tbody tr")
    assert rows.count() == 3  # nothing reported in the world: all three tasks are unfinished
    tutor_row = page.locator(f'#carry-over tr[data-task="{tutors.pk}"]')
    # Suggested by title: the same wording in the new plan.
    chosen = tutor_row.locator("select").evaluate("s => s.options[s.selectedIndex].text")
    assert chosen.startswith("1.1 加强科技辅导员队伍建设") and "（建议）" in chosen
    tutor_row.locator("input[type=checkbox]").check()
    farmer_row = page.locator(f'#carry-over tr[data-task="{farmers.pk}"]')
    farmer_row.locator("select").select_option(str(successor.tasks.get(code="1.2").pk))
    farmer_row.locator("input[type=checkbox]").check()
    screenshot(page, "succession-form")
    page.click("#succession-form button[type=submit]")

    pairs = page.locator("#confirm-pairs tbody tr")
    assert pairs.count() == 2
    assert "加强科技辅导员队伍建设" in pairs.nth(0).inner_text()
    assert Plan.objects.get(pk=successor.pk).preceding_plan_id is None  # not before confirming
    page.click("button[value=confirm]")
    page.wait_for_url(f"**/plans/{successor.pk}/dashboard/")
    assert "上一期方案" in page.locator("#plan-succession").inner_text()
    assert Task.objects.get(plan=successor, code="1.2").carried_from_id == farmers.pk

    page.goto(live_server.url + reverse("supervision:task_detail", args=[successor.tasks.get(code="1.1").pk]))
    assert "承接自上一期" in page.locator("#task-succession").inner_text()
    page.click("#task-succession a")
    page.wait_for_url(f"**/tasks/{tutors.pk}/")
    assert "由下一期任务承接：1.1 加强科技辅导员队伍建设" in page.locator("#task-succession").inner_text()
    screenshot(page, "task-carried-into")
