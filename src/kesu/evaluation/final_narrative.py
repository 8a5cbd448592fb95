"""The sentences of the final evaluation (总结评估), built from :class:`FinalFigures` and nothing else:
the cover lines, the overall assessment, and the problems found with the matching next steps for the
plan that follows. Every claim is a count or a rate from the figures; where a figure is missing the
sentence says so instead of guessing.
"""

from __future__ import annotations

from kesu.evaluation.final_figures import FinalFigures, HeadlineVerdict, unfinished_colour_counts
from kesu.evaluation.narrative import KeyNumber, ci_text, number_text, percent_text, share_percent
from kesu.plans.attainment import Verdict
from kesu.plans.notation import format_amount

# At the end of the period a target off track has simply not been met; on track is left only for a
# target whose year lies beyond the period.
FINAL_VERDICT_LABELS = {Verdict.MET: "已完成", Verdict.ON_TRACK: "预计可完成", Verdict.OFF_TRACK: "未完成",
                        Verdict.UNKNOWN: "数据不足"}


def period_text(data: FinalFigures) -> str:
    return f"{data.first_year}—{data.last_year}年"


def title(data: FinalFigures) -> str:
    return f"{data.region.name}全民科学素质行动实施方案（{period_text(data)}）总结评估报告"


def issuer(data: FinalFigures) -> str:
    return f"{data.region.name}全民科学素质工作领导小组办公室"


def headline_text(data: FinalFigures) -> list[str]:
    """The headline target and the latest estimate, as sentences (section 二)."""
    h = data.headline
    lines = []
    if h.target_value is not None:
        year = f"到{h.target_year}年" if h.target_year else ""
        lines.append(f"总体目标：{year}{h.indicator}达到{format_amount(h.target_value, h.unit)}。")
    else:
        lines.append("方案未设定公民具备科学素质比例的总体目标值。")
    e = h.estimate
    if e is None:
        lines.append(f"实施期内（{period_text(data)}）无抽样调查数据，无法评估总体目标的实现程度。")
        return lines
    sentence = (
        f"实施期内最近一次抽样调查为{e.wave_year}年，{h.indicator}为{share_percent(e.share):.2f}%"
        f"（95%置信区间 {ci_text(e)}，样本量{number_text(e.n)}）"
    )
    if h.gap is not None:
        sentence += f"，{'比目标低' if h.gap > 0 else '比目标高'}{abs(h.gap):.2f}个百分点"
    lines.append(sentence + "。")
    explanation = {
        HeadlineVerdict.MET: "置信区间下限不低于目标值，总体目标已实现。",
        HeadlineVerdict.MET_POINT: "点估计达到目标值，但置信区间下限低于目标值，总体目标基本实现。",
        HeadlineVerdict.NEAR: "点估计低于目标值，但置信区间包含目标值，尚不能认定差距显著；总体目标未实现。",
        HeadlineVerdict.MISSED: "置信区间上限低于目标值，总体目标未实现。",
    }.get(data.headline_verdict)
    if explanation:
        lines.append(f"评估结论：{explanation}")
    if h.target_year and e.wave_year < h.target_year:
        lines.append(f"注：最近一次调查早于目标年（{h.target_year}年），结论以该次调查为准。")
    return lines


def key_numbers(data: FinalFigures) -> list[KeyNumber]:
    verdicts = data.verdict_totals
    counts = data.colour_totals
    due, on_time = data.total("due"), data.total("on_time")
    return [
        KeyNumber("实施期", period_text(data)),
        KeyNumber("方案任务", f"{data.task_total} 项（期末绿灯 {counts['green']} 项、黄灯 {counts['amber']} 项、"
                              f"红灯 {counts['red']} 项）"),
        KeyNumber("责任单位", f"{data.unit_count} 个"),
        KeyNumber("量化目标", f"{len(data.targets)} 项，已完成 {verdicts['met']} 项、未完成 "
                              f"{verdicts['off_track'] + verdicts['on_track']} 项、数据不足 {verdicts['unknown']} 项"),
        KeyNumber("到期进度报告", f"{due} 份，按时报送 {on_time} 份（{percent_text(on_time / due if due else None)}）"),
        KeyNumber("已报送报告", f"{data.total('submitted')} 份，审核通过 {data.total('accepted')} 份"),
        KeyNumber("总体目标", f"{data.headline_verdict}"),
        KeyNumber("未完成任务", f"{len(data.unfinished)} 项，已承接到下一期方案 {len(data.carried)} 项"),
    ]


