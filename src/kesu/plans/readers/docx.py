"""Word (.docx): the body in document order, paragraphs as lines and table rows as TAB-joined cells.

Word's automatic numbering is written out as it would print (docx_numbering), and a paragraph
with a heading style or outline level gets a markdown "#" prefix by level: the parser reads both
as it reads a plain-text plan. python-docx is imported only when a .docx file is read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kesu.plans.errors import PlanParseError
from kesu.plans.readers.common import single_line
from kesu.plans.readers.docx_numbering import ListNumbering, W

if TYPE_CHECKING:
    from pathlib import Path

SUFFIXES = (".docx",)

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def read(path: Path) -> str:
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


class _DocxRenderer:
    """Walks the body of a Word document in order, rendering paragraphs and tables as text lines."""

    def __init__(self, document: Any):
        self._body = document.element.body
        self._styles = self._read_styles(document)
        self._numbering = ListNumbering.of_document(document)

    # -- document walk -------------------------------------------------------------------

    def render_body(self) -> list[str]:
        return self.render_element_children(self._body)

    def render_element_children(self, parent: Any) -> list[str]:
        lines: list[str] = []
        for child in parent.iterchildren():
            if child.tag == f"{W}p":
                lines.append(self.render_paragraph(child, in_table=False))
            elif child.tag == f"{W}tbl":
                lines.extend(self.render_table(child))
            elif child.tag in (f"{W}sdt", f"{W}customXml"):
                content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
                if content is not None:
                    lines.extend(self.render_element_children(content))
        return lines

    def render_paragraph(self, p: Any, in_table: bool) -> str:
        # TAB is reserved for table cells; Word tabs inside prose only align text.
        raw = _paragraph_text(p)
        text = single_line(raw) if in_table else re.sub(r"[ \t]*\t[ \t]*", " ", raw).strip()
        # The number is counted even for an empty paragraph, as Word does.
        prefix = self._numbering_prefix(p)
        if not text:
            return ""
        text = prefix + text
        if not in_table:
            heading_level = self._heading_level(p)
            if heading_level:
                text = f"{'#' * heading_level} {text}"
            elif len(text) <= 40 and self._all_bold(p):
                # an unnumbered bold line (工作目标, 保障措施) is a heading in Word's way of writing;
                # the parser reads **…** as one (headings.classify_heading)
                text = f"**{text}**"
        return text

    def _all_bold(self, p: Any) -> bool:
        """Every run with text is bold, by the run's own formatting or by the paragraph's style."""
        style_bold = any(style.get("bold") for style in self._style_chain(p))
        runs = [r for r in p.iter(f"{W}r") if any((t.text or "").strip() for t in r.findall(f"{W}t"))]
        return bool(runs) and all(_bold(r.find(f"{W}rPr"), style_bold) for r in runs)

    def render_table(self, tbl: Any) -> list[str]:
        lines: list[str] = []
        for tr in tbl.findall(f"{W}tr"):
            cells = [self._cell_text(tc) for tc in _row_cells(tr)]
            if any(cells):
                lines.append("\t".join(cells))
        return lines

    def _cell_text(self, tc: Any) -> str:
        parts: list[str] = []
        for child in tc.iterchildren():
            if child.tag == f"{W}p":
                parts.append(self.render_paragraph(child, in_table=True))
            elif child.tag == f"{W}tbl":
                parts.extend(single_line(row.replace("\t", " ")) for row in self.render_table(child))
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    parts.extend(single_line(line) for line in self.render_element_children(content))
        return " ".join(part for part in parts if part)

    # -- styles --------------------------------------------------------------------------

    @staticmethod
    def _read_styles(document: Any) -> dict[str, dict[str, Any]]:
        styles: dict[str, dict[str, Any]] = {}
        try:
            root = document.styles.element
        except Exception:
            return styles
        for style in root.findall(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            if not style_id:
                continue
            name_el = style.find(f"{W}name")
            based_on = style.find(f"{W}basedOn")
            ppr = style.find(f"{W}pPr")
            styles[style_id] = {
                "name": name_el.get(f"{W}val", "") if name_el is not None else "",
                "based_on": based_on.get(f"{W}val") if based_on is not None else None,
                "num_pr": _num_pr(ppr),
                "outline": _outline_level(ppr),
                "bold": _bold(style.find(f"{W}rPr"), False),
            }
        return styles

    def _style_chain(self, p: Any) -> list[dict[str, Any]]:
        ppr = p.find(f"{W}pPr")
        style_el = ppr.find(f"{W}pStyle") if ppr is not None else None
        style_id = style_el.get(f"{W}val") if style_el is not None else None
        chain: list[dict[str, Any]] = []
        seen: set[str] = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            chain.append(self._styles[style_id])
            style_id = self._styles[style_id]["based_on"]
        return chain

    def _heading_level(self, p: Any) -> int:
        outline = _outline_level(p.find(f"{W}pPr"))
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

    def _numbering_prefix(self, p: Any) -> str:
        num_pr = _num_pr(p.find(f"{W}pPr"))
        if num_pr is None:
            for style in self._style_chain(p):
                if style["num_pr"] is not None:
                    num_pr = style["num_pr"]
                    break
        if num_pr is None:
            return ""
        return self._numbering.prefix(*num_pr)


def _num_pr(ppr: Any) -> tuple[str, int] | None:
    if ppr is None:
        return None
    num_pr = ppr.find(f"{W}numPr")
    if num_pr is None:
        return None
    num_id_el = num_pr.find(f"{W}numId")
    ilvl_el = num_pr.find(f"{W}ilvl")
    if num_id_el is None:
        return None
    ilvl = int(ilvl_el.get(f"{W}val", "0")) if ilvl_el is not None else 0
    return num_id_el.get(f"{W}val"), max(0, min(ilvl, 8))


def _outline_level(ppr: Any) -> int | None:
    if ppr is None:
        return None
    outline = ppr.find(f"{W}outlineLvl")
    if outline is None:
        return None
    try:
        return int(outline.get(f"{W}val"))
    except (TypeError, ValueError):
        return None


def _row_cells(tr: Any) -> list[Any]:
    """The cells of a table row, each merged cell once; a vertical merge repeats the cell above.

    Repeating the vertically merged cell keeps every row self-contained: a lead unit merged over
    three task rows belongs to each of the three tasks.
    """
    cells: list[Any] = []
    for tc in tr.iterchildren(f"{W}tc"):
        cells.append(_vertical_merge_root(tc))
    return cells


def _vertical_merge_root(tc: Any) -> Any:
    seen = 0
    while seen < 1000:
        seen += 1
        tcpr = tc.find(f"{W}tcPr")
        vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
        if vmerge is None or vmerge.get(f"{W}val", "continue") != "continue":
            return tc
        above = _cell_above(tc)
        if above is None:
            return tc
        tc = above
    return tc


def _grid_offset(tc: Any) -> int:
    tr = tc.getparent()
    offset = 0
    tr_pr = tr.find(f"{W}trPr")
    if tr_pr is not None:
        before = tr_pr.find(f"{W}gridBefore")
        if before is not None:
            offset += int(before.get(f"{W}val", "0"))
    for sibling in tr.iterchildren(f"{W}tc"):
        if sibling is tc:
            return offset
        offset += _grid_span(sibling)
    return offset


def _grid_span(tc: Any) -> int:
    tcpr = tc.find(f"{W}tcPr")
    span = tcpr.find(f"{W}gridSpan") if tcpr is not None else None
    try:
        return int(span.get(f"{W}val", "1")) if span is not None else 1
    except ValueError:
        return 1


def _cell_above(tc: Any) -> Any:
    tr = tc.getparent()
    previous = tr.getprevious()
    while previous is not None and previous.tag != f"{W}tr":
        previous = previous.getprevious()
    if previous is None:
        return None
    target = _grid_offset(tc)
    offset = 0
    tr_pr = previous.find(f"{W}trPr")
    if tr_pr is not None:
        before = tr_pr.find(f"{W}gridBefore")
        if before is not None:
            offset += int(before.get(f"{W}val", "0"))
    for candidate in previous.iterchildren(f"{W}tc"):
        if offset == target:
            return candidate
        offset += _grid_span(candidate)
    return None


_SKIPPED_RUN_CONTENT = {f"{W}{tag}" for tag in ("delText", "instrText", "txbxContent", "rPr", "pPr")}


def _bold(rpr: Any, default: bool) -> bool:
    """w:b in run properties (w:val="0"/"false" turns it off), else the inherited value."""
    b = rpr.find(f"{W}b") if rpr is not None else None
    if b is None:
        return default
    return b.get(f"{W}val", "true").lower() not in ("0", "false", "off")


def _paragraph_text(p: Any) -> str:
    """Visible text of a paragraph, including tracked insertions, hyperlinks and fields' results."""
    pieces: list[str] = []

    def walk(element: Any) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED_RUN_CONTENT or tag == f"{W}del":
                continue
            if tag == f"{W}t":
                pieces.append(child.text or "")
            elif tag in (f"{W}tab", f"{W}ptab"):
                pieces.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                pieces.append("\n")
            elif tag == f"{W}noBreakHyphen":
                pieces.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(pieces)
