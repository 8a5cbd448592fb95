"""Plan parser: the text of a 全民科学素质行动 implementation plan → `Plan` (see parser.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kesu.plans.errors import PlanParseError
from kesu.plans.model import HeadlineTarget, Period, Plan, Section, Target, Task, UnitEntry
from kesu.plans.parser import parse_text
from kesu.plans.units import load_alias_dictionary

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "HeadlineTarget",
    "Period",
    "Plan",
    "PlanParseError",
    "Section",
    "Target",
    "Task",
    "UnitEntry",
    "load_alias_dictionary",
    "parse_file",
    "parse_text",
]


def parse_file(path: str | Path, *args: Any, **kwargs: Any) -> Plan:
    """Read a plan document (.txt, .md, .docx, .pdf) and parse it (kesu.plans.extract)."""
    from kesu.plans.extract import parse_file as _parse_file

    return _parse_file(path, *args, **kwargs)
