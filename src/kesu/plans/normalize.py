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

from kesu.plans.characters import to_simplified
from kesu.plans.site_copy import is_site_prompt, undouble

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
    "|协办单位|协同单位|协助单位|支持单位|总牵头部门|总牵头单位|主办单位|主办部门|承办单位|实施单位"
    "|主办|承办|协办"
)
_CLAUSE_LINE_START = re.compile(r"^[（(]? *(?:" + CLAUSE_KEYS + r") *[:：]")


class _ClauseLineStart:
    """`re.match`-like test for a line starting with a responsibility key, in either script."""

    def match(self, text: str) -> re.Match[str] | None:
        # 責任單位： in a traditional-character text (the body is simplified later; positions are kept)
        return _CLAUSE_LINE_START.match(to_simplified(text))


CLAUSE_LINE_START = _ClauseLineStart()
# 时间：9月18日 / 地点：… / 内容：… — a short label and a colon: a field of its own, never the
# continuation of the field above it
_FIELD_LINE = re.compile(r"^[\u4e00-\u9fff]{2,8} *[:：]")
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


# Numbering printed as one enclosed glyph (⒊, ⑶, ㈥) by some converters: the plain numbers.
_ENCLOSED_NUMBERS = {
    **{0x2488 + i: f"{i + 1}." for i in range(20)},
    **{0x2474 + i: f"（{i + 1}）" for i in range(20)},
    **{0x3220 + i: f"（{'一二三四五六七八九十'[i]}）" for i in range(10)},
}
_ENCLOSED_NUMBER = re.compile(r"[\u2474-\u249b\u3220-\u3229]")
# 建設(shè)方案: a pinyin gloss pasted after each character by some web converters; the gloss holds
# a tone-marked vowel, so (试行) or (a) are never taken for one
_PINYIN_GLOSS = re.compile(
    r"(?<=[\u4e00-\u9fff])\((?=[a-zü]{0,5}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)"
)
# Р (Cyrillic) standing for a paragraph break in text copied from some document sites
_CYRILLIC_BREAK = re.compile(r"(?<=[^\sA-Za-z\u0400-\u04ff])\u0420(?=[^\sA-Za-z\u0400-\u04ff])")
# items run together on one line: …（责任单位：X）7.强化… starts item 7 on a line of its own
_GLUED_ITEM = re.compile(r"(?<=[）)])[ \t]*(?=(?:[1-9]\d?)[.．、](?=[\u4e00-\u9fff]))")


# 工程 牵头部门:X 责任单位:Y in text flattened onto one line: each key starts a line again
_GLUED_KEY = re.compile(r"(?<=[\u4e00-\u9fff）)。]) +(?=(?:" + CLAUSE_KEYS + r") *[:：])")
# 一、主题 … 二、时间 … 四、主要活动内容 （一）主办…: headings flattened onto one long line, each after a
# space (Chinese text has no spaces of its own)
_GLUED_HEADING = re.compile(r"(?<=\S) +(?=(?:[一二三四五六七八九十]{1,3}、[\u4e00-\u9fff]|[（(][一二三四五六七八九十]{1,3}[）)][\u4e00-\u9fff\d]))")  # （一）6月28日…: a date may open an item
# [接上页] / （续上页）: a site's note that the text goes on from the previous page
_CONTINUED = re.compile(r"^[ \t]*[\[【(（][ \t]*(?:接|续|承)上页[ \t]*[\]】)）][ \t]*", re.MULTILINE)
# 2、、市教育局: a document site's page marker in front of a line that goes on mid-sentence
_PAGE_MARKER = re.compile(r"^\d{1,2}、(?=[、，,。；;])", re.MULTILINE)


# 一、建立健全科普工作体系1.完善…: the first item glued to a flattened section heading
_GLUED_FIRST_ITEM = re.compile(r"^([一二三四五六七八九十]{1,3}、[\u4e00-\u9fff]{2,30}?)(?=1[.．、][\u4e00-\u9fff])")


def _split_long_line(line: str) -> str:
    if len(line) > 150:
        line = _split_numbered_run(line)
    return "\n".join(_GLUED_HEADING.sub("\n", _GLUED_FIRST_ITEM.sub("\\1\n", part)) for part in line.split("\n"))


