"""The shared survey input layer: value vocabularies, blank rules and row-numbered bilingual problems."""

from __future__ import annotations

import math

import numpy as np
import pytest
from openpyxl import Workbook

from kesu.survey import SurveyDesign, estimate
from kesu.survey.columns import (
    ALL_MISSING,
    BLANK_DROPPED,
    BLANK_GROUP,
    ERROR,
    FALSE_SPELLINGS,
    MISSING,
    MISSING_COLUMN,
    MISSING_LEVEL,
    NO_ROWS,
    NOT_A_NUMBER,
    NOT_BINARY,
    NOT_POSITIVE,
    ROLE_CONFLICT,
    TRUE_SPELLINGS,
    WARNING,
    ColumnRoles,
    domain_column,
    id_column,
    indicator_column,
    number_column,
    positive_column,
    prepare_columns,
    problem_rows,
)
from kesu.survey.io import Table, read_table


def table(**columns: list) -> Table:
    """A table as read from a file: rows 2, 3, … below the header row."""
    arrays = {}
    for name, values in columns.items():
        if all(isinstance(value, float | int) and not isinstance(value, bool) for value in values):
            arrays[name] = np.asarray(values, dtype=float)
        else:
            arrays[name] = np.asarray(values, dtype=object)
    n = len(next(iter(columns.values())))
    return Table(arrays, "wave.csv", np.arange(2, n + 2))


def codes(problems) -> list[tuple[str, str, int | None]]:
    return [(problem.code, problem.column, problem.row) for problem in problems]


# --- outcome vocabulary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["1", "1.0", "1.00", "TRUE", "true", "True", "T", "t", "YES", "yes", "Y", "y", "是", "对", "具备",
     " 是 ", "ＴＲＵＥ", "１"],
)
def test_every_yes_spelling_is_one(spelling):
    problems = []
    values = indicator_column(table(x=[spelling, "否"]), "x", problems)
    assert problems == []
    assert values.tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    "spelling", ["0", "0.0", "FALSE", "false", "F", "NO", "no", "N", "n", "否", "错", "不具备", "ｆａｌｓｅ"]
)
def test_every_no_spelling_is_zero(spelling):
    problems = []
    values = indicator_column(table(x=["是", spelling]), "x", problems)
    assert problems == []
    assert values.tolist() == [1.0, 0.0]


def test_the_documented_vocabularies_are_disjoint_and_upper_case():
    assert not TRUE_SPELLINGS & FALSE_SPELLINGS
    assert all(spelling == spelling.upper().strip() for spelling in TRUE_SPELLINGS | FALSE_SPELLINGS)


def test_a_numeric_outcome_column_must_be_zero_or_one():
    problems = []
    values = indicator_column(table(x=[1, 0, 2, 0.5, 1]), "x", problems)
    assert codes(problems) == [(NOT_BINARY, "x", 4), (NOT_BINARY, "x", 5)]
    assert problems[0].en == "row 4, analysis column 'x': '2' is neither 1 nor 0 (nor 是/否, 具备/不具备, TRUE/FALSE, Y/N)"
    assert problems[0].zh.startswith("第 4 行，分析变量列“x”：“2”不是 0 或 1")
    assert values[:2].tolist() == [1.0, 0.0] and np.isnan(values[2:4]).all()


@pytest.mark.parametrize("value", ["maybe", "2", "是的", "-1", "有"])
def test_an_unknown_outcome_spelling_is_an_error_naming_its_row(value):
    problems = []
    indicator_column(table(x=["是", "否", value]), "x", problems)
    assert codes(problems) == [(NOT_BINARY, "x", 4)]
    assert f"{value!r}" in problems[0].en and f"“{value}”" in problems[0].zh


def test_a_blank_outcome_is_an_error_unless_blanks_are_dropped():
    data = table(x=["是", "", "否", "NA"])
    problems = []
    indicator_column(data, "x", problems)
    assert codes(problems) == [(MISSING, "x", 3), (MISSING, "x", 5)]
    assert problems[0].en == "row 3, analysis column 'x': value is missing"
    assert problems[0].zh == "第 3 行，分析变量列“x”：缺少取值"

    problems = []
    values = indicator_column(data, "x", problems, missing="drop")
    assert [(problem.severity, problem.code, problem.row, problem.unlisted_rows) for problem in problems] == [
        (WARNING, BLANK_DROPPED, 3, 1)
    ]
    assert "2 blank value(s) (first in row 3) are left out" in problems[0].en
    assert "有 2 行缺失（如第 3 行），估计时剔除" in problems[0].zh
    assert values[[0, 2]].tolist() == [1.0, 0.0] and np.isnan(values[[1, 3]]).all()


