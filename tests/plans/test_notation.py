"""kesu.plans.notation and the kesu_format template filters: targets and amounts as an office writes
them (issue 14 item 6: `~ 20 场次`, `= 120000 名`, `>= 200.0人次` were programmer notation)."""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kesu.plans.model import COMPARATORS
from kesu.plans.notation import (
    COMPARATOR_CHOICES,
    COUNT_UNITS,
    comparator_symbol,
    comparator_words,
    format_amount,
    format_percent,
    format_target,
    is_count_unit,
)


@pytest.mark.parametrize(("comparator", "symbol", "words"), [
    (">=", "≥", "不少于"), ("<=", "≤", "不超过"), ("=", "", "达到"), ("~", "约", "约"),
    (">", ">", "超过"), ("<", "<", "低于"), ("≥", "≥", "不少于"), ("不超过", "≤", "不超过"),
    ("", "≥", "不少于"), (None, "≥", "不少于"),
])
def test_comparators(comparator, symbol, words):
    assert comparator_symbol(comparator) == symbol
    assert comparator_words(comparator) == words


def test_choices_cover_every_stored_comparator_in_words():
    assert [value for value, _ in COMPARATOR_CHOICES] == [">=", "<=", "=", "~", ">", "<"]
    assert set(COMPARATORS) == {value for value, _ in COMPARATOR_CHOICES}
    for value, label in COMPARATOR_CHOICES:
        assert label.startswith(comparator_words(value)), label


@pytest.mark.parametrize(("value", "unit", "text"), [
    (20, "场次", "20 场次"),
    (200.0, "人次", "200 人次"),  # the preview showed `200.0人次`
    (4.4, "场", "4 场"),  # a count is whole
    (4.5, "名", "5 名"),  # half up, not to even
    (12000, "名", "1.2 万名"),  # as plans write it
    (120000, "名", "12 万名"),
    (12345, "名", "12345 名"),  # not a round number of 万: written out
    (54.25, "%", "54.25%"),
    (15.0, "%", "15%"),
    (500, "万元", "500 万元"),  # already in 万
    (1.234, "万元", "1.23 万元"),
    (0.5, "个百分点", "0.5 个百分点"),
    (3.55, "人/万人", "3.55 人/万人"),  # a ratio is not a count
    (7, "", "7"),
    (None, "名", "—"),
    (float("nan"), "名", "—"),
    ("abc", "名", "—"),
])
def test_amounts(value, unit, text):
    assert format_amount(value, unit) == text


def test_average_of_counts_keeps_a_decimal_when_asked():
    assert format_amount(4.44, "场", places=1) == "4.4 场"


@pytest.mark.parametrize(("args", "words", "text"), [
    ((20, "~", "场次"), False, "约 20 场次"),
    ((120000, "=", "名"), False, "12 万名"),
    ((120000, "=", "名"), True, "达到 12 万名"),
    ((200.0, ">=", "人次"), False, "≥ 200 人次"),
    ((200.0, ">=", "人次"), True, "不少于 200 人次"),
    ((5, "<=", "%"), True, "不超过 5%"),
])
def test_targets(args, words, text):
    assert format_target(*args, words=words) == text


def test_percent():
    assert format_percent(4.54) == "454%"
    assert format_percent(0.5444) == "54.4%"
    assert format_percent(None) == "—"


COUNTS = st.sampled_from(sorted(COUNT_UNITS))
FINITE = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@given(FINITE, COUNTS)
def test_counts_are_whole(value, unit):
    """Whatever the figure, a count reads as a whole number (of things, or of 万/亿 things)."""
    number, _, rest = format_amount(value, unit).partition(" ")
    scale = 10**8 if rest.startswith("亿") else 10**4 if rest.startswith("万") else 1
    assert "." not in number or scale > 1
    assert (Decimal(number) * scale) % 1 == 0, (value, unit, number, rest)


@given(st.integers(min_value=-10**9, max_value=10**9), st.sampled_from(["", "%", "万元", "元", "名", "平方米"]))
def test_whole_numbers_never_show_point_zero(value, unit):
    text = format_amount(float(value), unit)
    assert not re.search(r"\.0+(?!\d)", text), text


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.sampled_from(["名", "万元", "%", "平方米"]))
def test_amount_reads_back_close_to_the_value(value, unit):
    text = format_amount(value, unit)
    number, _, rest = text.partition(" ")
    number = number.rstrip("%")
    scale = 1e8 if rest.startswith("亿") else 1e4 if rest.startswith("万") and not unit.startswith("万") else 1
    tolerance = 0.5 if is_count_unit(unit) else 0.005
    assert abs(float(number) * scale - value) <= tolerance * scale + 1e-6, (value, text)


def test_template_filters():
    from django.template import Context, Template

    target = SimpleNamespace(value=20.0, comparator="~", unit="场次", kind="", attainment_target=None)
    template = Template(
        "{% load kesu_format %}{{ v|amount:'名' }}|{{ c|comparator_words }}|{{ t|target_text }}|"
        "{{ t|target_text:'words' }}|{{ d|target_text }}|{{ none|amount:'名' }}|{{ k|target_kind }}"
    )
    rendered = template.render(Context({
        "v": 4.4, "c": "<=", "t": target, "d": {"value": 200.0, "comparator": ">=", "unit": "人次"}, "none": None,
        "k": "yearly",
    }))
    assert rendered == "4 名|不超过|约 20 场次|约 20 场次|≥ 200 人次|—|年度目标"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_plain_number_is_exact_and_has_no_exponent(value):
    from kesu.plans.notation import plain_number

    text = plain_number(value)
    assert "e" not in text.lower() and float(text) == value


def test_plain_number_of_large_figures():
    from kesu.plans.notation import plain_number

    assert plain_number(1234567.0) == "1234567" and plain_number(0.1) == "0.1" and plain_number(None) == ""
