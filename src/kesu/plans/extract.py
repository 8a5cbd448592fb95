"""Reading plan documents (.txt, .md, .docx, .pdf) into the plain text that the parser reads.

The text handed to `kesu.plans.parser.parse_text` follows one contract whatever the input format:

- one paragraph per line, lines end with "\\n";
- a table row is one line whose cells are separated by a TAB ("\\t"); TAB appears nowhere else;
- Word's automatic numbering is written out as it would print ("一、", "（二）", "3."), and Word
  headings carry a markdown "#" prefix by level;
- PDF pages are joined, their running headers, footers and page numbers removed, and lines that
  merely wrap inside a paragraph (also across a page break) are rejoined.

Heavy libraries (python-docx, pdfplumber) are imported only when such a file is read.
"""

from __future__ import annotations

import codecs
import itertools
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kesu.plans.errors import PlanParseError

if TYPE_CHECKING:
    from kesu.plans.model import Plan

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")

_LEGACY_FORMATS = {
    ".doc": "旧版 Word（.doc）格式无法直接读取，请在 Word/WPS 中另存为 .docx / legacy Word .doc format: save it as .docx first",
    ".wps": "WPS（.wps）格式无法直接读取，请另存为 .docx / WPS .wps format: save it as .docx first",
    ".ofd": "OFD 版式文件无法直接读取，请导出为 PDF 或 .docx / OFD format: export it to PDF or .docx first",
}

# A decoded "text" with more than this share of control or private-use characters is binary data
# that happened to decode.
_MAX_CONTROL_SHARE = 0.01


def read_plan_text(path: str | Path) -> str:
    """Return the text of a plan document, following the contract in the module docstring.

    Raises `PlanParseError` naming the file for a missing, empty, binary, corrupt or unsupported file.
    """
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in _LEGACY_FORMATS:
        raise PlanParseError(source, _LEGACY_FORMATS[suffix])
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "（无扩展名 / none）"
        raise PlanParseError(
            source,
            f"不支持的文件类型 {shown}，请使用 .txt、.md、.docx 或 .pdf / "
            f"unsupported file type {suffix or '(no extension)'}; use .txt, .md, .docx or .pdf",
        )
    _check_readable_file(path)

    if suffix in TEXT_SUFFIXES:
        text = decode_text(path.read_bytes(), source)
    elif suffix == ".docx":
        text = _docx_text(path)
    else:
        text = _pdf_text(path)

    text = _normalise_characters(text)
    if not text.strip():
        raise PlanParseError(source, "文档中没有文字 / the document contains no text")
    return text


def parse_file(path: str | Path) -> Plan:
    """Read a plan document and parse it; `PlanParseError` if it is unreadable or not a plan."""
    path = Path(path)
    text = read_plan_text(path)
    # Imported on use: reading a document does not need the parser.
    from kesu.plans.parser import parse_text

    plan = parse_text(text, name=path.name)
    if not plan.tasks and plan.headline_target is None:
        raise PlanParseError(
            str(path),
            "未找到任何任务或科学素质目标，不像是实施方案 / "
            "no tasks and no literacy target found; this does not look like an implementation plan",
        )
    return plan