def test_an_outcome_with_no_value_at_all_cannot_be_estimated():
    problems = []
    indicator_column(table(x=[math.nan, math.nan]), "x", problems, missing="drop")
    assert codes(problems) == [(ALL_MISSING, "x", None)]
    assert problems[0].is_error and "全部缺失" in problems[0].zh


def test_xlsx_booleans_are_an_outcome(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["w", "literate"])
    for weight, flag in [(1, True), (2, False), (3, "是"), (4, 1)]:
        sheet.append([weight, flag])
    workbook.save(tmp_path / "wave.xlsx")
    problems = []
    assert indicator_column(read_table(tmp_path / "wave.xlsx"), "literate", problems).tolist() == [1, 0, 1, 1]
    assert problems == []


# --- weights and other numbers ------------------------------------------------------------------


def test_weight_problems_carry_the_spreadsheet_row_of_a_real_file(tmp_path):
    # The blank line is row 4 of the spreadsheet and is skipped, so the records are rows 2, 3, 5, 6, 7.
    path = tmp_path / "wave.csv"
    path.write_text("w,y\n1.5,1\n二,0\n\n,1\n-2,1\n0,1\n", encoding="utf-8")
    problems = []
    weights = positive_column(read_table(path), "w", problems)
    assert codes(problems) == [(NOT_A_NUMBER, "w", 3), (MISSING, "w", 5), (NOT_POSITIVE, "w", 6), (NOT_POSITIVE, "w", 7)]
    assert [problem.en for problem in problems] == [
        "row 3, weight column 'w': '二' is not a number",
        "row 5, weight column 'w': value is missing",
        "row 6, weight column 'w': -2 is not a positive number",
        "row 7, weight column 'w': 0 is not a positive number",
    ]
    assert [problem.zh for problem in problems] == [
        "第 3 行，权数列“w”：“二”不是数字",
        "第 5 行，权数列“w”：缺少取值",
        "第 6 行，权数列“w”：-2 不是正数",
        "第 7 行，权数列“w”：0 不是正数",
    ]
    assert all(problem.is_error for problem in problems)
    assert weights[0] == 1.5


def test_text_numbers_and_infinity_in_a_weight_column():
    problems = []
    weights = positive_column(table(w=["2.5", " 3 ", "inf", "1e400"]), "w", problems, role="fpc")
    assert weights[:2].tolist() == [2.5, 3.0]
    assert codes(problems) == [(NOT_A_NUMBER, "w", 4), (NOT_A_NUMBER, "w", 5)]
    assert problems[0].en.startswith("row 4, fpc column 'w'") and problems[0].zh.startswith("第 4 行，有限总体校正列“w”")


def test_a_numeric_variable_may_be_negative_but_not_text():
    problems = []
    values = number_column(table(y=["-1.5", "x", "", "4"]), "y", problems, missing="drop")
    assert codes(problems) == [(NOT_A_NUMBER, "y", 3), (BLANK_DROPPED, "y", 4)]
    assert values[0] == -1.5 and values[3] == 4.0


def test_one_kind_of_problem_lists_its_first_rows_and_counts_the_rest():
    problems = []
    positive_column(table(w=[-1.0] * 120 + [""] * 3), "w", problems, rows_per_issue=50)
    not_positive = [problem for problem in problems if problem.code == NOT_POSITIVE]
    assert [problem.row for problem in not_positive] == list(range(2, 52))
    assert [problem.unlisted_rows for problem in not_positive] == [0] * 49 + [70]
    assert [problem.row for problem in problems if problem.code == MISSING] == [122, 123, 124]
    assert problem_rows(problems) == 123


# --- identifiers and domains ----------------------------------------------------------------------


