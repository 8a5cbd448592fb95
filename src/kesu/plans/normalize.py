"""Text clean-up before structure parsing: characters, markdown, page furniture, broken lines.

The input follows the readers' contract (one paragraph per line, table rows as TAB-separated
cells) but real documents add noise: PDF page numbers (``— 3 —``, ``第3页``), running headers,
markdown markers (``#``, ``**``), stray spaces inside names (``市 科 协``) and paragraphs or even
unit names broken across a page (``市教\\n\\n育局``).

`clean_lines` fixes characters line by line and drops page furniture; `join_paragraphs` rebuilds
logical paragraphs. The joining rule: a line continues the previous paragraph when the previous
one does not end a sentence (no ``。；：！？`` or closing bracket at its end) and is not a heading
or a short stand-alone line, or when the previous one has an unclosed bracket. A line that starts
with a heading number, a responsibility key (``责任单位：``) or a markdown heading always starts a
new paragraph. Blank lines do not block joining: a page break leaves one between the halves.

Three more repairs: a clause line that follows another clause line is one clause printed on two
lines (``牵头单位：县科协`` / ``责任单位：各乡镇人民政府``) and is joined with ``；``; a numbered heading
without punctuation whose title is long (8+ characters) followed by a short unpunctuated line that
is not a section label such as 主要任务 is one heading wrapped in two (``（三）实施老年人科学素质`` /
``提升行动``); ``【牵头单位】X【配合单位】Y`` is written ``牵头单位：X；配合单位：Y``. A running header
that is also the ``X文件`` masthead at the top of page 1 keeps its first occurrence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Characters that count as Chinese text for the purpose of removing spaces next to them.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2018-\u201d\u2026"
_SPACES_NEAR_CJK = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
_MULTI_SPACE = re.compile(r" {2,}")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_OTHER_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\r\f\v]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")

# Full-width digits and Latin letters become ASCII; Chinese punctuation stays as printed.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_WIDTH_TABLE.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
_WIDTH_TABLE.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})
_WIDTH_TABLE.update({ord("％"): "%", ord("．"): "."})
_NEEDS_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a％．]")


def _narrow(text: str) -> str:
    return text.translate(_WIDTH_TABLE) if _NEEDS_WIDTH.search(text) else text


_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]*(.*?)[ \t]*#*[ \t]*$")
_MD_RULE = re.compile(r"^ *([-*_=])(?: *\1){2,} *$")
_MD_BOLD = re.compile(r"\*\*|__(?=\S)|(?<=\S)__")
_MD_TABLE_SEPARATOR = re.compile(r"^\|?(?: *:?-{2,}:? *\|)+ *:?-*:? *\|? *$")
_MD_BULLET = re.compile(r"^ {0,3}[-*+•●▪◆■][ \t]+(?=\S)")
_MD_QUOTE = re.compile(r"^ {0,3}> ?")

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_~～·• ]*\d{1,4}[-—–－_~～·• ]*"
    r"|第 *\d{1,4} *页(?: *[,，/ ] *共 *\d{1,4} *页)?"
    r"|共 *\d{1,4} *页 *第 *\d{1,4} *页"
    r"|\d{1,4} */ *\d{1,4}"
    r"|[Pp]age *\d{1,4}(?: *(?:of|/) *\d{1,4})?)$"
)

# Heading numbers and responsibility keys that start a paragraph; shared with structure.py.
CN_DIGITS = "一二三四五六七八九十百零〇两"
HEADING_START = re.compile(
    rf"^(?:第[{CN_DIGITS}\d]{{1,4}}[章节条部篇]"
    rf"|[{CN_DIGITS}]{{1,3}} *[、.，]"
    rf"|[（(] *[{CN_DIGITS}]{{1,3}} *[）)]"
    r"|\d{1,2}(?:\.\d{1,2})* *[、.](?![\d万亿千百%])"
    r"|\d{1,2}(?:\.\d{1,2})+ +"
    r"|[（(] *\d{1,2} *[）)]"
    r"|\d{1,2} *[)）]"
    r"|[①-⑳]"
    r"|——|－－)"
)
CLAUSE_KEYS = (
    "责任分工|主要责任单位|责任单位|责任部门|牵头单位|牵头部门|配合单位|配合部门|参与单位|参与部门|参加单位"
    "|协办单位|协同单位|协助单位|支持单位"
)
CLAUSE_LINE_START = re.compile(r"^[（(]? *(?:" + CLAUSE_KEYS + r") *[:：]")
# 【牵头单位】县科协 【配合单位】县教育局 → 牵头单位：县科协；配合单位：县教育局
_BRACKETED_KEY = re.compile(r" *[【〖\[] *(?P<key>" + CLAUSE_KEYS + r") *[】〗\]] *[:：]? *")
# a section label that stands on its own line under a heading, never the end of a broken heading
_SECTION_LABEL = re.compile(
    r"^(?:主要|工作|总体|发展|具体|重点)?(?:目标|任务|措施|要求|内容|举措|步骤|安排)$"
)
SENTENCE_END = "。！？；：!?;:）)】」』》"
_OPENERS = "（(【「『《"
_CLOSERS = "）)】」』》"


@dataclass
class Line:
    """One cleaned input line."""

    text: str
    md_level: int = 0  # markdown heading level, 0 for none
    raw: str = ""  # cleaned but with spaces between names kept (issuer lists are space-separated)
    bold: bool = False  # the whole line was wrapped in ** **
    bullet: bool = False  # a markdown list item ("- ")
    blank_before: bool = False

    @property
    def is_table(self) -> bool:
        return "\t" in self.text


@dataclass
class Paragraph:
    text: str
    md_level: int = 0
    bold: bool = False
    bullet: bool = False
    is_table: bool = False


def clean_characters(text: str) -> str:
    """Characters only: widths, odd spaces, zero-width marks, spaces next to Chinese text."""
    text = _ZERO_WIDTH.sub("", text)
    text = _OTHER_SPACES.sub(" ", text)
    text = _CONTROL.sub("", text)
    text = _narrow(text)
    if " " in text:
        text = _MULTI_SPACE.sub(" ", _SPACES_NEAR_CJK.sub("", text))
    return text.strip(" ")


def _clean_cell_line(raw: str) -> str:
    cells = [clean_characters(_MD_BOLD.sub("", cell)) for cell in raw.split("\t")]
    return "\t".join(cells)


def clean_lines(text: str) -> list[Line]:
    """Split into cleaned lines: markdown markers, page numbers and running headers removed.

    Blank lines are not returned; `Line.blank_before` records them.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[Line] = []
    blank = False
    for raw in text.split("\n"):
        line = _clean_one(raw)
        if line is None:
            blank = True
            continue
        line.blank_before = blank
        blank = False
        lines.append(line)
    return _drop_running_headers(lines)


