"""Reading a registry workbook (the template of kesu.resources.excel_write, an export, or an office's
own sheet with the same headers) into typed rows, every problem named by row and column.

The header is the first row unless a title sits above it: the header row is the row among the first
ten with the most known headers, so an office's sheet with a merged title row reads as it is. Row
numbers are the sheet's own (as Excel shows them). Columns are found by header, in any order;
headers the kind does not know are ignored and listed. Nothing here writes: kesu.resources.excel
imports what this reads.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kesu.org.models import Region
from kesu.org.unit_names import UnitMatcher
from kesu.resources.kinds import KINDS, Column, Kind
from kesu.resources.lifecycle import LifecycleError
from kesu.resources.masking import mask
from kesu.resources.models import Audience, BaseLevel, ExpertiseTag, VolunteerTeam

GUIDE_SHEET = "填写说明"
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 100_000
CHUNK = 500  # names per IN (...) query when looking records up
LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")
# Attributes of a base that are its recognition (kesu.resources.lifecycle), not plain fields.
RECOGNITION_ATTRS = ("level", "recognised_year", "plaque_number")


@dataclass(frozen=True, order=True)
class RowError:
    row: int  # the sheet's row number; 0 for a problem with the file itself
    column: str  # the header, or "" when the problem is the whole row
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return f"第{self.row}行 {self.column}：{self.message}" if self.column else f"第{self.row}行：{self.message}"


class ImportRefused(LifecycleError):
    """Nothing was written; `errors` lists every problem found, by row and column."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors)
        lines = "\n".join(str(e) for e in self.errors[:200])
        more = f"\n……另有 {len(self.errors) - 200} 处" if len(self.errors) > 200 else ""
        super().__init__(f"导入未写入任何数据，共 {len(self.errors)} 处问题：\n{lines}{more}")


class CellError(ValueError):
    """A cell that cannot be read; the message says why, without the row and column."""


@dataclass
class ParsedRow:
    row: int
    values: dict  # model field values as kesu.resources.services.save_record takes them
    tags: list[str] | None = None  # an expert's tag names; None when the file has no 专长 column
    level: str | None = None  # a base's recognised level (BaseLevel value)
    recognised_year: int | None = None
    plaque_number: str = ""
    existing: models.Model | None = None  # the stored record with the same identity


@dataclass
class Parsed:
    kind: Kind
    rows: list[ParsedRow] = field(default_factory=list)  # rows without errors only
    errors: list[RowError] = field(default_factory=list)  # row problems (the row is left out)
    file_errors: list[RowError] = field(default_factory=list)  # the whole file is refused
    header_row: int = 1
    ignored_headers: tuple[str, ...] = ()
    read_rows: int = 0  # non-empty data rows

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


