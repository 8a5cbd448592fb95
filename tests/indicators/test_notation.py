"""Formulas and broken rules as an office reads them: the elements' Chinese names, × and ÷, and the
figures on the side of the rule they belong to."""

import pytest
from tests.factories import PASSWORD

from kesu.audit.context import acting_as
from kesu.indicators import formulas, selectors, services
from kesu.indicators.models import DataElement, Indicator
from kesu.indicators.services import CellWrite, SubmissionBlocked

pytestmark = pytest.mark.django_db

NAMES = {"outreach_staff": "科普人员", "resident_population": "常住人口", "a": "甲", "b": "乙", "c": "丙"}


def name_of(code, option):
    return NAMES[code] + (f"（{ {'full_time': '专职'}[option] }）" if option else "")


@pytest.mark.parametrize(("numerator", "denominator", "factor", "shown"), [
    ("#{outreach_staff.full_time}", "#{resident_population}", 10000, "科普人员（专职） ÷ 常住人口 × 10000"),
    ("#{a} + #{b}", "#{c}", 1, "(甲 + 乙) ÷ 丙"),
    ("#{a}", "#{b} + #{c}", 1, "甲 ÷ (乙 + 丙)"),
    ("#{a} * 2 - #{b}", "", 1, "甲 × 2 − 乙"),
    ("#{a} + #{b}", "", 100, "(甲 + 乙) × 100"),
    ("-#{a} / 0.5", "", 1, "−甲 ÷ 0.5"),
])
def test_formula_in_words(numerator, denominator, factor, shown):
    assert formulas.display_indicator(numerator, denominator, factor, name_of) == shown


def test_a_formula_that_does_not_parse_is_shown_as_typed():
    assert formulas.display("#{a} + (", name_of) == "甲 + ("
    assert formulas.display("#{a} ×", name_of) == "#{a} ×"


def test_pages_show_names_and_keep_the_stored_expression(client, world, national):
    indicator = Indicator.objects.get(code="staff_per_10k")
    stored = (indicator.numerator, indicator.denominator)
    text = selectors.Catalogue.load().indicator_text(indicator)
    assert "#{" not in text and "常住人口" in text and "× 10000" in text
    assert client.login(username="leader", password=PASSWORD)
    listing = client.get("/indicators/").content.decode()
    detail = client.get(f"/indicators/{indicator.code}/").content.decode()
    assert text in listing and text in detail
    assert "#{resident_population}" not in listing
    indicator.refresh_from_db()
    assert (indicator.numerator, indicator.denominator) == stored


def test_a_broken_rule_reads_the_right_way_round(world, national):
    office = world.users["office"]
    elements = {e.code: e for e in DataElement.objects.filter(code__in=["government_funding", "funding_raised"])}
    with acting_as(office):
        services.write_values(actor=office, year=2024, writes=[
            CellWrite(elements["government_funding"], None, world.county, None, 600),
            CellWrite(elements["funding_raised"], None, world.county, None, 560),
        ])
    (finding,) = [f for f in selectors.validate(national, world.county, 2024)
                  if f.rule.code == "government_within_total"]
    assert finding.comparison == "政府拨款（600）不应大于年度科普经费筹集额（560）"
    assert "≤" not in str(finding)
    with pytest.raises(SubmissionBlocked, match="政府拨款（600）不应大于年度科普经费筹集额（560）"):
        services.submit(actor=office, data_set=national, region=world.county, year=2024)


def test_every_rule_of_the_national_set_reads_in_words(world, national):
    catalogue = selectors.Catalogue.load()
    for rule in national.rules.all():
        finding = selectors.Finding(rule, 7, 5, catalogue.formula_text(rule.left), catalogue.formula_text(rule.right))
        text = str(finding)
        assert "#{" not in text and "<=" not in text and ">=" not in text and "≤" not in text, text
