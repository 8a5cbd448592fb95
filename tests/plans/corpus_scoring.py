"""Scores of the parser on the layout corpus (tests/plans/corpus/*.gold.json, issue 15).

Each gold file sits next to its document (`<name>.gold.json` beside `<name>.txt|md|docx|pdf|xlsx`);
the document is read through `kesu.plans.parser.parse_file`, the entry point of `kesu parse`.

Per document, and averaged over the documents that are plans (gold `accept` true):
- units F1: a parsed unit matches when its name or one of its aliases equals a gold name; gold
  `classes` are not demanded, but a parsed unit naming one is not counted as a false unit;
- task recall: a gold task is found when a parsed task's title, stripped of whitespace and
  punctuation, contains every whitespace-separated key word of the gold title (stripped the same way);
- assignment F1: (gold task, unit, role) triples over the tasks matched above;
- target F1: (value, unit) multisets over task targets and plan-level targets; the headline target
  counts when it matches a gold target and is not held against precision when it does not, because
  gold files differ on whether they repeat it;
- metadata exact: the fraction of gold metadata keys the parser gives exactly (period compares
  start/end, headline value/year; 文号 brackets 〔〕[]()【】 are compared as one style).
A document the parser refuses scores 0 on all of these; one that should be refused is scored only on
acceptance.
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kesu.plans.characters import to_simplified

CORPUS = Path(__file__).resolve().parent / "corpus"
DOCUMENT_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".xlsx", ".xls")
MEASURES = ("units_f1", "task_recall", "assignment_f1", "target_f1", "metadata_exact")
METADATA_KEYS = ("title", "doc_number", "issuer", "date", "region", "period", "headline")
GOLD_KEYS = {
    "layout": str,
    "accept": bool,
    "fragment": bool,
    "metadata": dict,
    "units": list,
    "classes": list,
    "tasks": list,
    "targets": list,
}
REQUIRED_GOLD_KEYS = ("layout", "accept")

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_BRACKETS = str.maketrans(
    {"[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕"}
)


def _fold(text: str) -> str:
    # Traditional characters folded on both sides with the parser's own converter, so a parser that
    # keeps 縣科協 and one that converts it to 县科协 both meet a gold file written either way.
    return to_simplified(unicodedata.normalize("NFKC", text))


@dataclass
class DocumentScore:
    name: str
    layout: str
    accept: bool
    accepted: bool
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    metadata_misses: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return self.accept == self.accepted


def _strip(text: str) -> str:
    return _PUNCTUATION.sub("", _fold(text))


def _f1(matched_found: int, found: int, matched_expected: int, expected: int) -> float:
    precision = matched_found / found if found else (1.0 if not expected else 0.0)
    recall = matched_expected / expected if expected else 1.0
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def gold_files(corpus: Path = CORPUS) -> list[Path]:
    return sorted(corpus.glob("*.gold.json"))


def document_for(gold_path: Path) -> Path | None:
    stem = gold_path.name.removesuffix(".gold.json")
    for suffix in DOCUMENT_SUFFIXES:
        candidate = gold_path.with_name(stem + suffix)
        if candidate.exists():
            return candidate
    return None


def load_gold(gold_path: Path) -> dict[str, Any]:
    return json.loads(gold_path.read_text(encoding="utf-8"))


def gold_problems(gold_path: Path) -> list[str]:
    """What is wrong with one gold file (empty when it is valid)."""
    try:
        gold = load_gold(gold_path)
    except (OSError, ValueError) as exc:
        return [f"unreadable: {exc}"]
    problems = [f"missing key {key}" for key in REQUIRED_GOLD_KEYS if key not in gold]
    for key, value in gold.items():
        if key not in GOLD_KEYS:
            problems.append(f"unknown key {key}")
        elif not isinstance(value, GOLD_KEYS[key]):
            problems.append(f"{key} should be {GOLD_KEYS[key].__name__}")
    if document_for(gold_path) is None:
        problems.append("no document beside it")
    for key in gold.get("metadata", {}) if isinstance(gold.get("metadata"), dict) else ():
        if key not in METADATA_KEYS:
            problems.append(f"unknown metadata key {key}")
    for name in [*gold.get("units", []), *gold.get("classes", [])]:
        if not isinstance(name, str) or not name:
            problems.append(f"unit names must be non-empty strings: {name!r}")
    for task in gold.get("tasks", []):
        if not isinstance(task, dict) or not isinstance(task.get("title"), str) or not task["title"].strip():
            problems.append(f"task without a title: {task!r}")
            continue
        for role in ("lead", "participants"):
            if not isinstance(task.get(role, []), list):
                problems.append(f"task {task['title']}: {role} should be a list")
    known = {*gold.get("units", []), *gold.get("classes", [])}
    for task in gold.get("tasks", []):
        named = [*task.get("lead", []), *task.get("participants", [])] if isinstance(task, dict) else []
        problems += [
            f"task unit {name} is in neither units nor classes" for name in named if name not in known
        ]
    for target in gold.get("targets", []):
        if not isinstance(target, dict) or not isinstance(target.get("value"), int | float):
            problems.append(f"target without a numeric value: {target!r}")
        elif not isinstance(target.get("unit"), str):
            problems.append(f"target without a unit: {target!r}")
    return problems


def _name_sets(plan: Any) -> list[set[str]]:
    return [{_fold(name) for name in (unit.name, *unit.aliases)} for unit in plan.units]


def _names_of(plan: Any, name: str) -> set[str]:
    name = _fold(name)
    for names in _name_sets(plan):
        if name in names:
            return names
    return {name}


def units_f1(plan: Any, gold: dict[str, Any]) -> float:
    wanted = {_fold(name) for name in gold.get("units", [])}
    classes = {_fold(name) for name in gold.get("classes", [])}
    found = [names for names in _name_sets(plan) if not names & classes]
    matched_found = sum(1 for names in found if names & wanted)
    matched_wanted = sum(1 for name in wanted if any(name in names for names in found))
    return _f1(matched_found, len(found), matched_wanted, len(wanted))


def _title_matches(parsed_title: str, gold_title: str) -> bool:
    parsed = _strip(parsed_title)
    words = [_strip(word) for word in gold_title.split()]
    return all(word in parsed for word in words if word)


def match_tasks(plan: Any, gold: dict[str, Any]) -> list[Any | None]:
    """For each gold task, the parsed task matching it (each parsed task used once), or None."""
    used: set[int] = set()
    matches: list[Any | None] = []
    for wanted in gold.get("tasks", []):
        found = None
        for index, task in enumerate(plan.tasks):
            if index not in used and _title_matches(task.title, wanted["title"]):
                used.add(index)
                found = task
                break
        matches.append(found)
    return matches


def task_recall(plan: Any, gold: dict[str, Any]) -> float:
    matches = match_tasks(plan, gold)
    return sum(match is not None for match in matches) / len(matches) if matches else 1.0


def assignment_f1(plan: Any, gold: dict[str, Any]) -> float:
    wanted: list[tuple[int, str, str]] = []
    found: list[tuple[int, set[str], str]] = []
    classes = {_fold(name) for name in gold.get("classes", [])}
    for index, (task, match) in enumerate(zip(gold.get("tasks", []), match_tasks(plan, gold), strict=True)):
        wanted += [(index, _fold(name), "lead") for name in task.get("lead", [])]
        wanted += [(index, _fold(name), "participant") for name in task.get("participants", [])]
        if match is not None:
            found += [(index, _names_of(plan, name), "lead") for name in match.lead_units]
            found += [(index, _names_of(plan, name), "participant") for name in match.participating_units]
    # A collective actor (各成员单位) is a class, not an assignment; gold files do not list it per task.
    found = [(i, names, role) for i, names, role in found if not names & classes]
    matched_found = sum(1 for i, names, role in found if any((i, n, role) in wanted for n in names))
    matched_wanted = sum(
        1 for i, name, role in wanted if any((i, role) == (j, r) and name in ns for j, ns, r in found)
    )
    return _f1(matched_found, len(found), matched_wanted, len(wanted))


_MAGNITUDES = {"万": 1e4, "亿": 1e8}


def _target_key(value: Any, unit: str | None) -> tuple[float, str]:
    # 5万人次 and 50000人次 are the same target whichever way a parser or a gold file writes it.
    unit = _strip(unit or "")
    number = float(value)
    if unit[:1] in _MAGNITUDES and len(unit) > 1:
        number, unit = number * _MAGNITUDES[unit[0]], unit[1:]
    return round(number, 4), unit


def target_f1(plan: Any, gold: dict[str, Any]) -> float:
    wanted = [_target_key(t["value"], t.get("unit")) for t in gold.get("targets", [])]
    found = [_target_key(t.value, t.unit) for task in plan.tasks for t in task.targets]
    # Plan-level targets arrive with issue 15; older parsers have none.
    found += [_target_key(t.value, t.unit) for t in getattr(plan, "targets", None) or []]
    remaining = list(wanted)
    matched = 0
    for item in found:
        if item in remaining:
            remaining.remove(item)
            matched += 1
    headline = plan.headline_target
    found_count = len(found)
    if headline is not None:
        key = _target_key(headline.value, headline.unit)
        if key in remaining:
            remaining.remove(key)
            matched += 1
            found_count += 1
    return _f1(matched, found_count, matched, len(wanted))


def _doc_number(text: str | None) -> str:
    return _plain(text).translate(_BRACKETS)


def _plain(value: Any) -> str:
    return "".join(_fold(str(value or "")).split())


def metadata_misses(plan: Any, gold: dict[str, Any]) -> tuple[int, list[str]]:
    """(number of gold metadata keys, the keys the parser got wrong)."""
    metadata = gold.get("metadata", {})
    misses = []
    for key, expected in metadata.items():
        if key == "period":
            period = plan.period
            ok = period is not None and (period.start, period.end) == (expected["start"], expected["end"])
        elif key == "headline":
            headline = plan.headline_target
            ok = headline is not None and (
                abs(float(headline.value) - float(expected["value"])) < 1e-6
                and headline.year == expected["year"]
            )
        elif key == "doc_number":
            ok = _doc_number(plan.doc_number) == _doc_number(expected)
        else:
            ok = _plain(getattr(plan, key)) == _plain(expected)
        if not ok:
            misses.append(key)
    return len(metadata), misses


def score_plan(plan: Any, gold: dict[str, Any]) -> tuple[dict[str, float], list[str]]:
    keys, misses = metadata_misses(plan, gold)
    scores = {
        "units_f1": units_f1(plan, gold),
        "task_recall": task_recall(plan, gold),
        "assignment_f1": assignment_f1(plan, gold),
        "target_f1": target_f1(plan, gold),
        "metadata_exact": (keys - len(misses)) / keys if keys else 1.0,
    }
    return scores, misses


def score_document(gold_path: Path) -> DocumentScore:
    from kesu.plans.errors import PlanParseError
    from kesu.plans.parser import parse_file

    gold = load_gold(gold_path)
    name = gold_path.name.removesuffix(".gold.json")
    document = document_for(gold_path)
    result = DocumentScore(
        name=name, layout=gold.get("layout", ""), accept=gold.get("accept", True), accepted=False
    )
    try:
        if document is None:
            raise PlanParseError(name, "no document beside the gold file")
        plan = parse_file(document)
    except PlanParseError as exc:
        result.error = exc.problem
        if result.accept:
            result.scores = dict.fromkeys(MEASURES, 0.0)
            result.metadata_misses = list(gold.get("metadata", {}))
        return result
    result.accepted = True
    result.warnings = list(plan.warnings)
    if result.accept:
        result.scores, result.metadata_misses = score_plan(plan, gold)
    return result


def score_corpus(corpus: Path = CORPUS) -> tuple[list[DocumentScore], dict[str, float]]:
    """Every document's score and the overall figures (means over the documents that are plans)."""
    documents = [score_document(path) for path in gold_files(corpus)]
    plans = [doc for doc in documents if doc.accept]
    overall: dict[str, float] = {
        measure: statistics.fmean(doc.scores[measure] for doc in plans) if plans else 0.0
        for measure in MEASURES
    }
    overall["documents"] = len(documents)
    overall["acceptance_correct"] = (
        sum(doc.correct for doc in documents) / len(documents) if documents else 0.0
    )
    overall["refused_plans"] = sum(1 for doc in plans if not doc.accepted)
    overall["accepted_non_plans"] = sum(1 for doc in documents if not doc.accept and doc.accepted)
    return documents, overall
