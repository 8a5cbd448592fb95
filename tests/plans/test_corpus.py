"""The layout corpus of issue 15 (tests/plans/corpus): gold files valid, non-plans refused clearly, and
a ratchet on the overall scores.

The issue's goals (units F1 ≥ 0.97 …) are measured by bench/eval_parse.py, not asserted here; the
ratchet only forbids going below the figures already reached (corpus/floors.json). Raise a floor
when the parser improves; lowering one needs a reason in the commit.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from tests.plans.corpus_scoring import (
    CORPUS,
    MEASURES,
    DocumentScore,
    document_for,
    gold_files,
    gold_problems,
    load_gold,
    score_corpus,
)

from kesu.plans.errors import PlanParseError
from kesu.plans.parser import INTERNAL_ERROR, parse_file

GOLD = gold_files()
FLOORS = CORPUS / "floors.json"
REFUSED = [path for path in GOLD if load_gold(path).get("accept") is False]


@cache
def _scores() -> tuple[tuple[DocumentScore, ...], dict[str, float]]:
    documents, overall = score_corpus()
    return tuple(documents), overall


def test_the_corpus_has_documents() -> None:
    assert len(GOLD) >= 10


@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_gold_file_is_valid(gold_path: Path) -> None:
    assert gold_problems(gold_path) == []


@pytest.mark.parametrize("gold_path", REFUSED, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_non_plan_is_refused_with_a_clear_error(gold_path: Path) -> None:
    document = document_for(gold_path)
    assert document is not None
    with pytest.raises(PlanParseError) as caught:
        parse_file(document)
    message = str(caught.value)
    assert document.name in message
    assert caught.value.problem.strip()
    assert "\n" not in message
    assert INTERNAL_ERROR not in message


def test_floors_cover_every_measure() -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    assert set(MEASURES) <= set(floors)
    assert all(0.0 <= floors[m] <= 1.0 for m in MEASURES)


@pytest.mark.parametrize("measure", MEASURES)
def test_overall_score_does_not_fall_below_its_floor(measure: str) -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    documents, overall = _scores()
    worst = sorted(documents, key=lambda doc: doc.scores.get(measure, 1.0))[:5]
    detail = ", ".join(f"{doc.name}={doc.scores.get(measure, 0):.2f}" for doc in worst)
    assert overall[measure] >= floors[measure], f"{measure} {overall[measure]:.3f} < floor; lowest: {detail}"


def test_no_more_plans_refused_than_the_floor_allows() -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    _, overall = _scores()
    assert overall["refused_plans"] <= floors["max_refused_plans"]
    assert overall["accepted_non_plans"] <= floors["max_accepted_non_plans"]
