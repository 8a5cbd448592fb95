"""Plan parser: a 全民科学素质行动 implementation plan → `ParsedPlan` (see parser.py).

Documents are read into text by `kesu.plans.readers`, then parsed by `kesu.plans.parser`.
"""

from kesu.plans.errors import PlanParseError
from kesu.plans.model import HeadlineTarget, ParsedPlan, Period, Section, Target, Task, UnitEntry
from kesu.plans.parser import parse_file, parse_text
from kesu.plans.units import load_alias_dictionary

__all__ = [
    "HeadlineTarget",
    "ParsedPlan",
    "Period",
    "PlanParseError",
    "Section",
    "Target",
    "Task",
    "UnitEntry",
    "load_alias_dictionary",
    "parse_file",
    "parse_text",
]
