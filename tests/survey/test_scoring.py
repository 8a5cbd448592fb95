"""Questionnaire configs: validation with file positions, answer matching and both rule generations."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from kesu.survey.errors import SurveyError
from kesu.survey.scoring import (
    bundled_questionnaires,
    choice_options,
    load_questionnaire,
    normalise_answer,
    parse_questionnaire,
    score_answers,
)

# Weights 40/20/20/20 over raw maxima 4/2/2/2, so one raw point is worth 10 scaled points in
# every dimension: totals are easy to compute by hand.
TOTAL_SCORE_CONFIG = """\
questionnaire:
  id: test-total
  version: "1"
  effective_years: [2024, null]
  description: test config
rule:
  total_score_above: 70
dimensions:
  - {id: knowledge, name: 科学知识, weight: 40, threshold_share: 0.5}
  - {id: method, name: 科学方法, weight: 20}
  - {id: spirit, name: 科学精神与思想, weight: 20}
  - {id: application, name: 应用能力, weight: 20}
items:
  - {id: k1, column: q1, dimension: knowledge, type: single, key: A}
  - {id: k2, column: q2, dimension: knowledge, type: true_false, key: 对}
  - {id: k3, column: q3, dimension: knowledge, type: multiple, key: [A, C], points: 2, partial_credit: {subset_points: 1}}
  - {id: m1, column: q4, dimension: method, type: single, key: B, points: 2}
  - {id: s1, column: q5, dimension: spirit, type: single, key: C}
  - {id: s2, column: q6, dimension: spirit, type: true_false, key: 错}
  - {id: a1, column: q7, dimension: application, type: multiple, key: ABD, points: 2, partial_credit: proportional}
"""

ALL_PASS_CONFIG = """\
questionnaire:
  id: test-all
  version: "1"
  effective_years: [null, 2023]
  description: test config
rule: all_dimensions_pass
dimensions:
  - {id: knowledge, name: 科学知识, threshold: 2}
  - {id: method, name: 科学方法, threshold_share: 0.5}
items:
  - {id: k1, column: q1, dimension: knowledge, type: single, key: A}
  - {id: k2, column: q2, dimension: knowledge, type: single, key: B}
  - {id: k3, column: q3, dimension: knowledge, type: single, key: C}
  - {id: m1, column: q4, dimension: method, type: true_false, key: T}
  - {id: m2, column: q5, dimension: method, type: true_false, key: F}
