"""The annual report as a format-neutral document: cover, nine numbered sections, each a list of blocks.

The docx, pdf and xlsx writers only lay these blocks out, so the three files say the same thing. The
blocks arrange the numbers of :class:`~kesu.evaluation.figures.EvaluationFigures` and the sentences
:mod:`kesu.evaluation.narrative` builds from them; a section without data says so in a sentence
rather than being left out, because an office reading the report must be able to tell "nothing to
report" from "forgotten".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kesu.evaluation import content_section, narrative
from kesu.evaluation.charts import ChartSpec, report_charts
from kesu.evaluation.figures import EvaluationFigures, rank_lower_regions
from kesu.evaluation.narrative import (
    NO_INDICATOR_TEXT,
    NO_RESOURCES_TEXT,
    NO_SURVEY_TEXT,
    ON_TRACK_LABELS,
    OUTSTANDING_LABELS,
    ci_text,
    kind_label,
    number_text,
    percent_text,
    share_percent,
)
from kesu.plans.notation import is_count_unit
from kesu.supervision.status import Colour

SECTION_TITLES = (
    "一、总体情况",
    "二、方案任务推进情况",
    "三、逾期与预警任务",
    "四、成员单位考核",
    "五、科普能力指标",
    "六、科普资源与活动",
    f"七、{content_section.TITLE}",
    "八、公民科学素质监测",
    "九、存在问题与下一步工作",
)


@dataclass
class Column:
    name: str
    kind: str = "text"  # text, int, num, pct (a share 0–1 shown as %), percent (already in %)
    width: float = 1.0  # relative


@dataclass
class Paragraph:
    text: str


@dataclass
class Subheading:
    text: str


@dataclass
class NoData:
    text: str


@dataclass
class Table:
    caption: str
    columns: list[Column]
    rows: list[list]
    row_colours: list[Colour | None] = field(default_factory=list)
    status_column: int | None = None


@dataclass
class Figure:
    key: str
    caption: str
    spec: ChartSpec


@dataclass
class Bullets:
    items: list[str]


Block = Paragraph | Subheading | NoData | Table | Figure | Bullets


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def sheet_name(self) -> str:
        return self.title.split("、", 1)[-1][:31]


@dataclass
class ReportDocument:
    title: str
    issuer: str
    date_text: str
    subtitle: str
    sections: list[Section]
    data: EvaluationFigures  # or the final evaluation's FinalFigures (kesu.evaluation.final_figures)
    subject: str = "全民科学素质行动实施情况评估报告"  # the Word file's subject property

    @property
    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]

    @property
    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


def cell_text(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "pct":
        return percent_text(value)
    if kind == "percent":
        return f"{value:.2f}%"
    if kind in ("num", "int"):
        return number_text(value)
    return str(value)


class _Numbering:
    """Figure and table numbers in reading order (图1, 表1 …)."""

    def __init__(self):
        self.figures = 0
        self.tables = 0

    def figure(self, key: str, title: str, spec: ChartSpec | None) -> list[Block]:
        if spec is None:
            return []
        self.figures += 1
        return [Figure(key, f"图{self.figures} {title}", spec)]

    def table(self, title: str, columns, rows, **kwargs) -> Table:
        self.tables += 1
        return Table(f"表{self.tables} {title}", columns, rows, **kwargs)


def build_document(data: EvaluationFigures) -> ReportDocument:
    charts = report_charts(data)
    numbering = _Numbering()
    plan = data.plan
    doc_number = f"（{plan.doc_number}）" if plan.doc_number else ""
    sections = [
        _overview(data, charts, numbering, doc_number),
        _progress(data, charts, numbering),
        _alerts(data, numbering),
        _scores(data, charts, numbering),
        _indicators(data, numbering),
        _resources(data, charts, numbering),
        _content(data, numbering),
        _literacy(data, charts, numbering),
        _issues(*narrative.problems_and_next_steps(data)),
    ]
    subtitle = f"依据《{plan.title}》{doc_number}，统计截至{data.as_of.year}年{data.as_of.month}月{data.as_of.day}日"
    return ReportDocument(narrative.title(data), narrative.issuer(data), narrative.date_text(data.generated_on),
                          subtitle, sections, data)


def _overview(data, charts, numbering, doc_number) -> Section:
    section = Section(SECTION_TITLES[0])
    plan, headline = data.plan, data.headline
    period = ""
    if plan.period_start and plan.period_end and str(plan.period_start) not in plan.title:
        period = f"（{plan.period_start}—{plan.period_end}年）"
    section.blocks.append(Paragraph(
        f"{data.year}年，{data.region.name}按照《{plan.title}》{doc_number}{period}部署，"
        f"组织{len({s.unit_name for s in data.scores})}个成员单位推进{data.task_total}项重点任务。现将实施情况评估如下。"
    ))
    if headline.target_value is not None:
        year = f"到{headline.target_year}年" if headline.target_year else ""
        section.blocks.append(Paragraph(
            f"总体目标：{year}{headline.indicator}达到{headline.target_value:g}{headline.unit}。"
        ))
    else:
        section.blocks.append(NoData("方案未设定公民具备科学素质比例的总体目标值。"))
    estimate = headline.estimate
    if estimate is not None:
        gap = headline.gap
        gap_text = ""
        if gap is not None:
            gap_text = f"，距目标尚差{gap:.2f}个百分点" if gap > 0 else "，已达到目标值"
        section.blocks.append(Paragraph(
            f"最新监测：{estimate.wave_year}年抽样调查显示，{headline.indicator}为{share_percent(estimate.share):.2f}%"
            f"（95%置信区间 {ci_text(estimate)}，样本量{number_text(estimate.n)}）{gap_text}。"
        ))
    else:
        section.blocks.append(NoData(f"{NO_SURVEY_TEXT}，暂无法评估总体目标的实现程度。"))
    section.blocks.append(numbering.table(
        "主要数据", [Column("项目", width=1.2), Column("数据", width=2.5)],
        [[k.label, k.value] for k in narrative.key_numbers(data)],
    ))
    if data.lower_regions:
        ranked = rank_lower_regions(data.lower_regions)
        section.blocks.append(Subheading("下级地区推进情况"))
        section.blocks.append(numbering.table(
            "下级地区推进情况排名",
            [Column("名次", "int", 0.5), Column("地区", width=1.2), Column("任务数", "int", 0.6),
             Column("红灯", "int", 0.5), Column("黄灯", "int", 0.5), Column("平均完成进度", "pct", 0.9),
             Column(f"{data.year}年按时报送率", "pct", 0.9)],
            [[i if r.has_plan else None, r.name if r.has_plan else f"{r.name}（{r.plan_note}）", r.tasks, r.red, r.amber,
              r.completion, r.on_time_rate] for i, r in enumerate(ranked, start=1)],
        ))
        section.blocks.extend(numbering.figure("lower_completion", "下级地区完成进度与按时报送率",
                                               charts.get("lower_completion")))
    return section


def _progress(data, charts, numbering) -> Section:
    section = Section(SECTION_TITLES[1])
    if not data.groups:
        section.blocks.append(NoData("本方案尚无任务，暂无推进情况。"))
        return section
    counts = data.colour_totals
    section.blocks.append(Paragraph(
        f"方案{data.task_total}项任务中，进展正常（绿灯）{counts['green']}项，存在预警（黄灯）{counts['amber']}项，"
        f"进度滞后（红灯）{counts['red']}项。各提升行动和重点工程推进情况如下。"
    ))
    section.blocks.append(numbering.table(
        "各行动/工程任务推进情况",
        [Column("行动/工程", width=2.2), Column("类别", width=0.8), Column("任务数", "int", 0.6),
         Column("绿灯", "int", 0.5), Column("黄灯", "int", 0.5), Column("红灯", "int", 0.5),
         Column("平均完成进度", "pct", 0.9)],
        [[g.title, kind_label(g.kind), g.tasks, g.green, g.amber, g.red, g.mean_progress] for g in data.groups],
    ))
    section.blocks.extend(numbering.figure("group_status", "各行动/工程任务状态", charts.get("group_status")))
    section.blocks.extend(numbering.figure("status_pie", "任务状态分布", charts.get("status_pie")))
    section.blocks.append(Subheading("量化目标完成情况"))
    if data.targets:
        section.blocks.append(numbering.table(
            f"量化目标完成情况（截至{data.year}年，以审核通过的填报数据计）",
            [Column("任务", width=0.6), Column("目标", width=2.2), Column("目标值", "num", 0.7),
             Column("已完成", "num", 0.7), Column("计量单位", width=0.6), Column("完成进度", "pct", 0.7)],
            [[t.task_code, f"{t.text}（{t.kind.noun}）", t.target_value,
              round(t.reached) if t.reached is not None and is_count_unit(t.unit) else t.reached, t.unit, t.progress]
             for t in data.targets],
        ))
    else:
        section.blocks.append(NoData("本方案任务未设定量化目标。"))
    if data.trends:
        section.blocks.extend(numbering.figure("period_on_time", "各填报周期按时报送率", charts.get("period_on_time")))
    return section


def _alerts(data, numbering) -> Section:
    section = Section(SECTION_TITLES[2])
    section.blocks.append(Subheading("预警与滞后任务"))
    if data.alert_tasks:
        red = sum(1 for t in data.alert_tasks if t.colour == Colour.RED)
        section.blocks.append(Paragraph(
            f"共有{len(data.alert_tasks)}项任务亮黄灯或红灯，其中红灯（进度滞后）{red}项，具体如下。"
        ))
        section.blocks.append(numbering.table(
            "预警与滞后任务",
            [Column("状态", width=0.5), Column("任务", width=1.6), Column("所属行动/工程", width=1.1),
             Column("原因", width=2.2), Column("牵头单位", width=1.0)],
            [[t.colour.lamp, f"{t.code} {t.title}", t.group, t.reason, "、".join(t.lead_units) or "—"]
             for t in data.alert_tasks],
            row_colours=[t.colour for t in data.alert_tasks], status_column=0,
        ))
    else:
        section.blocks.append(NoData("本年度无预警或滞后任务。"))
    section.blocks.append(Subheading(f"{data.year}年逾期与退回的报告"))
    if data.overdue_reports:
        section.blocks.append(numbering.table(
            f"{data.year}年逾期与退回的报告",
            [Column("状态", width=0.5), Column("责任单位", width=1.1), Column("任务", width=1.8),
             Column("报告期", width=0.9), Column("情况", width=0.7), Column("天数", "int", 0.5)],
            [[o.colour.lamp, o.unit_name, f"{o.task_code} {o.task_title}", o.period_label, OUTSTANDING_LABELS[o.kind],
              o.days]
             for o in data.overdue_reports],
            row_colours=[o.colour for o in data.overdue_reports], status_column=0,
        ))
    else:
        section.blocks.append(NoData(f"{data.year}年无逾期或退回未改的报告。"))
    return section


def _scores(data, charts, numbering) -> Section:
    section = Section(SECTION_TITLES[3])
    scored = [s for s in data.scores if s.total is not None]
    if not scored:
        section.blocks.append(NoData(f"{data.year}年尚无到期报告或可考核的目标，暂无成员单位考核得分。"))
        return section
    section.blocks.append(Paragraph(
        f"按照目标管理考核办法（{narrative.weight_text(data.weights)}，另计加减分），{data.year}年度{len(scored)}个成员单位考核结果如下。"
    ))
    section.blocks.append(numbering.table(
        f"{data.year}年度成员单位考核排名",
        [Column("名次", "int", 0.5), Column("单位", width=1.5), Column("按时报送率", "pct", 0.8),
         Column("目标完成率", "pct", 0.8), Column("审核通过率", "pct", 0.8), Column("加减分", "num", 0.6),
         Column("总分", "num", 0.6)],
        [[s.rank, s.unit_name, s.on_time_rate, s.completion_rate, s.review_rate, s.adjustment or None, s.total]
         for s in data.scores],
    ))
    section.blocks.extend(numbering.figure("unit_scores", "成员单位考核得分", charts.get("unit_scores")))
    return section


def _indicators(data, numbering) -> Section:
    section = Section(SECTION_TITLES[4])
    if not data.indicators:
        section.blocks.append(NoData(NO_INDICATOR_TEXT + "。"))
        return section
    section.blocks.append(numbering.table(
        "科普能力指标完成情况",
        [Column("指标", width=1.8), Column("计量单位", width=0.6), Column("当前值", "num", 0.7),
         Column("目标值", "num", 0.7), Column("目标年", width=0.6), Column("差距", "num", 0.6),
         Column("预计值", "num", 0.7), Column("研判", width=0.7)],
        [[i.name, i.unit, i.value, i.target, i.target_year, i.gap, i.projection,
          ON_TRACK_LABELS[i.on_track]] for i in data.indicators],
        row_colours=[None if i.on_track is not False else Colour.RED for i in data.indicators], status_column=7,
    ))
    return section


def _resources(data, charts, numbering) -> Section:
    section = Section(SECTION_TITLES[5])
    r = data.resources
    if r.is_empty:
        section.blocks.append(NoData(NO_RESOURCES_TEXT + "。"))
        return section
    section.blocks.append(Subheading("（一）科普教育基地"))
    section.blocks.append(Paragraph(narrative.bases_text(r)))
    section.blocks.append(numbering.table(
        f"科普教育基地（截至{data.year}年底）",
        [Column("级别", width=1.0), Column("在册基地（家）", "int", 1.0), Column(f"{data.year}年新认定（家）", "int", 1.0)],
        [[line.label, line.standing, line.new] for line in r.levels] + [["合计", r.standing, r.new]],
    ))
    section.blocks.extend(numbering.figure("resource_levels", "各级科普教育基地数量", charts.get("resource_levels")))
    section.blocks.append(Subheading("（二）科普人才队伍"))
    section.blocks.append(Paragraph(narrative.people_text(r)))
    section.blocks.append(numbering.table(
        "科普人才队伍",
        [Column("项目", width=1.4), Column("数量", "num", 0.8), Column("计量单位", width=0.6), Column("其中", width=2.0)],
        [["科普专家（专家库现有）", r.experts, "人", f"应急科普专家{r.emergency_experts}人，讲师团成员{r.lecturers}人"],
         ["科技志愿服务队", r.teams, "支", f"银龄科普志愿服务队{r.senior_teams}支"],
         ["注册科普志愿者", r.volunteers, "人", f"银龄志愿者{r.senior_volunteers}人"],
         [f"{data.year}年志愿服务时长", round(r.service_hours, 1), "小时", f"服务记录{r.service_records}条"],
         ["科普信息员", r.messengers, "人", f"覆盖{r.communities}个村（社区）"],
         ["科普组织", r.organisations, "个", "学会、农技协、科普协会等"]],
    ))
    section.blocks.append(Subheading("（三）科普活动"))
    section.blocks.append(Paragraph(narrative.activities_text(r)))
    if r.activities:
        section.blocks.append(numbering.table(
            f"{data.year}年科普活动（按类型）",
            [Column("活动类型", width=1.4), Column("场次", "int", 0.8), Column("参与人次", "int", 1.0)],
            [[line.label, line.activities, line.participants] for line in r.by_kind if line.activities]
            + [["合计", r.activities, r.participants]],
        ))
        section.blocks.append(numbering.table(
            f"{data.year}年科普活动（按重点人群）",
            [Column("面向人群", width=1.4), Column("场次", "int", 0.8), Column("参与人次", "int", 1.0)],
            [[line.label, line.activities, line.participants] for line in r.by_audience],
        ))
        section.blocks.append(Paragraph("注：一场活动面向多个人群的，在每个人群中各计一次。"))
        section.blocks.extend(numbering.figure("activities_by_month", f"{data.year}年各月科普活动场次",
                                               charts.get("activities_by_month")))
    return section


def _content(data, numbering) -> Section:
    section = Section(SECTION_TITLES[6])
    c = data.content
    if c.is_empty:
        section.blocks.append(NoData(content_section.NOTHING_TEXT))
        return section
    section.blocks.append(Paragraph(content_section.review_text(c) + content_section.push_text(c)))
    if c.publications:
        section.blocks.append(numbering.table(
            f"{c.year}年科普内容发布（按渠道）",
            [Column("渠道", width=1.2), Column("发布次数", "int", 0.8), Column("内容条数", "int", 0.8),
             Column("传播人次", "int", 1.0)],
            content_section.channel_rows(c),
        ))
        section.blocks.append(Paragraph(content_section.CHANNEL_NOTE))
    section.blocks.append(Subheading("科学辟谣与应急科普"))
    section.blocks.append(Paragraph(content_section.rumour_text(c) + content_section.emergency_text(c)))
    section.blocks.append(numbering.table(
        f"{c.year}年科普内容工作主要数据",
        [Column("项目", width=1.4), Column("数量", "num", 0.8), Column("计量单位", width=0.6), Column("说明", width=2.0)],
        content_section.key_rows(c),
    ))
    if c.emergencies:
        section.blocks.append(numbering.table(
            f"{c.year}年应急科普响应",
            [Column("事件", width=1.6), Column("类型", width=0.8), Column("启动区划", width=0.8),
             Column("启动时间", width=0.9), Column("首条内容用时", width=0.9), Column("时限（小时）", "int", 0.7),
             Column("发布次数", "int", 0.6)],
            content_section.emergency_rows(c),
        ))
    return section


def _literacy(data, charts, numbering) -> Section:
    section = Section(SECTION_TITLES[7])
    if not data.literacy:
        section.blocks.append(NoData(NO_SURVEY_TEXT + "。"))
        return section
    section.blocks.append(numbering.table(
        "公民科学素质抽样调查估计",
        [Column("调查年度", width=0.6), Column("群体/地区", width=1.4), Column("比例", "percent", 0.7),
         Column("标准误", "percent", 0.6), Column("95%置信区间", width=1.3), Column("样本量", "int", 0.6)],
        [[e.wave_year, e.domain or e.region_name or "总体", share_percent(e.share), share_percent(e.se), ci_text(e), e.n]
         for e in data.literacy],
    ))
    section.blocks.extend(numbering.figure("literacy_groups", "分群体公民科学素质比例", charts.get("literacy_groups")))
    section.blocks.extend(numbering.figure("literacy_trend", "历次调查公民具备科学素质的比例",
                                           charts.get("literacy_trend")))
    return section


def _issues(issues: list[str], next_steps: list[str]) -> Section:
    section = Section(SECTION_TITLES[8])
    section.blocks.append(Subheading("（一）存在问题"))
    if issues:
        section.blocks.append(Bullets(issues))
    else:
        section.blocks.append(NoData("根据本年度数据，未发现逾期报告、滞后任务或预计不能完成的指标。"))
    section.blocks.append(Subheading("（二）下一步工作"))
    steps = next_steps or ["继续按季度调度各成员单位任务进展，巩固现有工作成效。"]
    section.blocks.append(Bullets(steps))
    return section
