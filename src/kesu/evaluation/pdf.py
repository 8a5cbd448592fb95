"""The annual report as PDF: an HTML template rendered by WeasyPrint (A4, CJK fonts embedded, page
numbers in the footer, charts as inline SVG).

WeasyPrint is given a URL fetcher that refuses every fetch: the document is self-contained (fonts come
from fontconfig, charts are inline), and a report must never reach out to the network.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from kesu.evaluation.charts import render_svg
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
from kesu.evaluation.fonts import BODY_FAMILIES, HEADING_FAMILIES, TITLE_FAMILIES, css_stack


class _NoFetching(Exception):
    pass


def _refuse_fetch(url: str, *args, **kwargs):
    raise _NoFetching(f"报告不得引用外部资源：{url}")


def _block_context(block) -> dict:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, Subheading):
        return {"type": "subheading", "text": block.text}
    if isinstance(block, NoData):
        return {"type": "nodata", "text": block.text}
    if isinstance(block, Bullets):
        return {"type": "bullets", "items": block.items}
    if isinstance(block, Figure):
        return {"type": "figure", "caption": block.caption, "svg": mark_safe(render_svg(block.spec))}
    if isinstance(block, Table):
        total = sum(c.width for c in block.columns)
        rows = []
        for index, row in enumerate(block.rows):
            colour = block.row_colours[index] if index < len(block.row_colours) else None
            rows.append({
                "cells": [
                    {"text": cell_text(value, column.kind), "numeric": column.kind != "text",
                     "status": colour.key if colour is not None and position == block.status_column else ""}
                    for position, (value, column) in enumerate(zip(row, block.columns, strict=True))
                ],
            })
        return {
            "type": "table", "caption": block.caption, "rows": rows,
            "columns": [{"name": c.name, "width": round(c.width / total * 100, 1)} for c in block.columns],
        }
    raise TypeError(f"未知的报告内容块：{type(block).__name__}")


def render_html(document: ReportDocument) -> str:
    return render_to_string("evaluation/annual_report.html", {
        "doc": document,
        "sections": [{"title": s.title, "blocks": [_block_context(b) for b in s.blocks]} for s in document.sections],
        "title_font": mark_safe(css_stack(TITLE_FAMILIES)),
        "heading_font": mark_safe(css_stack(HEADING_FAMILIES)),
        "body_font": mark_safe(css_stack(BODY_FAMILIES)),
    })


def render_pdf(document: ReportDocument) -> bytes:
    from weasyprint import HTML

    html = render_html(document)
    return HTML(string=html, url_fetcher=_refuse_fetch, base_url=None).write_pdf()
