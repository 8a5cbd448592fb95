"""The formula language: parsing, errors with positions, evaluation, units, division by zero."""

import pytest

from kesu.indicators import formulas

VALUES = {"area": 12000.0, "museum_area": 4000.0, "population": 800000.0, "zero": 0.0, "staff.full_time": 30.0}


def lookup(element, option):
    return VALUES.get(f"{element}.{option}" if option else element)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("-#{area} + 2", -11998.0),
        ("10 / 4", 2.5),
        ("(#{area} + #{museum_area}) / #{population} * 10000", 200.0),
        ("#{staff.full_time} * 2", 60.0),
        ("8 - 2 - 1", 5.0),  # left-associative
        ("16 / 4 / 2", 2.0),
    ],
)
def test_evaluates_against_hand_computed_values(source, expected):
    assert formulas.evaluate(formulas.parse(source), lookup) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("source", "position", "words"),
    [
        ("#{area} +", 9, "不完整"),
        ("(#{area} + 1", 12, "缺少右括号"),
        ("#{area})", 7, "多余的右括号"),
        ("#{area} 2", 8, "缺少运算符"),
        ("#area", 0, "#{代码}"),
        ("#{area} × 2", 8, "半角"),
        ("#{area} ^ 2", 8, "无法识别"),
        ("", 0, "为空"),
        ("* 3", 0, "此处应为"),
    ],
)
def test_invalid_formulas_point_at_the_error(source, position, words):
    with pytest.raises(formulas.FormulaError) as caught:
        formulas.parse(source)
    assert caught.value.position == position
    assert words in str(caught.value)
    assert f"第{position + 1}个字符处" in str(caught.value)


def test_python_code_is_not_evaluated():
    with pytest.raises(formulas.FormulaError):
        formulas.parse("__import__('os').system('true')")


def test_division_by_zero_inside_a_formula_is_not_a_number():
    result = formulas.compute_indicator(formulas.parse("#{area} / #{zero}"), None, 1.0, lookup)
    assert result.value is None and result.note == formulas.NOT_COMPUTABLE_ZERO


def test_zero_denominator_gives_the_message_not_an_exception():
    result = formulas.compute_indicator(formulas.parse("#{area}"), formulas.parse("#{zero}"), 10000, lookup)
    assert result == formulas.IndicatorResult(None, "无法计算（分母为0）")


def test_missing_value_is_reported_as_missing():
    result = formulas.compute_indicator(formulas.parse("#{unknown}"), formulas.parse("#{population}"), 1, lookup)
    assert result.value is None and result.note == formulas.NOT_COMPUTABLE_MISSING


def test_indicator_rounds_to_its_decimals():
    result = formulas.compute_indicator(formulas.parse("#{area}"), formulas.parse("#{population}"), 10000, lookup, 1)
    assert result.value == 150.0


ELEMENTS = {
    "area": ("平方米", frozenset()),
    "population": ("人", frozenset()),
    "staff": ("人", frozenset({"full_time", "part_time"})),
}


def test_check_accepts_a_sound_indicator_and_tries_it():
    check = formulas.check_indicator("#{area}", "#{population}", 10000, "平方米/万人", ELEMENTS, {"area": 500, "population": 100000})
    assert check.ok and not check.warnings
    assert check.unit == "平方米/人"
    assert check.sample.value == pytest.approx(50.0)


def test_check_refuses_unknown_element_and_option_with_position():
    check = formulas.check_indicator("#{area} + #{nothing}", "#{staff.retired}", 1, "", ELEMENTS)
    assert not check.ok
    assert any("第11个字符处" in e and "nothing" in e for e in check.errors)
    assert any("retired" in e for e in check.errors)


def test_check_refuses_adding_different_units():
    check = formulas.check_indicator("#{area} + #{population}", "", 1, "", ELEMENTS)
    assert not check.ok and "单位不一致" in check.errors[0]


def test_check_warns_when_declared_unit_disagrees():
    check = formulas.check_indicator("#{staff}", "#{population}", 100, "平方米/万人", ELEMENTS)
    assert check.ok and check.warnings


def test_percentage_indicator_is_dimensionless():
    check = formulas.check_indicator("#{staff.full_time}", "#{staff}", 100, "%", ELEMENTS)
    assert check.ok and not check.warnings


def test_missing_part_of_a_sum_counts_as_zero_but_not_in_a_product():
    assert formulas.evaluate(formulas.parse("#{area} + #{unknown}"), lookup) == 12000.0
    assert formulas.evaluate(formulas.parse("#{unknown} + #{nothing}"), lookup) is None
    assert formulas.evaluate(formulas.parse("#{area} * #{unknown}"), lookup) is None
