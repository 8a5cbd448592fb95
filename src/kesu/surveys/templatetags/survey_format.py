"""Template filters for shares shown as percentages."""

from __future__ import annotations

import math

from django import template

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.1234 → "12.3%"; missing or not finite → "—"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def points(value, digits: int = 1) -> str:
    """A share as percentage points without the sign (for standard errors): 0.0123 → "1.2"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}"


@register.filter
def number(value, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{float(value):.{int(digits)}f}"
