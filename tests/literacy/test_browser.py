"""The survey pages in a real browser (Debian's Chromium through Playwright): upload, mapping with the
HTMX check, confirmation, and the results page whose charts (error bars, trend with target line and
projection) the vendored ECharts draws.  Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.browser import log_in, screenshot
from tests.literacy.conftest import csv_bytes, scored_wave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def test_upload_map_confirm_and_charts_in_the_browser(live_server, huzhou, browser_page, tmp_path):
    page = browser_page
    errors, outside = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: not request.url.startswith(live_server.url) and outside.append(request.url))

    log_in(page, live_server, "hz_stat")

    for year, seed in ((2021, 41), (2024, 42)):
        path = tmp_path / f"wave{year}.csv"
        path.write_bytes(csv_bytes(scored_wave(n=500, seed=seed)))
        page.goto(live_server.url + reverse("literacy:upload", args=["330500"]))
        page.set_input_files("input[name=file]", str(path))
        page.fill("input[name=year]", str(year))
        page.click("text=上传并检查")
        page.wait_for_url("**/upload/*/")
        assert "检查通过" in page.inner_text("#checks")
        screenshot(page, "surveys-mapping", full_page=True)
        # Changing a column re-runs the checks over HTMX without leaving the page.
        page.select_option("select[name=weight]", "psu_population")
        page.select_option("select[name=weight]", "weight")
        page.select_option("select[name=strata]", "")
        # Without strata the fpc column (PSUs per stratum) no longer fits: the core's message is shown.
        page.wait_for_function("document.querySelector('#checks').innerText.includes('抽样设计无法用于估计')")
        page.select_option("select[name=strata]", "stratum")
        page.wait_for_function("document.querySelector('#checks').innerText.includes('10 个层')")
        assert "检查通过" in page.inner_text("#checks")
        page.click("button[value=confirm]")
        page.wait_for_url(f"**{reverse('literacy:region', args=['330500'])}?wave=*")

    page.wait_for_function("window.kesuSurveyCharts && Object.keys(window.kesuSurveyCharts).length === 6")
    canvases = page.locator("[data-survey-chart] canvas")
    assert canvases.count() == 6
    box = canvases.first.bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    series_types = page.evaluate(
        "window.kesuSurveyCharts['trend'].getOption().series.map(function (s) { return s.type + ':' + s.name; })"
    )
    assert "custom:95% 置信区间" in series_types
    assert "scatter:规划目标" in series_types and "line:朴素线性外推（仅供参考）" in series_types

    page.click('[data-survey-table="trend"] > summary')  # 查看数据
    assert page.locator('[data-survey-table="trend"] table').is_visible()
    assert "规划目标" in page.inner_text('[data-survey-table="trend"]')
    page.click('[data-survey-table="trend"] > summary')

    with page.expect_download() as download:
        page.click('[data-survey-png="dimension-0"]')
    assert download.value.suggested_filename == "按区划分：公民具备科学素质的比例.png"  # the chart's title

    screenshot(page, "surveys-results", full_page=True)
    assert errors == []
    assert outside == []
