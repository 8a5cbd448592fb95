"""Writing a parsed plan: JSON (the schema contract), the 任务分解表 workbook, and a Markdown summary.

openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kesu.plans.confidence import DOUBTFUL_BELOW, doubtful_first, explain

if TYPE_CHECKING:
    from kesu.plans.model import ParsedPlan, Section, Task

FORMATS = ("json", "xlsx", "md")
SUFFIXES = {"json": ".json", "xlsx": ".xlsx", "md": ".md"}

TASK_SHEET = "任务分解表"
UNIT_SHEET = "责任单位"
WARNING_SHEET = "解析提示"

TASK_COLUMNS = ("序号", "所属行动/工程", "任务", "牵头单位", "参与单位", "量化目标", "时限", "任务编号")
# Excel widths are in widths of "0"; a Chinese character takes about two.
TASK_COLUMN_WIDTHS = (6, 20, 60, 20, 28, 32, 14, 10)
UNIT_COLUMNS = ("序号", "单位", "别名", "牵头任务数", "参与任务数", "合计")
UNIT_COLUMN_WIDTHS = (6, 28, 40, 12, 12, 10)
WARNING_COLUMNS = ("序号", "提示")
WARNING_COLUMN_WIDTHS = (6, 100)

UNIT_SEPARATOR = "、"
TARGET_SEPARATOR = "；"
SECTION_KINDS = {"action": "提升行动", "programme": "重点工程"}


@dataclass
class TaskRow:
    """One line of the 任务分解表, shared by the workbook and the Markdown summary."""

    number: int
    task_id: str
    group: str
    title: str
    text: str
    lead_units: str
    participating_units: str
    targets: str
    deadline: str


def task_rows(plan: ParsedPlan) -> list[TaskRow]:
    kinds = _section_kinds(plan.sections)
    return [
        TaskRow(
            number=index,
            task_id=task.id,
            group=_enclosing_group(task, kinds),
            title=task.title,
            text=task.text,
            lead_units=UNIT_SEPARATOR.join(task.lead_units),
            participating_units=UNIT_SEPARATOR.join(task.participating_units),
            targets=TARGET_SEPARATOR.join(target.text for target in task.targets),
            deadline=_deadline(task, plan),
        )
        for index, task in enumerate(plan.tasks, start=1)
    ]


def _section_kinds(sections: Iterable[Section]) -> dict[str, str | None]:
    kinds: dict[str, str | None] = {}
    for section in sections:
        kinds.setdefault(section.title, section.kind)
        for title, kind in _section_kinds(section.children).items():
            kinds.setdefault(title, kind)
    return kinds


def _enclosing_group(task: Task, kinds: dict[str, str | None]) -> str:
    """The enclosing headings, starting from the 提升行动/重点工程 when there is one."""
    enclosing = list(task.path)
    if enclosing and enclosing[-1] == task.title:
        enclosing.pop()
    for index, title in enumerate(enclosing):
        if kinds.get(title) in SECTION_KINDS:
            return " / ".join(enclosing[index:])
    return " / ".join(enclosing)


def _deadline(task: Task, plan: ParsedPlan) -> str:
    deadlines: list[str] = []
    for target in task.targets:
        if target.deadline_year:
            label = f"{target.deadline_year}年"
        elif target.period:
            label = target.period
        else:
            continue
        if label not in deadlines:
            deadlines.append(label)
    if deadlines:
        return TARGET_SEPARATOR.join(deadlines)
    if plan.period:
        return f"{plan.period.end}年（方案期末）"
    return ""


def period_text(plan: ParsedPlan) -> str:
    return f"{plan.period.start}—{plan.period.end}年" if plan.period else ""


def headline_text(plan: ParsedPlan) -> str:
    headline = plan.headline_target
    if headline is None:
        return ""
    unit = headline.unit
    value = f"{headline.value:g}"
    return f"到{headline.year}年{headline.indicator}达到{value}{unit}"


# --------------------------------------------------------------------------------------------
# JSON


def plan_to_json(plan: ParsedPlan) -> str:
    return json.dumps(plan.to_dict(), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# Markdown


def plan_to_markdown(plan: ParsedPlan) -> str:
    out: list[str] = [f"# {plan.title or plan.source}", ""]
    facts = (
        ("文号", plan.doc_number),
        ("发文单位", plan.issuer),
        ("印发日期", plan.date),
        ("地区", plan.region),
        ("实施期限", period_text(plan)),
        ("总体目标", headline_text(plan)),
        ("来源文件", plan.source),
    )
    out += ["| 项目 | 内容 |", "|---|---|"]
    out += [f"| {label} | {_md_cell(value) if value else '—'} |" for label, value in facts]
    out.append("")
    if plan.headline_target and plan.headline_target.text:
        out += [f"> {plan.headline_target.text.strip()}", ""]
    out += _md_doubtful(plan)

    out += ["## 章节结构", ""]
    if plan.sections:
        out += _md_outline(plan.sections, depth=0)
    else:
        out.append("（未识别出章节）")
    out.append("")

    rows = task_rows(plan)
    out += [f"## 任务分解（{len(rows)} 项）", ""]
    if rows:
        out += [
            "| 序号 | 所属行动/工程 | 任务 | 牵头单位 | 参与单位 | 量化目标 | 时限 |",
            "|---:|---|---|---|---|---|---|",
        ]
        for row in rows:
            cells = (
                row.group,
                row.title,
                row.lead_units,
                row.participating_units,
                row.targets,
                row.deadline,
            )
            out.append(f"| {row.number} | " + " | ".join(_md_cell(cell) for cell in cells) + " |")
    else:
        out.append("（未识别出任务）")
    out.append("")

    out += [f"## 责任单位（{len(plan.units)} 个）", ""]
    if plan.units:
        out += ["| 单位 | 别名 | 牵头 | 参与 |", "|---|---|---:|---:|"]
        for unit in plan.units:
            aliases = UNIT_SEPARATOR.join(alias for alias in unit.aliases if alias != unit.name)
            out.append(
                f"| {_md_cell(unit.name)} | {_md_cell(aliases)} | {unit.lead_count} | {unit.participating_count} |"
            )
    else:
        out.append("（未识别出责任单位）")
    out.append("")

    if plan.warnings:
        out += [f"## 解析提示（{len(plan.warnings)} 条）", ""]
        out += [f"- {warning}" for warning in plan.warnings]
        out.append("")
    return "\n".join(out)


def _md_doubtful(plan: ParsedPlan) -> list[str]:
    """待核对: the items read with a confidence under DOUBTFUL_BELOW, least sure first, each with its
    rule and doubts in `confidence.explain`'s words (one bullet, its detail lines nested)."""
    if not plan.judgements:
        return []
    doubtful = [j for j in doubtful_first(plan.judgements) if j.confidence < DOUBTFUL_BELOW]
    out = [f"## 待核对（{len(doubtful)} 项）", ""]
    if not doubtful:
        return [*out, f"（没有把握度低于 {DOUBTFUL_BELOW:.2f} 的项目）", ""]
    out.append(f"把握度低于 {DOUBTFUL_BELOW:.2f} 的项目，按把握度从低到高排列：")
    out.append("")
    for judgement in doubtful:
        head, *details = explain([judgement])
        out.append(f"- {_md_inline(head)}")
        out += [f"  - {_md_inline(line)}" for line in details]
    out.append("")
    return out


