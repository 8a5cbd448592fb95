"""The final evaluation (总结评估) as a format-neutral :class:`~kesu.evaluation.document.ReportDocument`:
the annual report's blocks (paragraphs, tables, figures) and writers (docx, pdf, xlsx), six sections
arranging the numbers of :class:`~kesu.evaluation.final_figures.FinalFigures` and the sentences of
:mod:`kesu.evaluation.final_narrative`. A section without data says so in a sentence.
"""

from __future__ import annotations

from kesu.evaluation import content_section
from kesu.evaluation import final_narrative as narrative
from kesu.evaluation.charts import STATUS_COLOURS, ChartSpec
from kesu.evaluation.document import (
    Bullets,
    Column,
    NoData,
    Paragraph,
    ReportDocument,
    Section,
    Subheading,
    _Numbering,
)
from kesu.evaluation.final_figures import FinalFigures
from kesu.evaluation.narrative import ON_TRACK_LABELS, ci_text, date_text, share_percent
from kesu.plans.attainment import Kind, Verdict
from kesu.plans.notation import format_target
from kesu.supervision.status import Colour

SECTION_TITLES = (
    "一、总体评价",
    "二、总体目标实现情况",
    "三、量化目标完成情况",
    "四、年度推进情况",
    "五、成员单位履职情况",
    "六、未完成任务与下一期衔接",
)
VERDICT_COLOURS = {Verdict.MET: Colour.GREEN, Verdict.ON_TRACK: Colour.AMBER, Verdict.OFF_TRACK: Colour.RED}
SUBJECT = "全民科学素质行动实施方案总结评估报告"


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def build_final_document(data: FinalFigures) -> ReportDocument:
    numbering = _Numbering()
    plan = data.plan
    doc_number = f"（{plan.doc_number}）" if plan.doc_number else ""
    issues, steps = narrative.problems_and_next_steps(data)
    sections = [
        _overview(data, numbering),
        _headline(data, numbering),
        _targets(data, numbering),
        _years(data, numbering),
        _units(data, numbering),
        _carry_over(data, numbering, issues, steps),
    ]
    subtitle = (f"依据《{plan.title}》{doc_number}，实施期{narrative.period_text(data)}，"
                f"统计截至{data.as_of.year}年{data.as_of.month}月{data.as_of.day}日")
    return ReportDocument(narrative.title(data), narrative.issuer(data), date_text(data.generated_on), subtitle,
                          sections, data, subject=SUBJECT)


def _overview(data: FinalFigures, numbering) -> Section:
    section = Section(SECTION_TITLES[0])
    section.blocks.extend(Paragraph(text) for text in narrative.summary(data))
    section.blocks.append(numbering.table(
        "主要数据", [Column("项目", width=1.2), Column("数据", width=2.5)],
        [[k.label, k.value] for k in narrative.key_numbers(data)],
    ))
    return section


def _headline(data: FinalFigures, numbering) -> Section:
    section = Section(SECTION_TITLES[1])
    section.blocks.extend(Paragraph(text) for text in narrative.headline_text(data))
    h, e = data.headline, data.headline.estimate
    if e is not None:
        section.blocks.append(numbering.table(
            "总体目标与最新监测结果",
            [Column("指标", width=1.4), Column("目标值", "num", 0.6), Column("目标年", width=0.6),
             Column("调查年度", width=0.6), Column("估计值", "percent", 0.7), Column("95%置信区间", width=1.3),
             Column("样本量", "int", 0.6), Column("结论", width=1.0)],
            [[h.indicator, h.target_value, h.target_year, e.wave_year, share_percent(e.share), ci_text(e), e.n,
              data.headline_verdict]],
        ))
    if data.literacy_trend:
        section.blocks.append(numbering.table(
            "实施期内历次调查",
            [Column("调查年度", width=0.8), Column("公民具备科学素质的比例", "percent", 1.2),
             Column("95%置信区间下限", "percent", 1.0), Column("95%置信区间上限", "percent", 1.0)],
            [[p.year, share_percent(p.share), share_percent(p.low), share_percent(p.high)]
             for p in data.literacy_trend],
        ))
        section.blocks.extend(numbering.figure("final_literacy_trend", "实施期内公民具备科学素质的比例", ChartSpec(
            "bar", "公民具备科学素质的比例（历次调查）", [f"{p.year}年" for p in data.literacy_trend],
            [("比例", [share_percent(p.share) for p in data.literacy_trend])], "%",
        )))
    return section


def _target_text(t) -> str:
    return format_target(t.target_value, t.comparator, t.unit)


def _years_met(t) -> str | None:
    if t.kind != Kind.YEARLY or not t.years_measured:
        return None
    return f"{t.years_met}/{t.years_measured}年"


