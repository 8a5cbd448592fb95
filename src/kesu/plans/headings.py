"""Heading lines: which numbering style a paragraph starts with, the value of its number, its title.

Headings are recognised by their numbering style: 第一章/第一条, 一、, （一）/(一), 1./1．/1、,
1.1 (dotted), （1）/(1), 1), ①, ``——标题。`` / ``--标题。`` dash bullets, markdown list items, markdown
headings and whole-line bold without a number.

A numbered line is a heading with its own text: its title is the lead phrase before the first
``。``/``：``/``；`` (or the whole line when short), the rest is its body.
"""

from __future__ import annotations

import re

from kesu.plans.normalize import CN_DIGITS, Paragraph
from kesu.plans.responsibility import Clause, find_clauses, remove_clauses

_N = rf"[{CN_DIGITS}]{{1,3}}"
_HEADING_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "chapter",
        re.compile(rf"^(?P<num>第(?P<n>[{CN_DIGITS}\d]{{1,4}})(?:章|部分|篇|节))[ 、：:]*(?P<rest>.*)$"),
    ),
    ("article", re.compile(rf"^(?P<num>第(?P<n>[{CN_DIGITS}\d]{{1,4}})条)[ 、：:]*(?P<rest>.*)$")),
    ("cn_paren", re.compile(rf"^(?P<num>[（(] *(?P<n>{_N}) *[）)])[ 、.]*(?P<rest>.*)$")),
    ("cn", re.compile(rf"^(?P<num>(?P<n>{_N})) *[、.，](?P<rest>.*)$")),
    ("arabic_paren", re.compile(r"^(?P<num>[（(] *(?P<n>\d{1,2}) *[）)])[ 、.]*(?P<rest>.*)$")),
    ("dotted", re.compile(r"^(?P<num>(?P<n>\d{1,2}(?:\.\d{1,2})+))\.?(?![\d万亿千百%])[ 、]*(?P<rest>.*)$")),
    # 1、9月17日在社区…: an item may open with a date; 1.5万 is a number
    ("arabic", re.compile(r"^(?P<num>(?P<n>\d{1,2})) *(?:、(?=\d{1,4}[年月日])|[、.](?![\d万亿千百%]))(?P<rest>.*)$")),
    ("arabic_rparen", re.compile(r"^(?P<num>(?P<n>\d{1,2}) *[)）])(?P<rest>.*)$")),
    ("circled", re.compile(r"^(?P<num>(?P<n>[①-⑳]))(?P<rest>.*)$")),
    # ——, －－ and the ASCII -- of text typed without a Chinese keyboard (never a - 3 - page number)
    ("dash", re.compile(r"^(?P<num>——|－－|--(?!-))(?P<rest>[^-].*)$")),
]
_FIELD_TITLE = re.compile(r"^(?:活动|项目|工作)?(?:内容|名称)\s*[:：]\s*(?=[\u4e00-\u9fff“《])")
_TITLE_END = re.compile(r"[。！？；：:!?;]")

_CN_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> int | None:
    """Value of a Chinese numeral up to the ten-thousands (三十, 十九, 一百零五, 二〇二二 digit by digit)."""
    if not text:
        return None
    if all(c in _CN_VALUES for c in text) and len(text) > 1:
        value = 0
        for char in text:
            value = value * 10 + _CN_VALUES[char]
        return value
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_VALUES:
            digit = _CN_VALUES[char]
        elif char in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[char]
            section += (digit if digit is not None else 1) * unit
            digit = None
        elif char == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _ordinal(style: str, n: str) -> int | None:
    if style == "circled":
        return ord(n) - ord("①") + 1
    if style == "dotted":
        return int(n.rsplit(".", 1)[-1])
    if n.isdigit():
        return int(n)
    return chinese_number(n)


def section_kind(title: str) -> str | None:
    if "提升行动" in title or re.search(r"素质.{0,6}行动", title):
        return "action"
    if "工程" in title:
        return "programme"
    return None


_DATE_ONLY = re.compile(
    r"^(?:\d{1,4}年)?\d{1,2}月(?:\d{1,2}日)?(?:[上中下]旬|[初底])?(?:[-—－~～至到]\d{0,2}月?\d{1,2}日?)?(?:启动|起)?[，,、 ]?$"
)


def split_title(rest: str, clauses: list[Clause] | None = None) -> tuple[str, str]:
    """(title, whole text) of a heading line's text after its number."""
    text = rest.strip()
    body_for_title = remove_clauses(text, find_clauses(text) if clauses is None else clauses)
    # 1、活动内容：全国科普日开幕式: an item printed as a field; its value names it
    body_for_title = _FIELD_TITLE.sub("", body_for_title, count=1) or body_for_title
    end = _TITLE_END.search(body_for_title)
    if end and 0 < end.start() <= 60:
        title = body_for_title[: end.start()]
    elif len(body_for_title) <= 60:
        title = body_for_title
    else:
        comma = body_for_title.find("，")
        title = body_for_title[:comma] if 0 < comma <= 60 else body_for_title[:30]
    date = _DATE_ONLY.match(title)
    if date and len(body_for_title) > date.end() + 1:
        # （一）6月28日，在吴山广场举行…: the date opens the item; what is done there names it
        return split_title(body_for_title[date.end() :].lstrip("，,、 "), [])[0], text
    return title.strip(" 。"), text


def classify_heading(paragraph: Paragraph) -> tuple[str, str, int | None, str] | None:
    """(style, printed number, ordinal, rest) for a heading paragraph, else None."""
    text = paragraph.text
    if paragraph.is_table:
        return None
    for style, pattern in _HEADING_PATTERNS:
        match = pattern.match(text)
        if match:
            n = match.groupdict().get("n") or ""
            printed = match.group("num")
            if style == "cn" or style == "arabic":
                printed = n
            style_key = style
            if style == "dotted":
                style_key = f"dotted{n.count('.') + 1}"
            rest = match.group("rest")
            if not rest.strip() and style in ("dash",):
                return None
            return style_key, printed.replace(" ", ""), _ordinal(style, n) if n else None, rest
    if paragraph.bullet:
        return "bullet", "", None, text
    if paragraph.md_level:
        return f"md{paragraph.md_level}", "", None, text
    if paragraph.bold and len(text) <= 40 and "。" not in text.rstrip("。"):
        return "bold", "", None, text
    return None


# 四、活动时间 / 5月18日…；5月21日由农技站牵头组织…参观示范田: a clause in the body of a schedule
# field names the activity of its own sentence, which titles the task (the field's name says nothing)
_SCHEDULE_TITLE = re.compile(r"^(?:活动|工作)?(?:时间|日程|进度)(?:安排)?$")
_SENTENCE = re.compile(r"[^。；;！？!?]+")
_LEADING_DATE = re.compile(r"^[\d月日号年至\-—－~～、]+[，,]?")


def schedule_title(title: str, printed: str, clause_raw: str) -> str | None:
    """The title of a task whose clause (`clause_raw`) sits in the `printed` body of a schedule field
    titled `title`, or None when the field is no schedule."""
    if not clause_raw or not _SCHEDULE_TITLE.match(title):
        return None
    for sentence in _SENTENCE.findall(printed):
        if clause_raw in sentence:
            rest = _LEADING_DATE.sub("", sentence.replace(clause_raw, "").strip(" ，,"))
            return split_title(rest, [])[0] or None
    return None
