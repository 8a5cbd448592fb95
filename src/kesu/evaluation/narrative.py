"""The sentences of the annual evaluation report (and the region dashboard), built from the numbers
of :class:`~kesu.evaluation.figures.EvaluationFigures` and nothing else: the cover lines, the key
numbers, and the problems found with the matching standard next steps.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from kesu.evaluation.figures import EvaluationFigures
from kesu.literacy.summaries import LiteracyShare
from kesu.planning.models import SectionKind
from kesu.supervision.status import Colour

NO_SURVEY_TEXT = "本年度无抽样调查数据"
NO_INDICATOR_TEXT = "本年度无科普能力指标数据"
OUTSTANDING_LABELS = {"overdue": "逾期未报", "returned": "退回未改"}
ON_TRACK_LABELS = {True: "可如期完成", False: "难以如期完成", None: "—"}


@dataclass(frozen=True)
class KeyNumber:
    label: str
    value: str


def percent_text(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def share_percent(share: float | None) -> float | None:
    """A share (0–1) as the percentage the report prints, to two decimals."""
    return None if share is None else round(share * 100, 2)


def number_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def ci_text(estimate: LiteracyShare) -> str:
    if estimate.low is None or estimate.high is None:
        return "—"
    return f"{share_percent(estimate.low):.2f}%—{share_percent(estimate.high):.2f}%"


def title(data: EvaluationFigures) -> str:
    return f"{data.region.name}{data.year}年度全民科学素质行动实施情况评估报告"


def issuer(data: EvaluationFigures) -> str:
    return f"{data.region.name}全民科学素质工作领导小组办公室"


def date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def weight_text(weights: tuple[tuple[str, float], ...]) -> str:
    return "、".join(f"{label}{points:g}分" for label, points in weights)


def kind_label(kind: str) -> str:
    return SectionKind(kind).label if kind in SectionKind.values else "其他"


def key_numbers(data: EvaluationFigures) -> list[KeyNumber]:
    trends = data.year_trends
    due = sum(t.due for t in trends)
    on_time = sum(t.on_time for t in trends)
    accepted = sum(t.accepted for t in trends)
    submitted = sum(t.submitted for t in trends)
    counts = data.colour_totals
    numbers = [
        KeyNumber("方案任务", f"{data.task_total} 项"),
        KeyNumber("责任单位", f"{data.unit_count} 个"),
        KeyNumber("任务状态", f"绿灯 {counts['green']} 项、黄灯 {counts['amber']} 项、红灯 {counts['red']} 项"),
        KeyNumber(f"{data.year}年到期进度报告",
                  f"{due} 份，按时报送 {on_time} 份（{percent_text(on_time / due if due else None)}）"),
        KeyNumber(f"{data.year}年已报送报告", f"{submitted} 份，审核通过 {accepted} 份"),
        KeyNumber("量化目标平均完成进度", percent_text(data.mean_task_progress)),
    ]
    if data.lower_regions:
        with_plan = sum(1 for r in data.lower_regions if r.has_plan)
        numbers.append(KeyNumber("下级地区", f"{len(data.lower_regions)} 个，其中 {with_plan} 个已录入实施方案"))
    return numbers


def problems_and_next_steps(data: EvaluationFigures) -> tuple[list[str], list[str]]:
    """Factual bullets from the figures, each with the matching standard next step."""
    issues: list[str] = []
    steps: list[str] = []
    headline = data.headline
    if headline.estimate is not None and headline.gap is not None and headline.gap > 0:
        year = f"{headline.target_year}年" if headline.target_year else ""
        issues.append(
            f"{headline.indicator}为{share_percent(headline.estimate.share):.2f}%（{headline.estimate.wave_year}年调查），"
            f"距{year}目标{headline.target_value:g}%尚差{headline.gap:.2f}个百分点。"
        )
        steps.append("围绕重点人群科学素质提升行动补齐短板，确保总体目标如期实现。")

    overdue_by_unit = Counter(item.unit_name for item in data.overdue_reports if item.kind == "overdue")
    if overdue_by_unit:
        top = overdue_by_unit.most_common(3)
        issues.append(
            f"{len(overdue_by_unit)}个单位有逾期未报送的{data.year}年进度报告，逾期最多的是"
            + "、".join(f"{name}（{count}份）" for name, count in top) + "。"
        )
        steps.append("对逾期未报送单位逐一督办催办，将按时报送情况纳入年度目标管理考核。")
    returned = [item for item in data.overdue_reports if item.kind == "returned"]
    if returned:
        issues.append(f"{len(returned)}份进度报告被退回后尚未重新报送。")
        steps.append("督促相关单位按审核意见修改后重新报送。")

    measured = [g for g in data.groups if g.mean_progress is not None]
    if len(measured) >= 2:
        lowest = min(measured, key=lambda g: g.mean_progress)
        issues.append(f"{lowest.title}量化目标平均完成进度为{percent_text(lowest.mean_progress)}，在各行动/工程中最低。")
        steps.append(f"聚焦{lowest.title}，协调牵头单位制定推进措施、加快进度。")

    red = [t for t in data.alert_tasks if t.colour == Colour.RED]
    if red:
        names = "、".join(f"{t.code}{t.title}" for t in red[:3])
        more = f"等{len(red)}项" if len(red) > 3 else ""
        issues.append(f"{names}{more}任务亮红灯（进度滞后）。")
        steps.append("对红灯任务实行清单管理，明确牵头单位整改时限，逐月跟踪。")

    missing = [i for i in data.indicators if i.on_track is False]
    if missing:
        issues.append(
            "按当前趋势，" + "、".join(_indicator_outlook(i) for i in missing[:3]) + "，难以如期完成目标。"
        )
        steps.append("对预计不能如期完成的科普能力指标加大投入，分解落实到责任单位。")

    lagging_regions = [r for r in data.lower_regions if r.has_plan and r.red]
    if lagging_regions:
        worst = sorted(lagging_regions, key=lambda r: -r.red)[:3]
        issues.append("下级地区中" + "、".join(f"{r.name}（红灯{r.red}项）" for r in worst) + "滞后任务较多。")
        steps.append("加强对下级地区的工作指导和调度，推动滞后任务按期完成。")
    return issues, steps


def _indicator_outlook(line) -> str:
    target = f"（目标{number_text(line.target)}{line.unit}）"
    if line.projection is None:
        # Off track without a projection: the target year has come and the target is not met.
        return f"{line.name}{line.target_year}年为{number_text(line.value)}{line.unit}{target}"
    return f"{line.name}预计{line.target_year}年达到{number_text(line.projection)}{line.unit}{target}"
