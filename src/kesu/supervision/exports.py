"""Excel workbooks the office hands on (openpyxl): 任务分解表, 督办台账, 目标管理考核.

Every sheet has the same layout so that it prints and reads well: a merged title row, a bold frozen
header row below it, fixed column widths, wrapped text, and red/amber/green fills on status cells.
Callers check permissions; these functions only lay out data read through the selectors.
"""

from __future__ import annotations

import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kesu.planning.models import Plan, Task
from kesu.supervision.scorecards import WEIGHT_LABELS, plan_scorecard
from kesu.supervision.selectors import load_board, local_date
from kesu.supervision.status import Colour, percent

STATUS_FILLS = {
    Colour.GREEN: PatternFill("solid", fgColor="C6EFCE"),
    Colour.AMBER: PatternFill("solid", fgColor="FFEB9C"),
    Colour.RED: PatternFill("solid", fgColor="FFC7CE"),
}
HEADER_FILL = PatternFill("solid", fgColor="DDE6F1")
THIN = Side(style="thin", color="B7C0CC")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def titled_sheet(
    workbook: Workbook, title: str, heading: str, columns: list[tuple[str, int]], *, freeze: str = "A3"
) -> Worksheet:
    """A sheet with a merged title row and a styled header row (name, width) — the look of every kesu
    workbook; `freeze` keeps the header (and, e.g. "B3", a label column) in view."""
    sheet = workbook.create_sheet(title)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(columns)))
    sheet.cell(1, 1, heading).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 30
    for index, (name, width) in enumerate(columns, start=1):
        cell = sheet.cell(2, index, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    sheet.print_title_rows = "2:2"
    return sheet


def append_row(sheet: Worksheet, values: list, fills: dict[int, PatternFill] | None = None) -> None:
    """One bordered, wrapped row; `fills` colours cells by column number (a status column)."""
    sheet.append(values)
    row = sheet.max_row
    for index in range(1, len(values) + 1):
        cell = sheet.cell(row, index)
        cell.alignment = WRAP
        cell.border = BORDER
    for column, fill in (fills or {}).items():
        sheet.cell(row, column).fill = fill


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def _heading(plan: Plan, what: str) -> str:
    number = f"（{plan.doc_number}）" if plan.doc_number else ""
    return f"{plan.title}{number}{what}"


def task_breakdown_workbook(plan: Plan) -> bytes:
    """任务分解表: one row per task with its group, lead and participating units and targets."""
    board = load_board(Task.objects.filter(plan=plan))
    workbook = _new_workbook()
    sheet = titled_sheet(workbook, "任务分解表", _heading(plan, "任务分解表"), [
        ("编号", 10), ("所属行动/工程", 22), ("任务", 30), ("任务内容", 50),
        ("牵头单位", 22), ("参与单位", 26), ("量化目标", 34), ("时限", 10),
    ])
    for row in board.rows:
        task = row.task
        append_row(sheet, [
            task.code,
            task.group.title if task.group else "",
            task.title,
            task.text,
            "、".join(u.name for u in row.leads),
            "、".join(u.name for u in row.participants),
            "\n".join(t.text for t in task.targets.all()),
            f"{task.deadline_year}年" if task.deadline_year else (f"{plan.period_end}年" if plan.period_end else ""),
        ])
    return _save(workbook)


def supervision_ledger_workbook(plan: Plan, today: datetime.date | None = None) -> bytes:
    """督办台账: every task × responsible unit with the unit's latest report, status colour and reason."""
    board = load_board(Task.objects.filter(plan=plan), today)
    workbook = _new_workbook()
    sheet = titled_sheet(workbook, "督办台账", _heading(plan, f"督办台账（截至{board.today:%Y年%m月%d日}）"), [
        ("编号", 10), ("任务", 30), ("任务状态", 10), ("预警原因", 36), ("责任单位", 20), ("职责", 8),
        ("单位状态", 10), ("最新报告期", 14), ("报告状态", 10), ("报送日期", 12), ("进展情况", 50),
    ])
    for row in board.rows:
        for unit in row.leads + row.participants:
            report = row.latest_report(unit.pk)
            unit_status = row.unit_status[unit.pk]
            submitted = local_date(report.submitted_at) if report else None
            append_row(sheet, [
                row.task.code,
                row.task.title,
                row.status.colour.lamp,
                row.status.reason,
                unit.name,
                "牵头" if unit in row.leads else "参与",
                unit_status.colour.lamp,
                report.period.label if report else "",
                report.get_status_display() if report else "未填报",
                submitted.isoformat() if submitted else "",
                report.narrative if report else "",
            ], {3: STATUS_FILLS[row.status.colour]})
            sheet.cell(sheet.max_row, 7).fill = STATUS_FILLS[unit_status.colour]
    return _save(workbook)


def scorecard_workbook(plan: Plan, year: int | None = None, today: datetime.date | None = None) -> tuple[bytes, int]:
    """目标管理考核: the ranking of one year, with rates, points, adjustments and reasons."""
    data = plan_scorecard(plan, year, today)
    weights = data["weights"]
    workbook = _new_workbook()
    weight_text = "，".join(f"{WEIGHT_LABELS[k]}{weights[k]:g}分" for k in WEIGHT_LABELS)
    sheet = titled_sheet(workbook, f"{data['year']}年度考核", _heading(plan, f"{data['year']}年度目标管理考核（{weight_text}）"), [
        ("排名", 8), ("单位", 22), ("按时报送率", 12), ("目标完成率", 12), ("审核通过率", 12),
        ("按时报送得分", 12), ("目标完成得分", 12), ("审核通过得分", 12), ("加减分", 10), ("总分", 10),
        ("加减分理由", 40),
    ])
    for score in data["scores"]:
        append_row(sheet, [
            score.rank or "",
            score.unit.name,
            percent(score.rates["on_time_reporting"]),
            percent(score.rates["target_completion"]),
            percent(score.rates["review_outcome"]),
            *(score.points[k] if score.points[k] is not None else "" for k in WEIGHT_LABELS),
            score.adjustment_points or "",
            score.total if score.total is not None else "无考核数据",
            "\n".join(f"{a.points:+g}：{a.reason}" for a in score.adjustments),
        ])
    return _save(workbook), data["year"]