def _check_readable_file(path: Path) -> None:
    source = str(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise PlanParseError(source, "文件不存在 / file not found") from None
    except OSError as exc:
        raise PlanParseError(source, f"无法读取文件 / cannot read the file: {exc.strerror}") from None
    if path.is_dir():
        raise PlanParseError(source, "这是目录，不是文件 / this is a directory, not a file")
    if stat.st_size == 0:
        raise PlanParseError(source, "文件为空 / the file is empty")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise PlanParseError(source, f"无法读取文件 / cannot read the file: {exc.strerror}") from None


# --------------------------------------------------------------------------------------------
# Plain text


def decode_text(data: bytes, source: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (covers GBK)."""
    if not data.strip():
        raise PlanParseError(source, "文件为空 / the file is empty")
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = _try_decode(data[len(codecs.BOM_UTF8) :], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows Notepad's "Unicode" is UTF-16 with a BOM; its NUL bytes are not binary data.
        text = _try_decode(data, "utf-16")
    elif b"\x00" in data:
        raise PlanParseError(source, "不是文本文件（含二进制内容） / not a text file (binary content)")
    else:
        text = _try_decode(data, "utf-8")
        if text is None:
            text = _try_decode(data, "gb18030")
    if text is None:
        raise PlanParseError(
            source,
            "无法识别文字编码（既不是 UTF-8 也不是 GB18030/GBK） / "
            "unknown text encoding (neither UTF-8 nor GB18030/GBK)",
        )
    if _looks_binary(text):
        raise PlanParseError(source, "不是文本文件（含二进制内容） / not a text file (binary content)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    suspicious = sum(
        1
        for ch in text
        if (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\n\r\f\v") or ch == "\ufffd"
    )
    return suspicious > _MAX_CONTROL_SHARE * len(text)


# PDFs made in China often map ideographs to look-alike radicals (⾏ U+2F8F for 行) or
# compatibility ideographs; unit names would then never match, so fold them to the unified forms.
_FOLDED_RANGES = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF))
_CHARACTER_FOLDING = {
    code: unicodedata.normalize("NFKC", chr(code))
    for first, last in _FOLDED_RANGES
    for code in range(first, last + 1)
    if unicodedata.normalize("NFKC", chr(code)) != chr(code)
}
# The simplified-form radicals have no compatibility mapping; these are the ones that stand for a
# whole simplified character.
_CHARACTER_FOLDING.update(
    {
        ord(radical): character
        for radical, character in zip(
            "⻅⻉⻋⻓⻔⻚⻛⻜⻠⻢⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
            "见贝车长门页风飞饣马鱼鸟卤麦黄黾齐齿龙龟",
            strict=True,
        )
    }
)


def _normalise_characters(text: str) -> str:
    text = text.translate(_CHARACTER_FOLDING)
    if text.startswith("\ufeff"):
        text = text[1:]
    # Collapse runs of blank lines: they carry no structure for the parser.
    return re.sub(r"\n[ \t\u3000]*\n(?:[ \t\u3000]*\n)+", "\n\n", text)


def _join_fragments(left: str, right: str) -> str:
    """Join two pieces of one wrapped line: no space inside Chinese, one space between Latin words."""
    if not left:
        return right
    if not right:
        return left
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def _single_line(text: str) -> str:
    """Make text safe for one TAB-separated table cell."""
    pieces = [piece.strip() for piece in re.split(r"[\t\n\r]+", text)]
    joined = ""
    for piece in pieces:
        joined = _join_fragments(joined, piece)
    return joined


# --------------------------------------------------------------------------------------------
# Word (.docx)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
# A printed number ending in one of these is followed directly by the text ("1.弘扬", "（一）青少年").
_NUMBER_CLOSERS = "、.．。,，:：)）]】"


def _docx_text(path: Path) -> str:
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a runtime dependency
        raise PlanParseError(str(path), f"缺少 python-docx / python-docx is not installed: {exc}") from None
    try:
        document = docx.Document(str(path))
    except Exception:
        raise PlanParseError(
            str(path), "Word 文档已损坏或不是真正的 .docx 文件 / corrupt or not a real .docx file"
        ) from None
    try:
        return "\n".join(_DocxRenderer(document).render_body())
    except ValueError:
        raise PlanParseError(
            str(path), "Word 文档内部结构异常 / malformed .docx content (numbering or table markup)"
        ) from None


@dataclass
class _NumberingLevel:
    start: int = 1
    number_format: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    legal: bool = False


@dataclass
class _NumberingInstance:
    abstract_id: str
    levels: dict[int, _NumberingLevel]
    start_overrides: dict[int, int] = field(default_factory=dict)


class _DocxRenderer:
    """Walks the body of a Word document in order, rendering paragraphs and tables as text lines."""

    def __init__(self, document: Any):
        self._body = document.element.body
        self._styles = self._read_styles(document)
        self._numbering = self._read_numbering(document)
        # Word keeps one counter per abstract list, shared by the w:num instances that use it;
        # an instance with a start override restarts it the first time it is used.
        self._counters: dict[str, list[int | None]] = {}
        self._started_instances: set[str] = set()

    # -- document walk -------------------------------------------------------------------

    def render_body(self) -> list[str]:
        return self.render_element_children(self._body)

    def render_element_children(self, parent: Any) -> list[str]:
        lines: list[str] = []
        for child in parent.iterchildren():
            if child.tag == f"{_W}p":
                lines.append(self.render_paragraph(child, in_table=False))
            elif child.tag == f"{_W}tbl":
                lines.extend(self.render_table(child))
            elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
                content = child.find(f"{_W}sdtContent") if child.tag == f"{_W}sdt" else child
                if content is not None:
                    lines.extend(self.render_element_children(content))
        return lines

    def render_paragraph(self, p: Any, in_table: bool) -> str:
        # TAB is reserved for table cells; Word tabs inside prose only align text.
        raw = _paragraph_text(p)
        text = _single_line(raw) if in_table else re.sub(r"[ \t]*\t[ \t]*", " ", raw).strip()
        # The number is counted even for an empty paragraph, as Word does.
        prefix = self._numbering_prefix(p)
        if not text:
            return ""
        text = prefix + text
        if not in_table:
            heading_level = self._heading_level(p)
            if heading_level:
                text = f"{'#' * heading_level} {text}"
        return text

    def render_table(self, tbl: Any) -> list[str]:
        lines: list[str] = []
        for tr in tbl.findall(f"{_W}tr"):
            cells = [self._cell_text(tc) for tc in _row_cells(tr)]
            if any(cells):
                lines.append("\t".join(cells))
        return lines

    def _cell_text(self, tc: Any) -> str:
        parts: list[str] = []
        for child in tc.iterchildren():
            if child.tag == f"{_W}p":
                parts.append(self.render_paragraph(child, in_table=True))
            elif child.tag == f"{_W}tbl":
                parts.extend(_single_line(row.replace("\t", " ")) for row in self.render_table(child))
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    parts.extend(_single_line(line) for line in self.render_element_children(content))
        return " ".join(part for part in parts if part)

    # -- styles --------------------------------------------------------------------------

    @staticmethod
    def _read_styles(document: Any) -> dict[str, dict[str, Any]]:
        styles: dict[str, dict[str, Any]] = {}
        try:
            root = document.styles.element
        except Exception:
            return styles
        for style in root.findall(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            if not style_id:
                continue
            name_el = style.find(f"{_W}name")
            based_on = style.find(f"{_W}basedOn")
            ppr = style.find(f"{_W}pPr")
            styles[style_id] = {
                "name": name_el.get(f"{_W}val", "") if name_el is not None else "",
                "based_on": based_on.get(f"{_W}val") if based_on is not None else None,
                "num_pr": _num_pr(ppr),
                "outline": _outline_level(ppr),
            }
        return styles

    def _style_chain(self, p: Any) -> list[dict[str, Any]]:
        ppr = p.find(f"{_W}pPr")
        style_el = ppr.find(f"{_W}pStyle") if ppr is not None else None
        style_id = style_el.get(f"{_W}val") if style_el is not None else None
        chain: list[dict[str, Any]] = []
        seen: set[str] = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            chain.append(self._styles[style_id])
            style_id = self._styles[style_id]["based_on"]
        return chain

    def _heading_level(self, p: Any) -> int:
        outline = _outline_level(p.find(f"{_W}pPr"))
        chain = self._style_chain(p)
        if outline is None:
            for style in chain:
                match = _HEADING_STYLE.match(style["name"].strip())
                if match:
                    return min(int(match.group(1)), 6)
                if style["outline"] is not None:
                    outline = style["outline"]
                    break
        # Outline level 9 is "body text".
        if outline is not None and 0 <= outline < 6:
            return outline + 1
        return 0

    # -- numbering -----------------------------------------------------------------------

    @staticmethod
    def _read_numbering(document: Any) -> dict[str, _NumberingInstance]:
        try:
            from docx.opc.constants import RELATIONSHIP_TYPE as RT

            root = document.part.part_related_by(RT.NUMBERING).element
        except Exception:
            return {}
        abstracts: dict[str, dict[int, _NumberingLevel]] = {}
        for abstract in root.findall(f"{_W}abstractNum"):
            abstracts[abstract.get(f"{_W}abstractNumId")] = _read_levels(abstract)
        instances: dict[str, _NumberingInstance] = {}
        for num in root.findall(f"{_W}num"):
            abstract_el = num.find(f"{_W}abstractNumId")
            if abstract_el is None:
                continue
            abstract_id = abstract_el.get(f"{_W}val")
            levels = dict(abstracts.get(abstract_id, {}))
            overrides: dict[int, int] = {}
            for override in num.findall(f"{_W}lvlOverride"):
                ilvl = int(override.get(f"{_W}ilvl", "0"))
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    overrides[ilvl] = int(start.get(f"{_W}val", "1"))
                lvl = override.find(f"{_W}lvl")
                if lvl is not None:
                    levels[ilvl] = _read_level(lvl)
            instances[num.get(f"{_W}numId")] = _NumberingInstance(abstract_id, levels, overrides)
        return instances

    def _numbering_prefix(self, p: Any) -> str:
        num_pr = _num_pr(p.find(f"{_W}pPr"))
        if num_pr is None:
            for style in self._style_chain(p):
                if style["num_pr"] is not None:
                    num_pr = style["num_pr"]
                    break
        if num_pr is None:
            return ""
        num_id, ilvl = num_pr
        instance = self._numbering.get(num_id)
        # numId 0 explicitly switches numbering off for this paragraph.
        if num_id == "0" or instance is None:
            return ""
        level = instance.levels.get(ilvl) or _NumberingLevel(text=f"%{ilvl + 1}.")
        if level.number_format in ("bullet", "none"):
            return ""

        counters = self._counters.setdefault(instance.abstract_id, [None] * 9)
        if num_id not in self._started_instances:
            self._started_instances.add(num_id)
            for override_level, start in instance.start_overrides.items():
                if override_level < len(counters):
                    counters[override_level] = start - 1
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None

        def substitute(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            if not 0 <= index < 9:
                return ""
            ref_level = instance.levels.get(index) or _NumberingLevel()
            value = counters[index]
            if value is None:
                value = ref_level.start
            number_format = "decimal" if level.legal and index < ilvl else ref_level.number_format
            return _format_number(value, number_format)

        prefix = re.sub(r"%(\d)", substitute, level.text)
        if not prefix or level.suffix == "nothing" or prefix[-1] in _NUMBER_CLOSERS:
            return prefix
        return prefix + " "


def _num_pr(ppr: Any) -> tuple[str, int] | None:
    if ppr is None:
        return None
    num_pr = ppr.find(f"{_W}numPr")
    if num_pr is None:
        return None
    num_id_el = num_pr.find(f"{_W}numId")
    ilvl_el = num_pr.find(f"{_W}ilvl")
    if num_id_el is None:
        return None
    ilvl = int(ilvl_el.get(f"{_W}val", "0")) if ilvl_el is not None else 0
    return num_id_el.get(f"{_W}val"), max(0, min(ilvl, 8))


def _outline_level(ppr: Any) -> int | None:
    if ppr is None:
        return None
    outline = ppr.find(f"{_W}outlineLvl")
    if outline is None:
        return None
    try:
        return int(outline.get(f"{_W}val"))
    except (TypeError, ValueError):
        return None


def _read_levels(abstract: Any) -> dict[int, _NumberingLevel]:
    return {int(lvl.get(f"{_W}ilvl", "0")): _read_level(lvl) for lvl in abstract.findall(f"{_W}lvl")}


def _read_level(lvl: Any) -> _NumberingLevel:
    def value(tag: str, default: str) -> str:
        el = lvl.find(f"{_W}{tag}")
        return el.get(f"{_W}val", default) if el is not None else default

    ilvl = int(lvl.get(f"{_W}ilvl", "0"))
    try:
        start = int(value("start", "1"))
    except ValueError:
        start = 1
    return _NumberingLevel(
        start=start,
        number_format=value("numFmt", "decimal"),
        text=value("lvlText", f"%{ilvl + 1}."),
        suffix=value("suff", "tab"),
        legal=lvl.find(f"{_W}isLgl") is not None,
    )


def _row_cells(tr: Any) -> list[Any]:
    """The cells of a table row, each merged cell once; a vertical merge repeats the cell above.

    Repeating the vertically merged cell keeps every row self-contained: a lead unit merged over
    three task rows belongs to each of the three tasks.
    """
    cells: list[Any] = []
    for tc in tr.iterchildren(f"{_W}tc"):
        cells.append(_vertical_merge_root(tc))
    return cells


def _vertical_merge_root(tc: Any) -> Any:
    seen = 0
    while seen < 1000:
        seen += 1
        tcpr = tc.find(f"{_W}tcPr")
        vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
        if vmerge is None or vmerge.get(f"{_W}val", "continue") != "continue":
            return tc
        above = _cell_above(tc)
        if above is None:
            return tc
        tc = above
    return tc


def _grid_offset(tc: Any) -> int:
    tr = tc.getparent()
    offset = 0
    tr_pr = tr.find(f"{_W}trPr")
    if tr_pr is not None:
        before = tr_pr.find(f"{_W}gridBefore")
        if before is not None:
            offset += int(before.get(f"{_W}val", "0"))
    for sibling in tr.iterchildren(f"{_W}tc"):
        if sibling is tc:
            return offset
        offset += _grid_span(sibling)
    return offset


def _grid_span(tc: Any) -> int:
    tcpr = tc.find(f"{_W}tcPr")
    span = tcpr.find(f"{_W}gridSpan") if tcpr is not None else None
    try:
        return int(span.get(f"{_W}val", "1")) if span is not None else 1
    except ValueError:
        return 1


def _cell_above(tc: Any) -> Any:
    tr = tc.getparent()
    previous = tr.getprevious()
    while previous is not None and previous.tag != f"{_W}tr":
        previous = previous.getprevious()
    if previous is None:
        return None
    target = _grid_offset(tc)
    offset = 0
    tr_pr = previous.find(f"{_W}trPr")
    if tr_pr is not None:
        before = tr_pr.find(f"{_W}gridBefore")
        if before is not None:
            offset += int(before.get(f"{_W}val", "0"))
    for candidate in previous.iterchildren(f"{_W}tc"):
        if offset == target:
            return candidate
        offset += _grid_span(candidate)
    return None


_SKIPPED_RUN_CONTENT = {f"{_W}{tag}" for tag in ("delText", "instrText", "txbxContent", "rPr", "pPr")}


def _paragraph_text(p: Any) -> str:
    """Visible text of a paragraph, including tracked insertions, hyperlinks and fields' results."""
    pieces: list[str] = []

    def walk(element: Any) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED_RUN_CONTENT or tag == f"{_W}del":
                continue
            if tag == f"{_W}t":
                pieces.append(child.text or "")
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                pieces.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                pieces.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                pieces.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(pieces)


_CHINESE_DIGITS = "零一二三四五六七八九"
_CHINESE_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PARENTHESISED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"


def _chinese_number(value: int, digits: str = _CHINESE_DIGITS, units: str = "十百千") -> str:
    if value <= 0 or value >= 10000:
        return str(value)
    text = ""
    zero_pending = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = value // power % 10
        if digit == 0:
            zero_pending = bool(text)
            continue
        if zero_pending:
            text += digits[0]
            zero_pending = False
        text += digits[digit] + unit
    # 一十二 is written 十二.
    if 10 <= value < 20 and digits is _CHINESE_DIGITS:
        text = text[1:]
    return text


def _roman(value: int) -> str:
    if value <= 0 or value >= 4000:
        return str(value)
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    text = ""
    for amount, numeral in numerals:
        while value >= amount:
            text += numeral
            value -= amount
    return text


def _letters(value: int) -> str:
    if value <= 0:
        return str(value)
    # Word repeats the letter: a … z, aa … zz.
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _format_number(value: int, number_format: str) -> str:
    if number_format in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
                         "taiwaneseCountingThousand", "japaneseCounting", "ideographDigital"):  # fmt: skip
        return _chinese_number(value)
    if number_format == "chineseLegalSimplified":
        return _chinese_number(value, _CHINESE_LEGAL_DIGITS, "拾佰仟")
    if number_format in ("ideographTraditional",) and 1 <= value <= 10:
        return _HEAVENLY_STEMS[value - 1]
    if number_format == "ideographZodiac" and 1 <= value <= 12:
        return _EARTHLY_BRANCHES[value - 1]
    if number_format in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= 20:
        return _CIRCLED[value - 1]
    if number_format == "decimalEnclosedParen" and 1 <= value <= 20:
        return _PARENTHESISED[value - 1]
    if number_format == "decimalFullWidth":
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(value))
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format == "upperRoman":
        return _roman(value)
    if number_format == "lowerRoman":
        return _roman(value).lower()
    if number_format == "upperLetter":
        return _letters(value).upper()
    if number_format == "lowerLetter":
        return _letters(value)
    return str(value)


