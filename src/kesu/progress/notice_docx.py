"""The 督办通知单 as a Word document, laid out like the paper notice: title in 小标宋, serial, addressee,
the body and the table of outstanding reports in 仿宋, the issuing office and date at the right."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from kesu.progress.notices import NoticeContent, date_text
from kesu.typesetting.fonts import BODY_FAMILIES, HEADING_FAMILIES, TITLE_FAMILIES, pick_family
from kesu.typesetting.word import set_font

COLUMNS = (("序号", 1.1), ("任务", 5.6), ("承担方式", 1.7), ("填报周期", 2.4), ("报送截止", 2.5), ("状态", 2.2),
           ("逾期天数", 1.5))


def _paragraph(document, text: str, *, family: str, size: float, bold: bool = False,
               align=None, indent: bool = False, space_after: float = 0):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    set_font(run, family, size, bold)
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.line_spacing = 1.3
    return paragraph


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell(cell, text: str, family: str, *, bold: bool = False) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    set_font(run, family, 10.5, bold)


def _add_notice(document, notice: NoticeContent) -> None:
    title, heading, body = pick_family(TITLE_FAMILIES), pick_family(HEADING_FAMILIES), pick_family(BODY_FAMILIES)
    _paragraph(document, "督办通知单", family=title, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    _paragraph(document, notice.serial, family=body, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _paragraph(document, f"{notice.addressee}：", family=body, size=16)
    _paragraph(document, notice.opening, family=body, size=16, indent=True, space_after=6)

    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (name, width) in zip(table.rows[0].cells, COLUMNS, strict=True):
        _cell(cell, name, heading, bold=True)
        _shade(cell, "DDE6F1")
        cell.width = Cm(width)
    for number, item in enumerate(notice.items, start=1):
        task = f"{item.task_code} {item.task_title}"
        if item.review_comment:
            task += f"（退回意见：{item.review_comment}）"
        values = (str(number), task, item.role, item.period, date_text(item.due), item.state_label,
                  str(item.days_overdue) if item.days_overdue else "—")
        cells = table.add_row().cells
        for cell, value, (_name, width) in zip(cells, values, COLUMNS, strict=True):
            _cell(cell, value, body)
            cell.width = Cm(width)

    _paragraph(document, "", family=body, size=8)
    _paragraph(document, notice.request, family=body, size=16, indent=True, space_after=6)
    if notice.contact:
        _paragraph(document, notice.contact, family=body, size=16, indent=True, space_after=24)
    _paragraph(document, notice.office, family=body, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, notice.issued_on, family=body, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT)


def render_docx(notices: list[NoticeContent]) -> bytes:
    """One notice per page (several when the office prints a batch)."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    for index, notice in enumerate(notices):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _add_notice(document, notice)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
