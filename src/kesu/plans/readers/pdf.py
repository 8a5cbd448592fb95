"""PDF: the text layer of every page, without the page furniture, rejoined into paragraphs.

Pages are joined; running headers, footers and page numbers are removed; tables become
TAB-joined rows, also when a table continues on the next page; and lines that merely wrap inside
a paragraph (also across a page break) are rejoined. pdfplumber is imported only when a PDF is
read.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kesu.plans.errors import PlanParseError
from kesu.plans.readers.common import join_fragments, single_line

if TYPE_CHECKING:
    from pathlib import Path

SUFFIXES = (".pdf",)

# Lines in the top or bottom band of a page that repeat on this share of pages are running
# headers or footers.
_RUNNING_LINE_SHARE = 0.4
_BAND_LINES = 2
_PAGE_NUMBER = re.compile(
    r"""^(?:
        [-—–－─~～_·•\s]*\d{1,4}[-—–－─~～_·•\s]*      # 3, — 3 —, - 3 -, · 3 ·
      | [-—–－─~～_·•\s]+                              # the half of "· 3 ·" left of a gutter
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
    # 0 for a line across the page, 1 / 2 for the left / right column of a two-column page: the
    # margins that tell a wrapped line from a paragraph's end are the column's.
    column: int = 0


@dataclass
class _PdfTable:
    rows: list[str]


_PdfBlock = _PdfLine | _PdfTable


def read(path: Path) -> str:
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
    """Text lines and tables of one page in reading order: a two-column page column by column."""
    rows = _text_rows(page)
    gutter = _find_gutter(rows)
    if gutter is None:
        return _region_blocks(page, float(page.height))
    split_top, split_bottom = _column_span(rows, gutter, float(page.height))
    width, height = float(page.width), float(page.height)
    regions = [
        (page.crop((0, 0, width, split_top)) if split_top > 0 else None, 0),
        (page.crop((0, split_top, gutter, split_bottom)), 1),
        (page.crop((gutter, split_top, width, split_bottom)), 2),
        (page.crop((0, split_bottom, width, height)) if split_bottom < height else None, 0),
    ]
    blocks: list[_PdfBlock] = []
    for region, column in regions:
        if region is None:
            continue
        for block in _region_blocks(region, height):
            if isinstance(block, _PdfLine):
                block.column = column
            blocks.append(block)
    return blocks


# A gutter: a vertical band, in the middle part of the page, that almost no line crosses while a
# good share of the lines carry running text on each side of it.
_GUTTER_MIN_LINES = 8
_GUTTER_CROSSING_SHARE = 0.1
_GUTTER_SIDE_SHARE = 0.3


def _text_rows(page: Any) -> list[list[dict[str, Any]]]:
    """The page's words grouped into rows by their vertical position."""
    boxes = [table.bbox for table in page.find_tables() if _is_real_table(table)]
    words = [
        w
        for w in page.extract_words(keep_blank_chars=False)
        if not any(
            x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= w["top"] <= bottom for x0, top, x1, bottom in boxes
        )
    ]
    words.sort(key=lambda w: (round(w["top"]), w["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for word in words:
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= 2:
            rows[-1].append(word)
        else:
            rows.append([word])
    return rows


def _find_gutter(rows: list[list[dict[str, Any]]]) -> float | None:
    if len(rows) < _GUTTER_MIN_LINES:
        return None
    left = min(w["x0"] for row in rows for w in row)
    right = max(w["x1"] for row in rows for w in row)
    span = right - left
    if span <= 0:
        return None
    candidates: list[float] = []
    x = left + 0.3 * span
    while x <= left + 0.7 * span:
        crossing = sum(1 for row in rows if any(w["x0"] < x < w["x1"] for w in row))
        # Both sides carry running text, not a label beside a value. The two columns' lines need
        # not share a baseline, so each side is counted on its own.
        on_left = sum(1 for row in rows if sum(w["x1"] - w["x0"] for w in row if w["x1"] <= x) >= 0.2 * span)
        on_right = sum(1 for row in rows if sum(w["x1"] - w["x0"] for w in row if w["x0"] >= x) >= 0.2 * span)
        if crossing <= _GUTTER_CROSSING_SHARE * len(rows) and min(
            on_left, on_right
        ) >= _GUTTER_SIDE_SHARE * len(rows):
            candidates.append(x)
        x += 1.0
    if not candidates:
        return None
    # The middle of the widest run of free positions.
    runs: list[list[float]] = [[candidates[0]]]
    for value in candidates[1:]:
        if value - runs[-1][-1] <= 1.5:
            runs[-1].append(value)
        else:
            runs.append([value])
    best = max(runs, key=len)
    return (best[0] + best[-1]) / 2


def _column_span(rows: list[list[dict[str, Any]]], gutter: float, height: float) -> tuple[float, float]:
    """Top and bottom of the two-column part: lines across the gutter above it (a title) or below
    it (a footer) are read across the page."""
    crossing = [any(w["x0"] < gutter < w["x1"] for w in row) for row in rows]
    first = next((i for i, c in enumerate(crossing) if not c), 0)
    last = max((i for i, c in enumerate(crossing) if not c), default=len(rows) - 1)
    top = min(w["top"] for w in rows[first]) - 1 if first > 0 else 0.0
    bottom = max(w["bottom"] for w in rows[last]) + 1 if last < len(rows) - 1 else height
    return max(0.0, top), min(height, bottom)


def _region_blocks(page: Any, page_height: float) -> list[_PdfBlock]:
    """Text lines and tables of one page (or one column of it), top to bottom."""
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
            page_height=page_height,
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
                texts[tuple(bbox)] = single_line(text or "")
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
    """The lines of the top and bottom rows of a page; on a two-column page (or a yearbook's split
    header: book title left, chapter right) a row holds a line of each column."""
    lines = sorted((block for block in page if isinstance(block, _PdfLine)), key=lambda line: line.top)
    rows: list[list[_PdfLine]] = []
    for line in lines:
        if rows and abs(rows[-1][0].top - line.top) <= 0.5 * max(line.size, 1.0):
            rows[-1].append(line)
        else:
            rows.append([line])
    candidates = [line for row in rows[:_BAND_LINES] + rows[-_BAND_LINES:] for line in row]
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
                    join_fragments(left, right) for left, right in zip(tail, head, strict=True)
                )
                continued.rows = continued.rows[1:]


def _reflow(blocks: list[_PdfBlock]) -> list[str]:
    """Rejoin lines that only wrap inside a paragraph, including across page breaks."""
    lines = [block for block in blocks if isinstance(block, _PdfLine)]
    substantial = [line for line in lines if len(line.text) >= 8] or lines
    if not substantial:
        return [row for block in blocks if isinstance(block, _PdfTable) for row in block.rows]
    margins: dict[int, tuple[float, float]] = {}
    for column in {line.column for line in lines}:
        own = [line for line in substantial if line.column == column] or substantial
        margins[column] = (
            _percentile([line.x0 for line in own], 0.1),
            _percentile([line.x1 for line in own], 0.9),
        )

    output: list[str] = []
    previous: _PdfLine | None = None
    for block in blocks:
        if isinstance(block, _PdfTable):
            output.extend(block.rows)
            previous = None
            continue
        if previous is not None and _continues(
            previous, block, margins[previous.column], margins[block.column]
        ):
            output[-1] = join_fragments(output[-1], block.text)
        else:
            output.append(block.text)
        previous = block
    return output


def _continues(
    previous: _PdfLine, line: _PdfLine, previous_margins: tuple[float, float], margins: tuple[float, float]
) -> bool:
    right = previous_margins[1]
    left = margins[0]
    size = max(previous.size, 1.0)
    if abs(previous.size - line.size) > 0.15 * size:
        return False
    # The right column's first line follows the left column's last one, above it on the same page.
    same_page = (
        line.top > previous.top
        and line.page_height == previous.page_height
        and line.column == previous.column
    )
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
