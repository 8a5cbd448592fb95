"""Template filters for amounts and targets in human notation (``{% load kesu_format %}``).

Thin wrappers around :mod:`kesu.plans.notation`, so a page writes a target exactly as a document or
export does: ``{{ figure.value|amount:target.unit }}`` → ``20 场次`` (``{{ figure.value|figure:target }}``
keeps a 人均 figure's decimals), ``{{ target|target_text }}`` →
``≥ 20 场次``, ``{{ target|target_text:"words" }}`` → ``不少于 20 场次``,
``{{ target.comparator|comparator_words }}`` → ``不少于``, ``{{ target|target_kind }}`` → ``年度目标``."""

from __future__ import annotations

from django import template

from kesu.plans import notation
from kesu.plans.attainment import Kind

register = template.Library()


@register.filter
def amount(value, unit: str = "") -> str:
    """An amount with its unit: counts whole, no trailing .0, 万 as plans write it; None → "—"."""
    return notation.format_amount(value, unit)


def _counts(target) -> bool | None:
    """Whether ``target``'s figures are counts (whole numbers): its unit counts things and its figures
    add up (人均拥有科普图书2册 is a ratio though 册 counts books). None: let the unit decide."""
    if callable(getattr(target, "attainment_target", None)):
        target = target.attainment_target()
    if hasattr(target, "adds_up"):
        return notation.is_count_unit(target.unit) and target.adds_up
    return None


@register.filter
def figure(value, target) -> str:
    """A figure of ``target`` (a planning or attainment Target) in the target's unit: ``20 场次``, and a
    人均 figure keeps its decimals."""
    if target is None:
        return notation.format_amount(value)
    return notation.format_amount(value, getattr(target, "unit", ""), count=_counts(target))


@register.filter
def average_amount(value, unit: str = "") -> str:
    """An average of amounts (counts per unit …): one decimal even for counts."""
    return notation.format_amount(value, unit, places=1)


@register.filter
def comparator_symbol(comparator) -> str:
    return notation.comparator_symbol(comparator)


@register.filter
def comparator_words(comparator) -> str:
    return notation.comparator_words(comparator)


@register.filter
def target_text(target, style: str = "") -> str:
    """A target (anything with value, comparator and unit; a dict too) as ``≥ 20 场次``, or with
    ``"words"`` as ``不少于 20 场次``; nothing → ""."""
    if target is None:
        return ""
    if isinstance(target, dict):
        get, count = target.get, None
    else:
        def get(name, default=None):
            return getattr(target, name, default)
        count = _counts(target)
    return notation.format_target(
        get("value"), get("comparator", ">=") or ">=", get("unit", "") or "", words=style == "words", count=count
    )


def _kind(target) -> Kind | None:
    if target is None or target == "":
        return None
    if isinstance(target, str):
        try:
            return Kind(target)
        except ValueError:
            return None
    if callable(getattr(target, "attainment_target", None)):
        target = target.attainment_target()
    kind = getattr(target, "kind", None)
    return Kind(kind) if kind else None


@register.filter
def target_kind(target) -> str:
    """年度目标 / 累计目标 / 水平目标 / 上限目标 for a planning Target (the office's kind, else the
    one read from its text), an attainment Target, a Kind or its stored value; "" when unknown."""
    kind = _kind(target)
    return kind.noun if kind else ""


@register.filter
def target_kind_rule(target) -> str:
    """How a target of that kind is judged, in a sentence (for a title or a note)."""
    kind = _kind(target)
    return kind.rule if kind else ""


@register.filter
def percent(share, places: int = 1) -> str:
    """1.3 → ``130%``; None → "—"."""
    return notation.format_percent(share, int(places))
