from kesu.literacy.templatetags.survey_format import number, pct, points


def test_filters_show_a_dash_for_missing_empty_or_infinite_values():
    for missing in (None, "", "n/a", float("nan"), float("inf")):
        assert pct(missing) == "—"
        assert points(missing) == "—"
        assert number(missing) == "—"


def test_filters_format_shares_and_numbers():
    assert pct(0.1234) == "12.3%"
    assert pct("0.155", 2) == "15.50%"
    assert points(0.0123) == "1.2"
    assert number(1.23456) == "1.23"
