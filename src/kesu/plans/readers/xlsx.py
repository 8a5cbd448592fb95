"""Excel: an office's own 任务分解表 (.xlsx) turned into the TAB-table text the parser reads.

Offices name and order their columns as they like (具体任务 / 重点任务 / 工作内容, 牵头单位 /
主责单位, 配合单位 / 参与单位 …). Each sheet's header row (or two rows, when a merged 责任单位 cell
stands over 牵头 | 配合 sub-headers) is found among its first rows and its columns are mapped to
canonical names, so the table module of the parser reads every workbook the same way. Merged data
cells are carried down. A sheet whose name reads like an action becomes a section, and a single
text row above the header is the plan's title. The mapping chosen is returned as notes so that a
person can check it in the import preview. openpyxl is imported only when a workbook is read.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from typing import TYPE_CHECKING, Any

from kesu.plans.characters import to_simplified
from kesu.plans.errors import PlanParseError
from kesu.plans.readers.common import single_line

if TYPE_CHECKING:
    from pathlib import Path

SUFFIXES = (".xlsx", ".xlsm")

# Canonical header written for each role; the parser's table module knows these words.
CANONICAL = {
    "seq": "序号",
    "category": "类别",
    "task": "任务",
    "target": "目标",
    "detail": "工作措施",
    "lead": "牵头单位",
    "resp": "责任单位",
    "part": "配合单位",
    "deadline": "完成时限",
}
_ORDER = ["seq", "category", "task", "detail", "target", "lead", "resp", "part", "deadline"]

# Checked in this order: 牵头 before 责任 (牵头责任单位), 目标任务 is a task, 预期目标 a target.
_SYNONYMS: list[tuple[str, re.Pattern[str]]] = [
    ("seq", re.compile(r"^(?:序号|编号|序|号|No\.?|#)$", re.IGNORECASE)),
    ("lead", re.compile(r"牵头|主责|主办|主要责任|主管")),
    ("part", re.compile(r"配合|参与|参加|协办|协同|协助|协作")),
    ("resp", re.compile(r"责任|负责|承担|实施主体|单位|部门")),
    ("deadline", re.compile(r"时限|期限|时间|进度|时间节点|完成年份|年度安排")),
    ("category", re.compile(r"^(?:类别|领域|分类|板块|行动|工程|重点行动|专项行动|所属行动|行动名称)$")),
    ("task", re.compile(r"任务|事项|工作内容|工作要点|^工作$|^内容$|^项目$|项目名称")),
    ("target", re.compile(r"目标|指标|预期|成效|成果")),
    ("detail", re.compile(r"措施|举措|具体工作|工作要求|主要内容")),
]
# Exact-name fallback for headers the patterns miss (typos, spacing): the closest known name above
# this similarity is used.
_KNOWN = {
    "序号": "seq", "具体任务": "task", "重点任务": "task", "工作任务": "task", "主要任务": "task",
    "牵头单位": "lead", "责任单位": "resp", "配合单位": "part", "参与单位": "part",
    "预期目标": "target", "目标": "target", "完成时限": "deadline",
}  # fmt: skip
_FUZZY_THRESHOLD = 0.75
_HEADER_SCAN_ROWS = 10


def read(path: Path) -> str:
    text, _notes = read_with_notes(path)
    return text


# Per sheet, source column (0-based) → role ("" or absent: the column is ignored).
ColumnMapping = dict[str, dict[int, str]]


def read_with_notes(path: Path, mapping: ColumnMapping | None = None) -> tuple[str, list[str]]:
    """The workbook as parser text, and notes naming the column mapping chosen for each sheet.

    `mapping` overrides the mapping the reader would choose, sheet by sheet (a person corrected it
    in the import preview); header rows are still found by the reader."""
    reading = read_workbook(path, mapping)
    return reading["text"], reading["notes"]


def read_workbook(path: Path, mapping: ColumnMapping | None = None) -> dict[str, Any]:
    """{"text", "notes", "sheets"}: the parser text, the notes, and for each sheet with a task table
    its header's columns as {"sheet", "columns": [{"column", "label", "role"}]} — what the import
    preview shows as a form. A role is a key of CANONICAL, or "" for a column left out."""
    source = str(path)
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a runtime dependency
        raise PlanParseError(source, f"缺少 openpyxl / openpyxl is not installed: {exc}") from None
    try:
        book = openpyxl.load_workbook(str(path), data_only=True)
    except Exception:
        raise PlanParseError(
            source, "Excel 文件已损坏或无法打开 / corrupt workbook that cannot be opened"
        ) from None
    sheets = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    read_sheets = [(sheet.title, _sheet_rows(sheet)) for sheet in sheets]
    return read_tables(source, read_sheets, mapping)


def read_tables(
    source: str, read_sheets: list[tuple[str, list[list[str]]]], mapping: ColumnMapping | None = None
) -> dict[str, Any]:
    """`read_workbook` for sheets already read as (name, rows of cell texts, merged cells carried):
    shared with the .xls reader (readers.xls)."""
    tables = [(name, rows, _find_header(rows)) for name, rows in read_sheets]
    with_header = [entry for entry in tables if entry[2] is not None]
    lines: list[str] = []
    notes: list[str] = []
    found_sheets: list[dict[str, Any]] = []
    if not with_header:
        # No task table: hand over the cells as text and let the parser decide what it is.
        for _, rows, _ in tables:
            lines.extend("\t".join(c for c in row if c) for row in rows if any(row))
        notes.append(
            "Excel 中未找到含“任务”和“牵头/责任单位”列的表头 / no task table header found in the workbook"
        )
        return {"text": "\n".join(lines), "notes": notes, "sheets": found_sheets}
    several = len(with_header) > 1
    title_written = False
    for name, rows, found in with_header:
        assert found is not None
        start, end, roles = found
        chosen = mapping is not None and name in mapping
        if chosen:
            roles = _chosen_roles(source, name, mapping[name])
        above = [" ".join(dict.fromkeys(c for c in row if c)) for row in rows[:start] if any(row)]
        if above and not title_written:
            lines.append(above[0])
            title_written = True
            above = above[1:]
        if several or _reads_like_section(name):
            # The sheet names the action; a sheet's own title row above its header only repeats it.
            lines.append(f"# {name}")
        elif above:
            lines.extend(above)
        lines.extend(_table_lines(rows, end, roles))
        header = [rows[i] for i in range(start, end)]
        shown = "；".join(
            f"{_header_label(header, column) or '（空）'}→{CANONICAL[role]}"
            for column, role in sorted(roles.items())
        )
        how = "，按所选" if chosen else ""
        notes.append(f"表格列对应（{name}{how}）：{shown} / column mapping of sheet {name}")
        width = max((len(row) for row in header), default=0)
        found_sheets.append({"sheet": name, "columns": [
            {"column": column, "label": _header_label(header, column), "role": roles.get(column, "")}
            for column in range(width)
            if _header_label(header, column) or column in roles
        ]})
    return {"text": "\n".join(lines), "notes": notes, "sheets": found_sheets}


def _chosen_roles(source: str, sheet: str, chosen: dict[int, str]) -> dict[int, str]:
    """A person's column mapping for one sheet, checked: known roles, each role once, a task column
    and a unit column."""
    roles: dict[int, str] = {}
    for column, role in chosen.items():
        if not role:
            continue
        if role not in CANONICAL:
            raise PlanParseError(source, f"工作表“{sheet}”第{int(column) + 1}列的对应“{role}”无效 / unknown role {role}")
        if role in roles.values():
            raise PlanParseError(
                source, f"工作表“{sheet}”中有两列都对应到“{CANONICAL[role]}”，每种只能对应一列 / role {role} chosen twice"
            )
        roles[int(column)] = role
    if not _valid(roles):
        raise PlanParseError(
            source,
            f"工作表“{sheet}”的列对应中至少需要一列“任务”和一列单位（牵头/责任/配合单位） / "
            "a task column and a unit column are needed",
        )
    return roles


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.date):  # a datetime from openpyxl, a date or datetime from calamine
        if value.day == 1 and value.month == 12:
            return f"{value.year}年底"
        return f"{value.year}年{value.month}月"
    return single_line(str(value)).replace("\t", " ")


def _sheet_rows(sheet: Any) -> list[list[str]]:
    rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in sheet.merged_cells.ranges]
    return carry_merged(rows, merges)


def carry_merged(rows: list[list[str]], merges: list[tuple[int, int, int, int]]) -> list[list[str]]:
    """Rows padded to one width, each merged range's value repeated in its cells where that helps
    (see below). `merges` are (top, left, bottom, right), 0-based and inclusive."""
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    for top, left, bottom, right in merges:
        if top >= len(rows) or left >= width:
            continue
        value = rows[top][left]
        for r in range(top, min(bottom + 1, len(rows))):
            for c in range(left, min(right + 1, width)):
                # Across a row only header labels are repeated; a data cell spanning columns is one cell.
                if (r, c) != (top, left) and (c == left or r < _HEADER_SCAN_ROWS):
                    rows[r][c] = value
    return rows


def _role(label: str) -> str | None:
    # A workbook from a traditional-character office heads its columns 牽頭單位 / 責任單位.
    label = to_simplified(label)
    label = re.sub(r"[（(][^（()）]*[）)]", "", label) or label
    label = re.sub(r"\s+", "", label)
    if not label:
        return None
    for role, pattern in _SYNONYMS:
        if pattern.search(label):
            return role
    close = difflib.get_close_matches(label, list(_KNOWN), n=1, cutoff=_FUZZY_THRESHOLD)
    return _KNOWN[close[0]] if close else None


def _row_roles(row: list[str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for column, cell in enumerate(row):
        if cell and len(cell) <= 16:
            role = _role(cell)
            if role is not None:
                roles[column] = role
    return roles


def _valid(roles: dict[int, str]) -> bool:
    values = set(roles.values())
    return bool(values & {"task", "detail"}) and bool(values & {"lead", "resp", "part"})


def _find_header(rows: list[list[str]]) -> tuple[int, int, dict[int, str]] | None:
    """(first header row, first data row, column → role) of the task table, if the sheet has one."""
    for start in range(min(_HEADER_SCAN_ROWS, len(rows))):
        roles = _row_roles(rows[start])
        # A title row (one text, maybe merged across) is no header even when it names 任务.
        if len({c for c in rows[start] if c}) < 2:
            continue
        if not _valid(roles) and not (
            roles and start + 1 < len(rows) and _valid(_merge(roles, rows[start + 1]))
        ):
            continue
        end = start + 1
        if end < len(rows):
            below = _row_roles(rows[end])
            # A second header row: sub-headers under merged group cells (责任单位 → 牵头 | 配合).
            if below and not any(re.fullmatch(r"\d+", c) for c in rows[end] if c) and len(below) >= 2:
                roles = _merge(roles, rows[end])
                end += 1
        roles = _dedupe(roles)
        if _valid(roles):
            return start, end, roles
    return None


def _merge(roles: dict[int, str], below: list[str]) -> dict[int, str]:
    merged = dict(roles)
    merged.update(_row_roles(below))
    return merged


def _dedupe(roles: dict[int, str]) -> dict[int, str]:
    """One column per role: a second task-like column carries detail, a second target is dropped."""
    seen: set[str] = set()
    result: dict[int, str] = {}
    for column, role in sorted(roles.items()):
        if role in seen:
            if role == "task" and "detail" not in seen:
                role = "detail"
            else:
                continue
        seen.add(role)
        result[column] = role
    return result


def _header_label(header: list[list[str]], column: int) -> str:
    labels: list[str] = []
    for row in header:
        if column < len(row) and row[column] and row[column] not in labels:
            labels.append(row[column])
    return "/".join(labels)


def _table_lines(rows: list[list[str]], start: int, roles: dict[int, str]) -> list[str]:
    order = sorted(roles, key=lambda column: _ORDER.index(roles[column]))
    lines = ["\t".join(CANONICAL[roles[column]] for column in order)]
    for row in rows[start:]:
        cells = [row[column] if column < len(row) else "" for column in order]
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def _reads_like_section(name: str) -> bool:
    return bool(re.search(r"行动|工程|专项|计划$", name))
