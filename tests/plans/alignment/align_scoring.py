"""Scoring the national-heading links against the hand labels (labels.json); used by
tests/plans/test_alignment.py and bench/eval_align.py."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
LABELS = HERE / "labels.json"
FLOORS = HERE / "floors.json"
sys.path.insert(0, str(REPO / "tests"))

from kesu.plans import parse_file  # noqa: E402
from kesu.plans.alignment import AlignItem, align, national_parents  # noqa: E402
from kesu.plans.national import load_outline  # noqa: E402
from paths import SEEDS  # noqa: E402

ROOTS = {
    "seeds": SEEDS,
    "demo": REPO / "src" / "kesu" / "cli" / "demo_plans",
    "corpus": REPO / "tests" / "plans" / "corpus",
}


@dataclass
class Score:
    named: int
    named_linked: float  # share of tasks under a named heading linked to it with score 1.0
    named_top1: float
    other: int
    other_top1: float
    other_top3: float
    misses: list[str]


def load_labels() -> list[dict]:
    return json.loads(LABELS.read_text(encoding="utf-8"))["labels"]


def plan_items(document: str) -> list[AlignItem]:
    root, name = document.split("/", 1)
    plan = parse_file(ROOTS[root] / name)
    return [AlignItem(task.id, task.title, task.text, tuple(task.path)) for task in plan.tasks]


def labelled_items() -> tuple[list[dict], dict[str, list[AlignItem]]]:
    labels = load_labels()
    documents = {label["document"] for label in labels}
    return labels, {document: plan_items(document) for document in sorted(documents)}


def score(labels: list[dict], items: dict[str, list[AlignItem]]) -> Score:
    outline = load_outline()
    parents = national_parents(outline)
    links = {document: align(tasks, parents) for document, tasks in items.items()}
    named = [label for label in labels if label["named_heading"]]
    other = [label for label in labels if not label["named_heading"]]
    misses: list[str] = []

    def codes(label: dict) -> list[str]:
        mapped = [outline.national_code(link.parent) for link in links[label["document"]][label["task"]]]
        return list(dict.fromkeys(mapped))

    linked = top1 = 0
    for label in named:
        found = links[label["document"]][label["task"]]
        forced = [link.parent for link in found if link.score == 1.0]
        linked += label["code"] in forced
        top1 += bool(found) and found[0].parent == label["code"]
        if label["code"] not in forced:
            misses.append(
                f"named {label['document']} {label['task']} {label['title']}: {label['code']} ≠ {forced}"
            )
    other_top1 = other_top3 = 0
    for label in other:
        predicted = codes(label)
        other_top1 += bool(predicted) and predicted[0] == label["code"]
        other_top3 += label["code"] in predicted[:3]
        if not predicted or predicted[0] != label["code"]:
            misses.append(
                f"other {label['document']} {label['task']} {label['title']}: {label['code']} ≠ {predicted}"
            )
    return Score(
        named=len(named),
        named_linked=linked / max(len(named), 1),
        named_top1=top1 / max(len(named), 1),
        other=len(other),
        other_top1=other_top1 / max(len(other), 1),
        other_top3=other_top3 / max(len(other), 1),
        misses=misses,
    )


def speed(tasks: int = 300, parents: int = 60, rounds: int = 3) -> float:
    """Best wall time in seconds of align() for `tasks` real tasks against `parents` real tasks."""
    _labels, items = labelled_items()
    pool = [item for group in items.values() for item in group]
    children = [AlignItem(f"c{index}", *_fields(pool[index % len(pool)])) for index in range(tasks)]
    parent_items = [
        AlignItem(f"p{index}", *_fields(pool[(index * 7) % len(pool)])) for index in range(parents)
    ]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        align(children, parent_items)
        best = min(best, time.perf_counter() - start)
    return best


def _fields(item: AlignItem) -> tuple[str, str, tuple[str, ...]]:
    return item.title, item.text, item.path


def hidden(items: dict[str, list[AlignItem]]) -> dict[str, list[AlignItem]]:
    """The same tasks with their headings hidden: no path, and every heading name struck from the
    title and text, so only the body's wording is left to link on (a check of rule 2 alone on
    the tasks the measures were not tuned on)."""
    names = sorted(
        (name for heading in load_outline().headings for name in heading.names), key=len, reverse=True
    )

    def strike(text: str) -> str:
        for name in names:
            text = text.replace(name, "")
        return text

    return {
        document: [AlignItem(item.id, strike(item.title), strike(item.text), ()) for item in group]
        for document, group in items.items()
    }


def score_hidden(labels: list[dict], items: dict[str, list[AlignItem]]) -> float:
    """Top-1 accuracy on the named-heading tasks once their headings are hidden."""
    outline = load_outline()
    stripped = hidden(items)
    links = {document: align(tasks, national_parents(outline)) for document, tasks in stripped.items()}
    named = [label for label in labels if label["named_heading"] and not label["code"].startswith(("L", "S"))]
    right = 0
    for label in named:
        found = links[label["document"]][label["task"]]
        right += bool(found) and outline.national_code(found[0].parent) == label["code"]
    return right / max(len(named), 1)
