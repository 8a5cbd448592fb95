"""The one exception the survey package raises for bad input or impossible requests.

Every message comes in Chinese for the office and its statisticians and in English for the
statistical literature and scripts: `SurveyError(zh, en)`. `str()` gives both, "中文 / English" (the
command line prints that); a web page shows `.zh`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

# The Chinese name of a column by its role in the design, for messages that name a column.
ROLE_NAMES = {
    "column": "列",
    "weight": "权数列",
    "weight column": "权数列",
    "strata": "分层列",
    "strata column": "分层列",
    "psu": "初级抽样单元（PSU）列",
    "psu column": "初级抽样单元（PSU）列",
    "fpc": "有限总体校正列",
    "fpc column": "有限总体校正列",
    "analysis": "分析变量列",
    "analysis column": "分析变量列",
    "variable": "分析变量列",
    "denominator": "分母列",
    "region": "区划列",
    "by": "分组列",
    "domain column": "分组列",
    "margin": "边际列",
    "calibration column": "校准列",
    "replicate weight column": "重复权数列",
    "total": "总体总数列",
    "level": "类别列",
}


def role_name(role: str) -> str:
    """The Chinese name for an English role ("weight column" -> 权数列); unknown roles stay as given."""
    return ROLE_NAMES.get(role.strip(), f"{role}列" if role else "列")


class SurveyError(ValueError):
    """Bad survey input (missing column, invalid weights, lonely PSU, …) with a message saying what to fix,
    in Chinese (`zh`) and English (`en`). Given one text only, that text serves as both."""

    def __init__(self, zh: str, en: str | None = None) -> None:
        self.zh = zh
        self.en = zh if en is None else en
        super().__init__(zh if en is None or en == zh else f"{zh} / {en}")


def missing_column_error(name: str, available: Iterable[str], role: str = "column") -> SurveyError:
    """An error for an unknown column name that suggests the closest existing name."""
    available = list(available)
    close = difflib.get_close_matches(name, available, n=1, cutoff=0.5)
    if close:
        hint_zh, hint_en = f"，是否应为“{close[0]}”？", f"; did you mean {close[0]!r}?"
    else:
        shown = ", ".join(available[:20])
        hint_zh, hint_en = f"；现有的列：{shown}", f"; available columns: {shown}"
    return SurveyError(
        f"数据中没有{role_name(role)}“{name}”{hint_zh}",
        f"{role} {name!r} not found in the data{hint_en}",
    )


def plain(value: float, significant: int = 6) -> str:
    """A number for a message: thousands separated, never in e-notation (1e-10 -> 0.0000000001,
    1234567.0 -> 1,234,567), trailing zeros dropped."""
    if value is None or not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    decimals = min(max(0, significant - 1 - math.floor(math.log10(abs(value)))), 20)
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