def normalise_header(text) -> str:
    """Headers as typed by people: full-width brackets, spaces, line breaks and required-marks vary."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s*＊]+", "", text)


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat(sep=" ")
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return str(raw).strip()


def _number(raw) -> float:
    if isinstance(raw, bool | datetime.date):
        raise CellError(f"“{_text(raw)}”不是数字")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace(" ", "")
        try:
            value = float(text)
        except ValueError:
            raise CellError(f"“{raw}”不是数字") from None
    if not math.isfinite(value):
        raise CellError(f"“{raw}”不是有限的数字")
    if value < 0:
        raise CellError(f"不能为负数（填写了{_text(raw)}）")
    return value


_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s.*)?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _date(raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = unicodedata.normalize("NFKC", _text(raw)).strip()
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(f"“{text}”不是有效日期（应写作 2024-05-01）")


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无"}


def _bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"“{text}”应填“是”或“否”")


def _choice(raw, choices: type[models.TextChoices]) -> str:
    text = normalise_header(_text(raw))
    for choice in choices:
        if text in (normalise_header(choice.label), choice.value) or text.lower() == choice.value:
            return choice.value
    raise CellError(f"“{_text(raw)}”不是可选值（可选：{'、'.join(choices.labels)}）")


def _split(raw) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(_text(raw)) if part]


def _field(kind: Kind, attr: str) -> models.Field | None:
    try:
        return kind.model._meta.get_field(attr)
    except Exception:
        return None


def _check_limits(value, model_field: models.Field | None) -> None:
    for validator in getattr(model_field, "validators", ()):
        if isinstance(validator, MaxValueValidator) and value > validator.limit_value:
            raise CellError(f"不能超过{validator.limit_value:,}（填写了{value:,g}）")
        if isinstance(validator, MinValueValidator) and value < validator.limit_value:
            raise CellError(f"不能小于{validator.limit_value:g}（填写了{value:,g}）")


def _check_length(text: str, model_field: models.Field | None) -> None:
    for validator in getattr(model_field, "validators", ()):
        if isinstance(validator, MaxLengthValidator) and len(text) > validator.limit_value:
            raise CellError(f"不能超过{validator.limit_value}个字（填写了{len(text)}个字）")


class _Lookups:
    """What the references in a file resolve against, fetched once per file rather than per row."""

    def __init__(self, scope: Region, codes: set[str], team_names: set[str], want_tags: bool):
        self.scope = scope
        self.regions = {r.code: r for r in _in_chunks(Region.objects.all(), "code", codes)}
        ancestor_codes = {c for r in self.regions.values() for c in r.path.strip("/").split("/")} - set(self.regions)
        self.by_code = {**self.regions, **{r.code: r for r in Region.objects.filter(code__in=ancestor_codes)}}
        self.teams = {(t.region_id, t.name): t.pk for t in _in_chunks(VolunteerTeam.objects.only("region", "name"),
                                                                      "name", team_names)}
        self.tags: dict[str, str] = {}
        if want_tags:
            for tag in ExpertiseTag.objects.all():
                self.tags[tag.name] = tag.name
                self.tags[tag.code] = tag.name
        self._matchers: dict[int, UnitMatcher] = {}

    def region(self, raw) -> Region:
        code = _text(raw)
        region = self.regions.get(code)
        if region is None:
            raise CellError(f"区划代码“{code}”不存在")
        if not region.is_within(self.scope):
            raise CellError(f"{region.name}（{code}）不在本次导入范围“{self.scope.name}”内")
        return region

    def chain(self, region: Region) -> list[Region]:
        """The region and its ancestors, nearest first."""
        codes = [c for c in region.path.strip("/").split("/") if c]
        return [self.by_code[c] for c in reversed(codes) if c in self.by_code]

    def unit(self, region: Region, name: str):
        for candidate in self.chain(region):
            if candidate.pk not in self._matchers:
                self._matchers[candidate.pk] = UnitMatcher(candidate)
            unit = self._matchers[candidate.pk].match(name).unit
            if unit is not None:
                return unit
        return None

    def team(self, region: Region, name: str) -> int:
        for candidate in self.chain(region):
            if (candidate.pk, name) in self.teams:
                return self.teams[(candidate.pk, name)]
        raise CellError(f"“{name}”不是{region.name}已登记的志愿服务队（请先导入队伍）")

    def tag_names(self, raw) -> list[str]:
        names = _split(raw)
        unknown = [n for n in names if n not in self.tags]
        if unknown:
            raise CellError(f"“{'、'.join(unknown)}”不在专长领域目录中（目录见模板的“{GUIDE_SHEET}”页）")
        return list(dict.fromkeys(self.tags[n] for n in names))


def _in_chunks(queryset, attr: str, keys) -> list:
    keys = sorted(keys)
    found = []
    for start in range(0, len(keys), CHUNK):
        found.extend(queryset.filter(**{f"{attr}__in": keys[start:start + CHUNK]}))
    return found


def _open(data: bytes):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx; all mean the same
        raise CellError("文件不是有效的 Excel 工作簿（.xlsx），请用模板或导出的文件填写") from exc
    return workbook


def _sheet(workbook, kind: Kind):
    if kind.label in workbook.sheetnames:
        return workbook[kind.label]
    for sheet in workbook.worksheets:
        if sheet.title != GUIDE_SHEET:
            return sheet
    return workbook.worksheets[0]


def _header_row(rows: list[tuple], known: set[str]) -> int:
    best, best_count = 0, 0
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = sum(1 for cell in cells if normalise_header(cell) in known)
        if count > best_count:
            best, best_count = index, count
    return best


def _columns(kind: Kind, header: tuple, row_number: int) -> tuple[dict[int, Column], list[str], list[RowError]]:
    by_header = {normalise_header(c.header): c for c in kind.columns}
    found: dict[str, int] = {}
    positions: dict[int, Column] = {}
    ignored, errors = [], []
    for index, cell in enumerate(header):
        name = normalise_header(cell)
        if not name:
            continue
        column = by_header.get(name)
        if column is None:
            ignored.append(_text(cell))
        elif column.header in found:
            errors.append(RowError(row_number, column.header, (
                f"列名重复（第{get_column_letter(found[column.header] + 1)}列和第{get_column_letter(index + 1)}列）"
            )))
        else:
            found[column.header] = index
            positions[index] = column
    missing = [h for h in kind.required_headers if h not in found]
    if missing:
        errors.append(RowError(row_number, "", (
            f"缺少必填列：{'、'.join(missing)}。请使用{kind.label}导入模板，第{row_number}行为列名"
        )))
    return positions, ignored, errors


def read(kind: str, data: bytes, *, region: Region) -> Parsed:
    """Read the workbook `data` for registry `kind`; `region` is the importing scope (every row's
    区划代码 must lie in its subtree). Rows with problems are left out of `rows` and listed in
    `errors`; a file that cannot be read at all (or lacks a required column) has `file_errors`."""
    spec = KINDS[kind]
    parsed = Parsed(spec)
    try:
        workbook = _open(data)
    except CellError as exc:
        parsed.file_errors.append(RowError(0, "", str(exc)))
        return parsed
    try:
        sheet = _sheet(workbook, spec)
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    known = {normalise_header(c.header) for c in spec.columns}
    header_index = _header_row(rows, known)
    parsed.header_row = header_index + 1
    positions, ignored, header_errors = _columns(spec, rows[header_index] if rows else (), parsed.header_row)
    parsed.ignored_headers = tuple(ignored)
    if header_errors or not rows:
        parsed.file_errors.extend(header_errors or [RowError(0, "", "工作表是空的")])
        return parsed
    body = [
        (header_index + 2 + offset, {column: cells[i] if i < len(cells) else None for i, column in positions.items()})
        for offset, cells in enumerate(rows[header_index + 1:])
    ]
    body = [(number, cells) for number, cells in body if any(_text(v) for v in cells.values())]
    parsed.read_rows = len(body)
    if len(body) > MAX_ROWS:
        parsed.file_errors.append(RowError(0, "", f"一次最多导入{MAX_ROWS:,}行（本文件{len(body):,}行），请分批导入"))
        return parsed
    lookups = _lookups(spec, region, body)
    rows_by_identity: dict[tuple, int] = {}
    pending: list[tuple[ParsedRow, list]] = []
    for number, cells in body:
        row, late, errors = _parse_row(spec, number, cells, lookups)
        if not errors:
            key = _identity(spec, row)
            if key in rows_by_identity:
                errors.append(RowError(number, spec.columns[0].header, (
                    f"与第{rows_by_identity[key]}行重复（{_identity_words(spec)}相同），同一条记录只能出现一次"
                )))
            else:
                rows_by_identity[key] = number
        if errors:
            parsed.errors.extend(errors)
        else:
            pending.append((row, late))
    existing = _existing(spec, [row for row, _ in pending])
    for row, late in pending:
        row.existing = existing.get(_identity(spec, row))
        errors = [error for check in late if (error := check(row, lookups)) is not None]
        if errors:
            parsed.errors.extend(errors)
        else:
            parsed.rows.append(row)
    parsed.errors.sort()
    return parsed


def _lookups(spec: Kind, scope: Region, body) -> _Lookups:
    codes, teams = set(), set()
    for _, cells in body:
        for column, raw in cells.items():
            if column.attr == "region" and _text(raw):
                codes.add(_text(raw))
            elif column.attr == "team" and _text(raw):
                teams.add(_text(raw))
    return _Lookups(scope, codes, teams, want_tags=any(c.value == "tags" for c in spec.columns))


def _identity(spec: Kind, row: ParsedRow) -> tuple:
    return tuple(
        row.values["region"].pk if name == "region" else row.values.get(name) for name in spec.identity
    )


def _identity_words(spec: Kind) -> str:
    words = {"region": "区划", "name": "名称", "start_date": "开始日期"}
    return "、".join(words.get(name, name) for name in spec.identity)


def _existing(spec: Kind, rows: list[ParsedRow]) -> dict[tuple, models.Model]:
    names = {row.values["name"] for row in rows}
    found = {}
    for record in _in_chunks(spec.model.objects.all(), "name", names):
        key = tuple(record.region_id if name == "region" else getattr(record, name) for name in spec.identity)
        found[key] = record
    return found


def _parse_row(spec: Kind, number: int, cells: dict[Column, object], lookups: _Lookups):
    """One row's values; `late` holds checks that need the stored record (masked numbers, 名录外
    organisers), run once the records of the whole file have been looked up."""
    row = ParsedRow(number, {})
    errors: list[RowError] = []
    late: list = []
    region_column = next(c for c in cells if c.attr == "region")
    region = None
    try:
        if not _text(cells[region_column]):
            raise CellError("必填，不能为空")
        region = row.values["region"] = lookups.region(cells[region_column])
    except CellError as exc:
        errors.append(RowError(number, region_column.header, str(exc)))
    for column, raw in cells.items():
        if column is region_column:
            continue
        try:
            _read_cell(spec, column, raw, row, region, lookups, late)
        except CellError as exc:
            errors.append(RowError(number, column.header, str(exc)))
    if spec.code == "activity" and row.values.get("end_date") is None and "start_date" in row.values:
        row.values["end_date"] = row.values["start_date"]  # a one-day activity
    return row, late, errors


def _read_cell(spec: Kind, column: Column, raw, row: ParsedRow, region: Region | None, lookups: _Lookups,
               late: list) -> None:
    text = _text(raw)
    model_field = _field(spec, column.attr)
    if not text:
        if column.required:
            raise CellError("必填，不能为空")
        _empty(spec, column, row, model_field)
        return
    value = column.value
    if spec.has_level and column.attr in RECOGNITION_ATTRS:
        _recognition_cell(column, raw, text, row)
    elif value == "tags":
        row.tags = lookups.tag_names(raw)
    elif value == "audiences":
        row.values["audiences"] = ",".join(dict.fromkeys(_choice(part, Audience) for part in _split(raw)))
    elif value == "team":
        if region is not None:
            row.values["team_id"] = lookups.team(region, text)
    elif value == "unit":
        if region is not None:
            unit = lookups.unit(region, text)
            row.values["organiser_id"] = unit.pk if unit is not None else None
            row.values["organiser_name"] = ""
            if unit is None:
                late.append(_outside_directory(column, text, region))
    elif value in ("int", "float"):
        number = _number(raw)
        if value == "int" and not number.is_integer():
            raise CellError(f"应为整数（填写了{text}）")
        _check_limits(number, model_field)
        row.values[column.attr] = int(number) if value == "int" else number
    elif value == "date":
        row.values[column.attr] = _date(raw)
    elif value == "bool":
        row.values[column.attr] = _bool(raw)
    elif isinstance(value, type) and issubclass(value, models.TextChoices):
        row.values[column.attr] = _choice(raw, value)
    else:
        _check_length(text, model_field)
        if column.personal and ("*" in text or "＊" in text):
            late.append(_masked(column, text))
        else:
            row.values[column.attr] = text


def _recognition_cell(column: Column, raw, text: str, row: ParsedRow) -> None:
    if column.attr == "level":
        row.level = _choice(raw, BaseLevel)
    elif column.attr == "recognised_year":
        year = _number(raw)
        if not year.is_integer() or not 1949 <= year <= datetime.date.today().year:
            raise CellError(f"“{text}”不是有效年度（应为1949年至今年之间的四位年份）")
        row.recognised_year = int(year)
    else:
        row.plaque_number = text


def _empty(spec: Kind, column: Column, row: ParsedRow, model_field) -> None:
    """An empty cell in a column the file has: the field's default (a column the file lacks leaves
    the stored value alone)."""
    if spec.has_level and column.attr in RECOGNITION_ATTRS:
        return
    if column.value == "tags":
        row.tags = []
    elif column.value == "team":
        row.values["team_id"] = None
    elif column.value == "unit":
        row.values["organiser_id"] = None
        row.values["organiser_name"] = ""
    elif model_field is not None:
        row.values[column.attr] = model_field.get_default()


def _outside_directory(column: Column, name: str, region: Region):
    def check(row: ParsedRow, lookups: _Lookups) -> RowError | None:
        # A record entered with a 名录外 organiser exports that name; importing it back keeps it.
        stored = row.existing
        if stored is not None and stored.organiser_id is None and stored.organiser_name == name:
            row.values["organiser_name"] = name
            return None
        return RowError(row.row, column.header, f"“{name}”不在{region.name}及上级区划的单位名录中")

    return check


def _masked(column: Column, text: str):
    def check(row: ParsedRow, lookups: _Lookups) -> RowError | None:
        # An export masks phone and ID numbers; the masked form of the stored number leaves it as is.
        stored = row.existing
        if stored is not None and mask(getattr(stored, column.attr)) == text:
            return None
        return RowError(row.row, column.header, "是打码后的号码，不能导入；请填写完整号码或留空")

    return check
