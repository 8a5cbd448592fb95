"""Excel 97–2003 (.xls): an office's 任务分解表 saved in the old format, read through python-calamine
(a maintained reader of both .xls and .xlsx) and handed to the same table logic as .xlsx
(`xlsx.read_tables`): the same header mapping, merged cells and one section per sheet.
python-calamine is imported only when a workbook is read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kesu.plans.errors import PlanParseError
from kesu.plans.readers import xlsx

if TYPE_CHECKING:
    from pathlib import Path

SUFFIXES = (".xls",)


def read(path: Path) -> str:
    text, _notes = read_with_notes(path)
    return text


def read_with_notes(path: Path, mapping: xlsx.ColumnMapping | None = None) -> tuple[str, list[str]]:
    reading = read_workbook(path, mapping)
    return reading["text"], reading["notes"]


def read_workbook(path: Path, mapping: xlsx.ColumnMapping | None = None) -> dict[str, Any]:
    source = str(path)
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:  # pragma: no cover - python-calamine is a runtime dependency
        raise PlanParseError(source, f"缺少 python-calamine / python-calamine is not installed: {exc}") from None
    try:
        book = CalamineWorkbook.from_path(str(path))
        read_sheets = [
            (meta.name, _sheet_rows(book.get_sheet_by_name(meta.name)))
            for meta in book.sheets_metadata
            if str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet")
        ]
    except Exception:
        raise PlanParseError(
            source, "Excel（.xls）文件已损坏或无法打开 / corrupt .xls workbook that cannot be opened"
        ) from None
    return xlsx.read_tables(source, read_sheets, mapping)


def _sheet_rows(sheet: Any) -> list[list[str]]:
    # From A1 (not from the first used cell), so that merged ranges, in sheet coordinates, line up.
    rows = [[xlsx.cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    return xlsx.carry_merged(rows, merges)
