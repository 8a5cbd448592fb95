"""Template filters for shares shown as percentages."""

from __future__ import annotations

import math

from django import template

register = template.Library()


def _finite(value) -> float | None:
    """The value as a float, or None when it is missing, empty or not finite (shown as "—")."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.1234 → "12.3%"; missing, empty or not finite → "—"."""
    share = _finite(value)
    if share is None:
        return "—"
    return f"{share * 100:.{int(digits)}f}%"


@register.filter
def points(value, digits: int = 1) -> str:
    """A share as percentage points without the sign (for standard errors): 0.0123 → "1.2"."""
    share = _finite(value)
    if share is None:
        return "—"
    return f"{share * 100:.{int(digits)}f}"


@register.filter
def number(value, digits: int = 2) -> str:
    finite = _finite(value)
    if finite is None:
        return "—"
    return f"{finite:.{int(digits)}f}"
