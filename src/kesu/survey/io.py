"""Reading and writing survey tables (CSV and XLSX) as columns of numpy arrays.

A table is a mapping column name -> 1-D array. Numeric columns become float64 arrays (missing
values are NaN); every other column is an object array of str, with missing values as "".

Row numbers in error messages are counted the way a person counts them in a spreadsheet: the
header is row 1, the first respondent row 2.

Writing is atomic: output goes to a temporary file in the target directory that is renamed over
the target only once it is complete, so a failed command never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from kesu.survey.errors import SurveyError, role_name

# Spellings that statistical packages and spreadsheets export for "no value".
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "."})

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
TABLE_SUFFIXES = (".csv", ".xlsx")


class Table(dict):
    """Columns read from one file, remembering where each record came from.

    `row_numbers[i]` is the spreadsheet row number of record i, so later checks (a bad weight,
    a non-numeric variable) can point the user at the exact line.
    """

    def __init__(self, columns: Mapping[str, np.ndarray], source: str, row_numbers: np.ndarray):
        super().__init__(columns)
        self.source = source
        self.row_numbers = row_numbers

    @property
    def n_rows(self) -> int:
        return len(self.row_numbers)


def read_table(path: str | os.PathLike[str]) -> Table:
    """Read a CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX file into columns."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise SurveyError(
            f"{path}：不支持的文件类型“{path.suffix or '无扩展名'}”，请用 .csv 或 .xlsx 文件",
            f"{path}: unsupported file type {path.suffix or '(none)'!r}; use .csv or .xlsx",
        )
    if not path.is_file():
        raise SurveyError(f"{path}：文件不存在", f"{path}: no such file")
    if suffix == ".csv":
        header, records, row_numbers = _read_csv_records(path)
    else:
        header, records, row_numbers = _read_xlsx_records(path)
    _check_header(path, header)
    # One 2-D object array, sliced by column, transposes a million records far faster than zip(*).
    grid = np.empty((len(records), len(header)), dtype=object)
    if records:
        grid[:] = records
    del records
    columns = {name: _typed_column(grid[:, position]) for position, name in enumerate(header)}
    return Table(columns, str(path), np.asarray(row_numbers, dtype=np.int64))


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SurveyError(f"{path}：无法按 UTF-8 或 GB18030 编码读取", f"{path}: not readable as UTF-8 or GB18030 text")


