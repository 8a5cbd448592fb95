"""The 上下联动 workbook (openpyxl): coverage matrix, national headings, target consistency. Same sheet
layout as kesu.supervision.exports (title row, bold frozen header, wrapped cells, coloured status
cells, each also carrying its word). Callers check permissions and pass what the selectors read."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from kesu.cascade.consistency import BELOW, CONSISTENT, HeadlineCheck, TargetCheck
from kesu.cascade.coverage import Cover, Matrix, NationalCoverage
from kesu.planning.models import Plan
from kesu.plans.notation import format_amount, format_target
from kesu.supervision.exports import STATUS_FILLS, append_row, titled_sheet
from kesu.supervision.status import Colour

GREEN, AMBER, RED = (STATUS_FILLS[c] for c in (Colour.GREEN, Colour.AMBER, Colour.RED))
COVER_FILLS = {Cover.COVERED: GREEN, Cover.PROPOSED: AMBER, Cover.MISSING: RED}
VERDICT_FILLS = {CONSISTENT: GREEN, BELOW: RED}


def _matrix_sheet(workbook: Workbook, plan: Plan, matrix: Matrix) -> None:
    columns = [("上级任务", 40)] + [(f"{c.region}\n{c.title}", 22) for c in matrix.children]
    sheet = titled_sheet(workbook, "任务覆盖", f"{plan.title}：下级方案任务覆盖情况", columns, freeze="B3")
    for row in matrix.rows:
        values = [f"{row.code} {row.title}"]
        fills = {}
        for index, cell in enumerate(row.cells, start=2):
            values.append(cell.label + (f"（{'、'.join(cell.child_tasks)}）" if cell.child_tasks else ""))
            fills[index] = COVER_FILLS[cell.cover]
        append_row(sheet, values, fills)
    for word, attr in (("已覆盖", "covered"), ("待确认", "proposed"), ("未覆盖", "missing")):
        append_row(sheet, [f"合计：{word}"] + [getattr(c, attr) for c in matrix.counts])
    append_row(sheet, [f"说明：已确认的对应为“已覆盖”；仅有相似度≥{matrix.threshold:.0%}的建议对应为“待确认”；其余为“未覆盖”。"])


def _national_sheet(workbook: Workbook, plan: Plan, national: NationalCoverage) -> None:
    sheet = titled_sheet(workbook, "国家纲要覆盖", f"{plan.title}：国家纲要条目覆盖情况",
                         [("条目编号", 10), ("条目", 36), ("覆盖情况", 12), ("本方案任务", 30)], freeze="B3")
    for heading in national.headings:
        append_row(sheet, [heading.code, heading.title, heading.label, "、".join(heading.tasks)],
                   {3: COVER_FILLS[heading.cover]})
    append_row(sheet, ["说明", national.source])


def _consistency_sheet(workbook: Workbook, plan: Plan, headlines: tuple[HeadlineCheck, ...],
                       targets: tuple[TargetCheck, ...]) -> None:
    sheet = titled_sheet(workbook, "目标一致性", f"{plan.title}：上下级目标一致性",
                         [("类别", 10), ("方案/任务", 36), ("目标", 28), ("上级/合计", 22), ("比较规则", 26),
                          ("结论", 14), ("下级目标明细", 48)], freeze="B3")
    for check in headlines:
        own = check.plan
        parent = check.parent
        versus = f"上级 {format_amount(parent.value, parent.unit)}" if parent else "无上级方案"
        national = f"国家 {format_amount(check.national.value, check.national.unit)}" if check.national else ""
        verdicts = "；".join(v for v in (f"对上级：{check.versus_parent}" if check.versus_parent else "",
                                         f"对国家：{check.versus_national}" if check.versus_national else "") if v)
        fill = RED if check.listed else GREEN
        append_row(sheet, ["总体目标", f"{own.region}《{own.title}》", f"{own.indicator} {format_amount(own.value, own.unit)}",
                        f"{versus}；{national}", "不低于上级和国家目标", verdicts or "—"], {6: fill})
    for check in targets:
        details = "；".join(
            f"{c.region} {c.task_code}：{c.text}" + (f"（{c.verdict}）" if c.verdict else "") for c in check.children)
        total = format_amount(check.total, check.unit) if check.summed else ""
        fill = VERDICT_FILLS.get(check.verdict, AMBER)
        append_row(sheet, ["任务目标", f"{check.task_code} {check.task_title}",
                        f"{check.kind.label} {format_target(check.value, check.comparator, check.unit)}",
                        f"下级合计 {total}" if total else "逐一比较", check.rule, check.verdict, details], {6: fill})


def workbook(plan: Plan, matrix: Matrix, national: NationalCoverage, headlines: tuple[HeadlineCheck, ...],
             targets: tuple[TargetCheck, ...]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _matrix_sheet(book, plan, matrix)
    _national_sheet(book, plan, national)
    _consistency_sheet(book, plan, headlines, targets)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
