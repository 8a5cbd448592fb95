"""The annual report as an Excel workbook: a cover sheet, then one sheet per section.

Tables keep their numbers as numbers (shares as percentages with a % format) so that the office can
recalculate; paragraphs and bullet points sit above the tables in merged rows. Layout helpers
(title row, header fill, borders, status fills) are the tracking exports' so that all kesu workbooks
look alike.
"""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kesu.evaluation.document import (
    Bullets,
    Column,
    Figure,
    NoData,
    Paragraph,
    ReportDocument,
    Section,
    Subheading,
    Table,
    cell_text,
)
from kesu.supervision.exports import BORDER, HEADER_FILL, STATUS_FILLS, WRAP

NUMBER_FORMATS = {"pct": "0.0%", "int": "#,##0", "num": "#,##0.##", "percent": '0.00"%"'}
SHEET_WIDTH_COLUMNS = 8
COLUMN_WIDTH_UNIT = 16  # Excel width of a column of relative width 1


def _text_row(sheet: Worksheet, text: str, *, bold: bool = False, size: float = 11, colour: str = "000000") -> None:
    sheet.append([text])
    row = sheet.max_row
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=SHEET_WIDTH_COLUMNS)
    cell = sheet.cell(row, 1)
    cell.font = Font(bold=bold, size=size, color=colour)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    # Merged cells do not grow with their text: estimate the lines (a CJK character ≈ 2 width units).
    width = sum(sheet.column_dimensions[get_column_letter(i)].width or 10 for i in range(1, SHEET_WIDTH_COLUMNS + 1))
    lines = max(1, int(len(text) * 2 / max(width, 1)) + 1)
    sheet.row_dimensions[row].height = max(18, 16 * lines)


def _table(sheet: Worksheet, block: Table) -> None:
    sheet.append([])
    _text_row(sheet, block.caption, bold=True)
    sheet.append([c.name for c in block.columns])
    header_row = sheet.max_row
    for index in range(1, len(block.columns) + 1):
        cell = sheet.cell(header_row, index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for index, values in enumerate(block.rows):
        colour = block.row_colours[index] if index < len(block.row_colours) else None
        sheet.append([
            (value if column.kind != "text" else cell_text(value, "text")) if value is not None else None
            for value, column in zip(values, block.columns, strict=True)
        ])
        row = sheet.max_row
        for position, column in enumerate(block.columns, start=1):
            cell = sheet.cell(row, position)
            cell.border = BORDER
            cell.alignment = WRAP
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            if colour is not None and position - 1 == block.status_column:
                cell.fill = STATUS_FILLS[colour]


def _section_sheet(workbook: Workbook, section: Section) -> None:
    sheet = workbook.create_sheet(section.sheet_name)
    widest = max((len(b.columns) for b in section.blocks if isinstance(b, Table)), default=0)
    widths = [1.0] * SHEET_WIDTH_COLUMNS
    for block in section.blocks:
        if isinstance(block, Table) and len(block.columns) == widest:
            widths[: len(block.columns)] = [c.width for c in block.columns]
            break
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(8, width * COLUMN_WIDTH_UNIT)
    _text_row(sheet, section.title, bold=True, size=14)
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _text_row(sheet, block.text)
        elif isinstance(block, NoData):
            _text_row(sheet, block.text, colour="555555")
        elif isinstance(block, Subheading):
            sheet.append([])
            _text_row(sheet, block.text, bold=True, size=12)
        elif isinstance(block, Bullets):
            for number, item in enumerate(block.items, start=1):
                _text_row(sheet, f"{number}. {item}")
        elif isinstance(block, Table):
            _table(sheet, block)
        elif isinstance(block, Figure):
            # The figure's numbers as a small table (a workbook is for the data, not the picture).
            spec = block.spec
            columns_kind = "percent" if spec.unit == "%" else "num"
            _table(sheet, Table(
                block.caption + "（数据）",
                [Column("类别", width=1.5), *(Column(f"{name}（{spec.unit}）" if spec.unit else name, columns_kind)
                                            for name, _ in spec.series)],
                spec.rows,
            ))
    sheet.sheet_view.showGridLines = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def write_table_sheet(table: Table, sheet_title: str) -> Workbook:
    """A workbook of one sheet holding one table (a dashboard chart's Excel export)."""
    workbook = Workbook()
    sheet = workbook.active
    # Excel forbids \ / * ? : [ ] in sheet names (chart titles such as 各行动/工程任务状态 have them).
    sheet.title = re.sub(r"[\\/*?:\[\]]", "、", sheet_title)[:31]
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, column.width * COLUMN_WIDTH_UNIT)
    _table(sheet, table)
    sheet.delete_rows(1)  # the spacer row _table puts above the caption
    return workbook


def render_xlsx(document: ReportDocument) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "封面"
    cover.column_dimensions["A"].width = 90
    for text, size, bold in ((document.title, 16, True), (document.subtitle, 11, False),
                             (document.issuer, 12, False), (document.date_text, 12, False)):
        cover.append([text])
        cell = cover.cell(cover.max_row, 1)
        cell.font = Font(size=size, bold=bold)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cover.row_dimensions[cover.max_row].height = 36
    for section in document.sections:
        _section_sheet(workbook, section)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
