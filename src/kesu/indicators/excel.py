"""Excel templates for outreach statistics: download one workbook per region and period, fill it
offline, upload it back.

Layout of each data-set sheet: row 1 title; row 2 headers (代码, 数据项, 分类, 计量单位, one column
per region); row 3 the regions' codes; from row 4 one row per element (× category option) with its
code ("outreach_staff.full_time") in column A. Codes in the sheet, not positions, decide where a
value goes, so reordered rows still map correctly. A very hidden sheet "_kesu" records the template
kind, year, quarter and which data set each sheet holds. Header cells are protected; value cells
are not, except those of an element a registry fills (kesu.indicators.feeds).

Upload is all-or-nothing: every bad cell is reported by sheet, row and column and nothing is written
while any error remains. An empty cell leaves the stored value unchanged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from kesu.indicators.models import DataSet
from kesu.indicators.permissions import can_enter_values, entry_columns
from kesu.indicators.selectors import Catalogue
from kesu.indicators.services import (
    CellWrite,
    IndicatorError,
    fed_refusal,
    locked_cells,
    parse_number,
    write_values,
)
from kesu.org.models import Region

META_SHEET = "_kesu"
TEMPLATE_KIND = "kesu-indicators-template"
TEMPLATE_VERSION = "1"
FIRST_DATA_ROW = 4
FIRST_REGION_COLUMN = 5
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_INPUT_FILL = PatternFill("solid", fgColor="FFFDE7")


class TemplateError(IndicatorError):
    """The upload was refused; `problems` lists every bad place (sheet, row, column)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"上传未写入任何数据，共 {len(problems)} 处问题：\n" + "\n".join(problems))


def _period_label(year: int, quarter: int) -> str:
    return f"{year}年" + (f"第{quarter}季度" if quarter else "")


def build_template(user, region: Region, year: int, quarter: int = 0, data_sets=None) -> bytes:
    """The workbook for `region`: a column for each region the user may edit (the region itself and
    its children), prefilled with stored values."""
    from kesu.indicators.models import DataValue

    columns = entry_columns(user, region)
    if not columns:
        raise IndicatorError(f"当前账号无权填报{region.name}的统计数据")
    data_sets = list(data_sets if data_sets is not None else DataSet.objects.all())
    catalogue = Catalogue.load()
    stored = {
        (v.region_id, v.element_id, v.option_id): v.value
        for v in DataValue.objects.filter(region__in=columns, year=year, quarter=quarter, unit__isnull=True)
    }
    workbook = Workbook()
    workbook.remove(workbook.active)
    meta = workbook.create_sheet(META_SHEET)
    meta.append(["kind", TEMPLATE_KIND])
    meta.append(["version", TEMPLATE_VERSION])
    meta.append(["year", year])
    meta.append(["quarter", quarter])
    meta.append(["region", region.code])
    for data_set in data_sets:
        sheet = workbook.create_sheet(data_set.name[:31])
        meta.append(["sheet", sheet.title, data_set.code])
        sheet["A1"] = f"{data_set.name} · {region.name} · {_period_label(year, quarter)}（科素填报模板，请勿修改代码列和区划代码行）"
        sheet["A1"].font = Font(bold=True, size=12)
        headers = ["代码", "数据项", "分类", "计量单位"] + [
            f"{r.name}{'（本级）' if r.pk == region.pk and len(columns) > 1 else ''}" for r in columns
        ]
        for col, text in enumerate(headers, start=1):
            cell = sheet.cell(row=2, column=col, value=text)
            cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        sheet.cell(row=3, column=1, value="区划代码").fill = _HEADER_FILL
        for offset, column_region in enumerate(columns):
            sheet.cell(row=3, column=FIRST_REGION_COLUMN + offset, value=column_region.code).fill = _HEADER_FILL
        elements = list(data_set.elements.order_by("order", "code"))
        for row, (element, option) in enumerate(catalogue.rows_for(elements), start=FIRST_DATA_ROW):
            key = f"{element.code}.{option.code}" if option else element.code
            sheet.cell(row=row, column=1, value=key)
            name_cell = sheet.cell(row=row, column=2, value=element.name)
            feed = element.feed
            note = "\n".join(filter(None, [element.definition, f"来源：{feed.source}（自动汇总，不能填写）" if feed else ""]))
            if note:
                name_cell.comment = Comment(note, "科素")
            sheet.cell(row=row, column=3, value=option.name if option else "")
            sheet.cell(row=row, column=4, value=element.unit)
            for offset, column_region in enumerate(columns):
                cell = sheet.cell(
                    row=row, column=FIRST_REGION_COLUMN + offset,
                    value=stored.get((column_region.pk, element.pk, option.pk if option else None)),
                )
                # A fed element's cells stay protected: its values come from a registry.
                if feed is None:
                    cell.protection = Protection(locked=False)
                    cell.fill = _INPUT_FILL
                else:
                    cell.fill = _HEADER_FILL
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 28
        sheet.column_dimensions["C"].width = 8
        sheet.column_dimensions["D"].width = 10
        for offset in range(len(columns)):
            sheet.column_dimensions[get_column_letter(FIRST_REGION_COLUMN + offset)].width = 14
        sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=FIRST_REGION_COLUMN)
        sheet["A2"].alignment = Alignment(horizontal="center")
        sheet.protection.sheet = True
        sheet.protection.formatCells = False
        sheet.protection.formatColumns = False
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class UploadResult:
    cells_read: int
    cells_changed: int


