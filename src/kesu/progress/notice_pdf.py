"""The 督办通知单 as PDF: an HTML template typeset by WeasyPrint with the CJK fonts of
kesu.typesetting (embedded), one notice per A4 page. Like the evaluation report, WeasyPrint may fetch
nothing: the notice is self-contained and never reaches out to the network."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from kesu.progress.notices import NoticeContent, date_text
from kesu.typesetting.fonts import BODY_FAMILIES, HEADING_FAMILIES, TITLE_FAMILIES, css_stack


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"通知单不得引用外部资源：{url}")


def render_html(notices: list[NoticeContent]) -> str:
    return render_to_string("progress/notice_print.html", {
        "notices": [
            {"notice": notice, "rows": [
                {"item": item, "due": date_text(item.due)} for item in notice.items
            ]}
            for notice in notices
        ],
        "title_font": mark_safe(css_stack(TITLE_FAMILIES)),
        "heading_font": mark_safe(css_stack(HEADING_FAMILIES)),
        "body_font": mark_safe(css_stack(BODY_FAMILIES)),
    })


def render_pdf(notices: list[NoticeContent]) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(notices), url_fetcher=_refuse_fetch, base_url=None).write_pdf()
