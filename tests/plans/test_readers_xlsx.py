"""An office's own 任务分解表 in Excel: any header naming and order, merged cells, two-row headers,
one sheet per action (issue 15, item 7)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kesu.plans import parse_file
from kesu.plans.errors import PlanParseError
from kesu.plans.readers import SUPPORTED_SUFFIXES, read_plan_document


def _assignments(plan) -> list[tuple[str, list[str], list[str]]]:
    return [(task.title, task.lead_units, task.participating_units) for task in plan.tasks]


def test_columns_in_any_order_and_naming_with_merged_lead(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某区科学素质工作任务分解表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["完成时限", "参与单位", "主责单位", "工作内容", "预期成效", "序号"])
    sheet.append(["2027年6月", "区科协、区科技局", "区教育局", "举办校园科技节", "覆盖学生3000人次", 1])
    sheet.append(["2027年9月", "区科协", None, "培训科学教师", "培训教师200名", 2])
    sheet.merge_cells("C3:C4")
    path = tmp_path / "plan.xlsx"
    book.save(path)

    plan = parse_file(path)

    assert _assignments(plan) == [
        ("举办校园科技节", ["区教育局"], ["区科协", "区科技局"]),
        ("培训科学教师", ["区教育局"], ["区科协"]),
    ]
    assert [(t.value, t.unit) for task in plan.tasks for t in task.targets] == [(3000, "人次"), (200, "名")]
    mapping = plan.warnings[0]
    for pair in (
        "主责单位→牵头单位",
        "参与单位→配合单位",
        "工作内容→任务",
        "预期成效→目标",
        "完成时限→完成时限",
    ):
        assert pair in mapping


def test_two_row_header_under_a_merged_group_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "重点任务", "责任单位", None])
    sheet.append([None, None, "牵头单位", "配合单位"])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:B2")
    sheet.merge_cells("C1:D1")
    sheet.append([1, "开展科技志愿服务", "市科协", "团市委，市民政局"])
    path = tmp_path / "plan.xlsx"
    book.save(path)

    text, notes = read_plan_document(path)

    assert text.splitlines()[0] == "序号\t任务\t牵头单位\t配合单位"
    assert "责任单位/牵头单位→牵头单位" in notes[0]
    assert _assignments(parse_file(path)) == [("开展科技志愿服务", ["市科协"], ["团市委", "市民政局"])]


def test_one_sheet_per_action_becomes_a_section(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for index, (name, task, lead) in enumerate(
        [
            ("青少年科学素质提升行动", "建设科技创新实验室", "县教育局"),
            ("农民科学素质提升行动", "培育高素质农民", "县农业农村局"),
        ]
    ):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = name
        sheet.append(["序号", "具体任务", "牵头单位", "配合单位"])
        sheet.append([1, task, lead, "县科协"])
    path = tmp_path / "plan.xlsx"
    book.save(path)

    plan = parse_file(path)

    assert _assignments(plan) == [
        ("建设科技创新实验室", ["县教育局"], ["县科协"]),
        ("培育高素质农民", ["县农业农村局"], ["县科协"]),
    ]
    titles = [section.title for section in plan.sections]
    assert any("青少年科学素质提升行动" in title for title in titles)
    assert any("农民科学素质提升行动" in title for title in titles)


def test_xlsx_is_supported_and_xls_is_refused_with_the_way_out(tmp_path: Path) -> None:
    assert ".xlsx" in SUPPORTED_SUFFIXES
    legacy = tmp_path / "plan.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(PlanParseError, match=r"另存为 \.xlsx"):
        parse_file(legacy)


def test_a_corrupt_workbook_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "plan.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(PlanParseError, match="Excel"):
        parse_file(broken)


def test_the_web_upload_accepts_a_workbook_and_names_the_way_out_for_xls() -> None:
    from kesu.plan_import.errors import PlanImportError
    from kesu.plan_import.reading import ALLOWED_SUFFIXES, check_upload

    assert ".xlsx" in ALLOWED_SUFFIXES
    check_upload("任务分解表.xlsx", 1000, b"PK\x03\x04")
    with pytest.raises(PlanImportError, match=r"另存为 \.xlsx"):
        check_upload("任务分解表.xls", 1000, b"\xd0\xcf\x11\xe0")
    with pytest.raises(PlanImportError, match="Excel"):
        check_upload("任务分解表.xlsx", 1000, b"%PDF-1.7")


def test_a_division_plan_docx_with_its_tasks_in_a_table(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("某县全民科学素质行动2027年工作任务分工方案")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["序号", "重点任务", "牵头单位", "配合单位"], strict=True):
        cell.text = text
    for values in [
        ("1", "举办科普讲解大赛", "县科协", "县教育局、县文化和旅游局"),
        ("2", "开展防灾减灾科普宣传", "县应急管理局", "县科协"),
    ]:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    path = tmp_path / "分工方案.docx"
    document.save(path)

    assert _assignments(parse_file(path)) == [
        ("举办科普讲解大赛", ["县科协"], ["县教育局", "县文化和旅游局"]),
        ("开展防灾减灾科普宣传", ["县应急管理局"], ["县科协"]),
    ]
