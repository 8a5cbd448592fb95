"""Whether each judged item of a parsed plan is right, against the corpus's gold files.

Used by bench/calibrate_parse.py (to measure each confidence rule's precision) and by
tests/plans/test_confidence.py (to check that confidence separates right from wrong), so the two
never disagree. Items are matched as tests/plans/corpus_scoring.py matches them:

- a task is right when a gold task matches it (`match_tasks`);
- an assignment (task, unit, role) is right when its task matches a gold task that lists the unit
  (by name or alias) in that role; an assignment of a task no gold task matches is wrong; a unit
  that names a gold class (各成员单位) is not judged, as the scorer does not count it;
- a target is right when its (value, unit) is still among the gold targets not yet taken, in
  document order (task targets, then plan targets);
- a metadata field is right when the gold file states it and the parser gives it exactly; a field
  the gold file does not state is not judged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.plans.corpus_scoring import (
    CORPUS,
    _fold,
    _names_of,
    _target_key,
    document_for,
    gold_files,
    load_gold,
    match_tasks,
    metadata_misses,
)

_GOLD_METADATA = {"headline_target": "headline"}


@dataclass
class JudgedItem:
    document: str
    item: str
    kind: str
    rule: str
    confidence: float
    doubts: list[str]
    penalties: list[float]
    correct: bool


def judged_items(
    plan: Any, gold: dict[str, Any], document: str = "", knows_parts: bool = True
) -> Iterator[JudgedItem]:
    """Each judgement of `plan` with whether its item is right (items that cannot be judged skipped).

    Without `knows_parts` (expectations written before 一是/二是 parts were tasks, which list the
    item only), the items of a split item and of its parts are not judged."""
    verdicts = _verdicts(plan, gold)
    unjudged = set() if knows_parts else _split_tasks(plan)
    # A split item's assignments repeat its parts' (docs/decisions.md: the item stays a task, its
    # parts carry the same units); the parts' are judged, the repetition is not.
    repeated = _split_parents(plan)
    for judgement in plan.judgements:
        correct = verdicts.get(judgement.item)
        task_id = judgement.item.split(":")[1]
        if correct is None or (task_id in unjudged and judgement.kind != "metadata"):
            continue
        if judgement.kind == "assignment" and task_id in repeated:
            continue
        yield JudgedItem(
            document,
            judgement.item,
            judgement.kind,
            judgement.rule,
            judgement.confidence,
            [d.reason for d in judgement.doubts],
            [d.penalty for d in judgement.doubts],
            correct,
        )


def _split_parents(plan: Any) -> set[str]:
    from kesu.plans.judging import SPLIT_INTO_PARTS

    return {
        j.item.split(":", 1)[1] for j in plan.judgements if j.kind == "task" and SPLIT_INTO_PARTS in j.doubts
    }


def _split_tasks(plan: Any) -> set[str]:
    from kesu.plans.judging import SPLIT_INTO_PARTS
    from kesu.plans.tasks import ENUMERATED_PART

    return {
        j.item.split(":", 1)[1]
        for j in plan.judgements
        if j.kind == "task" and (j.rule == ENUMERATED_PART or SPLIT_INTO_PARTS in j.doubts)
    }


def _verdicts(plan: Any, gold: dict[str, Any]) -> dict[str, bool]:
    verdicts: dict[str, bool] = {}
    gold_tasks = gold.get("tasks", [])
    classes = {_fold(name) for name in gold.get("classes", [])}
    matched = {id(task): index for index, task in enumerate(match_tasks(plan, gold)) if task is not None}
    for task in plan.tasks:
        index = matched.get(id(task))
        verdicts[f"task:{task.id}"] = index is not None
        for role, names in (("lead", task.lead_units), ("participants", task.participating_units)):
            for name in names:
                known = _names_of(plan, name)
                if known & classes:
                    continue
                wanted = {_fold(n) for n in gold_tasks[index].get(role, [])} if index is not None else set()
                verdicts[f"assignment:{task.id}:{name}"] = bool(known & wanted)
    remaining = [_target_key(t["value"], t.get("unit")) for t in gold.get("targets", [])]
    found = [(f"target:{task.id}:{i}", t) for task in plan.tasks for i, t in enumerate(task.targets)]
    found += [(f"plan_target:{i}", t) for i, t in enumerate(getattr(plan, "targets", []))]
    for item, target in found:
        key = _target_key(target.value, target.unit)
        verdicts[item] = key in remaining
        if key in remaining:
            remaining.remove(key)
    _, misses = metadata_misses(plan, gold)
    stated = gold.get("metadata", {})
    for judgement in plan.judgements:
        if judgement.kind != "metadata":
            continue
        field = judgement.item.split(":", 1)[1]
        key = _GOLD_METADATA.get(field, field)
        if key in stated:
            verdicts[judgement.item] = key not in misses
    return verdicts


FIXTURES = Path(__file__).resolve().parent / "fixtures"
# the style and unseen-layout fixtures of the parser tests, with hand-written expectations
EXPECTED_DIRS = (FIXTURES / "styles", FIXTURES / "unseen")
_EXPECTED_METADATA = ("title", "doc_number", "issuer", "date", "region", "period", "headline")


def expected_as_gold(expected: dict[str, Any]) -> dict[str, Any]:
    """A fixture's `.expected.json` (tests/plans/scoring.py) in the corpus's gold format."""
    return {
        "accept": True,
        "metadata": {key: expected[key] for key in _EXPECTED_METADATA if key in expected},
        "units": [unit["name"] for unit in expected.get("units", [])],
        "tasks": [
            {"title": t["title"], "lead": t.get("lead", []), "participants": t.get("participants", [])}
            for t in expected.get("tasks", [])
        ],
        "targets": [{"value": t["value"], "unit": t["unit"]} for t in expected.get("targets", [])],
    }


def calibration_documents(corpus: Path = CORPUS) -> Iterator[tuple[Path, dict[str, Any], bool]]:
    """(document, gold, whether the gold lists 一是/二是 parts) of the corpus's plans and of the
    fixtures with expectations."""
    for gold_path in gold_files(corpus):
        gold = load_gold(gold_path)
        document = document_for(gold_path)
        if gold.get("accept", True) and document is not None:
            yield document, gold, True
    if corpus != CORPUS:
        return
    for directory in EXPECTED_DIRS:
        for expected_path in sorted(directory.glob("*.expected.json")):
            stem = expected_path.name.removesuffix(".expected.json")
            document = next(directory.glob(stem + ".*[!n]"), None)  # the .txt/.md beside it, not the .json
            if document is not None:
                expected = json.loads(expected_path.read_text(encoding="utf-8"))
                yield document, expected_as_gold(expected), False


def corpus_items(corpus: Path = CORPUS) -> list[JudgedItem]:
    """Every judged item of every plan of the calibration documents the parser accepts."""
    from kesu.plans.errors import PlanParseError
    from kesu.plans.parser import parse_file

    items: list[JudgedItem] = []
    for document, gold, knows_parts in calibration_documents(corpus):
        try:
            plan = parse_file(document)
        except PlanParseError:
            continue
        items.extend(judged_items(plan, gold, document.name, knows_parts))
    return items
