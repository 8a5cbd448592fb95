"""The annual report as a Word document (python-docx).

Styles follow the usual layout of an office's report: title in 方正小标宋 (二号), section headings in
黑体 (三号), body in 仿宋 (小四 here, to fit the tables), each with the Noto CJK fallback chosen in
:mod:`kesu.evaluation.fonts`. Tables have a shaded header row that repeats on every page; the footer
carries the page number as a Word PAGE field; charts are PNGs drawn by :mod:`kesu.evaluation.charts`.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from kesu.evaluation.charts import render_png
from kesu.evaluation.document import (
    Bullets,
    Figure,
    NoData,
    Paragraph,
    ReportDocument,
    Subheading,
    Table,
    cell_text,
)
from kesu.evaluation.fonts import BODY_FAMILIES, HEADING_FAMILIES, TITLE_FAMILIES, pick_family
from kesu.typesetting.word import set_font as _set_font

HEADER_SHADING = "DDE6F1"
STATUS_SHADING = {"red": "FFC7CE", "amber": "FFEB9C", "green": "C6EFCE"}
TEXT_WIDTH_CM = 15.6


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _page_number_field(paragraph) -> None:
    """A PAGE field, so that Word numbers the pages itself."""
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == "PAGE":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = " PAGE "
            run._r.append(instruction)
        else:
            placeholder = OxmlElement("w:t")
            placeholder.text = text
            run._r.append(placeholder)
    paragraph.add_run(" —")


def _styles(document, fonts: dict[str, str]) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, fonts["body"], 12)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(2)
    for name, family, size in (("Title", fonts["title"], 22), ("Heading 1", fonts["heading"], 16),
                               ("Heading 2", fonts["heading"], 14)):
        style = styles[name]
        _set_font(style, family, size, bold=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if name != "Heading 2" else 6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    caption = styles["Caption"]
    _set_font(caption, fonts["heading"], 10.5, bold=False)
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.font.italic = False


def _body_paragraph(document, text: str, *, muted: bool = False):
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(24)
    if muted:
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    return paragraph


def _table(document, block: Table, fonts: dict[str, str]) -> None:
    caption = document.add_paragraph(block.caption, style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(c.width for c in block.columns)
    widths = [Cm(TEXT_WIDTH_CM * c.width / total) for c in block.columns]
    header = table.rows[0]
    _repeat_header(header)
    for cell, column, width in zip(header.cells, block.columns, widths, strict=True):
        cell.width = width
        cell.text = ""
        run = cell.paragraphs[0].add_run(column.name)
        _set_font(run, fonts["heading"], 10.5)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(cell, HEADER_SHADING)
    for index, values in enumerate(block.rows):
        colour = block.row_colours[index] if index < len(block.row_colours) else None
        cells = table.add_row().cells
        for position, (cell, value, column, width) in enumerate(zip(cells, values, block.columns, widths, strict=True)):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.line_spacing = 1.15
            run = paragraph.add_run(cell_text(value, column.kind))
            run.font.size = Pt(10.5)
            if column.kind != "text":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if colour is not None and position == block.status_column:
                _shade(cell, STATUS_SHADING[colour.key])
    document.add_paragraph()


def render_docx(document: ReportDocument) -> bytes:
    fonts = {
        "title": pick_family(TITLE_FAMILIES), "heading": pick_family(HEADING_FAMILIES),
        "body": pick_family(BODY_FAMILIES),
    }
    word = Document()
    _styles(word, fonts)
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.different_first_page_header_footer = True  # no page number on the cover

    properties = word.core_properties
    properties.title = document.title
    properties.author = document.issuer
    properties.subject = document.subject

    for _ in range(6):
        word.add_paragraph()
    title = word.add_paragraph(document.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = word.add_paragraph(document.subtitle)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for _ in range(10):
        word.add_paragraph()
    for text in (document.issuer, document.date_text):
        line = word.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(line.add_run(text), fonts["body"], 16)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number_field(footer)

    for report_section in document.sections:
        word.add_heading(report_section.title, level=1)
        for block in report_section.blocks:
            if isinstance(block, Paragraph):
                _body_paragraph(word, block.text)
            elif isinstance(block, NoData):
                _body_paragraph(word, block.text, muted=True)
            elif isinstance(block, Subheading):
                word.add_heading(block.text, level=2)
            elif isinstance(block, Bullets):
                for number, item in enumerate(block.items, start=1):
                    _body_paragraph(word, f"{number}. {item}")
            elif isinstance(block, Table):
                _table(word, block, fonts)
            elif isinstance(block, Figure):
                picture = word.add_paragraph()
                picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                picture.paragraph_format.keep_with_next = True
                picture.add_run().add_picture(io.BytesIO(render_png(block.spec)), width=Cm(TEXT_WIDTH_CM))
                caption = word.add_paragraph(block.caption, style="Caption")
                caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                raise TypeError(f"未知的报告内容块：{type(block).__name__}")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