# …制定本方案。一、活动主题…四、活动安排(一)采取多种形式…氛围1.利用…2.各科普…: numbering glued into a
# page a site flattened, with no space before it. A number counts only as part of a run of its style
# (一、 then 二、; (一) then (二); 1. then 2.), so 统一、 or 九、一八 inside a sentence is left alone.
_GLUED_NUMBERS = (
    ("cn", re.compile(r"(?:(?<=^)|(?<=[。；;！？!?）)\s]))(?P<n>[一二三四五六七八九十]{1,3})、(?=[\u4e00-\u9fff“])")),
    ("paren", re.compile(r"[（(](?P<n>[一二三四五六七八九十]{1,3})[）)](?=[\u4e00-\u9fff“])")),
    ("arabic", re.compile(r"(?<![\d.．第图表])(?P<n>[1-9]\d?)[.．、](?=[\u4e00-\u9fff“])")),
)


def _split_numbered_run(line: str) -> str:
    cuts: set[int] = set()
    for style, pattern in _GLUED_NUMBERS:
        chain: list[int] = []
        last = None
        for match in pattern.finditer(line):
            n = match.group("n")
            value = int(n) if n.isdigit() else _cn_value(n)
            if len(chain) == 1 and value == last:
                chain[0] = match.start()  # (一) printed twice: the run starts at the later one
                continue
            if last is None or value == last + 1:
                if last is None and style == "arabic" and value != 1:
                    continue
                chain.append(match.start())
                last = value
        if len(chain) >= 2:
            cuts.update(position for position in chain if position > 0)
    if not cuts:
        return line
    pieces, previous = [], 0
    for position in sorted(cuts):
        pieces.append(line[previous:position])
        previous = position
    pieces.append(line[previous:])
    return "\n".join(piece for piece in pieces if piece.strip())


def _cn_value(text: str) -> int:
    """一 … 九十九; 0 for what is no such number (十十), which then starts or breaks no run."""
    digits = "一二三四五六七八九"
    if (
        text.count("十") > 1
        or any(c not in digits + "十" for c in text)
        or (len(text) == 3 and text[1] != "十")
    ):
        return 0
    if len(text) == 2 and "十" not in text:
        return 0
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + digits.index(text[1]) + 1
    if len(text) == 2 and text[1] == "十":
        return (digits.index(text[0]) + 1) * 10
    if len(text) == 3:
        return (digits.index(text[0]) + 1) * 10 + digits.index(text[2]) + 1
    return digits.index(text) + 1


# 1、…深入群 / 2、众，创造性地…: a document site's page numbers in front of each page of the text; a page
# ends mid-word, so the text runs on across the number. Two or more long lines numbered 1、 2、 … of
# which one breaks mid-sentence are the pages of one text and are joined back.
_PAGE_NUMBERED = re.compile(r"^(?P<n>[1-9]\d?)、(?=\S)")


def _join_site_pages(text: str) -> str:
    lines = text.split("\n")
    numbered = [(i, int(m.group("n"))) for i, line in enumerate(lines) if (m := _PAGE_NUMBERED.match(line.strip()))]
    run = [(i, n) for i, n in numbered if n == 1][:1]
    for i, n in numbered:
        if run and i > run[-1][0] and n == run[-1][1] + 1:
            run.append((i, n))
    if len(run) < 2 or any(len(lines[i].strip()) < 150 for i, _ in run[:-1]):
        return text
    broken = any(re.search("[\u4e00-\u9fff，、,]$", lines[i].strip()) for i, _ in run[:-1])
    if not broken:
        return text
    first = run[0][0]
    last = run[-1][0]
    body = []
    for index in range(first, last + 1):
        line = lines[index].strip()
        if any(index == i for i, _ in run):
            line = _PAGE_NUMBERED.sub("", line).lstrip("、")
        if line:
            body.append(line)
    return "\n".join([*lines[:first], "".join(body), *lines[last + 1 :]])


