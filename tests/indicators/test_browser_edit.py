"""The indicator editor in a real browser: the formula is checked as it is typed (HTMX), a wrong one
is named and cannot be saved, a right one shows a sample result and saves."""

import pytest
from tests.browser import log_in

from kesu.indicators.models import Indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def local_indicator(world):
    from kesu.audit.context import acting_as
    from kesu.indicators import services
    from kesu.indicators.models import DataElement
    from kesu.indicators.pages import default_year
    from kesu.indicators.services import CellWrite

    services.seed_national_set(actor=None)
    office = world.users["office"]
    lectures = DataElement.objects.get(code="lectures")
    with acting_as(office):
        services.write_values(actor=office, writes=[CellWrite(lectures, None, world.county, None, 8)],
                              year=default_year())
        return services.save_indicator(actor=office, code="lecture_count", name="讲座次数", numerator="#{lectures}",
                                       denominator="", factor=1, unit="次", decimals=0)


def test_formula_is_checked_live_and_saved(live_server, local_indicator, browser_page):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, "office")
    page.goto(f"{live_server.url}/indicators/{local_indicator.code}/")
    page.click("text=修改指标")
    page.wait_for_url("**/lecture_count/edit/")

    page.fill("#id_numerator", "#{lectures} * ")
    page.press("#id_numerator", "Tab")
    page.wait_for_selector("#formula-check >> text=公式有误，不能保存")

    page.fill("#id_numerator", "#{lectures} * 3")
    page.press("#id_numerator", "Tab")
    page.wait_for_selector("#formula-check >> text=公式检查通过")
    assert "24" in page.inner_text("#formula-check")
    assert "公式即：科普（技）讲座举办次数 × 3" in page.inner_text("#formula-check")

    page.click("button[name=save]")
    page.wait_for_url("**/indicators/lecture_count/")
    # Read in words; the stored expression is kept as typed.
    assert "公式：科普（技）讲座举办次数 × 3" in page.inner_text("main") and errors == []
    assert Indicator.objects.get(code="lecture_count").numerator == "#{lectures} * 3"
