"""The one exception the survey package raises for bad input or impossible requests."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class SurveyError(ValueError):
    """Bad survey input (missing column, invalid weights, lonely PSU, …) with a message saying what to fix."""


def missing_column_error(name: str, available: Iterable[str], role: str = "column") -> SurveyError:
    """An error for an unknown column name that suggests the closest existing name."""
    available = list(available)
    close = difflib.get_close_matches(name, available, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else f"; available columns: {', '.join(available[:20])}"
    return SurveyError(f"{role} {name!r} not found in the data{hint}")
