"""The per-process cache of page parts (kesu.caching.fragments): least recently used entries go first
when the byte budget is spent, entries expire, and a value is computed once per key."""

from __future__ import annotations

import pytest

from kesu.caching import fragments


@pytest.fixture(autouse=True)
def empty_cache():
    fragments.clear()
    yield
    fragments.clear()


def test_value_is_computed_once_per_key():
    calls = []

    def compute():
        calls.append(1)
        return "<p>正文</p>"

    assert fragments.get_or_compute(("page", 1, "v1"), compute) == "<p>正文</p>"
    assert fragments.get_or_compute(("page", 1, "v1"), compute) == "<p>正文</p>"
    assert len(calls) == 1
    fragments.get_or_compute(("page", 1, "v2"), compute)  # a new version token is a new key
    assert len(calls) == 2


def test_least_recently_used_entries_go_when_the_budget_is_spent(monkeypatch):
    monkeypatch.setattr(fragments, "MAX_BYTES", 1000)
    fragments.put("a", "x", cost=400)
    fragments.put("b", "y", cost=400)
    assert fragments.get("a") == "x"  # a is now the most recently used
    fragments.put("c", "z", cost=400)
    assert fragments.get("b") is None
    assert fragments.get("a") == "x" and fragments.get("c") == "z"


def test_entries_expire(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(fragments.time, "monotonic", lambda: now[0])
    fragments.put("a", "x")
    now[0] += fragments.TIMEOUT - 1
    assert fragments.get("a") == "x"
    now[0] += 2
    assert fragments.get("a") is None


def test_replacing_a_key_keeps_the_budget_exact(monkeypatch):
    monkeypatch.setattr(fragments, "MAX_BYTES", 1000)
    for _ in range(10):
        fragments.put("a", "x", cost=600)
    fragments.put("b", "y", cost=300)
    assert fragments.get("a") == "x" and fragments.get("b") == "y"