# 一行 = 左栏一行 + 空格 + 右栏同一行: a two-column page flattened line by line (a PDF copied as
# text). Chinese text has no spaces of its own, so a line whose only gap sits between two runs of
# Chinese text is two halves.
_COLUMN_GAP = re.compile(r"^(?P<left>[^ \t]+)(?: {2,}|\t| )(?P<right>[^ \t]+)$")
_LEFT_END = re.compile(r"[\u4e00-\u9fff，。、；：）)”]")
_RIGHT_START = re.compile(r"[（(\u4e00-\u9fff]")


def _column_gap(line: str) -> re.Match[str] | None:
    """The gap of a flattened two-column line (see `_COLUMN_GAP`); a single space only between two
    runs of Chinese text."""
    match = _COLUMN_GAP.match(line) if (" " in line or "\t" in line) else None
    if (
        match is None
        or not _LEFT_END.search(match.group("left"))
        or not _RIGHT_START.match(match.group("right"))
    ):
        return None
    return match


def _unflatten_columns(text: str) -> str:
    """Read a page flattened from two columns column by column: every left half in order, then
    every right half. Done only when most lines (70 %, at least 8) split that way and most left
    halves have the column's width (8+ characters); a line with no gap is the left column's."""
    lines = [line.strip() for line in text.split("\n")]
    filled = [line for line in lines if line]
    if len(filled) < 8:
        return text
    splits = [_column_gap(line) for line in filled]
    found = [m for m in splits if m]
    if len(found) < max(8, 0.7 * len(filled)):
        return text
    # a column has a width: most left halves are as long as the usual one (give or take two)
    lengths = Counter(len(m.group("left")) for m in found)
    usual = max(lengths, key=lambda n: (lengths[n], n))
    if usual < 8 or sum(1 for m in found if abs(len(m.group("left")) - usual) <= 2) < 0.5 * len(found):
        return text
    left = [m.group("left") if m else line for m, line in zip(splits, filled, strict=True)]
    right = [m.group("right") for m in splits if m]
    return "\n".join(_rewrap(left) + _rewrap(right))


def _rewrap(column: list[str]) -> list[str]:
    """Join the lines of one narrow column that were wrapped at its width: a line as long as the
    column's usual line (within one character) and not closing a sentence goes on into the next, unless
    that one starts a heading."""
    lengths = Counter(len(line) for line in column)
    width = max(lengths, key=lambda n: (lengths[n], n)) if lengths else 0
    joined: list[str] = []
    previous = ""
    for line in column:
        wrapped = len(previous) >= width - 1 and not previous.endswith(tuple(SENTENCE_END))
        if joined and wrapped and not HEADING_START.match(line):
            joined[-1] += line
        else:
            joined.append(line)
        previous = line
    return joined


# 序号 任务 牵头单位 配合单位: a table copied as text, its columns separated by runs of spaces. A
# header names a unit column (牵头/配合/责任/参加…单位) and a task column; the rows below it that have
# as many space-separated cells (the last, a unit list, may hold more) become TAB-separated rows
_SPACE_CELLS = re.compile(r"[ \u3000]+")
_UNIT_HEADER = re.compile(r"^(?:牵头|配合|责任|参加|参与|协办|主办|承办|负责)[\u4e00-\u9fff]{0,8}(?:单位|部门)$|单位$")
_TASK_HEADER = re.compile(r"任务|内容|事项|工作|措施|活动$|项目$|名称$")


def _space_header(line: str) -> int:
    cells = _SPACE_CELLS.split(line.strip(" \u3000"))
    if (
        len(cells) < 3
        or any(len(cell) > 12 or not re.fullmatch("[\u4e00-\u9fff（）()/、]+", cell) for cell in cells)
        or not any(_UNIT_HEADER.search(cell) for cell in cells)
        or not any(_TASK_HEADER.search(cell) for cell in cells)
    ):
        return 0
    return len(cells)


def _space_tables(text: str) -> str:
    if "\t" in text or "单位" not in text:
        return text
    lines = text.split("\n")
    width = 0
    for index, line in enumerate(lines):
        if width:
            cells = _SPACE_CELLS.split(line.strip(" \u3000"))
            if len(cells) >= width and cells[0][:1].isdigit():
                lines[index] = "\t".join([*cells[: width - 1], "".join(cells[width - 1 :])])
                continue
            width = 0
        width = _space_header(line)
        if width:
            lines[index] = "\t".join(_SPACE_CELLS.split(line.strip(" \u3000")))
    return "\n".join(lines)


