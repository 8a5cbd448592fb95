"""Everything the annual evaluation report and the region dashboard show for one region × year.

:func:`annual_report_data` reads in a fixed number of queries, however many tasks, units, reports and
lower regions there are: the plan (1), the plan's board through
:func:`kesu.supervision.selectors.load_board` (6), score weights and adjustments (2), the
lower regions, their plans and one shared board for all of them (2 + 6), plus the indicator and survey
selectors when those apps are installed. Everything else is regrouping in Python, and the result is
plain dataclasses that the docx, pdf and xlsx writers and the dashboard page lay out.

Statuses are judged *as of* the end of January after the report year (when the second half-year's
reports have been due for two weeks), or today if that is earlier, so that a report on a past year
is not coloured by periods of the years after it.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from kesu.org.models import Region, RegionLevel
from kesu.planning.models import Plan, SectionKind, Task
from kesu.progress.models import ReportStatus
from kesu.supervision.models import ScoreAdjustment
from kesu.supervision.scorecards import DEFAULT_WEIGHTS, WEIGHT_LABELS, unit_scores, weights_for
from kesu.supervision.selectors import (
    Board,
    group_summaries,
    load_board,
    overdue_items,
    submitted_on_time,
)
from kesu.supervision.status import CEILING_COMPARATORS, YEARLY_MARKERS, Colour

HEADLINE_INDICATOR = "公民具备科学素质的比例"
# Survey domains that denote the whole adult population rather than a group.
OVERALL_DOMAINS = frozenset({"", "总体", "全体", "合计", "全部", "overall", "all", "total"})
NO_SURVEY_TEXT = "本年度无抽样调查数据"
NO_INDICATOR_TEXT = "本年度无科普能力指标数据"
STATUS_AS_OF_DAYS_AFTER_YEAR = 31


class ReportDataError(ValueError):
    """The report cannot be assembled (unknown region, no plan for the year); shown to the user as is."""


@dataclass
class KeyNumber:
    label: str
    value: str


@dataclass
class LiteracyEstimate:
    domain: str
    estimate: float  # percent
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    wave_year: int | None
    region_name: str = ""

    @property
    def ci_text(self) -> str:
        if self.ci_low is None or self.ci_high is None:
            return "—"
        return f"{self.ci_low:.2f}%—{self.ci_high:.2f}%"


@dataclass
class Headline:
    indicator: str
    target_value: float | None
    unit: str
    target_year: int | None
    estimate: LiteracyEstimate | None = None

    @property
    def gap(self) -> float | None:
        """Percentage points still to go (positive = below target)."""
        if self.estimate is None or self.target_value is None:
            return None
        return round(self.target_value - self.estimate.estimate, 2)


@dataclass
class GroupProgress:
    title: str
    kind: str
    tasks: int
    green: int
    amber: int
    red: int
    mean_progress: float | None

    @property
    def kind_label(self) -> str:
        return SectionKind(self.kind).label if self.kind in SectionKind.values else "其他"


@dataclass
class AlertTask:
    code: str
    title: str
    group: str
    colour: Colour
    reason: str
    lead_units: str
    participating_units: str


@dataclass
class OverdueReport:
    unit_name: str
    task_code: str
    task_title: str
    period_label: str
    days: int | None
    kind: str  # "overdue" or "returned"
    colour: Colour
    reason: str

    @property
    def kind_label(self) -> str:
        return "逾期未报" if self.kind == "overdue" else "退回未改"


@dataclass
class ScoreLine:
    rank: int | None
    unit_name: str
    on_time_rate: float | None
    completion_rate: float | None
    review_rate: float | None
    adjustment: float
    total: float | None
    due_reports: int
    on_time_reports: int


@dataclass
class TargetLine:
    task_code: str
    text: str
    target_value: float
    unit: str
    comparator: str
    reached: float | None
    progress: float | None
    deadline_year: int | None
    yearly: bool


@dataclass
class IndicatorLine:
    name: str
    unit: str
    value: float | None
    target: float | None
    target_year: int | None
    gap: float | None
    projection: float | None
    on_track: bool | None


@dataclass
class LowerRegionLine:
    code: str
    name: str
    has_plan: bool
    tasks: int = 0
    green: int = 0
    amber: int = 0
    red: int = 0
    completion: float | None = None
    due_reports: int = 0
    on_time_reports: int = 0
    period_on_time: list[tuple[str, float | None]] = field(default_factory=list)
    literacy: float | None = None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time_reports / self.due_reports if self.due_reports else None


@dataclass
class PeriodTrend:
    label: str
    year: int
    due: int
    on_time: int
    submitted: int
    accepted: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass
class AnnualReportData:
    region: Region
    year: int
    plan: Plan
    as_of: datetime.date
    generated_on: datetime.date
    headline: Headline
    key_numbers: list[KeyNumber]
    task_total: int
    colour_totals: dict[str, int]
    groups: list[GroupProgress]
    alert_tasks: list[AlertTask]
    overdue_reports: list[OverdueReport]
    weights: dict[str, float]
    scores: list[ScoreLine]
    targets: list[TargetLine]
    indicators: list[IndicatorLine]
    indicators_available: bool
    literacy: list[LiteracyEstimate]
    literacy_trend: list[LiteracyEstimate]
    lower_regions: list[LowerRegionLine]
    trends: list[PeriodTrend]
    issues: list[str]
    next_steps: list[str]

    @property
    def title(self) -> str:
        return f"{self.region.name}{self.year}年度全民科学素质行动实施情况评估报告"

    @property
    def issuer(self) -> str:
        return f"{self.region.name}全民科学素质工作领导小组办公室"

    @property
    def date_text(self) -> str:
        d = self.generated_on
        return f"{d.year}年{d.month}月{d.day}日"

    @property
    def weight_text(self) -> str:
        return "、".join(f"{WEIGHT_LABELS[name]}{self.weights[name]:g}分" for name in DEFAULT_WEIGHTS)


# --- Reading ---------------------------------------------------------------------------------------


def plan_for_year(region: Region, year: int) -> Plan | None:
    """The region's plan covering ``year``: current version first, then the newest version."""
    covering = (Q(period_start__isnull=True) | Q(period_start__lte=year)) & (
        Q(period_end__isnull=True) | Q(period_end__gte=year)
    )
    return (
        Plan.objects.filter(covering, region=region)
        .select_related("region")
        .order_by("-is_current", "-version", "-pk")
        .first()
    )


