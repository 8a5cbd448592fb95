"""The task page of the issue's example in a real browser: the yearly target's kind, the comparator in
words, each year's own figure (not a running total), whole-number counts, and the light decided by the
latest year."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.browser import log_in, screenshot
from tests.supervision.test_right_figures import ON_TRACK_LATELY, competitions_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_task_page_shows_the_right_figures(live_server, world, browser_page):
    task = competitions_task(world, ON_TRACK_LATELY)
    page = browser_page
    log_in(page, live_server, "office")
    page.goto(live_server.url + reverse("supervision:task_detail", args=[task.pk]))

    target = page.locator(".target-progress").first
    assert target.locator(".kind-badge").inner_text() == "年度目标"
    assert target.locator(".target-text").inner_text() == "约 20 场次"
    lines = target.locator(".progress-line")
    assert lines.count() == 5
    year_2024 = lines.nth(3)
    assert year_2024.locator(".progress-label").inner_text() == "2024年"
    assert lines.nth(4).locator(".decides-note").inner_text() == "红黄绿灯按此年判断"
    assert year_2024.locator(".progress-value").inner_text() == "25 场次 / 20 场次（125%）"
    assert "市人社局 4 场次" in lines.nth(0).inner_text()
    assert "decides" in (lines.nth(4).get_attribute("class") or "")
    text = page.locator("main").inner_text()
    assert "4.40" not in text and "~ 20" not in text and "2021年进度" not in text
    assert page.locator("h1 [data-status]").get_attribute("data-status") == "green"
    screenshot(page, "task-right-figures", full_page=True)
