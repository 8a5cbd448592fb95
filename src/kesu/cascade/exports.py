"""The 上下联动 workbook (openpyxl): coverage matrix, national headings, target consistency. Same sheet
layout as kesu.supervision.exports (title row, bold frozen header, wrapped cells, coloured status
cells, each also carrying its word). Callers check permissions and pass what the selectors read."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kesu.cascade.consistency import BELOW, CONSISTENT, HeadlineCheck, TargetCheck
from kesu.cascade.coverage import Cover, Matrix, NationalCoverage
from kesu.planning.models import Plan
from kesu.plans.notation import format_amount, format_target

GREEN, AMBER, RED = (PatternFill("solid", fgColor=c) for c in ("C6EFCE", "FFEB9C", "FFC7CE"))
COVER_FILLS = {Cover.COVERED: GREEN, Cover.PROPOSED: AMBER, Cover.MISSING: RED}
VERDICT_FILLS = {CONSISTENT: GREEN, BELOW: RED}
HEADER_FILL = PatternFill("solid", fgColor="DDE6F1")
THIN = Side(style="thin", color="B7C0CC")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def _sheet(workbook: Workbook, title: str, heading: str, columns: list[tuple[str, int]]) -> Worksheet:
    sheet = workbook.create_sheet(title)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(columns)))
    sheet.cell(1, 1, heading).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 30
    for index, (name, width) in enumerate(columns, start=1):
        cell = sheet.cell(2, index, name)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B3"
    sheet.print_title_rows = "2:2"
    return sheet


def _append(sheet: Worksheet, values: list, fills: dict[int, PatternFill] | None = None) -> None:
    sheet.append(values)
    row = sheet.max_row
    for index in range(1, len(values) + 1):
        cell = sheet.cell(row, index)
        cell.alignment, cell.border = WRAP, BORDER
    for column, fill in (fills or {}).items():
        sheet.cell(row, column).fill = fill


def _matrix_sheet(workbook: Workbook, plan: Plan, matrix: Matrix) -> None:
    columns = [("上级任务", 40)] + [(f"{c.region}\n{c.title}", 22) for c in matrix.children]
    sheet = _sheet(workbook, "任务覆盖", f"{plan.title}：下级方案任务覆盖情况", columns)
    for row in matrix.rows:
        values = [f"{row.code} {row.title}"]
        fills = {}
        for index, cell in enumerate(row.cells, start=2):
            values.append(cell.label + (f"（{'、'.join(cell.child_tasks)}）" if cell.child_tasks else ""))
            fills[index] = COVER_FILLS[cell.cover]
        _append(sheet, values, fills)
    for word, attr in (("已覆盖", "covered"), ("待确认", "proposed"), ("未覆盖", "missing")):
        _append(sheet, [f"合计：{word}"] + [getattr(c, attr) for c in matrix.counts])
    _append(sheet, [f"说明：已确认的对应为“已覆盖”；仅有相似度≥{matrix.threshold:.0%}的建议对应为“待确认”；其余为“未覆盖”。"])


def _national_sheet(workbook: Workbook, plan: Plan, national: NationalCoverage) -> None:
    sheet = _sheet(workbook, "国家纲要覆盖", f"{plan.title}：国家纲要条目覆盖情况",
                   [("条目编号", 10), ("条目", 36), ("覆盖情况", 12), ("本方案任务", 30)])
    for heading in national.headings:
        _append(sheet, [heading.code, heading.title, heading.label, "、".join(heading.tasks)],
                {3: COVER_FILLS[heading.cover]})
    _append(sheet, ["说明", national.source])


def _consistency_sheet(workbook: Workbook, plan: Plan, headlines: tuple[HeadlineCheck, ...],
                       targets: tuple[TargetCheck, ...]) -> None:
    sheet = _sheet(workbook, "目标一致性", f"{plan.title}：上下级目标一致性",
                   [("类别", 10), ("方案/任务", 36), ("目标", 28), ("上级/合计", 22), ("比较规则", 26),
                    ("结论", 14), ("下级目标明细", 48)])
    for check in headlines:
        own = check.plan
        parent = check.parent
        versus = f"上级 {format_amount(parent.value, parent.unit)}" if parent else "无上级方案"
        national = f"国家 {format_amount(check.national.value, check.national.unit)}" if check.national else ""
        verdicts = "；".join(v for v in (f"对上级：{check.versus_parent}" if check.versus_parent else "",
                                         f"对国家：{check.versus_national}" if check.versus_national else "") if v)
        fill = RED if check.listed else GREEN
        _append(sheet, ["总体目标", f"{own.region}《{own.title}》", f"{own.indicator} {format_amount(own.value, own.unit)}",
                        f"{versus}；{national}", "不低于上级和国家目标", verdicts or "—"], {6: fill})
    for check in targets:
        details = "；".join(
            f"{c.region} {c.task_code}：{c.text}" + (f"（{c.verdict}）" if c.verdict else "") for c in check.children)
        total = format_amount(check.total, check.unit) if check.summed else ""
        fill = VERDICT_FILLS.get(check.verdict, AMBER)
        _append(sheet, ["任务目标", f"{check.task_code} {check.task_title}",
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
