"""Article bodies are written in the browser and shown on public pages and in WeChat copies, so every
body goes through one allow-list before it is stored: what a 科普 article needs, nothing that runs."""

from __future__ import annotations

import re

import nh3

TAGS = {
    "p", "h2", "h3", "h4", "strong", "em", "u", "ul", "ol", "li", "blockquote", "a", "img", "br", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "figure", "figcaption",
}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
LINK_SCHEMES = {"http", "https", "mailto"}


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    # Images load from the site itself or an http(s) address; data: and other schemes could smuggle
    # content past the upload check, so they go.
    if tag == "img" and name == "src":
        lowered = value.strip().lower()
        if lowered.startswith(("http://", "https://")):
            return value
        if ":" in lowered.split("/", 1)[0] or lowered.startswith("//"):
            return None
        return value
    return value


# Browsers' bold and italic commands write <b> and <i>; articles say <strong> and <em>, so the editor's
# formatting survives the allow-list instead of being stripped with the tags.
_PRESENTATIONAL = ((re.compile(r"<(/?)b(?:\s[^>]*)?>", re.IGNORECASE), r"<\1strong>"),
                   (re.compile(r"<(/?)i(?:\s[^>]*)?>", re.IGNORECASE), r"<\1em>"))


def clean_html(html: str) -> str:
    """`html` with only the allowed tags and attributes; scripts, styles, event handlers and
    javascript: links are gone, links get rel="noopener noreferrer"."""
    if not html:
        return ""
    for pattern, replacement in _PRESENTATIONAL:
        html = pattern.sub(replacement, html)
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )
    return cleaned.strip()
