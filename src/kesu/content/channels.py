"""What each channel gets of an approved version: the HTML pasted into a WeChat official account's
editor, a printable poster, the short text for 应急广播/SMS, and a zip for member units to reuse.

Every function takes the version it is given; callers pass `item.approved_version`, never a draft.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import zipfile

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from kesu.content.errors import ContentError
from kesu.content.models import ContentVersion
from kesu.content.models.library import BROADCAST_MAX_CHARS, ContentSource
from kesu.typesetting.fonts import BODY_FAMILIES, HEADING_FAMILIES, SANS_FAMILIES, TITLE_FAMILIES, css_stack

REVIEW_NOTE = "本文已经科学性审查"
# No SVG: served from our origin it could carry script.
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")

# The WeChat editor drops classes and stylesheets: every element carries its own style.
_WECHAT_STYLES = {
    "p": "margin:0 0 1em;line-height:1.75;font-size:16px;color:#333;",
    "h2": "margin:1.2em 0 .6em;font-size:18px;font-weight:bold;color:#1a5fb4;",
    "h3": "margin:1em 0 .5em;font-size:17px;font-weight:bold;color:#1a5fb4;",
    "h4": "margin:1em 0 .5em;font-size:16px;font-weight:bold;color:#333;",
    "ul": "margin:0 0 1em;padding-left:1.5em;line-height:1.75;font-size:16px;color:#333;",
    "ol": "margin:0 0 1em;padding-left:1.5em;line-height:1.75;font-size:16px;color:#333;",
    "li": "margin:0 0 .4em;",
    "blockquote": "margin:0 0 1em;padding:.5em 1em;border-left:3px solid #1a5fb4;background:#f3f6fa;color:#555;",
    "img": "max-width:100%;height:auto;display:block;margin:0 auto 1em;",
    "table": "border-collapse:collapse;width:100%;margin:0 0 1em;font-size:14px;",
    "td": "border:1px solid #ccc;padding:4px 6px;",
    "th": "border:1px solid #ccc;padding:4px 6px;background:#f3f6fa;",
    "a": "color:#1a5fb4;",
}
_TAG = re.compile(r"<(?P<name>[a-zA-Z][a-zA-Z0-9]*)(?P<attrs>(?:\s[^<>]*?)?)\s*(?P<close>/?)>")
_CLASS_OR_STYLE = re.compile(r"\s(?:class|style)\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_SRC = re.compile(r"""(\ssrc\s*=\s*["'])(/[^"']*)(["'])""", re.IGNORECASE)


def _site_url() -> str:
    return getattr(settings, "KESU_SITE_URL", "") or ""


def _inline_styles(body: str) -> str:
    def restyle(match: re.Match) -> str:
        name = match.group("name").lower()
        attrs = _CLASS_OR_STYLE.sub("", match.group("attrs") or "")
        style = _WECHAT_STYLES.get(name)
        styled = f' style="{style}"' if style else ""
        close = " /" if match.group("close") else ""
        return f"<{match.group('name')}{attrs}{styled}{close}>"

    body = _TAG.sub(restyle, body)
    site = _site_url()
    if site:
        body = _SRC.sub(lambda m: f"{m.group(1)}{site}{m.group(2)}{m.group(3)}", body)
    return body


def _source_line(version: ContentVersion) -> str:
    item = version.item
    if item.source == ContentSource.EXTERNAL:
        origin = item.source_name or item.source_url or "外部资源"
    elif item.source == ContentSource.UNIT and item.source_unit_id:
        origin = item.source_unit.name
    else:
        origin = f"{item.region.name}科学素质工作领导小组办公室"
    return f"来源：{origin}　授权：{item.get_licence_display()}"


def _is_image(version: ContentVersion) -> bool:
    return bool(version.file) and version.file_type.lower() in IMAGE_TYPES


def _image_url(version: ContentVersion) -> str:
    site = _site_url()
    if not (_is_image(version) and site):
        return ""
    from django.urls import reverse

    return site + reverse("content:public_file", args=(version.item_id,))


def wechat_html(version: ContentVersion) -> str:
    """A self-contained fragment for the WeChat editor: inline styles only, images by absolute address
    when the site's address is configured (KESU_SITE_URL)."""
    esc = html.escape
    parts = [
        '<section style="font-family:-apple-system,\'PingFang SC\',\'Microsoft YaHei\',sans-serif;'
        'max-width:680px;margin:0 auto;color:#333;">',
        f'<h1 style="font-size:22px;line-height:1.4;margin:0 0 .6em;color:#222;">{esc(version.title)}</h1>',
    ]
    if version.summary:
        parts.append('<p style="margin:0 0 1.2em;padding:.6em .9em;background:#f3f6fa;border-radius:4px;'
                     f'font-size:15px;line-height:1.7;color:#555;">{esc(version.summary)}</p>')
    image = _image_url(version)
    if image:
        parts.append(f'<img src="{esc(image)}" alt="{esc(version.title)}" style="{_WECHAT_STYLES["img"]}">')
    parts.append(_inline_styles(version.body_html or ""))
    parts.append('<p style="margin:1.5em 0 0;padding-top:.8em;border-top:1px solid #e5e5e5;font-size:13px;'
                 f'line-height:1.7;color:#888;">{esc(_source_line(version))}<br>{REVIEW_NOTE}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def broadcast_text(version: ContentVersion) -> str:
    """The short text for 应急广播 and SMS, refused when missing or over BROADCAST_MAX_CHARS."""
    text = (version.broadcast_text or "").strip()
    if not text:
        raise ContentError("该版本没有广播/短信文本，请在内容中填写后再经审查")
    if len(text) > BROADCAST_MAX_CHARS:
        raise ContentError(f"广播/短信文本超过{BROADCAST_MAX_CHARS}字（现为{len(text)}字）")
    return text


_BLOCK = re.compile(r"<(p|li|h[2-4])\b[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_LIST = re.compile(r"<(ul|ol)\b[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return html.unescape(_ANY_TAG.sub("", fragment)).strip()


def key_points(body_html: str, limit: int = 6) -> list[str]:
    """The poster's points: the items of the body's first list, else its first paragraphs."""
    first_list = _LIST.search(body_html or "")
    source = first_list.group(2) if first_list else (body_html or "")
    wanted = ("li",) if first_list else ("p", "li", "h2", "h3", "h4")
    points = [_text(m.group(2)) for m in _BLOCK.finditer(source) if m.group(1).lower() in wanted]
    points = [point for point in points if point]
    if not points and body_html:
        points = [_text(body_html)]
    return [point[:120] for point in points[:limit]]


def _image_data_uri(version: ContentVersion) -> str:
    if not _is_image(version):
        return ""
    try:
        with version.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    return f"data:{version.file_type};base64,{base64.b64encode(data).decode()}"


def poster_html(version: ContentVersion, size: str = "A4") -> str:
    item = version.item
    published = item.first_published_at or version.created_at or timezone.now()
    return render_to_string("content/dist_poster_print.html", {
        "version": version, "size": "A3" if size == "A3" else "A4", "points": key_points(version.body_html),
        "image": mark_safe(_image_data_uri(version)), "source": _source_line(version),
        "date": timezone.localtime(published).date() if hasattr(published, "tzinfo") else published,
        "review_note": REVIEW_NOTE, "emergency": item.emergency_id is not None,
        "title_font": mark_safe(css_stack(TITLE_FAMILIES)), "heading_font": mark_safe(css_stack(HEADING_FAMILIES)),
        "body_font": mark_safe(css_stack(SANS_FAMILIES + BODY_FAMILIES)),
    })


def poster_pdf(version: ContentVersion, size: str = "A4") -> bytes:
    """An A4 (or A3) poster: title, summary, key points, the image when the version's file is one,
    source and date; self-contained (no network fetches), CJK fonts of kesu.typesetting."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only the embedded image (a data: URI) may be read; the poster never reaches the network.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=poster_html(version, size), url_fetcher=fetcher, base_url=None).write_pdf()


def article_docx(version: ContentVersion) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(version.title, level=1)
    if version.summary:
        document.add_paragraph(version.summary).italic = True
    for match in _BLOCK.finditer(version.body_html or ""):
        text = _text(match.group(2))
        if not text:
            continue
        tag = match.group(1).lower()
        if tag.startswith("h"):
            document.add_heading(text, level=2)
        elif tag == "li":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    document.add_paragraph(_source_line(version))
    document.add_paragraph(REVIEW_NOTE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_")[:60] or "内容"


def unit_package(item) -> bytes:
    """A zip of the approved version for member units: the article (.docx and .html), the original
    file if any, the poster PDF, the broadcast text when there is one, and 清单.txt with SHA-256 sums."""
    version = item.approved_version
    if version is None:
        raise ContentError(f"《{item.title}》尚未通过科学性审查，没有可下载的资料包")
    base = _safe_name(version.title)
    files: list[tuple[str, bytes]] = [
        (f"{base}.docx", article_docx(version)),
        (f"{base}.html", ("<!doctype html><meta charset=\"utf-8\"><title>" + html.escape(version.title)
                          + "</title>\n" + wechat_html(version)).encode("utf-8")),
        (f"{base}-海报.pdf", poster_pdf(version)),
    ]
    if version.broadcast_text.strip():
        files.append(("广播短信文本.txt", broadcast_text(version).encode("utf-8")))
    if version.file:
        try:
            with version.file.open("rb") as handle:
                files.append((f"原文件-{_safe_name(version.file_name or version.file.name.rsplit('/', 1)[-1])}",
                              handle.read()))
        except OSError:
            pass
    lines = [f"《{version.title}》单位资料包（第{version.number}版，{REVIEW_NOTE}）", "", "文件\t字节\tSHA-256"]
    lines += [f"{name}\t{len(data)}\t{hashlib.sha256(data).hexdigest()}" for name, data in files]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
        archive.writestr("清单.txt", "\n".join(lines) + "\n")
    return buffer.getvalue()
