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
from kesu.planning.selectors import PlanState
from kesu.resources.summaries import ResourcesSummary
from kesu.supervision.status import Colour

NO_SURVEY_TEXT = "本年度无抽样调查数据"
NO_INDICATOR_TEXT = "本年度无科普能力指标数据"
NO_RESOURCES_TEXT = "科普资源登记册中本地区尚无科普教育基地、科普人才和科普活动的记录"
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
        ended = sum(1 for r in data.lower_regions if r.plan_state == PlanState.ENDED)
        # A region between two plans has one, only not for this year: not the same as none at all.
        ended_text = f"、{ended} 个方案已到期尚无新方案" if ended else ""
        numbers.append(KeyNumber("下级地区", f"{len(data.lower_regions)} 个，其中 {with_plan} 个已录入实施方案{ended_text}"))
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

    resources = data.resources
    if resources.re_examined_rectify or resources.re_examined_revoked:
        issues.append(
            f"{data.year}年复核科普教育基地{resources.re_examined}家，其中{re_examination_outcomes(resources)}。"
        )
        steps.append("督促限期整改的科普教育基地按期完成整改，加强对基地开放和科普活动开展情况的日常监管。")

    if not data.content.is_empty:
        # Imported here: content_section builds its sentences with this module's number helpers.
        from kesu.evaluation.content_section import issues_and_steps

        content_issues, content_steps = issues_and_steps(data.content)
        issues.extend(content_issues)
        steps.extend(content_steps)

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


# --- 科普资源与活动 ------------------------------------------------------------------------------


def _counted(parts: list[tuple[str, int]], unit: str) -> str:
    return "、".join(f"{label}{number_text(n)}{unit}" for label, n in parts if n)


def bases_text(r: ResourcesSummary) -> str:
    standing = _counted([(line.label, line.standing) for line in r.levels], "家")
    text = f"截至{r.year}年底，{r.region_name}在册科普教育基地{r.standing}家" + (f"，其中{standing}" if standing else "")
    new = _counted([(line.label, line.new) for line in r.levels], "家")
    text += f"；{r.year}年新认定（含晋级）{r.new}家（{new}）。" if r.new else f"；{r.year}年无新认定的科普教育基地。"
    if r.standing:
        text += f"在册基地展教面积合计{number_text(round(r.exhibition_area))}平方米"
        if r.area_per_10k is not None:
            text += (f"，按{r.population_year}年常住人口{r.population / 10_000:.1f}万人计，"
                     f"每万人科普教育基地展教面积{r.area_per_10k:.1f}平方米。")
        else:
            text += "；常住人口数据缺失，未计算每万人展教面积。"
    if r.annual_reports:
        text += f"{r.year}年度{r.annual_reports}家基地报送年报，合计接待{number_text(r.base_visitors)}人次。"
    if r.re_examined:
        text += f"{r.year}年复核{r.re_examined}家，其中{re_examination_outcomes(r)}。"
    return text


def re_examination_outcomes(r: ResourcesSummary) -> str:
    passed = r.re_examined - r.re_examined_rectify - r.re_examined_revoked
    return _counted([("通过", passed), ("限期整改", r.re_examined_rectify), ("撤销（摘牌）", r.re_examined_revoked)], "家")


def people_text(r: ResourcesSummary) -> str:
    return (
        f"科普专家库现有专家{r.experts}人，其中应急科普专家{r.emergency_experts}人、讲师团成员{r.lecturers}人。"
        f"截至{r.year}年底，在册科技志愿服务队{r.teams}支（其中银龄科普志愿服务队{r.senior_teams}支），"
        f"注册科普志愿者{number_text(r.volunteers)}人（其中银龄志愿者{r.senior_volunteers}人），"
        f"{r.year}年登记志愿服务{number_text(r.service_records)}次、{number_text(round(r.service_hours, 1))}小时；"
        f"科普信息员{r.messengers}人，覆盖{r.communities}个村（社区）；在册科普组织{r.organisations}个。"
    )


def activities_text(r: ResourcesSummary) -> str:
    if not r.activities:
        return f"{r.year}年未登记科普活动。"
    text = f"{r.year}年登记科普活动{number_text(r.activities)}场，现场参与{number_text(r.participants)}人次"
    if r.online_reach:
        text += f"，线上传播{number_text(r.online_reach)}人次"
    kinds = _counted([(line.label, line.activities) for line in r.by_kind
                      if line.code in ("science_day", "science_week", "countryside")], "场")
    text += f"；其中{kinds}" if kinds else ""
    groups = [line for line in r.by_audience if line.code != "public" and line.activities]
    if groups:
        top = max(groups, key=lambda line: line.activities)
        text += f"。面向重点人群的活动中，面向{top.label}的最多（{top.activities}场）"
    return text + "。"


def resources_key_numbers(r: ResourcesSummary) -> list[KeyNumber]:
    """The dashboard's resources card: registry figures that also feed 科普统计."""
    levels = "、".join(f"{line.label}{line.standing}" for line in r.levels if line.standing)
    return [
        KeyNumber("在册科普教育基地", f"{r.standing} 家" + (f"（{levels}）" if levels else "")),
        KeyNumber(f"{r.year}年新认定基地", f"{r.new} 家"),
        KeyNumber("科普专家", f"{r.experts} 人，其中应急科普专家 {r.emergency_experts} 人"),
        KeyNumber("注册科普志愿者", f"{number_text(r.volunteers)} 人，{r.year}年服务 {number_text(round(r.service_hours, 1))} 小时"),
        KeyNumber("科普信息员", f"{r.messengers} 人"),
        KeyNumber(f"{r.year}年科普活动", f"{number_text(r.activities)} 场，参与 {number_text(r.participants)} 人次"),
    ]