def summary(data: FinalFigures) -> list[str]:
    """The overall assessment (section 一): one paragraph each for tasks and targets, reporting, the
    headline target, and what is left."""
    plan = data.plan
    doc_number = f"（{plan.doc_number}）" if plan.doc_number else ""
    verdicts = data.verdict_totals
    paragraphs = [
        f"{period_text(data)}，{data.region.name}按照《{plan.title}》{doc_number}部署，组织{data.unit_count}个成员单位"
        f"推进{data.task_total}项重点任务。现对方案实施期的执行情况总结评估如下。"
    ]
    if data.targets:
        paragraphs.append(
            f"方案设定的{len(data.targets)}项量化目标中，期末已完成{verdicts['met']}项"
            f"（{percent_text(verdicts['met'] / len(data.targets))}），未完成{verdicts['off_track'] + verdicts['on_track']}项，"
            f"缺少审核通过的填报数据{verdicts['unknown']}项。"
        )
    else:
        paragraphs.append("方案任务未设定量化目标。")
    due = data.total("due")
    if due:
        measured = [y for y in data.years if y.due]
        best = max(measured, key=lambda y: (y.on_time_rate, y.year))
        worst = min(measured, key=lambda y: (y.on_time_rate, y.year))
        sentence = (
            f"实施期内到期进度报告{due}份，按时报送{data.total('on_time')}份，按时报送率{percent_text(data.on_time_rate)}；"
            f"已报送{data.total('submitted')}份，审核通过{data.total('accepted')}份。"
        )
        if len(measured) > 1 and best.year != worst.year:
            sentence += (f"按年度看，{best.year}年按时报送率最高（{percent_text(best.on_time_rate)}），"
                         f"{worst.year}年最低（{percent_text(worst.on_time_rate)}）。")
        paragraphs.append(sentence)
    else:
        paragraphs.append("实施期内尚无到期的进度报告。")
    h = data.headline
    if h.estimate is not None and h.target_value is not None:
        paragraphs.append(
            f"{h.indicator}{h.estimate.wave_year}年为{share_percent(h.estimate.share):.2f}%，"
            f"目标为{format_amount(h.target_value, h.unit)}，评估结论：{data.headline_verdict}。"
        )
    colours = unfinished_colour_counts(data.unfinished)
    if data.unfinished:
        parts = [f"{label}{n}项" for label, n in (("红灯", colours["red"]), ("黄灯", colours["amber"]),
                                                   ("绿灯但量化目标未完成", colours["green"])) if n]
        text = f"期末仍有{len(data.unfinished)}项任务未完成（{'、'.join(parts)}）"
        if data.successors:
            names = "、".join(f"《{p.title}》" for p in data.successors)
            text += f"，已有{len(data.carried)}项任务承接到{names}。"
        else:
            text += "，尚未声明下一期方案，未完成任务待承接。"
        paragraphs.append(text)
    else:
        paragraphs.append("期末方案任务均已完成，无需承接的未完成任务。")
    return paragraphs


def problems_and_next_steps(data: FinalFigures) -> tuple[list[str], list[str]]:
    issues: list[str] = []
    steps: list[str] = []
    missed = [t for t in data.targets if t.verdict in (Verdict.OFF_TRACK, Verdict.ON_TRACK)]
    if missed:
        names = "、".join(f"{t.task_code}{t.text}" for t in missed[:3])
        issues.append(f"{names}{f'等{len(missed)}项' if len(missed) > 3 else ''}量化目标期末未完成。")
        steps.append("在下一期方案中明确未完成目标的承接任务、牵头单位和年度分解值。")
    unknown = [t for t in data.targets if t.verdict == Verdict.UNKNOWN]
    if unknown:
        issues.append(f"{len(unknown)}项量化目标缺少审核通过的填报数据，无法评估完成情况。")
        steps.append("督促责任单位在进度报告中填报量化目标完成数，审核时核对佐证材料。")
    late = [u for u in data.units if u.on_time_rate is not None and u.on_time_rate < 0.8]
    if late:
        worst = sorted(late, key=lambda u: (u.on_time_rate, u.unit_name))[:3]
        issues.append("实施期内按时报送率低于80%的单位有" + f"{len(late)}个，其中"
                      + "、".join(f"{u.unit_name}（{percent_text(u.on_time_rate)}）" for u in worst) + "。")
        steps.append("将按时报送情况纳入下一期方案的目标管理考核，对报送滞后的单位加强督办。")
    if data.headline_verdict in (HeadlineVerdict.NEAR, HeadlineVerdict.MISSED):
        issues.append(f"{data.headline.indicator}未达到方案目标。")
        steps.append("围绕重点人群科学素质提升行动补齐短板，在下一期方案中确定新的总体目标。")
    pending = [u for u in data.unfinished if not u.carried_into]
    if pending:
        issues.append(f"{len(pending)}项未完成任务尚未承接到下一期方案。")
        steps.append("在声明下一期方案时逐项确定未完成任务的承接任务，保持工作连续。")
    return issues, steps