def _targets(data: FinalFigures, numbering) -> Section:
    section = Section(SECTION_TITLES[2])
    if not data.targets:
        section.blocks.append(NoData("本方案任务未设定量化目标。"))
        return section
    totals = data.verdict_totals
    section.blocks.append(Paragraph(
        f"按照方案确定的目标类型（每年、累计、达到、不超过）逐项评估：每年目标以{data.last_year}年当年的数据计，"
        f"累计目标以实施期内累计完成数计，达到和不超过目标以期末最新数据计。{len(data.targets)}项量化目标中，"
        f"已完成{totals['met']}项，未完成{totals['off_track'] + totals['on_track']}项，数据不足{totals['unknown']}项。"
    ))
    section.blocks.append(numbering.table(
        f"量化目标完成情况（截至{data.last_year}年，以审核通过的填报数据计）",
        [Column("任务", width=0.5), Column("目标", width=2.0), Column("类型", width=0.5),
         Column("目标值", width=0.8), Column("期末完成", "num", 0.7), Column("计量单位", width=0.5),
         Column("完成进度", "pct", 0.6), Column("达标年份", width=0.6), Column("结论", width=0.7)],
        [[t.task_code, t.text, t.kind.label, _target_text(t), t.reached, t.unit, t.progress, _years_met(t),
          narrative.FINAL_VERDICT_LABELS[t.verdict]] for t in data.targets],
        row_colours=[VERDICT_COLOURS.get(t.verdict) for t in data.targets], status_column=8,
    ))
    section.blocks.extend(numbering.figure("final_target_verdicts", "量化目标完成情况", ChartSpec(
        "pie", "量化目标完成情况", ["已完成", "未完成", "数据不足"],
        [("目标数", [totals["met"], totals["off_track"] + totals["on_track"], totals["unknown"]])], "项",
        (STATUS_COLOURS[0], STATUS_COLOURS[2], "#7a8a99"),
    )))
    return section


def _years(data: FinalFigures, numbering) -> Section:
    section = Section(SECTION_TITLES[3])
    section.blocks.append(Paragraph(
        "各年度量化目标按当年年底已审核通过的数据评估（已完成，或按趋势预计到目标年可完成）；"
        "报告按填报周期开始的年度统计。"
    ))
    section.blocks.append(numbering.table(
        "各年度推进情况",
        [Column("年度", width=0.65), Column("量化目标", "int", 0.5), Column("已完成", "int", 0.5),
         Column("预计可完成", "int", 0.6), Column("难以完成", "int", 0.5), Column("数据不足", "int", 0.5),
         Column("完成或预计可完成", "pct", 0.7), Column("到期报告", "int", 0.5), Column("按时报送", "int", 0.5),
         Column("按时报送率", "pct", 0.6), Column("审核通过", "int", 0.5), Column("科学素质比例", "percent", 0.7)],
        [[f"{y.year}年", y.targets, y.verdicts.get("met", 0), y.verdicts.get("on_track", 0),
          y.verdicts.get("off_track", 0), y.verdicts.get("unknown", 0), y.met_or_on_track_share, y.due, y.on_time,
          y.on_time_rate, y.accepted, None if y.literacy is None else share_percent(y.literacy.share)]
         for y in data.years],
    ))
    section.blocks.extend(numbering.figure("final_year_trend", "各年度量化目标进展与按时报送率", ChartSpec(
        "bar", "各年度推进情况", [f"{y.year}年" for y in data.years],
        [("完成或预计可完成的目标", [_pct(y.met_or_on_track_share) for y in data.years]),
         ("按时报送率", [_pct(y.on_time_rate) for y in data.years])], "%", value_max=100,
    )))
    section.blocks.append(Subheading("与方案目标关联的科普能力指标"))
    if data.indicators:
        years = data.year_range
        section.blocks.append(numbering.table(
            "关联指标逐年数值",
            [Column("指标", width=1.5), Column("计量单位", width=0.5), Column("目标值", "num", 0.6),
             Column("目标年", width=0.5), *(Column(f"{y}年", "num", 0.55) for y in years), Column("研判", width=0.7)],
            [[i.line.name, i.line.unit, i.line.target, i.line.target_year, *(i.values.get(y) for y in years),
              ON_TRACK_LABELS[i.line.on_track]] for i in data.indicators],
            row_colours=[None if i.line.on_track is not False else Colour.RED for i in data.indicators],
            status_column=5 + len(years) - 1,
        ))
    else:
        section.blocks.append(NoData("方案目标尚未与科普能力指标关联，或实施期内无指标数据。"))
    section.blocks.append(Subheading(content_section.TITLE))
    text = content_section.period_text(data.content)
    section.blocks.append(NoData(text) if data.content.is_empty else Paragraph(text))
    return section