def test_ids_keep_zero_padded_codes_and_whole_number_codes_become_integers(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("village,stratum\n0101,330502\n0102,330503\n101,330502\n", encoding="utf-8")
    data = read_table(path)
    problems = []
    assert id_column(data, "village", problems).tolist() == ["0101", "0102", "101"]
    stratum = id_column(data, "stratum", problems, role="strata")
    assert stratum.dtype == np.int64 and stratum.tolist() == [330502, 330503, 330502]
    assert problems == []


def test_a_blank_id_is_an_error_naming_its_row():
    problems = []
    id_column(table(psu=["01", "", "02"]), "psu", problems)
    assert [(problem.code, problem.row, problem.en, problem.zh) for problem in problems] == [
        (MISSING, 3, "row 3, psu column 'psu': value is missing", "第 3 行，初级抽样单元列“psu”：缺少取值")
    ]


def test_blank_domain_values_form_their_own_group_with_one_warning():
    problems = []
    labels = domain_column(table(region=[330502, math.nan, 330503, math.nan]), "region", problems, role="region")
    assert labels.tolist() == ["330502", MISSING_LEVEL, "330503", MISSING_LEVEL]
    (warning,) = problems
    assert (warning.severity, warning.code, warning.row, warning.unlisted_rows) == (WARNING, BLANK_GROUP, 3, 1)
    assert warning.zh == "区划列“region”有 2 行缺失（如第 3 行），归入“（缺失）”组"
    assert warning.en == "region column 'region': 2 blank value(s) (first in row 3) form the group '（缺失）' (missing)"


def test_a_complete_domain_column_keeps_its_codes():
    problems = []
    assert domain_column(table(sex=["男", "女"]), "sex", problems).tolist() == ["男", "女"]
    region = domain_column(table(region=[330502, 330503]), "region", problems)
    assert region.dtype == np.int64
    assert problems == []


def test_a_missing_column_suggests_the_closest_one_in_both_languages():
    problems = []
    assert positive_column(table(weight=[1.0]), "weigth", problems) is None
    (problem,) = problems
    assert (problem.code, problem.row) == (MISSING_COLUMN, None)
    assert problem.en == "no weight column 'weigth'; did you mean 'weight'?"
    assert problem.zh == "数据中没有权数列“weigth”；是否是“weight”？"


# --- a whole wave ----------------------------------------------------------------------------------


def test_prepare_columns_gives_what_the_core_estimates_from():
    data = table(
        w=[1.0, 2.0, 1.0, 3.0, 2.0, 1.0],
        stratum=["01", "01", "01", "02", "02", "02"],
        psu=["a", "b", "b", "c", "d", "d"],
        literate=["是", "否", "具备", "不具备", "TRUE", ""],
        sex=["男", "女", "", "男", "女", "男"],
    )
    prepared = prepare_columns(
        data, ColumnRoles(weight="w", strata="stratum", psu=("psu",), outcome="literate", by=("sex",)), missing="drop"
    )
    assert prepared.ok and [problem.code for problem in prepared.warnings] == [BLANK_DROPPED, BLANK_GROUP]
    assert prepared.incomplete_rows == 1
    design = SurveyDesign.from_columns(prepared.columns, weight="w", strata="stratum", psu="psu")
    rows = estimate(design, "prop", "literate", by=["sex"], na_rm=True)
    assert [row.domain["sex"] for row in rows] == sorted(["男", "女", MISSING_LEVEL])
    overall = estimate(design, "prop", "literate", na_rm=True)[0]
    assert overall.estimate == pytest.approx((1 + 1 + 2) / (1 + 2 + 1 + 3 + 2))


def test_prepare_columns_reports_every_column_at_once():
    data = table(w=[1.0, -1.0, 1.0], y=["是", "x", "否"], g=["a", "", "b"])
    prepared = prepare_columns(data, ColumnRoles(weight="w", psu=("cluster",), outcome="y", by=("g",)))
    assert not prepared.ok
    assert codes(prepared.errors) == [(NOT_POSITIVE, "w", 3), (MISSING_COLUMN, "cluster", None), (NOT_BINARY, "y", 3)]
    assert codes(prepared.warnings) == [(BLANK_GROUP, "g", 3)]
    assert all(problem.severity == ERROR for problem in prepared.errors)


def test_one_column_may_be_a_stratum_and_a_domain_but_not_a_weight_and_a_domain():
    data = table(w=[1.0, 2.0], stratum=[1.0, 2.0])
    both = prepare_columns(data, ColumnRoles(weight="w", strata="stratum", by=("stratum",)))
    assert both.ok and both.columns["stratum"].tolist() == [1, 2]
    clash = prepare_columns(data, ColumnRoles(weight="w", by=("w",)))
    assert codes(clash.errors) == [(ROLE_CONFLICT, "w", None)]
    assert clash.errors[0].zh == "列“w”不能同时作为权数列和分组列"


def test_a_table_without_rows_is_one_problem():
    prepared = prepare_columns(table(w=[]), ColumnRoles(weight="w"))
    assert codes(prepared.problems) == [(NO_ROWS, "", None)]


def test_an_unknown_missing_policy_is_a_programming_error():
    with pytest.raises(ValueError, match="missing must be one of error, drop"):
        prepare_columns(table(w=[1.0]), ColumnRoles(weight="w"), missing="ignore")
