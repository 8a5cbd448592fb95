"""A parent plan for the world's county plan (威海市's, with two tasks) and a stand-in for the alignment
core where a test is about what the services store, not how well texts match."""

from __future__ import annotations

from collections import namedtuple

import pytest

from kesu.cascade import matching
from kesu.planning.models import Plan, Task

Item = namedtuple("Item", "id title text path")
Found = namedtuple("Found", "parent title score")

HEADINGS = {"A1": "青少年科学素质提升行动", "A2": "农民科学素质提升行动", "P1": "科技资源科普化工程"}


def overlap(a: str, b: str) -> float:
    left, right = set(a), set(b)
    return len(left & right) / len(left | right) if left | right else 0.0


def stand_in_align(children, parents, *, top=3):
    result = {}
    for child in children:
        words = child.title + "".join(child.path)
        ranked = sorted(parents, key=lambda p: (-overlap(words, p.title), p.id))
        result[child.id] = [Found(p.id, p.title, round(overlap(words, p.title), 4)) for p in ranked[:top]]
    return result


@pytest.fixture
def stand_in(monkeypatch):
    """Character-overlap alignment over three national headings (A1, A2, P1)."""
    monkeypatch.setattr(matching, "task_items", lambda tasks: [
        Item(str(t.pk), t.title, t.text, tuple(t.path or ())) for t in tasks])
    monkeypatch.setattr(matching, "align", lambda children, parents, top=3: stand_in_align(children, parents, top=top))
    monkeypatch.setattr(matching, "national_items", lambda: [Item(code, title, "", ()) for code, title in HEADINGS.items()])
    monkeypatch.setattr(matching, "national_headings", lambda: dict(HEADINGS))
    monkeypatch.setattr(matching, "national_version", lambda: "test-1")


@pytest.fixture
def city_plan(world):
    plan = Plan.objects.create(region=world.city, title="威海市全民科学素质行动规划纲要实施方案（2021—2025年）",
                               period_start=2021, period_end=2025)
    for order, (code, title) in enumerate([("1", "青少年科学素质提升行动"), ("2", "农民科学素质提升行动")]):
        Task.objects.create(plan=plan, code=code, title=title, text=f"{title}。", path=["提升行动", title],
                            order=order)
    return plan