def _read_csv_records(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SurveyError(f"{path}：文件是空的，第一行应为表头", f"{path}: the file is empty; expected a header row") from None
    width = len(header)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise SurveyError(
            f"{path} 第 {reader.line_num} 行：CSV 格式有误（{exc}）", f"{path}: row {reader.line_num}: malformed CSV ({exc})"
        ) from None
    # A record's spreadsheet row is its position among records (blank lines count, as they do when
    # the file is opened in a spreadsheet); quoted newlines keep one record on one row.
    row_numbers = list(range(2, len(records) + 2))
    lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    irregular = np.flatnonzero(lengths != width)
    if irregular.size:
        blank_positions = set()
        for position in irregular.tolist():
            row = records[position]
            if not row or (len(row) == 1 and not row[0].strip()):
                blank_positions.add(position)
                continue
            raise SurveyError(
                f"{path} 第 {position + 2} 行有 {len(row)} 个字段，而表头有 {width} 列",
                f"{path}: row {position + 2} has {len(row)} fields but the header has {width}",
            )
        records = [row for position, row in enumerate(records) if position not in blank_positions]
        row_numbers = [number for position, number in enumerate(row_numbers) if position not in blank_positions]
    return [name.strip() for name in header], records, row_numbers


def _read_xlsx_records(path: Path) -> tuple[list[str], list[list[Any]], list[int]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
        raise SurveyError(
            f"{path}：不是可读取的 XLSX 工作簿（{exc}）", f"{path}: not a readable XLSX workbook ({exc})"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            raise SurveyError(
                f"{path}：第一个工作表是空的，第一行应为表头", f"{path}: the first sheet is empty; expected a header row"
            )
        # Spreadsheets often report trailing formatted-but-empty columns; drop them.
        while header_cells and header_cells[-1] in (None, ""):
            header_cells = header_cells[:-1]
        width = len(header_cells)
        header = ["" if cell is None else str(cell).strip() for cell in header_cells]
        records: list[list[Any]] = []
        row_numbers: list[int] = []
        for row_number, cells in enumerate(rows, start=2):
            values = list(cells[:width]) + [None] * (width - len(cells))
            extra = [cell for cell in cells[width:] if cell not in (None, "")]
            if extra:
                raise SurveyError(
                    f"{path} 第 {row_number} 行在表头最后一列（共 {width} 列）之后还有数值",
                    f"{path}: row {row_number} has values beyond the last header column ({width} columns)",
                )
            if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
                continue
            records.append([_cell_text_or_number(value) for value in values])
            row_numbers.append(row_number)
    finally:
        workbook.close()
    return header, records, row_numbers


def _cell_text_or_number(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _check_header(path: Path, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            raise SurveyError(f"{path} 第 1 行第 {position} 列没有列名", f"{path}: row 1, column {position} has no name")
        if name in seen:
            raise SurveyError(
                f"{path} 第 1 行：列名“{name}”出现两次（第 {seen[name]} 列和第 {position} 列）",
                f"{path}: row 1: column name {name!r} appears twice (columns {seen[name]} and {position})",
            )
        seen[name] = position


# A zero-padded value such as "0101" is an identifier (a PSU or village code), not the number 101:
# a column holding one stays text.
_ZERO_PADDED = re.compile(r"^\s*0\d", re.MULTILINE)


def _typed_column(column: np.ndarray) -> np.ndarray:
    """float64 when every non-missing value is a number, otherwise str (missing as "").

    Works on the column's distinct values and numpy's bulk conversions rather than a Python call
    per value, so a million-row file reads in seconds.
    """
    distinct = set(column.tolist())
    missing_tokens = {
        value for value in distinct if isinstance(value, str) and value.strip().lower() in MISSING_TOKENS
    }
    numbers = _as_numbers(column, distinct, missing_tokens)
    if numbers is not None:
        return numbers
    cleaned = {
        value: ("" if value in missing_tokens else _format_number(value) if isinstance(value, float) else value.strip())
        for value in distinct
    }
    if all(cleaned[value] is value for value in distinct):
        return column.copy()
    return np.array([cleaned[value] for value in column.tolist()], dtype=object)


def _as_numbers(column: np.ndarray, distinct: set[Any], missing_tokens: set[str]) -> np.ndarray | None:
    texts = [value for value in distinct if isinstance(value, str) and value not in missing_tokens]
    if _ZERO_PADDED.search("\n".join(texts)):
        return None
    present = None
    if missing_tokens:
        values = column.tolist()
        present = np.array([value not in missing_tokens for value in values], dtype=bool)
        column = np.array([value if keep else "nan" for value, keep in zip(values, present, strict=True)], dtype=object)
    try:
        numbers = column.astype(np.float64)
    except (ValueError, TypeError):
        return None
    # float() also accepts "inf" and "nan" spellings; no survey value legitimately is one.
    if not np.isfinite(numbers if present is None else numbers[present]).all():
        return None
    return numbers


def _parse_number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    # float() accepts "inf" and "nan" spellings; a survey value never legitimately is one.
    return number if math.isfinite(number) else None


def _format_number(value: float) -> str:
    if math.isnan(value):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# --- checks used by the commands ---------------------------------------------------------------


def closest_column(name: str, available: Iterable[str]) -> str | None:
    """The existing column a user most likely meant by `name` (a typo or a case slip), if any."""
    available = list(available)
    close = difflib.get_close_matches(name, available, n=1, cutoff=0.5)
    if close:
        return close[0]
    lowered = {column.lower(): column for column in available}
    return lowered.get(name.lower())


def missing_column_texts(source: str, name: str, available: Iterable[str], role: str = "") -> tuple[str, str]:
    """(Chinese, English) of "no such column", suggesting the closest one or listing the columns."""
    available = list(available)
    what = f"{role} column" if role else "column"
    what_zh = role_name(role) if role else "列"
    message = f"{source}: no {what} {name!r}" if source else f"no {what} {name!r}"
    message_zh = f"{source} 中没有{what_zh}“{name}”" if source else f"没有{what_zh}“{name}”"
    close = closest_column(name, available)
    if close is not None:
        return f"{message_zh}，是否应为“{close}”？", f"{message}; did you mean {close!r}?"
    shown = ", ".join(available[:12]) + (", …" if len(available) > 12 else "")
    return f"{message_zh}；现有的列：{shown}", f"{message}; the columns are: {shown}"


def missing_column_message(source: str, name: str, available: Iterable[str], role: str = "") -> str:
    return " / ".join(missing_column_texts(source, name, available, role))


def require_column(table: Table, name: str, role: str = "") -> np.ndarray:
    """The column `name`, or a SurveyError that suggests the closest existing column."""
    if name not in table:
        raise SurveyError(*missing_column_texts(table.source, name, table.keys(), role))
    return table[name]


def require_numeric(table: Table, name: str, role: str = "", allow_missing: bool = True) -> np.ndarray:
    """Column `name` as float64; a text value or (if not allowed) a blank points at its row."""
    column = require_column(table, name, role)
    what = f"{role} column" if role else "column"
    what_zh = role_name(role) if role else "列"
    if column.dtype == np.float64:
        values = column
    else:
        values = np.empty(len(column), dtype=np.float64)
        for index, text in enumerate(column):
            if text == "":
                values[index] = math.nan
                continue
            number = _parse_number(str(text))
            if number is None:
                raise SurveyError(
                    f"{table.source} 第 {table.row_numbers[index]} 行，{what_zh}“{name}”：“{text}”不是数字",
                    f"{table.source}: row {table.row_numbers[index]}, {what} {name!r}: {text!r} is not a number",
                )
            values[index] = number
    if not allow_missing:
        blanks = np.flatnonzero(np.isnan(values))
        if blanks.size:
            raise SurveyError(
                f"{table.source} 第 {table.row_numbers[blanks[0]]} 行，{what_zh}“{name}”：缺少数值",
                f"{table.source}: row {table.row_numbers[blanks[0]]}, {what} {name!r}: value is missing",
            )
    return values


def display_value(value: Any) -> Any:
    """A value as a person reads it: 110101.0 -> 110101, numpy scalars -> Python scalars."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


# --- writing -----------------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], mode: str = "w", **open_kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary sibling of `path`; rename it to `path` only if the block succeeds."""
    target = Path(path)
    if not target.parent.is_dir():
        raise SurveyError(
            f"{target}：目录 {target.parent} 不存在", f"{target}: the directory {target.parent} does not exist"
        )
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(handle, mode, **open_kwargs) as stream:
            yield stream
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _cell_text(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return _format_number(float(value))
    if value is None:
        return ""
    return str(value)


def write_csv(path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # UTF-8 with BOM: Excel, which most offices open CSV files with, needs the BOM to show Chinese.
    with atomic_output(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell_text(value) for value in row])


def write_xlsx(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    number_format: Callable[[int, Sequence[Any]], str | None] | None = None,
    sheet_title: str = "data",
) -> None:
    """Write one sheet with a bold, frozen header; `number_format(column, row)` styles cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for position, name in enumerate(header):
        width = max(10, min(40, 2 * len(str(name)) + 2))
        sheet.column_dimensions[_column_letter(position)].width = width
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for position, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            if number_format is not None:
                style = number_format(position, row)
                if style:
                    cell.number_format = style
            cells.append(cell)
        sheet.append(cells)
    with atomic_output(path, "wb") as stream:
        workbook.save(stream)


def _column_letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if value == "":
        return None
    return value


def write_table(
    path: str | os.PathLike[str], columns: Mapping[str, np.ndarray], *, file_format: str | None = None
) -> None:
    """Write columns to .csv or .xlsx (`file_format`, else chosen by the suffix of `path`)."""
    path = Path(path)
    suffix = f".{file_format}" if file_format else path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise SurveyError(
            f"{path}：不支持的输出类型“{path.suffix or '无扩展名'}”，请用 .csv 或 .xlsx",
            f"{path}: unsupported output type {path.suffix or '(none)'!r}; use .csv or .xlsx",
        )
    header = list(columns)
    rows = zip(*(columns[name] for name in header), strict=True)
    if suffix == ".csv":
        write_csv(path, header, rows)
    else:
        write_xlsx(path, header, rows)