def _units(data: FinalFigures, numbering) -> Section:
    section = Section(SECTION_TITLES[4])
    if not data.units:
        section.blocks.append(NoData("方案任务尚未分解到成员单位。"))
        return section
    section.blocks.append(Paragraph(
        f"实施期内{len(data.units)}个成员单位承担方案任务，各单位牵头任务、进度报告报送和审核情况如下"
        "（被退回：至少退回过一次的报告；平均进度：牵头任务期末完成进度的平均值）。"
    ))
    section.blocks.append(numbering.table(
        "成员单位实施期履职情况",
        [Column("单位", width=1.3), Column("牵头任务", "int", 0.5), Column("参与任务", "int", 0.5),
         Column("应报", "int", 0.5), Column("已报送", "int", 0.5), Column("按时", "int", 0.5),
         Column("审核通过", "int", 0.5), Column("被退回", "int", 0.5), Column("按时报送率", "pct", 0.6),
         Column("平均进度", "pct", 0.6)],
        [[u.unit_name, u.lead_tasks, u.participating_tasks, u.total("due"), u.total("submitted"), u.total("on_time"),
          u.total("accepted"), u.total("returned"), u.on_time_rate, u.mean_lead_progress] for u in data.units],
    ))
    years = data.year_range
    section.blocks.append(numbering.table(
        "成员单位各年度按时报送率",
        [Column("单位", width=1.3), *(Column(f"{y}年", "pct", 0.6) for y in years)],
        [[u.unit_name, *({uy.year: uy.on_time_rate for uy in u.years}.get(y) for y in years)] for u in data.units],
    ))
    section.blocks.extend(numbering.figure("final_unit_on_time", "成员单位实施期按时报送率", ChartSpec(
        "bar", "成员单位实施期按时报送率", [u.unit_name for u in data.units],
        [("按时报送率", [_pct(u.on_time_rate) for u in data.units])], "%", value_max=100,
    )))
    return section


def _carry_over(data: FinalFigures, numbering, issues: list[str], steps: list[str]) -> Section:
    section = Section(SECTION_TITLES[5])
    section.blocks.append(Subheading("（一）未完成的任务和目标"))
    if data.unfinished:
        section.blocks.append(Paragraph(
            f"期末状态灯不是绿灯、或有量化目标未完成的任务共{len(data.unfinished)}项，列入下一期方案承接清单。"
        ))
        section.blocks.append(numbering.table(
            "未完成的任务和目标",
            [Column("状态", width=0.5), Column("任务", width=1.6), Column("牵头单位", width=1.0),
             Column("未完成的目标或原因", width=2.2), Column("承接情况", width=1.4)],
            [[u.colour.lamp, f"{u.code} {u.title}", "、".join(u.lead_units) or "—", _unfinished_text(u),
              "、".join(f"{c.code} {c.title}" for c in u.carried_into) or "未承接"] for u in data.unfinished],
            row_colours=[u.colour for u in data.unfinished], status_column=0,
        ))
    else:
        section.blocks.append(NoData("期末方案任务均为绿灯且量化目标均已完成，无未完成的任务。"))
    section.blocks.append(Subheading("（二）下一期方案承接情况"))
    if data.successors:
        names = "、".join(f"《{p.title}》" for p in data.successors)
        section.blocks.append(Paragraph(f"本方案的下一期方案为{names}，承接本期任务{len(data.carried)}项。"))
        if data.carried:
            section.blocks.append(numbering.table(
                "承接到下一期方案的任务",
                [Column("本期任务", width=1.8), Column("下一期方案", width=1.8), Column("承接任务", width=1.8)],
                [[f"{c.code} {c.title}", c.new_plan, f"{c.new_code} {c.new_title}"] for c in data.carried],
            ))
    else:
        section.blocks.append(NoData("尚未声明下一期方案；声明后可在此查看未完成任务的承接情况。"))
    section.blocks.append(Subheading("（三）存在问题"))
    if issues:
        section.blocks.append(Bullets(issues))
    else:
        section.blocks.append(NoData("根据实施期数据，未发现未完成的目标、报送滞后的单位或未承接的任务。"))
    section.blocks.append(Subheading("（四）下一期工作建议"))
    section.blocks.append(Bullets(steps or ["巩固本期工作成效，在下一期方案中持续推进全民科学素质提升。"]))
    return section


def _unfinished_text(item) -> str:
    if not item.targets:
        return item.reason
    return "；".join(
        f"{t.label}：目标{format_target(t.value, t.comparator, t.unit)}（{t.kind_label}），"
        f"完成{'—' if t.achieved is None else format_target(t.achieved, '=', t.unit)}"
        for t in item.targets
    )