def _where(sheet: str, row: int, column: int) -> str:
    return f"工作表“{sheet}”第{row}行{get_column_letter(column)}列"


def import_template(*, actor, content: bytes, region: Region, year: int, quarter: int = 0) -> UploadResult:
    """Read a filled template for `region` (its own column and its children's) and store it through
    `services.write_values` (which checks each cell's permission and lock again, inside its
    transaction). `actor` None is the system, as there."""
    from kesu.indicators.models import DataValue

    try:
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-xlsx file; all mean the same here
        raise TemplateError([f"无法读取文件：不是有效的 Excel（.xlsx）文件（{type(exc).__name__}）"]) from exc
    if META_SHEET not in workbook.sheetnames:
        raise TemplateError(["不是科素指标填报模板（缺少隐藏的“_kesu”工作表），请先下载模板再填写"])
    meta_rows = [tuple(r) for r in workbook[META_SHEET].iter_rows(values_only=True)]
    meta = {r[0]: r[1] for r in meta_rows if r and r[0] != "sheet"}
    if meta.get("kind") != TEMPLATE_KIND:
        raise TemplateError(["不是科素指标填报模板（“_kesu”工作表内容不符），请重新下载模板"])
    problems = []
    if str(meta.get("year")) != str(year) or str(meta.get("quarter") or 0) != str(quarter):
        problems.append(
            f"模板所属期间为{_period_label(int(meta.get('year') or 0), int(meta.get('quarter') or 0))}，"
            f"与所选期间{_period_label(year, quarter)}不一致"
        )
    data_sets = {d.code: d for d in DataSet.objects.prefetch_related("elements")}
    catalogue = Catalogue.load()
    sheets = [(r[1], r[2]) for r in meta_rows if r and r[0] == "sheet"]
    regions_by_code = {r.code: r for r in Region.objects.filter(path__startswith=region.path)}
    locked = locked_cells([r.pk for r in regions_by_code.values()], year, quarter)
    stored = {
        (v.region_id, v.element_id, v.option_id): v.value
        for v in DataValue.objects.filter(
            region__path__startswith=region.path, year=year, quarter=quarter, unit__isnull=True
        )
    }
    writes: list[CellWrite] = []
    cells_read = 0
    for title, data_set_code in sheets:
        if title not in workbook.sheetnames:
            problems.append(f"缺少工作表“{title}”，请勿删除或重命名模板中的工作表")
            continue
        data_set = data_sets.get(data_set_code)
        if data_set is None:
            problems.append(f"工作表“{title}”对应的报表“{data_set_code}”已不存在，请重新下载模板")
            continue
        sheet = workbook[title]
        allowed = {e.pk for e in data_set.elements.all()}
        column_regions: dict[int, Region] = {}
        for column in range(FIRST_REGION_COLUMN, sheet.max_column + 1):
            code = sheet.cell(row=3, column=column).value
            if code in (None, ""):
                continue
            code = str(code).strip()
            target = regions_by_code.get(code)
            if target is None:
                problems.append(f"{_where(title, 3, column)}：区划代码“{code}”不存在或不在{region.name}范围内")
            elif not can_enter_values(actor, target):
                problems.append(f"{_where(title, 3, column)}：无权填报区划“{target.name}（{code}）”")
            else:
                column_regions[column] = target
        for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
            key = sheet.cell(row=row, column=1).value
            row_values = {c: sheet.cell(row=row, column=c).value for c in column_regions}
            if key in (None, ""):
                if any(v not in (None, "") for v in row_values.values()):
                    problems.append(f"{_where(title, row, 1)}：缺少数据项代码，无法确定该行数值的归属")
                continue
            element_code, _, option_code = str(key).strip().partition(".")
            element = catalogue.elements.get(element_code)
            option = catalogue.options[element.pk].get(option_code) if element and option_code else None
            if element is None or element.pk not in allowed:
                problems.append(f"{_where(title, row, 1)}：未知数据项“{key}”")
                continue
            if (option_code and option is None) or (not option_code and catalogue.options[element.pk]):
                problems.append(f"{_where(title, row, 1)}：数据项“{key}”的分类项不正确")
                continue
            for column, target in column_regions.items():
                raw = row_values[column]
                try:
                    value = parse_number(raw, element)
                except IndicatorError as exc:
                    problems.append(f"{_where(title, row, column)}：{exc}")
                    continue
                if value is None:
                    continue
                cells_read += 1
                if stored.get((target.pk, element.pk, option.pk if option else None)) == value:
                    continue
                if refusal := fed_refusal(element):
                    problems.append(f"{_where(title, row, column)}：{refusal}")
                    continue
                if (target.pk, None) in locked:
                    problems.append(f"{_where(title, row, column)}：{target.name}的数据已报送或已审核通过，不能修改")
                    continue
                writes.append(CellWrite(element, option, target, None, value))
    if problems:
        raise TemplateError(problems)
    changed = write_values(actor=actor, writes=writes, year=year, quarter=quarter) if writes else 0
    return UploadResult(cells_read, changed)
