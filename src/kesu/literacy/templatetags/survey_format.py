"""Template filters for shares shown as percentages."""

from __future__ import annotations

from django import template

from kesu.plans.notation import finite

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.1234 → "12.3%"; missing, empty or not finite → "—"."""
    share = finite(value)
    if share is None:
        return "—"
    return f"{share * 100:.{int(digits)}f}%"


@register.filter
def points(value, digits: int = 1) -> str:
    """A share as percentage points without the sign (for standard errors): 0.0123 → "1.2"."""
    share = finite(value)
    if share is None:
        return "—"
    return f"{share * 100:.{int(digits)}f}"


@register.filter
def number(value, digits: int = 2) -> str:
    amount = finite(value)
    if amount is None:
        return "—"
    return f"{amount:.{int(digits)}f}"
