"""A questionnaire's scoring rules as data, and how answers are matched against its keys.

The national criterion for 具备科学素质 has changed between survey waves, so the rules are data
(a YAML file per questionnaire version, read by kesu.survey.questionnaire_config) and these
classes are what such a file becomes.  Two rule generations exist:

* ``all_dimensions_pass`` (earlier waves): a respondent is literate when every dimension's raw
  score reaches its threshold (``threshold`` in points or ``threshold_share`` of the maximum).
* ``total_score_above: 70`` (since 2024): each dimension's raw score is scaled to its weight
  (科学知识 40, 科学方法 20, 科学精神与思想 20, 应用能力 20; the weights sum to 100) and a
  respondent is literate when the total is strictly above the cut-off.  ``total_score_at_least``
  is the inclusive variant, for a standard worded "达到 … 分及以上".

Answers are compared after Unicode NFKC normalisation (full-width ``Ａ`` → ``A``, ``，`` → ``,``),
trimming and upper-casing, so "a", "Ａ" and " A " all match the key "A".  A multiple-choice answer
is a set of single-character options: "A,C", "AC", "C、A" and "a c" are the same answer.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

ITEM_TYPES = ("single", "multiple", "true_false")
RULES = ("all_dimensions_pass", "total_score_above", "total_score_at_least")
MISSING_ANSWER_POLICIES = ("wrong", "exclude_respondent")
TOTAL_WEIGHT = 100.0

MISSING_ANSWER_TOKENS = frozenset({"", "NA", "N/A", "NAN", "NULL", "NONE", "."})
CHOICE_SEPARATORS = str.maketrans("", "", ",、;/| \t")

DEFAULT_TRUE_FALSE_VALUES = {
    "T": ("T", "TRUE", "Y", "YES", "1", "对", "正确", "是", "√", "✓", "✔"),
    "F": ("F", "FALSE", "N", "NO", "0", "错", "错误", "否", "不是", "×", "✗", "✘", "X"),
}

LITERATE_COLUMN = "literate"
TOTAL_SCORE_COLUMN = "score_total"


def score_column(dimension_id: str) -> str:
    return f"score_{dimension_id}"


def pass_column(dimension_id: str) -> str:
    return f"pass_{dimension_id}"


@dataclass(frozen=True)
class PartialCredit:
    """Credit for a multiple-choice answer that picks only correct options but not all of them.

    ``subset_points``: a fixed number of points for any such answer (少选得部分分, 错选不得分).
    ``proportional``: the item's points times the share of correct options picked.
    """

    subset_points: float | None = None
    proportional: bool = False


@dataclass(frozen=True)
class Item:
    id: str
    column: str
    dimension: str
    type: str
    key: frozenset[str]
    points: float
    partial_credit: PartialCredit | None = None


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    max_points: float  # sum of its items' points
    weight: float | None
    threshold: float | None  # raw points needed to pass the dimension


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    effective_from: int | None
    effective_to: int | None
    description: str
    rule: str
    cutoff: float | None  # total-score rules only
    missing_answers: str
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    true_false_values: Mapping[str, str]  # normalised spelling -> "T" / "F"
    source: str = ""

    @property
    def uses_total_score(self) -> bool:
        return self.rule != "all_dimensions_pass"

    def applies_to(self, year: int) -> bool:
        return (self.effective_from is None or year >= self.effective_from) and (
            self.effective_to is None or year <= self.effective_to
        )

    def answer_columns(self) -> list[str]:
        return [item.column for item in self.items]

    def output_columns(self) -> list[str]:
        columns = [score_column(dimension.id) for dimension in self.dimensions]
        columns += [pass_column(dimension.id) for dimension in self.dimensions if dimension.threshold is not None]
        return [*columns, TOTAL_SCORE_COLUMN, LITERATE_COLUMN]


def normalise_answer(value: Any) -> str:
    """NFKC, trimmed, upper-case text of an answer; whole-number floats lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    return "" if text in MISSING_ANSWER_TOKENS else text


def choice_options(answer: str) -> frozenset[str]:
    """The set of options in a multiple-choice answer: separators dropped, one character each."""
    return frozenset(normalise_answer(answer).translate(CHOICE_SEPARATORS))
