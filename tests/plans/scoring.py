"""Scores of a parsed plan against a hand-written expectation (a sidecar JSON file).

- unit F1: a parsed unit matches an expected one when their names or aliases meet;
- task recall: an expected task is found when a parsed task has the same title and the same
  lead and participating units (names compared through the plan's alias lists);
- target F1: (task title, value, unit, comparator) quadruples.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kesu.plans import ParsedPlan


def _key(text: str) -> str:
    return "".join(text.split()).strip("。.")


def load_expected(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _f1(matched_found: int, found: int, matched_expected: int, expected: int) -> float:
    precision = matched_found / found if found else (1.0 if not expected else 0.0)
    recall = matched_expected / expected if expected else 1.0
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _canonical_map(plan: ParsedPlan) -> dict[str, str]:
    mapping = {}
    for unit in plan.units:
        mapping[unit.name] = unit.name
        for alias in unit.aliases:
            mapping.setdefault(alias, unit.name)
    return mapping


def unit_f1(plan: ParsedPlan, expected_units: list[dict[str, Any]]) -> float:
    found_names = [{unit.name, *unit.aliases} for unit in plan.units]
    wanted_names = [{unit["name"], *unit.get("aliases", [])} for unit in expected_units]
    matched_found = sum(1 for names in found_names if any(names & wanted for wanted in wanted_names))
    matched_expected = sum(1 for wanted in wanted_names if any(names & wanted for names in found_names))
    return _f1(matched_found, len(found_names), matched_expected, len(wanted_names))


def task_recall(plan: ParsedPlan, expected_tasks: list[dict[str, Any]]) -> float:
    mapping = _canonical_map(plan)

    def units(names: list[str]) -> set[str]:
        return {mapping.get(name, name) for name in names}

    found = 0
    for wanted in expected_tasks:
        for task in plan.tasks:
            if _key(task.title) != _key(wanted["title"]):
                continue
            if units(wanted["lead"]) == set(task.lead_units) and units(wanted["participants"]) == set(
                task.participating_units
            ):
                found += 1
                break
    return found / len(expected_tasks) if expected_tasks else 1.0


def target_f1(plan: ParsedPlan, expected_targets: list[dict[str, Any]]) -> float:
    found = [
        (_key(task.title), float(target.value), target.unit, target.comparator)
        for task in plan.tasks
        for target in task.targets
    ]
    wanted = [(_key(t["task"]), float(t["value"]), t["unit"], t["comparator"]) for t in expected_targets]
    remaining = list(found)
    matched = 0
    for item in wanted:
        if item in remaining:
            remaining.remove(item)
            matched += 1
    return _f1(matched, len(found), matched, len(wanted))


def score(plan: ParsedPlan, expected: dict[str, Any]) -> dict[str, float]:
    return {
        "unit_f1": unit_f1(plan, expected["units"]),
        "task_recall": task_recall(plan, expected["tasks"]),
        "target_f1": target_f1(plan, expected["targets"]),
    }