def _md_outline(sections: Iterable[Section], depth: int, parent_kind: str | None = None) -> list[str]:
    lines: list[str] = []
    for section in sections:
        label = numbered_title(section.number, section.title)
        kind_name = SECTION_KINDS.get(section.kind or "")
        # Name the kind once, where it starts, unless the title already says it.
        if kind_name and section.kind != parent_kind and kind_name not in section.title:
            label += f"（{kind_name}）"
        lines.append(f"{'  ' * depth}- {_md_inline(label)}")
        lines += _md_outline(section.children, depth + 1, section.kind)
    return lines


_CHINESE_NUMERALS = set("一二三四五六七八九十百零〇")


def numbered_title(number: str, title: str) -> str:
    """Number and title as a document prints them: 一、指导思想, 1.弘扬科学精神, （一）青少年…"""
    number = number.strip()
    if not number:
        return title
    if set(number) <= _CHINESE_NUMERALS:
        return f"{number}、{title}"
    if number.replace(".", "").isdigit():
        return f"{number.rstrip('.')}.{title}"
    return f"{number}{title}"


def _md_inline(text: str) -> str:
    return " ".join(text.split())


def _md_cell(text: str) -> str:
    return _md_inline(text).replace("|", "\\|")


# --------------------------------------------------------------------------------------------
# Workbook


