"""The entry page in a real browser: the region picker (down to townships), names instead of codes,
the completeness counts updated as cells are filled, the refusal of an incomplete 报送, and the
formulas in words on the list."""

import pytest
from tests.browser import log_in, screenshot

from kesu.indicators.models import BlankReason, Submission
from kesu.org.models import Region, RegionLevel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2024


@pytest.fixture
def township(world):
    from kesu.indicators import services

    services.seed_national_set(actor=None)
    return Region.objects.create(code="371083100", name="夏村镇", level=RegionLevel.TOWNSHIP, parent=world.county)


def test_pick_a_township_fill_and_submit_only_when_complete(live_server, township, browser_page):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, "city_office")
    page.goto(f"{live_server.url}/indicators/entry/?year={YEAR}")

    # Grouped by level, every region the office may enter for; no code to type.
    groups = page.eval_on_selector_all("#region-picker optgroup", "gs => gs.map(g => g.label)")
    assert groups == ["地市级", "县区级", "乡镇街道"]
    page.fill("#region-filter", "夏村")
    visible = page.eval_on_selector_all("#region-picker option:not([hidden])", "os => os.map(o => o.textContent)")
    assert visible == ["夏村镇（乳山市）"]
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("h1 >> text=夏村镇")

    # Names, not codes such as outreach_staff.full_time.
    table = page.inner_text("table")
    assert "科普人员 · 专职" in table and "outreach_staff" not in table

    page.fill("input[aria-label='科普（技）讲座举办次数']", "0")
    page.press("input[aria-label='科普（技）讲座举办次数']", "Tab")
    page.wait_for_selector("#row-lectures >> text=已保存")
    page.wait_for_selector("#completeness >> text=填 0 的 1 项")

    page.click("text=报送上级审核")
    page.wait_for_load_state()
    refusal = page.inner_text("main")
    assert "项未填写，且未说明原因" in refusal and "科普人员（专职）" in refusal
    assert not Submission.objects.exists()
    screenshot(page, "indicators-entry-incomplete")

    page.select_option("select[aria-label='科技馆空项原因']", "not_applicable")
    page.wait_for_selector("#completeness >> text=空项已说明原因 1 项")
    assert BlankReason.objects.get(element__code="science_museums", region=township).kind == "not_applicable"

    page.select_option("#blanks-form select[name=kind]", "unavailable")
    page.click("#blanks-form button")
    page.wait_for_selector("#completeness >> text=无未说明原因的空项")
    page.click("text=报送上级审核")
    page.wait_for_selector("text=已报送，等待上级审核")
    assert Submission.objects.get(region=township).status == "submitted"
    assert errors == []


def test_formulas_read_in_words(live_server, township, browser_page):
    page = browser_page
    log_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/indicators/")
    text = page.inner_text("main")
    assert "科普人员 ÷ 常住人口 × 10000" in text
    assert "#{" not in text