def _split_glued(text: str) -> str:
    """Line breaks the source lost: enclosed numbering glyphs mid-line, Cyrillic Р breaks, and
    numbered items glued after a closing bracket."""
    if _ENCLOSED_NUMBER.search(text):
        text = re.sub(r"(?<=\S)[ \t]*(?=[\u2474-\u249b\u3220-\u3229])", "\n", text)
    if len(_CYRILLIC_BREAK.findall(text)) >= 2:
        text = _CYRILLIC_BREAK.sub("\n", text)
    if "上页" in text:
        text = _CONTINUED.sub("", text)
    if "、" in text:
        text = _join_site_pages(_PAGE_MARKER.sub("", text))
    text = "\n".join(_split_long_line(line) if len(line) > 100 else line for line in text.split("\n"))
    return _GLUED_KEY.sub("\n", _GLUED_ITEM.sub("\n", text))


def clean_characters(text: str) -> str:
    """Characters only: widths, odd spaces, zero-width marks, spaces next to Chinese text."""
    text = _ZERO_WIDTH.sub("", text)
    if _ENCLOSED_NUMBER.search(text):
        text = text.translate(_ENCLOSED_NUMBERS)
    if "(" in text:
        text = _PINYIN_GLOSS.sub("", text)
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
    text = _split_glued(_unflatten_columns(_space_tables(text.replace("\r\n", "\n").replace("\r", "\n"))))
    text = undouble(text)
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
    if _PAGE_NUMBER.match(text) or is_site_prompt(text):
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


# a line opening with a verb or an instruction, never the rest of a list of unit names
_NEW_SENTENCE_AFTER_KEY = re.compile(r"^(?:要求|请|每|要|按|由|在|对|于|组织|开展|举办|做好|负责|确保)")


def _continues(previous: Paragraph, line: Line) -> bool:
    if previous.is_table or previous.md_level or line.is_table or line.md_level:
        return False
    text = previous.text
    if CLAUSE_LINE_START.match(line.text):
        # 牵头单位：县科协 / 责任单位：各乡镇人民政府 — one clause printed on two lines
        # (总牵头部门：市科协。/ 责任单位：… — a short key line may close with 。 and still go on)
        return bool(CLAUSE_LINE_START.match(text)) and (not text.endswith("。") or len(text) <= 30)
    if _starts_paragraph(line) or (_FIELD_LINE.match(line.text) and _FIELD_LINE.match(text)):
        return False
    if CLAUSE_LINE_START.match(text) and (line.blank_before or _NEW_SENTENCE_AFTER_KEY.match(line.text)):
        # 配合单位：X / (blank line) / 每年培训…; 主办：县科技馆 / 要求各参展单位制作…: the key line has
        # ended, the next line is a sentence of its own
        return bool(text.endswith(("、", "，", ",")) and not line.blank_before)
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


_CN_LINE = re.compile(r"^([一二三四五六七八九十]{1,3})、")


def join_paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Rejoin lines broken inside a paragraph (line wraps, page breaks)."""
    paragraphs: list[Paragraph] = []
    last_cn = 0
    for line in lines:
        cn = _CN_LINE.match(line.text)
        if cn:
            value = _cn_value(cn.group(1))
            # 纪念 / 九、一八，欢度国庆: a number far past the last 一、 heading, after a sentence left
            # open, goes on with that sentence
            if (
                last_cn
                and value > last_cn + 2
                and paragraphs
                and re.search("[\u4e00-\u9fff，、]$", paragraphs[-1].text)
            ):
                paragraphs[-1].text += line.text
                continue
            last_cn = value
        if paragraphs and _continues(paragraphs[-1], line):
            previous = paragraphs[-1].text
            joint = "；" if CLAUSE_LINE_START.match(line.text) and not previous.endswith(("；", ";")) else ""
            if joint:
                paragraphs[-1].text = previous.rstrip("。")
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