def _clean_one(raw: str) -> Line | None:
    raw = _ZERO_WIDTH.sub("", raw)
    if not raw.strip(" \t\u3000\u00a0"):
        return None
    stripped = raw.strip(" \u3000\u00a0")
    if _MD_RULE.match(stripped) or _MD_TABLE_SEPARATOR.match(stripped):
        return None
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        # a markdown table row becomes a TAB-separated row like the readers' tables
        return Line(_clean_cell_line("\t".join(stripped[1:-1].split("|"))))
    if "\t" in stripped.strip("\t"):
        return Line(_clean_cell_line(stripped.strip("\t")))
    md_level = 0
    heading = _MD_HEADING.match(stripped)
    if heading:
        md_level = len(heading.group(1))
        stripped = heading.group(2)
    stripped = _MD_QUOTE.sub("", stripped)
    bullet = False
    if not md_level and not _PAGE_NUMBER.match(stripped.strip()):
        bullet_match = _MD_BULLET.match(stripped)
        if bullet_match and not stripped.startswith("——"):
            bullet = True
            stripped = stripped[bullet_match.end() :]
    core = stripped.strip()
    bold = len(core) > 4 and core.startswith("**") and core.endswith("**") and core.count("**") == 2
    unbolded = _MD_BOLD.sub("", stripped).replace("\t", " ")
    text = clean_characters(unbolded)
    if not text:
        return None
    if "【" in text or "〖" in text or "[" in text:
        text = _BRACKETED_KEY.sub(
            lambda m: (
                ("；" if m.start() and text[m.start() - 1] not in "（(；;" else "") + m.group("key") + "："
            ),
            text,
        )
    if _PAGE_NUMBER.match(text):
        return None
    raw = _MULTI_SPACE.sub(" ", _OTHER_SPACES.sub(" ", _narrow(unbolded))).strip()
    return Line(text, md_level=md_level, bold=bold, bullet=bullet, raw=raw)


