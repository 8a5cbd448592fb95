"""Personal data in the registries (phone and ID numbers): shown whole to office admins only,
masked everywhere else, and in exports unless the admin asks for them whole."""

from __future__ import annotations


def mask(value: str) -> str:
    """Keep enough to tell numbers apart on a call list, never enough to dial or identify:
    138****5678 for a mobile, 3201**********1234 for an ID number, ***1234 for anything else."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) == 18:
        return value[:4] + "*" * 10 + value[-4:]
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    return "***" + value[-4:] if len(value) > 4 else "****"


def shown(value: str, *, whole: bool) -> str:
    return value if whole else mask(value)
