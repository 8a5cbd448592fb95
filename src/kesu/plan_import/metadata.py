"""The office's corrections of a draft's metadata (标题, 文号, 印发机关, 印发日期, 地区, 实施期, 总体目标).

Every field is checked before any is written, so a correction with one bad field changes nothing.
A field whose value changes counts as checked (its "metadata:<field>" item of 请先核对), like a
corrected task. The corrected values stay in the draft's plan, which `services.confirm_import`
writes as the Plan's particulars."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from kesu.plan_import.errors import PlanImportError
from kesu.plan_import.models import ImportDraft
from kesu.plan_import.review import METADATA_LABELS, mark_checked
from kesu.plans.targets import INDICATOR as HEADLINE_INDICATOR

# The lengths of the Plan columns these fields are written to.
MAX_LENGTHS = {"title": 255, "doc_number": 64, "issuer": 255, "region": 64}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A plan's years: the national 纲要 began in 2006; nothing is planned beyond 2100.
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class MetadataEdit:
    """The values the office typed, as text. Blank optional fields clear the value."""

    title: str
    doc_number: str = ""
    issuer: str = ""
    date: str = ""
    region: str = ""
    period_start: str = ""
    period_end: str = ""
    headline_value: str = ""
    headline_year: str = ""


def metadata_initial(plan: dict[str, Any]) -> dict[str, str]:
    """The draft's metadata as the correction form shows it."""
    period = plan.get("period") or {}
    headline = plan.get("headline_target") or {}
    value = headline.get("value")
    return {
        "title": plan.get("title") or "", "doc_number": plan.get("doc_number") or "",
        "issuer": plan.get("issuer") or "", "date": plan.get("date") or "", "region": plan.get("region") or "",
        "period_start": str(period.get("start") or ""), "period_end": str(period.get("end") or ""),
        "headline_value": f"{value:g}" if isinstance(value, (int, float)) else "",
        "headline_year": str(headline.get("year") or ""),
    }


def _year(label: str, text: str, problems: list[str]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        problems.append(f"{label}“{text}”应为 {FIRST_YEAR}—{LAST_YEAR} 之间的四位年份")
        return None
    return int(text)


def clean_metadata(edit: MetadataEdit, plan: dict[str, Any]) -> dict[str, Any]:
    """The plan's new metadata values, or PlanImportError listing every problem, each naming its field."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name in ("title", "doc_number", "issuer", "region"):
        text = " ".join((getattr(edit, name) or "").split())
        if len(text) > MAX_LENGTHS[name]:
            problems.append(f"{METADATA_LABELS[name]}不能超过 {MAX_LENGTHS[name]} 个字（现有 {len(text)} 个）")
        values[name] = text
    if not values["title"]:
        problems.append("标题不能为空")

    date = (edit.date or "").strip()
    if date:
        try:
            if not _ISO_DATE.match(date):
                raise ValueError
            datetime.date.fromisoformat(date)
        except ValueError:
            problems.append(f"印发日期“{date}”无效，请按“年-月-日”填写，如 2023-06-08")
    values["date"] = date or None

    start = _year("实施期起始年", edit.period_start or "", problems)
    end = _year("实施期结束年", edit.period_end or "", problems)
    if (start is None) != (end is None) and not any(p.startswith("实施期") for p in problems):
        problems.append("实施期的起始年和结束年要么都填，要么都不填")
    elif start is not None and end is not None and start > end:
        problems.append(f"实施期起始年 {start} 晚于结束年 {end}")
    values["period"] = {"start": start, "end": end} if start is not None and end is not None else None

    values["headline_target"] = _headline(edit, plan.get("headline_target"), problems)
    if problems:
        raise PlanImportError("基本信息未保存：" + "；".join(problems))
    return values


def _headline(edit: MetadataEdit, old: dict[str, Any] | None, problems: list[str]) -> dict[str, Any] | None:
    raw_value, raw_year = (edit.headline_value or "").strip().rstrip("%％"), (edit.headline_year or "").strip()
    year = _year("总体目标年份", raw_year, problems)
    value = None
    if raw_value:
        try:
            value = float(raw_value)
        except ValueError:
            problems.append(f"总体目标比例“{edit.headline_value.strip()}”不是数字")
        else:
            if not 0 < value <= 100:
                problems.append(f"总体目标比例 {raw_value}% 应在 0 到 100 之间")
                value = None
    if not raw_value and not raw_year:
        return None
    if bool(raw_value) != bool(raw_year):
        problems.append("总体目标的比例和年份要么都填，要么都不填")
        return None
    if value is None or year is None:
        return None
    if old and old.get("value") == value and old.get("year") == year:
        return old
    # The sentence the parser read no longer says what the office set.
    return {"indicator": (old or {}).get("indicator") or HEADLINE_INDICATOR, "value": value,
            "unit": (old or {}).get("unit") or "%", "year": year, "text": ""}


def draft_edit_metadata(draft: ImportDraft, edit: MetadataEdit, *, by: str = "") -> list[str]:
    """Apply the corrected metadata to the draft's plan; returns the labels of the fields that changed."""
    plan = draft.plan
    values = clean_metadata(edit, plan)
    changed = []
    for name, value in values.items():
        old = plan.get(name)
        if name in ("doc_number", "issuer", "region"):
            old = old or ""
        if old == value:
            continue
        plan[name] = value
        mark_checked(draft, f"metadata:{name}", by=by, how="edited")
        changed.append(METADATA_LABELS[name])
    return changed