def _drop_running_headers(lines: list[Line]) -> list[Line]:
    """Drop short lines printed identically on many pages (running headers and footers)."""
    counts = Counter(line.text for line in lines if len(line.text) <= 40 and not line.is_table)
    repeated = {
        text
        for text, count in counts.items()
        if count >= 3
        and not HEADING_START.match(text)
        and not CLAUSE_LINE_START.match(text)
        and not text.endswith(("。", "；", "："))
    }
    if not repeated:
        return lines
    kept = []
    for index, line in enumerate(lines):
        if line.text not in repeated:
            kept.append(line)
        elif index < 3 and line.text.endswith("文件") and all(k.text != line.text for k in kept):
            kept.append(line)  # the masthead (X文件) of page 1, repeated as the running header
    return kept


def unclosed(text: str) -> bool:
    """True when the text has more opening than closing brackets or quotes."""
    return sum(text.count(c) for c in _OPENERS) > sum(text.count(c) for c in _CLOSERS)


def _starts_paragraph(line: Line) -> bool:
    return bool(
        line.md_level
        or line.bullet
        or line.is_table
        or HEADING_START.match(line.text)
        or CLAUSE_LINE_START.match(line.text)
    )


_ANY_PUNCTUATION = re.compile(r"[，、。；：,;:！？!?]")


def _broken_heading(text: str, line: Line) -> bool:
    """（三）实施老年人科学素质 / 提升行动: a long numbered heading wrapped onto a short line."""
    heading = HEADING_START.match(text)
    if not heading or _ANY_PUNCTUATION.search(text) or len(text) - heading.end() < 8:
        return False
    following = line.text
    return (
        len(following) <= 10
        and len(text) + len(following) <= 40
        and not _ANY_PUNCTUATION.search(following)
        and not _SECTION_LABEL.match(following)
        and not line.bold
    )


def _continues(previous: Paragraph, line: Line) -> bool:
    if previous.is_table or previous.md_level or line.is_table or line.md_level:
        return False
    text = previous.text
    if CLAUSE_LINE_START.match(line.text):
        # 牵头单位：县科协 / 责任单位：各乡镇人民政府 — one clause printed on two lines
        return bool(CLAUSE_LINE_START.match(text)) and not text.endswith("。")
    if _starts_paragraph(line):
        return False
    if unclosed(text):
        return True
    if text.endswith(tuple(SENTENCE_END)):
        return False
    if previous.bold and not line.bold:
        return False
    if len(text) <= 30 and HEADING_START.match(text) and "。" not in text:
        return _broken_heading(text, line)  # else a numbered heading standing on its own line
    # a short line with no punctuation at all is a heading or a title, not half a sentence
    return not (len(text) <= 20 and not re.search(r"[，、。；：,;:]", text))


def join_paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Rejoin lines broken inside a paragraph (line wraps, page breaks)."""
    paragraphs: list[Paragraph] = []
    for line in lines:
        if paragraphs and _continues(paragraphs[-1], line):
            previous = paragraphs[-1].text
            joint = "；" if CLAUSE_LINE_START.match(line.text) and not previous.endswith(("；", ";")) else ""
            paragraphs[-1].text += joint + line.text
            continue
        paragraphs.append(
            Paragraph(
                text=line.text,
                md_level=line.md_level,
                bold=line.bold,
                bullet=line.bullet,
                is_table=line.is_table,
            )
        )
    return paragraphs


def compact(text: str) -> str:
    """Text for comparisons: no spaces, no markdown, unified brackets and dashes."""
    text = clean_characters(text).replace(" ", "")
    return (
        text.replace("（", "(")
        .replace("）", ")")
        .replace("《", "")
        .replace("》", "")
        .replace("—", "-")
        .replace("–", "-")
        .replace("－", "-")
        .replace("--", "-")
    )
