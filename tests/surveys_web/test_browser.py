"""The survey pages in a real browser (Debian's Chromium through Playwright): upload, mapping with the
HTMX check, confirmation, and the results page whose charts (error bars, trend with target line and
projection) the vendored ECharts draws.  Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from tests.factories import PASSWORD
from tests.surveys_web.conftest import csv_bytes, scored_wave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()


def test_upload_map_confirm_and_charts_in_the_browser(live_server, huzhou, browser_page, tmp_path):
    page = browser_page
    errors, outside = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: not request.url.startswith(live_server.url) and outside.append(request.url))

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "hz_stat")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    for year, seed in ((2021, 41), (2024, 42)):
        path = tmp_path / f"wave{year}.csv"
        path.write_bytes(csv_bytes(scored_wave(n=500, seed=seed)))
        page.goto(live_server.url + reverse("surveys:upload", args=["330500"]))
        page.set_input_files("input[name=file]", str(path))
        page.fill("input[name=year]", str(year))
        page.click("text=上传并检查")
        page.wait_for_url("**/upload/*/")
        assert "检查通过" in page.inner_text("#checks")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "surveys-mapping.png"), full_page=True)
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
        page.wait_for_url("**/surveys/330500/?wave=*")

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

    page.click('[data-survey-toggle="trend"]')
    assert page.locator('[data-survey-table="trend"]').is_visible()
    assert "规划目标" in page.inner_text('[data-survey-table="trend"]')
    page.click('[data-survey-toggle="trend"]')

    with page.expect_download() as download:
        page.click('[data-survey-png="dimension-0"]')
    assert download.value.suggested_filename.endswith(".png")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "surveys-results.png"), full_page=True)
    assert errors == []
    assert outside == []