def write_xlsx(plan: ParsedPlan, target: str | Path | IO[bytes]) -> None:
    """Write the 任务分解表 workbook an office circulates to its member units."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.title = plan.title
    workbook.properties.subject = "任务分解表"
    workbook.properties.creator = "kesu"

    tasks_sheet = workbook.active
    tasks_sheet.title = TASK_SHEET
    _fill_task_sheet(tasks_sheet, plan)

    units_sheet = workbook.create_sheet(UNIT_SHEET)
    unit_rows = [
        (
            index,
            unit.name,
            UNIT_SEPARATOR.join(alias for alias in unit.aliases if alias != unit.name),
            unit.lead_count,
            unit.participating_count,
            unit.lead_count + unit.participating_count,
        )
        for index, unit in enumerate(plan.units, start=1)
    ]
    _fill_table_sheet(
        units_sheet, f"{plan.title} — 责任单位", UNIT_COLUMNS, UNIT_COLUMN_WIDTHS, unit_rows, landscape=False
    )

    if plan.warnings:
        warnings_sheet = workbook.create_sheet(WARNING_SHEET)
        warning_rows = [(index, warning) for index, warning in enumerate(plan.warnings, start=1)]
        _fill_table_sheet(
            warnings_sheet,
            f"{plan.title} — 解析提示（请人工核对）",
            WARNING_COLUMNS,
            WARNING_COLUMN_WIDTHS,
            warning_rows,
            landscape=True,
        )

    workbook.save(target if not isinstance(target, Path) else str(target))


def _fill_task_sheet(sheet: Any, plan: ParsedPlan) -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    rows = task_rows(plan)
    values: list[tuple[Any, ...]] = []
    for row in rows:
        values.append(
            (
                row.number,
                row.group,
                _task_cell_plain(row),
                row.lead_units,
                row.participating_units,
                row.targets,
                row.deadline,
                row.task_id,
            )
        )
    _fill_table_sheet(sheet, plan.title, TASK_COLUMNS, TASK_COLUMN_WIDTHS, values, landscape=True)

    # The task title in bold, the way a circulated table sets off each item's heading.
    bold = InlineFont(b=True, sz=11)
    task_column = TASK_COLUMNS.index("任务") + 1
    for offset, row in enumerate(rows):
        if not row.title:
            continue
        rest = _task_cell_plain(row)[len(row.title) :]
        cell = sheet.cell(row=3 + offset, column=task_column)
        cell.value = (
            CellRichText(TextBlock(bold, row.title), rest)
            if rest
            else CellRichText(TextBlock(bold, row.title))
        )


def _task_cell_plain(row: TaskRow) -> str:
    text = row.text.strip()
    if not row.title:
        return text
    if not text or text == row.title:
        return row.title
    if text.startswith(row.title):
        return text
    return f"{row.title}\n{text}"


def _fill_table_sheet(
    sheet: Any,
    title: str,
    columns: tuple[str, ...],
    widths: tuple[int, ...],
    rows: list[tuple[Any, ...]],
    *,
    landscape: bool,
) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    last_column = get_column_letter(len(columns))
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)

    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"] = title
    sheet["A1"].font = Font(name="黑体", size=16, bold=True)
    sheet["A1"].alignment = centred
    sheet.row_dimensions[1].height = 36

    header_fill = PatternFill("solid", fgColor="D9E1F2")
    for index, (name, width) in enumerate(zip(columns, widths, strict=True), start=1):
        cell = sheet.cell(row=2, column=index, value=name)
        cell.font = Font(name="黑体", size=11, bold=True)
        cell.alignment = centred
        cell.border = border
        cell.fill = header_fill
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[2].height = 22

    body_font = Font(name="宋体", size=11)
    for row_offset, values in enumerate(rows):
        row_number = 3 + row_offset
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            cell.font = body_font
            cell.border = border
            cell.alignment = centred if isinstance(value, int) else wrap_top
        sheet.row_dimensions[row_number].height = _row_height(values, widths)

    sheet.freeze_panes = "A3"
    if rows:
        sheet.auto_filter.ref = f"A2:{last_column}{2 + len(rows)}"

    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:2"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _row_height(values: tuple[Any, ...], widths: tuple[int, ...]) -> float:
    """Height that shows every wrapped line: Excel does not grow rows written by openpyxl."""
    lines = 1
    for value, width in zip(values, widths, strict=True):
        if value is None:
            continue
        usable = max(width - 1, 1)
        cell_lines = sum(max(1, math.ceil(_display_width(part) / usable)) for part in str(value).split("\n"))
        lines = max(lines, cell_lines)
    return min(409.0, 15.0 * lines + 4)


# --------------------------------------------------------------------------------------------


def write_plan(plan: ParsedPlan, output_format: str, path: str | Path) -> None:
    """Write `plan` to `path` in one of FORMATS."""
    path = Path(path)
    if output_format == "json":
        path.write_text(plan_to_json(plan), encoding="utf-8")
    elif output_format == "md":
        path.write_text(plan_to_markdown(plan), encoding="utf-8")
    elif output_format == "xlsx":
        write_xlsx(plan, path)
    else:
        raise ValueError(f"unknown output format {output_format!r}; expected one of {', '.join(FORMATS)}")
