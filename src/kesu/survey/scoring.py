"""Scoring questionnaire answers into dimension scores, a total score and the literacy verdict.

The rules come from a Questionnaire (kesu.survey.questionnaire), usually loaded from YAML with
load_questionnaire; both are re-exported here because callers score with them together.

A missing answer (blank, NA, …) counts as wrong by default, which is how a blank answer sheet is
marked.  With ``missing_answers: exclude_respondent`` a respondent with any missing answer gets
NaN scores and NaN ``literate`` instead, so estimates can leave them out explicitly.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import numpy as np

from kesu.survey.errors import SurveyError
from kesu.survey.questionnaire import (
    CHOICE_SEPARATORS,
    LITERATE_COLUMN,
    TOTAL_SCORE_COLUMN,
    Dimension,
    Item,
    PartialCredit,
    Questionnaire,
    choice_options,
    normalise_answer,
    pass_column,
    score_column,
)
from kesu.survey.questionnaire_config import bundled_questionnaires, load_questionnaire, parse_questionnaire

__all__ = [
    "LITERATE_COLUMN",
    "TOTAL_SCORE_COLUMN",
    "Dimension",
    "Item",
    "PartialCredit",
    "Questionnaire",
    "bundled_questionnaires",
    "choice_options",
    "load_questionnaire",
    "normalise_answer",
    "parse_questionnaire",
    "pass_column",
    "score_answers",
    "score_column",
]

def _item_points(item: Item, answers: np.ndarray, true_false_values: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Points earned on one item per respondent, and which respondents left it blank.

    Respondents give few distinct answers, so each distinct raw answer is normalised and scored
    once and the result spread back to the rows.
    """
    distinct, inverse = _distinct_values(answers)
    points = np.zeros(len(distinct))
    blank = np.zeros(len(distinct), dtype=bool)
    for position, answer in enumerate(normalise_answer(value) for value in distinct):
        if answer == "":
            blank[position] = True
        elif item.type == "single":
            points[position] = item.points if answer.translate(CHOICE_SEPARATORS) in item.key else 0.0
        elif item.type == "true_false":
            points[position] = item.points if true_false_values.get(answer) in item.key else 0.0
        else:
            points[position] = _multiple_choice_points(item, choice_options(answer))
    return points[inverse], blank[inverse]


def _distinct_values(values: np.ndarray) -> tuple[list[Any], np.ndarray]:
    if values.dtype.kind == "f":
        # np.unique groups every NaN into one value; a set would keep each NaN object apart.
        distinct, inverse = np.unique(values, return_inverse=True)
        return distinct.tolist(), inverse.reshape(-1)
    rows = values.tolist()
    position_of = {value: position for position, value in enumerate(dict.fromkeys(rows))}
    inverse = np.fromiter((position_of[value] for value in rows), dtype=np.int64, count=len(rows))
    return list(position_of), inverse


def _multiple_choice_points(item: Item, chosen: frozenset[str]) -> float:
    if chosen == item.key:
        return item.points
    credit = item.partial_credit
    if credit is None or not chosen or not chosen < item.key:
        return 0.0
    if credit.proportional:
        return item.points * len(chosen) / len(item.key)
    return credit.subset_points or 0.0


def score_answers(columns: Mapping[str, np.ndarray], config: Questionnaire) -> dict[str, np.ndarray]:
    """Dimension scores, pass flags, total score and ``literate`` (1.0/0.0) for every respondent.

    Returns only the new columns (see ``Questionnaire.output_columns``); all are float arrays.
    Under a total-score rule dimension scores are on their weights (0–40, 0–20, …) and the total
    on 0–100; under ``all_dimensions_pass`` they are raw points.
    """
    missing = [item.column for item in config.items if item.column not in columns]
    if missing:
        available = list(columns)
        close = difflib.get_close_matches(missing[0], available, n=1, cutoff=0.6) or [
            name for name in available if name.lower() == missing[0].lower()
        ]
        hint = f"; did you mean {close[0]!r}?" if close else ""
        hint_zh = f"，是否应为“{close[0]}”？" if close else ""
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        more_zh = f"（另有 {len(missing) - 1} 列）" if len(missing) > 1 else ""
        raise SurveyError(
            f"答卷数据中没有 {config.id} {config.version} 评分所需的列“{missing[0]}”{more_zh}{hint_zh}",
            f"the answers have no column {missing[0]!r}{more} required by {config.id} {config.version}{hint}",
        )
    lengths = {len(columns[item.column]) for item in config.items}
    if len(lengths) > 1:
        raise SurveyError(f"各答题列长度不一：{sorted(lengths)}", f"answer columns have different lengths: {sorted(lengths)}")
    n = lengths.pop()

    raw_scores = {dimension.id: np.zeros(n) for dimension in config.dimensions}
    any_blank = np.zeros(n, dtype=bool)
    for item in config.items:
        points, blank = _item_points(item, np.asarray(columns[item.column]), config.true_false_values)
        raw_scores[item.dimension] += points
        any_blank |= blank

    result: dict[str, np.ndarray] = {}
    passes: list[np.ndarray] = []
    total = np.zeros(n)
    for dimension in config.dimensions:
        score = raw_scores[dimension.id]
        if dimension.weight is not None:
            score = score / dimension.max_points * dimension.weight
        result[score_column(dimension.id)] = score
        total += score
        if dimension.threshold is not None:
            # A small tolerance keeps 0.1 + 0.2-style float sums from failing an exact threshold.
            passed = (score >= dimension.threshold - 1e-9).astype(float)
            result[pass_column(dimension.id)] = passed
            passes.append(passed)
    if config.rule == "all_dimensions_pass":
        literate = np.all(np.vstack(passes) == 1.0, axis=0).astype(float)
    elif config.rule == "total_score_above":
        literate = (total > config.cutoff + 1e-9).astype(float)
    else:
        literate = (total >= config.cutoff - 1e-9).astype(float)
    result[TOTAL_SCORE_COLUMN] = total
    result[LITERATE_COLUMN] = literate
    if config.missing_answers == "exclude_respondent" and any_blank.any():
        for values in result.values():
            values[any_blank] = np.nan
    return {name: result[name] for name in config.output_columns()}
