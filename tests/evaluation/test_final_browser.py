"""The final evaluation in a real browser: reached from the plan's tabs, every section shown, a file
downloaded, nothing fetched from outside the server."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.urls import reverse
from tests.browser import log_in, screenshot
from tests.evaluation.final_world import build_final_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_opens_the_final_evaluation_and_downloads_the_pdf(live_server, world, browser_page):
    build_final_world(world)  # today (the real one) is after 2025: the plan's period is over
    page = browser_page
    requests, failed, errors = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, live_server, "office")
    page.goto(live_server.url + reverse("supervision:dashboard", args=[world.plan.pk]))
    page.click("nav.tabs >> text=总结评估")
    page.wait_for_url(f"**{reverse('evaluation:final_report', args=[world.plan.pk])}")
    assert page.locator("h1").inner_text() == "乳山市全民科学素质行动实施方案（2021—2025年）总结评估报告"
    assert page.locator(".final-report section h2").all_inner_texts() == [
        "一、总体评价", "二、总体目标实现情况", "三、量化目标完成情况", "四、年度推进情况", "五、成员单位履职情况",
        "六、未完成任务与下一期衔接",
    ]
    assert page.locator(".final-report figure svg").count() == 4
    carried = page.locator("table", has_text="承接到下一期方案的任务")
    assert "2.1 持续培育高素质农民" in carried.inner_text()
    screenshot(page, "final-evaluation", full_page=True)

    with page.expect_download() as download_info:
        page.click("#final-downloads >> text=下载 PDF")
    download = download_info.value
    assert download.suggested_filename == "乳山市全民科学素质行动实施方案（2021—2025年）总结评估报告.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    assert failed == [] and errors == []
    server = urlparse(live_server.url).netloc
    assert [u for u in requests if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != server] == []