def region_by_code(code: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ReportDataError(f"未找到行政区划代码“{code}”")
    return region


def default_as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return min(today, datetime.date(year, 12, 31) + datetime.timedelta(days=STATUS_AS_OF_DAYS_AFTER_YEAR))


def annual_report_data(
    region: Region, year: int, *, today: datetime.date | None = None, plan: Plan | None = None
) -> AnnualReportData:
    plan = plan or plan_for_year(region, year)
    if plan is None:
        raise ReportDataError(f"{region.name}没有覆盖{year}年的全民科学素质行动实施方案，无法生成年度报告")
    generated_on = today or timezone.localdate()
    as_of = default_as_of(year, generated_on)

    board = load_board(Task.objects.filter(plan=plan), as_of)
    weights = weights_for(plan)
    adjustments = list(ScoreAdjustment.objects.filter(plan=plan, year=year))

    literacy = literacy_estimates_for(region, year)
    headline = Headline(
        plan.headline_indicator or HEADLINE_INDICATOR, plan.headline_value, plan.headline_unit or "%",
        plan.headline_year, _overall(literacy),
    )
    literacy_trend = literacy_trend_for(region, year) if literacy is not None else []

    groups = [
        GroupProgress(g.title, g.kind, g.tasks, g.colours.get(Colour.GREEN, 0), g.colours.get(Colour.AMBER, 0),
                      g.colours.get(Colour.RED, 0), g.mean_progress)
        for g in group_summaries(board)
    ]
    trends = period_trends(board, plan, year)
    year_trends = [t for t in trends if t.year == year]
    alert_tasks = _alert_tasks(board)
    overdue = _overdue_reports(board, year)
    scores = [
        ScoreLine(s.rank, s.unit.name, s.rates["on_time_reporting"], s.rates["target_completion"],
                  s.rates["review_outcome"], s.adjustment_points, s.total, s.due_reports, s.on_time_reports)
        for s in unit_scores(board, weights, year, adjustments)
    ]
    targets = _target_lines(board, year)
    indicators, indicators_available = indicator_lines_for(region, plan, year)
    lower = lower_region_lines(region, year, as_of)

    data = AnnualReportData(
        region=region, year=year, plan=plan, as_of=as_of, generated_on=generated_on, headline=headline,
        key_numbers=[], task_total=len(board.rows), colour_totals=board.counts(), groups=groups,
        alert_tasks=alert_tasks, overdue_reports=overdue, weights=weights, scores=scores, targets=targets,
        indicators=indicators, indicators_available=indicators_available, literacy=literacy or [],
        literacy_trend=literacy_trend, lower_regions=lower, trends=trends, issues=[], next_steps=[],
    )
    data.key_numbers = _key_numbers(data, board, year_trends)
    data.issues, data.next_steps = problems_and_next_steps(data)
    return data


def period_trends(board: Board, plan: Plan, last_year: int) -> list[PeriodTrend]:
    """Per reporting period up to ``last_year``: reports owed, on time, submitted and accepted."""
    periods = [p for p in board.periods_by_plan.get(plan.pk, []) if p.start.year <= last_year]
    tallies = {p.pk: PeriodTrend(p.label, p.start.year, 0, 0, 0, 0) for p in periods}
    for row in board.rows:
        for reports in row.reports_by_unit.values():
            by_period = {r.period_id: r for r in reports}
            for period in periods:
                tally = tallies[period.pk]
                report = by_period.get(period.pk)
                if period.due < board.today:
                    tally.due += 1
                    tally.on_time += submitted_on_time(report, period.due)
                if report is not None and report.status != ReportStatus.DRAFT:
                    tally.submitted += 1
                    tally.accepted += report.status == ReportStatus.ACCEPTED
    return [tallies[p.pk] for p in periods]


def _alert_tasks(board: Board) -> list[AlertTask]:
    rows = [row for row in board.rows if row.status.colour != Colour.GREEN]
    rows.sort(key=lambda row: (-row.status.colour, row.task.order, row.task.pk))
    return [
        AlertTask(
            row.task.code, row.task.title, row.task.group.title if row.task.group else "其他任务",
            row.status.colour, row.status.reason,
            "、".join(u.name for u in row.leads) or "—", "、".join(u.name for u in row.participants) or "—",
        )
        for row in rows
    ]


def _overdue_reports(board: Board, year: int) -> list[OverdueReport]:
    """Overdue and returned reports of the report year's periods (earlier years are history)."""
    periods_in_year = {
        p.label for periods in board.periods_by_plan.values() for p in periods if p.start.year == year
    }
    return [
        OverdueReport(item.unit_name, item.row.task.code, item.row.task.title, item.period_label, item.days,
                      item.kind, item.colour, item.reason)
        for item in overdue_items(board) if item.period_label in periods_in_year
    ]


def _target_lines(board: Board, year: int) -> list[TargetLine]:
    """Each quantitative target with what accepted figures reached (yearly targets: in ``year``)."""
    lines = []
    for row in board.rows:
        for target in row.data.targets:
            figures = [f for f in target.figures if f.period_start.year <= year]
            if target.is_yearly:
                figures = [f for f in figures if f.period_start.year == year]
            reached: float | None = None
            if figures:
                if target.is_level:
                    latest_end = max(f.period_end for f in figures)
                    latest = [f.value for f in figures if f.period_end == latest_end]
                    reached = min(latest) if target.comparator in CEILING_COMPARATORS else max(latest)
                else:
                    latest_by_unit: dict = {}
                    for figure in sorted(figures, key=lambda f: f.period_end):
                        latest_by_unit[figure.unit_id] = figure.value
                    reached = sum(latest_by_unit.values())
            progress = None
            if reached is not None:
                if target.comparator in CEILING_COMPARATORS:
                    progress = 1.0 if reached <= target.value else target.value / reached if reached else 1.0
                elif target.value > 0:
                    progress = min(1.0, reached / target.value)
                else:
                    progress = 1.0
            lines.append(TargetLine(
                row.task.code, target.label, target.value, target.unit, target.comparator, reached, progress,
                target.deadline_year, any(m in target.period_text for m in YEARLY_MARKERS),
            ))
    return lines


def lower_region_lines(region: Region, year: int, as_of: datetime.date) -> list[LowerRegionLine]:
    """The regions directly under ``region`` with their current plans' progress in ``year``."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return []
    covering = (Q(period_start__isnull=True) | Q(period_start__lte=year)) & (
        Q(period_end__isnull=True) | Q(period_end__gte=year)
    )
    plans = list(
        Plan.objects.filter(covering, region__in=children, is_current=True).order_by("region_id", "-version", "-pk")
    )
    plan_by_region: dict[int, Plan] = {}
    for plan in plans:
        plan_by_region.setdefault(plan.region_id, plan)
    lines = {child.pk: LowerRegionLine(child.code, child.name, child.pk in plan_by_region) for child in children}
    if not plan_by_region:
        return list(lines.values())
    plan_ids = [p.pk for p in plan_by_region.values()]
    board = load_board(Task.objects.filter(plan_id__in=plan_ids), as_of)
    progress: dict[int, list[float]] = defaultdict(list)
    for row in board.rows:
        line = lines[row.task.plan.region_id]
        line.tasks += 1
        setattr(line, row.status.key, getattr(line, row.status.key) + 1)
        if row.status.progress is not None:
            progress[row.task.plan.region_id].append(row.status.progress)
    for region_id, plan in plan_by_region.items():
        line = lines[region_id]
        values = progress.get(region_id)
        line.completion = sum(values) / len(values) if values else None
        plan_rows = [row for row in board.rows if row.task.plan_id == plan.pk]
        sub_board = Board(plan_rows, board.units, board.periods_by_plan, board.today, board.thresholds)
        trends = period_trends(sub_board, plan, year)
        line.due_reports = sum(t.due for t in trends if t.year == year)
        line.on_time_reports = sum(t.on_time for t in trends if t.year == year)
        line.period_on_time = [(t.label, t.on_time_rate) for t in trends]
    return list(lines.values())


def rank_lower_regions(lines: list[LowerRegionLine]) -> list[LowerRegionLine]:
    """Best first: completion, then on-time reporting, then fewer red tasks; regions without a plan last."""
    return sorted(lines, key=lambda r: (
        not r.has_plan, -(r.completion if r.completion is not None else -1),
        -(r.on_time_rate if r.on_time_rate is not None else -1), r.red, r.code,
    ))


# --- Other apps: survey estimates and outreach indicators ------------------------------------------


def _field(row, *names, default=None):
    """A field of a row from another app's selector, whether the row is a mapping or an object."""
    for name in names:
        value = row.get(name) if isinstance(row, dict) else getattr(row, name, None)
        if value is not None:
            return value
    return default


def _as_percent(value: float | None, is_share: bool) -> float | None:
    if value is None:
        return None
    return round(float(value) * 100, 2) if is_share else round(float(value), 2)


def literacy_estimates_for(region: Region, year: int | None) -> list[LiteracyEstimate] | None:
    """Literacy estimates from kesu.literacy (its contract: ``literacy_estimates(region, year=None)``);
    None when that app is not installed. Shares (0–1) are shown as percentages."""
    if not apps.is_installed("kesu.literacy"):
        return None
    from kesu.literacy import selectors as survey_selectors

    rows = list(survey_selectors.literacy_estimates(region, year=year))
    estimates = []
    for row in rows:
        estimate = _field(row, "estimate")
        if estimate is None:
            continue
        is_share = float(estimate) <= 1.0 and float(_field(row, "ci_high", default=estimate) or 0) <= 1.0
        se = _field(row, "se")
        n = _field(row, "n")
        region_value = _field(row, "region")
        estimates.append(LiteracyEstimate(
            domain=str(_field(row, "domain", "group", default="") or ""),
            estimate=_as_percent(estimate, is_share),
            se=_as_percent(se, is_share),
            ci_low=_as_percent(_field(row, "ci_low"), is_share),
            ci_high=_as_percent(_field(row, "ci_high"), is_share),
            n=int(n) if n is not None else None,
            wave_year=_field(row, "wave_year", "year"),
            region_name=getattr(region_value, "name", None) or str(_field(row, "region_name", default="") or ""),
        ))
    return estimates


def literacy_trend_for(region: Region, year: int) -> list[LiteracyEstimate]:
    """The overall estimate of every survey wave up to ``year``, oldest first, as percentages
    (``kesu.literacy.selectors.literacy_trend``; ``literacy_estimates(region, year=None)`` gives only
    the latest wave)."""
    from kesu.literacy import selectors as survey_selectors

    return [
        LiteracyEstimate(
            domain="总体", estimate=_as_percent(point.estimate, True), se=None,
            ci_low=_as_percent(point.ci_low, True), ci_high=_as_percent(point.ci_high, True), n=None,
            wave_year=point.year, region_name=region.name,
        )
        for point in survey_selectors.literacy_trend(region, until_year=year)
        if point.estimate is not None
    ]


def _overall(estimates: list[LiteracyEstimate] | None) -> LiteracyEstimate | None:
    overall = [e for e in estimates or [] if e.domain.strip().lower() in OVERALL_DOMAINS]
    if not overall:
        return None
    return max(overall, key=lambda e: e.wave_year or 0)


def project(points: list[tuple[int, float]], year: int) -> float | None:
    """Straight line through the first and last (year, value) points, read at ``year``."""
    if not points:
        return None
    points = sorted(points)
    (first_year, first), (last_year, last) = points[0], points[-1]
    if last_year == first_year or year <= last_year:
        return last if year >= last_year else None
    return round(last + (last - first) / (last_year - first_year) * (year - last_year), 2)


def judge_indicator(points: list[tuple[int, float]], target: float, comparator: str, target_year: int):
    """(current value, gap to target, projection at target_year, on track?) for one linked target."""
    current = sorted(points)[-1][1] if points else None
    projection = project(points, target_year)
    ceiling = comparator in CEILING_COMPARATORS
    gap = None if current is None else round((current - target) if ceiling else (target - current), 2)
    on_track = None
    if projection is not None and len(points) >= 2:
        on_track = projection <= target if ceiling else projection >= target
    elif current is not None and (current <= target if ceiling else current >= target):
        on_track = True
    return current, gap, projection, on_track


def indicator_lines_for(region: Region, plan: Plan, year: int) -> tuple[list[IndicatorLine], bool]:
    """Plan targets the office linked to an indicator (kesu.indicators TargetLink, confirmed), with the
    region's values up to ``year`` from ``kesu.indicators.selectors.values``: gap and a straight-line
    projection to the target's deadline. (False) when the indicators app is not installed."""
    if not apps.is_installed("kesu.indicators"):
        return [], False
    from kesu.indicators import selectors as indicator_selectors
    from kesu.indicators.models import LinkStatus, TargetLink

    links = list(
        TargetLink.objects.filter(target__task__plan=plan, status=LinkStatus.CONFIRMED)
        .select_related("indicator", "target", "target__task")
        .order_by("target__task__order", "target__order")
    )
    if not links:
        return [], True
    indicators = list({link.indicator.code: link.indicator for link in links}.values())
    first_year = plan.period_start or year
    table = indicator_selectors.values([region], indicators, range(first_year, year + 1))
    lines = []
    for link in links:
        target = link.target
        target_year = target.deadline_year or target.task.deadline_year or plan.period_end or year
        points = [
            (y, value) for y in range(first_year, year + 1)
            if (value := table.value(region.code, link.indicator.code, y)) is not None
        ]
        current, gap, projection, on_track = judge_indicator(points, target.value, target.comparator, target_year)
        lines.append(IndicatorLine(
            name=link.indicator.name, unit=link.indicator.unit or target.unit, value=current, target=target.value,
            target_year=target_year, gap=gap, projection=projection, on_track=on_track,
        ))
    return lines, True


# --- Derived text ------------------------------------------------------------------------------------


def percent_text(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def number_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def _key_numbers(data: AnnualReportData, board: Board, year_trends: list[PeriodTrend]) -> list[KeyNumber]:
    due = sum(t.due for t in year_trends)
    on_time = sum(t.on_time for t in year_trends)
    accepted = sum(t.accepted for t in year_trends)
    submitted = sum(t.submitted for t in year_trends)
    progress = [row.status.progress for row in board.rows if row.status.progress is not None]
    counts = data.colour_totals
    numbers = [
        KeyNumber("方案任务", f"{data.task_total} 项"),
        KeyNumber("责任单位", f"{len(board.units)} 个"),
        KeyNumber("任务状态", f"绿灯 {counts['green']} 项、黄灯 {counts['amber']} 项、红灯 {counts['red']} 项"),
        KeyNumber(f"{data.year}年到期进度报告", f"{due} 份，按时报送 {on_time} 份（{percent_text(on_time / due if due else None)}）"),
        KeyNumber(f"{data.year}年已报送报告", f"{submitted} 份，审核通过 {accepted} 份"),
        KeyNumber("量化目标平均完成进度", percent_text(sum(progress) / len(progress) if progress else None)),
    ]
    if data.lower_regions:
        with_plan = sum(1 for r in data.lower_regions if r.has_plan)
        numbers.append(KeyNumber("下级地区", f"{len(data.lower_regions)} 个，其中 {with_plan} 个已录入实施方案"))
    return numbers


def problems_and_next_steps(data: AnnualReportData) -> tuple[list[str], list[str]]:
    """Factual bullets from the figures, each with the matching standard next step."""
    issues: list[str] = []
    steps: list[str] = []
    headline = data.headline
    if headline.estimate is not None and headline.gap is not None and headline.gap > 0:
        year = f"{headline.target_year}年" if headline.target_year else ""
        issues.append(
            f"{headline.indicator}为{headline.estimate.estimate:.2f}%（{headline.estimate.wave_year}年调查），"
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
            "按当前趋势，" + "、".join(
                f"{i.name}预计{i.target_year or ''}{'年' if i.target_year else ''}达到{number_text(i.projection)}{i.unit}"
                f"（目标{number_text(i.target)}{i.unit}）" for i in missing[:3]
            ) + "，难以如期完成目标。"
        )
        steps.append("对预计不能如期完成的科普能力指标加大投入，分解落实到责任单位。")

    lagging_regions = [r for r in data.lower_regions if r.has_plan and r.red]
    if lagging_regions:
        worst = sorted(lagging_regions, key=lambda r: -r.red)[:3]
        issues.append("下级地区中" + "、".join(f"{r.name}（红灯{r.red}项）" for r in worst) + "滞后任务较多。")
        steps.append("加强对下级地区的工作指导和调度，推动滞后任务按期完成。")
    return issues, steps


def region_level_label(region: Region) -> str:
    return RegionLevel(region.level).label if region.level in RegionLevel.values else ""
