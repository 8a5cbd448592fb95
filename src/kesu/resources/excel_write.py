"""Writing registry workbooks: the empty import template of a kind and the export of a queryset, both
with the kind's headers (kesu.resources.kinds) in row 1, so that an export imports back as it is.

The template marks required headers in bold red, explains every column in a header comment and on
the "填写说明" sheet (allowed values, date format, the expertise vocabulary), and offers drop-down
lists for the choice columns.
"""

from __future__ import annotations

import datetime
import io

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kesu.resources import selectors
from kesu.resources.excel_read import GUIDE_SHEET
from kesu.resources.kinds import KINDS, Column, Kind
from kesu.resources.models import Audience, BaseLevel, ExpertiseTag

TEMPLATE_ROWS = 2000  # rows offered the drop-down lists
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _choices(column: Column) -> list[str] | None:
    if column.value == "level":
        return list(BaseLevel.labels)
    if column.value == "bool":
        return ["是", "否"]
    if isinstance(column.value, type) and issubclass(column.value, models.TextChoices):
        return list(column.value.labels)
    return None


def describe(kind: Kind, column: Column) -> str:
    """What to write in a column, in the words of the template's comments and its 填写说明 sheet."""
    value = column.value
    if column.attr == "region":
        text = "行政区划代码（如 371083），须在导入时选定的区划范围内"
    elif value == "level":
        text = "已认定的级别，可选：" + "、".join(BaseLevel.labels) + "；与认定年度、牌匾编号一起登记已有的认定结果"
    elif kind.has_level and column.attr == "recognised_year":
        text = "四位年份；空白时：已认定为同一级别的基地保持原认定年度，其余取今年"
    elif value == "tags":
        text = f"可填多个，用顿号（、）分隔；须为“{GUIDE_SHEET}”页专长目录中的名称"
    elif value == "audiences":
        text = "可填多个，用顿号（、）分隔，可选：" + "、".join(Audience.labels)
    elif value == "team":
        text = "本区划（或上级区划）已登记的志愿服务队名称；请先导入队伍"
    elif value == "unit":
        text = "本区划（或上级区划）单位名录中的单位名称或简称"
    elif value == "int":
        text = "整数，不能为负数"
    elif value == "float":
        text = "数字，不能为负数"
    elif value == "date":
        text = "日期，写作 2024-05-01（也可写 2024/5/1、2024年5月1日）"
    elif _choices(column):
        text = "可选：" + "、".join(_choices(column))
    else:
        text = "文字"
    limit = _limit(kind, column)
    if limit:
        text += f"，{limit}"
    if column.personal:
        text += "；个人信息：导出时默认打码，打码的号码导回时保持原值"
    return ("必填。" if column.required else "选填。") + text


def _limit(kind: Kind, column: Column) -> str:
    try:
        field = kind.model._meta.get_field(column.attr)
    except Exception:
        return ""
    for validator in field.validators:
        if isinstance(validator, MaxValueValidator):
            return f"不超过{validator.limit_value:,}"
    if column.value == "text" and getattr(field, "max_length", None):
        return f"不超过{field.max_length}个字"
    return ""


def _guide(workbook: Workbook, kind: Kind) -> None:
    sheet = workbook.create_sheet(GUIDE_SHEET)
    sheet.append([f"{kind.label}导入模板填写说明"])
    sheet["A1"].font = Font(bold=True, size=13)
    notes = [
        f"第1行为列名，请勿修改；红色加粗的列必须填写。从第2行起每行一条{kind.label}。",
        "列的顺序可以调整，多出的列会被忽略；表格上方可以有标题行，导入时以包含列名的那一行为表头。",
        f"同一区划内{'名称和开始日期' if 'start_date' in kind.identity else '名称'}都相同视为同一条记录："
        "再次导入会更新该记录，不会重复登记；同一文件中不能出现两次。",
        "任何一行有问题时整个文件都不写入，并列出每个问题所在的行和列（也可选择跳过有问题的行）。",
    ]
    for note in notes:
        sheet.append([note])
    sheet.append([])
    sheet.append(["列名", "是否必填", "填写要求"])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for column in kind.columns:
        sheet.append([column.header, "必填" if column.required else "选填", describe(kind, column)])
        sheet.cell(sheet.max_row, 3).alignment = _WRAP
        if column.required:
            sheet.cell(sheet.max_row, 1).font = _REQUIRED_FONT
    if any(c.value == "tags" for c in kind.columns):
        sheet.append([])
        sheet.append(["专长目录", "代码"])
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        for tag in ExpertiseTag.objects.order_by("order", "code"):
            sheet.append([tag.name, tag.code])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 80


def template(kind: str) -> bytes:
    """The empty import workbook of registry `kind`."""
    spec = KINDS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.label
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(1, index, column.header)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.comment = Comment(describe(spec, column), "kesu", width=260, height=110)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, 2 * len(column.header) + 4)
        options = _choices(column)
        if options and len(",".join(options)) < 250:
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
            validation.error = "请从下拉列表中选择：" + "、".join(options)
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "A2"
    _guide(workbook, spec)
    return _bytes(workbook)


def _export_value(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date | int | float) or value is None:
        return value
    return str(value)


def export(kind: str, queryset: QuerySet, *, personal: bool) -> bytes:
    """The records of `queryset` under the template's headers; phone and ID numbers masked unless
    `personal` (the caller decides who may ask: kesu.resources.permissions.sees_personal_data)."""
    spec = KINDS[kind]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.label)
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, 2 * len(column.header) + 4)
    sheet.freeze_panes = "A2"
    header = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    date_columns = {i for i, c in enumerate(spec.columns) if c.value == "date"}
    for record in selectors.prefetched(kind, queryset.select_related("region")).iterator(chunk_size=2000):
        cells = []
        for index, value in enumerate(selectors.row(kind, record, personal=personal).values()):
            cell = WriteOnlyCell(sheet, _export_value(value))
            if index in date_columns and value:
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    return _bytes(workbook)


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