"""


def answers(rows: list[list[object]], n_columns: int) -> dict[str, np.ndarray]:
    return {f"q{i + 1}": np.array([row[i] for row in rows], dtype=object) for i in range(n_columns)}


def test_bundled_examples_load_and_say_they_are_examples():
    bundled = bundled_questionnaires()
    assert set(bundled) == {"example-total-score", "example-all-dimensions"}
    total = load_questionnaire("example-total-score")
    assert total.rule == "total_score_above" and total.cutoff == 70
    assert [(d.name, d.weight) for d in total.dimensions] == [
        ("科学知识", 40), ("科学方法", 20), ("科学精神与思想", 20), ("应用能力", 20)
    ]
    per_dimension = load_questionnaire(bundled["example-all-dimensions"])
    assert per_dimension.rule == "all_dimensions_pass"
    for questionnaire, path in ((total, bundled["example-total-score"]), (per_dimension, bundled["example-all-dimensions"])):
        assert "EXAMPLE" in questionnaire.description
        assert "EXAMPLE ONLY" in path.read_text(encoding="utf-8").splitlines()[1]
    assert total.applies_to(2024) and not total.applies_to(2023)
    assert per_dimension.applies_to(2015) and not per_dimension.applies_to(2024)


def test_answer_normalisation_is_case_width_and_space_insensitive():
    assert {normalise_answer(value) for value in ("a", "Ａ", " A ", "ａ")} == {"A"}
    assert choice_options("A,C") == choice_options("AC") == choice_options("C、A") == choice_options("ｃ，ａ")
    assert choice_options("c a") == frozenset({"A", "C"})
    assert normalise_answer(float("nan")) == "" and normalise_answer(None) == "" and normalise_answer(" NA ") == ""
    assert normalise_answer(2.0) == "2"


def test_total_score_rule_scales_dimensions_and_cuts_strictly_above_70():
    config = parse_questionnaire(TOTAL_SCORE_CONFIG)
    perfect = ["a", "√", "C、A", "Ｂ", " c ", "错", "D,B,A"]
    # 40 + 20 + 0 + 20·(2·2/3)/2: the proportional credit lifts the total over the cut-off
    partial_application = ["A", "对", "AC", "B", "", "", "AB"]
    rows = [
        perfect,
        ["A", "对", "AC", "B", "C", "", ""],  # 40 + 20 + 10 + 0 = 70: not above 70
        ["A", "对", "AC", "B", "C", "F", ""],  # 40 + 20 + 20 + 0 = 80
        ["", "", "A", "", "", "", "AB"],  # partial credit only: 1 of 4 and 2·2/3 of 2
        partial_application,
    ]
    result = score_answers(answers(rows, 7), config)
    np.testing.assert_allclose(result["score_knowledge"], [40, 40, 40, 10, 40])
    np.testing.assert_allclose(result["score_method"], [20, 20, 20, 0, 20])
    np.testing.assert_allclose(result["score_spirit"], [20, 10, 20, 0, 0])
    np.testing.assert_allclose(result["score_application"], [20, 0, 0, 20 * (4 / 3) / 2, 20 * (4 / 3) / 2])
    np.testing.assert_allclose(result["score_total"], [100, 70, 80, 10 + 40 / 3, 60 + 40 / 3])
    np.testing.assert_array_equal(result["literate"], [1, 0, 1, 0, 1])
    np.testing.assert_array_equal(result["pass_knowledge"], [1, 1, 1, 0, 1])
    assert list(result) == config.output_columns()


def test_total_score_at_least_counts_exactly_70_as_literate():
    config = parse_questionnaire(TOTAL_SCORE_CONFIG.replace("total_score_above", "total_score_at_least"))
    result = score_answers(answers([["A", "对", "AC", "B", "C", "", ""]], 7), config)
    assert result["score_total"][0] == pytest.approx(70)
    assert result["literate"][0] == 1


def test_multiple_choice_with_a_wrong_option_earns_nothing():
    config = parse_questionnaire(TOTAL_SCORE_CONFIG)
    result = score_answers(answers([["", "", "A,B", "", "", "", "ABC"]], 7), config)
    assert result["score_knowledge"][0] == 0
    assert result["score_application"][0] == 0


def test_all_dimensions_pass_rule_needs_every_dimension():
    config = parse_questionnaire(ALL_PASS_CONFIG)
    rows = [
        ["A", "B", "", "T", "F"],  # knowledge 2 ≥ 2, method 2 ≥ 1
        ["A", "B", "C", "F", "T"],  # method 0 < 1
        ["A", "", "", "对", "错"],  # knowledge 1 < 2
        ["a", "b", "c", "1", "0"],  # numeric-looking true/false spellings
    ]
    result = score_answers(answers(rows, 5), config)
    np.testing.assert_array_equal(result["score_knowledge"], [2, 3, 1, 3])
    np.testing.assert_array_equal(result["score_method"], [2, 0, 2, 2])
    np.testing.assert_array_equal(result["pass_method"], [1, 0, 1, 1])
    np.testing.assert_array_equal(result["score_total"], [4, 3, 3, 5])
    np.testing.assert_array_equal(result["literate"], [1, 0, 0, 1])


def test_numeric_answer_columns_are_matched_as_text():
    config = parse_questionnaire(
        ALL_PASS_CONFIG.replace("key: A}", "key: 1}").replace(
            "effective_years: [null, 2023]", "effective_years: [null, 2023]\n  true_false_values: {true: [1], false: [2]}"
        )
    )
    columns = answers([["", "B", "C", "", ""]], 5)
    columns["q1"] = np.array([1.0])
    columns["q4"] = np.array([1.0])
    columns["q5"] = np.array([2.0])
    result = score_answers(columns, config)
    assert result["score_knowledge"][0] == 3 and result["score_method"][0] == 2


def test_missing_answers_are_wrong_by_default_or_exclude_the_respondent():
    rows = [["A", "B", "C", "T", ""], ["A", "B", "C", "T", "F"]]
    default = score_answers(answers(rows, 5), parse_questionnaire(ALL_PASS_CONFIG))
    np.testing.assert_array_equal(default["score_method"], [1, 2])
    np.testing.assert_array_equal(default["literate"], [1, 1])
    excluding = parse_questionnaire(
        ALL_PASS_CONFIG.replace("description: test config", "description: test config\n  missing_answers: exclude_respondent")
    )
    result = score_answers(answers(rows, 5), excluding)
    assert np.isnan(result["literate"][0]) and np.isnan(result["score_total"][0])
    assert result["literate"][1] == 1


def test_missing_answer_column_is_named_with_a_suggestion():
    config = parse_questionnaire(ALL_PASS_CONFIG)
    columns = answers([["A", "B", "C", "T", "F"]], 5)
    columns["Q5"] = columns.pop("q5")
    with pytest.raises(SurveyError, match=r"no column 'q5' required by test-all 1; did you mean 'Q5'\?"):
        score_answers(columns, config)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("dimension: method, type: single, key: B", "dimension: methd, type: single, key: B"),
         r"line 17 \(items\[3\]\.dimension\): unknown dimension 'methd'; did you mean 'method'\?"),
        (("{id: s1,", "{id: k1,"), r"line 18 \(items\[4\]\.id\): item 'k1' is already defined at items\[0\]"),
        (("weight: 40", "weight: 30"), r"line 9 \(dimensions\): .*add up to 100, they add up to 90"),
        (("type: single, key: C}", "type: single}"), r"line 18 \(items\[4\]\): item 's1' has no answer key"),
        (("type: single, key: A}", "type: single, key: [A, B]}"), r"line 14 \(items\[0\]\.key\): a single-choice item needs exactly one"),
        (("{id: k2, column: q2", "{id: k2, colum: q2"), r"line 15 \(items\[1\]\.colum\): unknown key 'colum'; did you mean 'column'\?"),
        (("type: true_false, key: 对}", "type: true_false, key: 也许}"), r"line 15 \(items\[1\]\.key\): '也许' is not a true/false answer"),
        (("{id: method, name: 科学方法, weight: 20}", "{id: method, name: 科学方法}"), r"line 10 \(dimensions\[1\]\): .* needs a 'weight'"),
        (("column: q5,", "column: q4,"), r"line 18 \(items\[4\]\.column\): column 'q4' is already scored by items\[3\]"),
        (("total_score_above: 70", "total_score_over: 70"), r"line 7 \(rule\): expected 'all_dimensions_pass'"),
        (("effective_years: [2024, null]", "effective_years: [2024, 2020]"), r"line 4 \(questionnaire\.effective_years\): the last year 2020 is before the first year 2024"),
    ],
)
def test_config_errors_name_the_place_in_the_file(edit, expected):
    old, new = edit
    assert old in TOTAL_SCORE_CONFIG
    # Chinese first ("Q.yaml 第 N 行（…）：…"), then " / " and the English this matches.
    with pytest.raises(SurveyError, match=r"^Q\.yaml 第 \d+ 行（.*）：.* / Q\.yaml, " + expected):
        parse_questionnaire(TOTAL_SCORE_CONFIG.replace(old, new, 1), "Q.yaml")


def test_declared_max_points_must_match_the_items():
    config = ALL_PASS_CONFIG.replace("{id: knowledge, name: 科学知识, threshold: 2}", "{id: knowledge, name: 科学知识, threshold: 2, max_points: 4}")
    with pytest.raises(SurveyError, match="declares max_points 4 but its 3 items add up to 3"):
        parse_questionnaire(config, "Q.yaml")


def test_a_dimension_without_items_and_a_missing_threshold_are_rejected():
    no_items = ALL_PASS_CONFIG.replace("rule: all_dimensions_pass", "rule: all_dimensions_pass").replace(
        "  - {id: method, name: 科学方法, threshold_share: 0.5}\n",
        "  - {id: method, name: 科学方法, threshold_share: 0.5}\n  - {id: society, name: 科学与社会, threshold: 1}\n",
    )
    with pytest.raises(SurveyError, match=r"dimensions\[2\]\): dimension 'society' has no items"):
        parse_questionnaire(no_items, "Q.yaml")
    no_threshold = ALL_PASS_CONFIG.replace("{id: knowledge, name: 科学知识, threshold: 2}", "{id: knowledge, name: 科学知识}")
    with pytest.raises(SurveyError, match="needs a 'threshold' or 'threshold_share'"):
        parse_questionnaire(no_threshold, "Q.yaml")


def test_yaml_syntax_errors_and_unknown_files_are_survey_errors(tmp_path):
    with pytest.raises(SurveyError, match=r"^Q\.yaml 第 \d+ 行：不是有效的 YAML.* / Q\.yaml, line \d+: not valid YAML"):
        parse_questionnaire("questionnaire:\n  id: x\n  bad: [unclosed\n", "Q.yaml")
    with pytest.raises(SurveyError, match="bundled examples: example-all-dimensions, example-total-score"):
        load_questionnaire(tmp_path / "absent.yaml")
    duplicated_key = textwrap.dedent(TOTAL_SCORE_CONFIG).replace("  version: \"1\"\n", "  version: \"1\"\n  version: \"2\"\n")
    with pytest.raises(SurveyError, match=r"line 4: key 'version' appears twice"):
        parse_questionnaire(duplicated_key, "Q.yaml")
