"""The dashboard in a real browser (Debian's Chromium through Playwright): the vendored ECharts draws
its canvases, the table view and PNG export work, nothing is fetched from outside the server, and
screenshots of the dashboard and the matrix are kept in test-artifacts/."""

from urllib.parse import urlparse

import pytest
from tests.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def test_dashboard_draws_charts_with_vendored_echarts(live_server, scored_world, browser_page):
    page = browser_page
    requests, console_errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))

    log_in(page, live_server, "office")
    page.wait_for_url("**/plans/*/dashboard/")

    page.wait_for_function("window.kesuCharts && Object.keys(window.kesuCharts).length === 4")
    assert page.evaluate("typeof echarts.version") == "string"
    canvases = page.locator("[data-chart] canvas")
    assert canvases.count() == 4
    box = canvases.first.bounding_box()
    assert box["width"] > 100 and box["height"] > 100

    # The status pie's numbers, one click away under the chart (查看数据).
    table = page.locator('[data-chart-table="status_pie"] table')
    assert not table.is_visible()
    page.click('[data-chart-table="status_pie"] > summary')
    assert table.is_visible() and page.locator("#chart-status_pie").is_visible()
    assert "任务数" in table.inner_text()
    page.click('[data-chart-table="status_pie"] > summary')

    with page.expect_download() as download_info:
        page.click('[data-chart-png="group_status"]')
    # The chart's title, with the "/" a file name cannot hold made "_" by the browser.
    assert download_info.value.suggested_filename == "各行动_工程任务状态.png"

    screenshot(page, "dashboard", full_page=True)

    page.click("nav.tabs >> text=责任矩阵")
    page.wait_for_selector("table.matrix")
    page.select_option("select[name=status]", "red")
    page.wait_for_function("document.querySelectorAll('#matrix tbody tr[data-task]').length === 3")
    screenshot(page, "matrix", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "matrix-phone", full_page=False)

    assert failed == []
    assert console_errors == []
    server = urlparse(live_server.url).netloc
    outside = [url for url in requests if urlparse(url).scheme in ("http", "https") and urlparse(url).netloc != server]
    assert outside == []
    assert any(url.endswith("/static/vendor/echarts.min.js") for url in requests)