# --------------------------------------------------------------------------------------------
# PDF

# Lines in the top or bottom band of a page that repeat on this share of pages are running
# headers or footers.
_RUNNING_LINE_SHARE = 0.4
_BAND_LINES = 2
_PAGE_NUMBER = re.compile(
    r"""^(?:
        [-—–－─~～_\s]*\d{1,4}[-—–－─~～_\s]*          # 3, — 3 —, - 3 -
      | 第\s*\d+\s*页(?:\s*[,，/、]?\s*共\s*\d+\s*页)?  # 第3页, 第3页 共12页
      | 共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页          # 共12页 第3页
      | \d+\s*/\s*\d+                                   # 3/12
      | (?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?        # Page 3 of 12
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
# A line starting like a heading or a numbered item begins a new paragraph even when the line
# before it is full.
_ITEM_START = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]+[)）]|\d+[、．.](?!\d)|第[一二三四五六七八九十百\d]+[章节条部分]|[①-⑳⑴-⒇]|附件)"
)
# Ratio of the line's character size: how short of the right margin a line may end and still be
# "full" (line-breaking rules keep a character with its following comma, so a wrapped line can end
# two characters short), and how far right of the left margin a line must start to be "indented".
_FULL_LINE_SLACK = 2.5
_INDENT_THRESHOLD = 0.6


@dataclass
class _PdfLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page_height: float


@dataclass
class _PdfTable:
    rows: list[str]


_PdfBlock = _PdfLine | _PdfTable


def _pdf_text(path: Path) -> str:
    source = str(path)
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - pdfplumber is a runtime dependency
        raise PlanParseError(source, f"缺少 pdfplumber / pdfplumber is not installed: {exc}") from None
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:
        raise PlanParseError(source, _pdf_open_problem(exc)) from None
    pages: list[list[_PdfBlock]] = []
    char_count = 0
    with pdf:
        try:
            for page in pdf.pages:
                char_count += sum(1 for ch in page.chars if ch.get("text", "").strip())
                pages.append(_page_blocks(page))
        except PlanParseError:
            raise
        except Exception as exc:
            raise PlanParseError(source, _pdf_open_problem(exc)) from None
    if not pages:
        raise PlanParseError(source, "PDF 没有任何页面 / the PDF has no pages")
    if char_count == 0:
        raise PlanParseError(
            source,
            "PDF 没有文字层（可能是扫描件），需要先做 OCR 文字识别 / "
            "the PDF has no text layer (a scanned image?); run OCR on it first",
        )
    _drop_running_lines(pages)
    _join_tables_across_pages(pages)
    return "\n".join(_reflow([block for page in pages for block in page]))


def _pdf_open_problem(exc: Exception) -> str:
    description = f"{type(exc).__name__} {exc}".lower()
    if "password" in description or "encrypt" in description:
        return "PDF 已加密，无法读取 / the PDF is encrypted and cannot be read"
    return "PDF 文件已损坏或无法打开 / corrupt PDF that cannot be opened"


def _page_blocks(page: Any) -> list[_PdfBlock]:
    """Text lines and tables of one page, top to bottom."""
    tables = [table for table in page.find_tables(_table_settings(page)) if _is_real_table(table)]
    boxes = [table.bbox for table in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    body = page.filter(outside_tables) if boxes else page
    positioned: list[tuple[float, _PdfBlock]] = []
    for line in body.extract_text_lines(strip=True, return_chars=True):
        text = line["text"].strip()
        if not text:
            continue
        sizes = sorted(ch.get("size", 0.0) for ch in line.get("chars", []) if ch.get("text", "").strip())
        size = sizes[len(sizes) // 2] if sizes else 10.0
        block = _PdfLine(
            text=text.replace("\t", " "),
            x0=line["x0"],
            x1=line["x1"],
            top=line["top"],
            bottom=line["bottom"],
            size=size,
            page_height=float(page.height),
        )
        positioned.append((line["top"], block))
    for table in tables:
        rows = _table_rows(table)
        if rows:
            positioned.append((table.bbox[1], _PdfTable(rows)))
    positioned.sort(key=lambda item: item[0])
    return [block for _, block in positioned]


def _table_settings(page: Any) -> dict[str, Any]:
    """Close tables that a page break left open.

    A row cut by a page break has its cell borders but no bottom (or top) rule, so the table finder
    would drop it; a rule where the vertical borders end restores it.
    """
    vertical = [edge for edge in page.edges if edge["orientation"] == "v"]
    horizontal = [edge for edge in page.edges if edge["orientation"] == "h"]
    missing: set[float] = set()
    for edge in vertical:
        for y in (edge["top"], edge["bottom"]):
            closed = any(
                abs(rule["top"] - y) <= 3 and rule["x0"] - 3 <= edge["x0"] <= rule["x1"] + 3
                for rule in horizontal
            )
            if not closed:
                missing.add(round(y, 1))
    return {"explicit_horizontal_lines": sorted(missing)} if missing else {}


def _is_real_table(table: Any) -> bool:
    # A frame drawn round the whole page, or a boxed paragraph, is found as a one-column "table".
    return any(sum(1 for cell in row.cells if cell is not None) >= 2 for row in table.rows)


def _table_rows(table: Any) -> list[str]:
    """Rows as TAB-joined cells: a horizontal merge once, a vertical merge repeated in each row."""
    extracted = table.extract()
    texts: dict[tuple[float, float, float, float], str] = {}
    for row, row_texts in zip(table.rows, extracted, strict=False):
        for bbox, text in zip(row.cells, row_texts, strict=False):
            if bbox is not None:
                texts[tuple(bbox)] = _single_line(text or "")
    columns = [column.bbox for column in table.columns]
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        row_top, row_bottom = row.bbox[1], row.bbox[3]
        for index, bbox in enumerate(row.cells):
            if bbox is not None:
                cells.append(texts.get(tuple(bbox), ""))
                continue
            if index >= len(columns):
                continue
            cx = (columns[index][0] + columns[index][2]) / 2
            cy = (row_top + row_bottom) / 2
            origin = next(
                (box for box in texts if box[0] <= cx <= box[2] and box[1] <= cy <= box[3]),
                None,
            )
            # Covered by a cell that starts in a row above: a vertical merge.
            if origin is not None and origin[1] < row_top - 1:
                cells.append(texts[origin])
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def _normalised_running_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _band_lines(page: list[_PdfBlock]) -> list[_PdfLine]:
    lines = [block for block in page if isinstance(block, _PdfLine)]
    candidates = lines[:_BAND_LINES] + lines[-_BAND_LINES:]
    unique: list[_PdfLine] = []
    for line in candidates:
        if all(line is not seen for seen in unique):
            unique.append(line)
    return unique


def _edge_offset(line: _PdfLine) -> float:
    """Distance from the nearer page edge: positive from the top, negative from the bottom."""
    if line.top < line.page_height / 2:
        return line.top
    return -(line.page_height - line.bottom)


def _drop_running_lines(pages: list[list[_PdfBlock]]) -> None:
    """Remove running headers/footers (repeated in the bands of most pages) and page numbers.

    A repeated line is dropped only where it sits like the others, at the same distance from the
    page edge in the same size: a title on the first page that reads like the running header
    stays.
    """
    occurrences: dict[str, list[_PdfLine]] = {}
    for page in pages:
        seen: set[str] = set()
        for line in _band_lines(page):
            key = _normalised_running_key(line.text)
            if key not in seen:
                seen.add(key)
                occurrences.setdefault(key, []).append(line)
    threshold = max(2, math.ceil(_RUNNING_LINE_SHARE * len(pages)))

    def running(line: _PdfLine) -> bool:
        others = occurrences.get(_normalised_running_key(line.text), [])
        if len(pages) < 2 or len(others) < threshold:
            return False
        usual_offset = statistics.median(_edge_offset(other) for other in others)
        usual_size = statistics.median(other.size for other in others)
        return (
            abs(_edge_offset(line) - usual_offset) <= 2 * usual_size
            and abs(line.size - usual_size) <= 0.15 * usual_size
        )

    for page in pages:
        doomed = {
            id(line) for line in _band_lines(page) if _PAGE_NUMBER.match(line.text.strip()) or running(line)
        }
        page[:] = [block for block in page if id(block) not in doomed]


def _join_tables_across_pages(pages: list[list[_PdfBlock]]) -> None:
    """Stitch a table continued on the next page: drop its repeated header row and rejoin a row
    that the page break cut in two (its continuation has an empty first cell, the 序号 column)."""
    header: str | None = None
    for previous, page in itertools.pairwise(pages):
        if previous and isinstance(previous[-1], _PdfTable):
            # A table that fills a whole page carries the header of the page before.
            if len(previous) > 1 or header is None:
                header = previous[-1].rows[0] if previous[-1].rows else None
        else:
            header = None
        if header is None or not page or not isinstance(page[0], _PdfTable):
            continue
        ending, continued = previous[-1], page[0]
        assert isinstance(ending, _PdfTable)
        if continued.rows and continued.rows[0] == header:
            continued.rows = continued.rows[1:]
        if continued.rows and ending.rows:
            tail = ending.rows[-1].split("\t")
            head = continued.rows[0].split("\t")
            if len(tail) == len(head) and tail[0] and not head[0]:
                ending.rows[-1] = "\t".join(
                    _join_fragments(left, right) for left, right in zip(tail, head, strict=True)
                )
                continued.rows = continued.rows[1:]


def _reflow(blocks: list[_PdfBlock]) -> list[str]:
    """Rejoin lines that only wrap inside a paragraph, including across page breaks."""
    lines = [block for block in blocks if isinstance(block, _PdfLine)]
    substantial = [line for line in lines if len(line.text) >= 8] or lines
    if not substantial:
        return [row for block in blocks if isinstance(block, _PdfTable) for row in block.rows]
    left = _percentile([line.x0 for line in substantial], 0.1)
    right = _percentile([line.x1 for line in substantial], 0.9)

    output: list[str] = []
    previous: _PdfLine | None = None
    for block in blocks:
        if isinstance(block, _PdfTable):
            output.extend(block.rows)
            previous = None
            continue
        if previous is not None and _continues(previous, block, left, right):
            output[-1] = _join_fragments(output[-1], block.text)
        else:
            output.append(block.text)
        previous = block
    return output


def _continues(previous: _PdfLine, line: _PdfLine, left: float, right: float) -> bool:
    size = max(previous.size, 1.0)
    if abs(previous.size - line.size) > 0.15 * size:
        return False
    same_page = line.top > previous.top and line.page_height == previous.page_height
    # A centred title wraps anywhere, e.g. "…实施方案（2021—2025" / "年）": an open bracket means
    # the line cannot be the end of its paragraph.
    if same_page and line.top - previous.bottom <= 1.2 * size and _has_open_bracket(previous.text):
        return not _ITEM_START.match(line.text)
    if previous.x1 < right - _FULL_LINE_SLACK * size:
        return False
    if line.x0 > left + _INDENT_THRESHOLD * line.size:
        return False
    if same_page and line.top - previous.bottom > 1.2 * size:
        return False
    return not _ITEM_START.match(line.text)


_BRACKET_PAIRS = ("（）", "()", "《》", "【】", "[]", "“”")


def _has_open_bracket(text: str) -> bool:
    return any(text.count(opening) > text.count(closing) for opening, closing in _BRACKET_PAIRS)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
