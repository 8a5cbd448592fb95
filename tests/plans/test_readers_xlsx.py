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


XLS = Path(__file__).parent / "fixtures" / "workbooks" / "task_table.xls"


def test_headers_in_traditional_characters_are_recognised(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序號", "任務", "牽頭單位", "配合單位", "完成時限"])
    sheet.append([1, "開展青少年科技創新大賽", "縣教育局", "縣科協、團縣委", "2025年"])
    sheet.append([2, "建設科普示範基地", "縣科協", "縣財政局", "2024年"])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    plan = parse_file(path)
    assert "牽頭單位→牵头单位" in plan.warnings[0]
    assert [(t.lead_units, t.participating_units) for t in plan.tasks] == [
        (["县教育局"], ["县科协", "团县委"]),
        (["县科协"], ["县财政局"]),
    ]


def test_an_xls_workbook_is_read_like_an_xlsx_one() -> None:
    # Written by Excel 97–2003's format (BIFF8, by make_task_table_xls.py beside it): a merged title
    # row, a 主责单位 cell merged over two tasks, a second sheet without a task table.
    assert ".xls" in SUPPORTED_SUFFIXES and XLS.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    plan = parse_file(XLS)
    assert plan.title == "某县全民科学素质行动任务分解表"
    assert _assignments(plan) == [
        ("举办青少年科技节", ["县教育局"], ["县科协", "团县委"]),
        ("开展科技辅导员培训", ["县教育局"], ["县科协"]),
        ("培育高素质农民300名", ["县农业农村局"], ["县科协", "县妇联"]),
    ]
    assert "主责单位→牵头单位" in plan.warnings[0] and "协办单位→配合单位" in plan.warnings[0]


def test_a_corrupt_xls_is_one_clear_error(tmp_path: Path) -> None:
    legacy = tmp_path / "plan.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(PlanParseError, match=r"\.xls"):
        parse_file(legacy)


def test_a_corrupt_workbook_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "plan.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(PlanParseError, match="Excel"):
        parse_file(broken)


def test_the_web_upload_accepts_workbooks_and_names_the_way_out_for_et() -> None:
    from kesu.plan_import.errors import PlanImportError
    from kesu.plan_import.reading import ALLOWED_SUFFIXES, check_upload

    assert ".xlsx" in ALLOWED_SUFFIXES and ".xls" in ALLOWED_SUFFIXES
    check_upload("任务分解表.xlsx", 1000, b"PK\x03\x04")
    check_upload("任务分解表.xls", 1000, b"\xd0\xcf\x11\xe0")
    with pytest.raises(PlanImportError, match=r"另存为 \.xlsx"):
        check_upload("任务分解表.et", 1000, b"\xd0\xcf\x11\xe0")
    with pytest.raises(PlanImportError, match="不是有效的 Excel"):
        check_upload("任务分解表.xls", 1000, b"PK\x03\x04")
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


def _two_level_book(path: Path) -> Path:
    """A table whose 具体内容 column the reader cannot name, under a 工作事项 column it takes for the task."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    sheet.append(["某县全民科学素质行动任务分解表"])
    sheet.append(["序号", "工作事项", "具体内容", "牵头单位", "配合单位"])
    sheet.append([1, "青少年科学素质提升", "举办青少年科技创新大赛", "县教育局", "县科协"])
    sheet.append([2, "农民科学素质提升", "培训高素质农民500名", "县农业农村局", "县科协、县妇联"])
    book.save(path)
    return path


def test_a_chosen_column_mapping_overrides_the_readers_choice(tmp_path: Path) -> None:
    from kesu.plans import parse_text
    from kesu.plans.readers import xlsx

    path = _two_level_book(tmp_path / "plan.xlsx")
    chosen = xlsx.read_workbook(path)
    assert chosen["sheets"] == [{"sheet": "任务分解", "columns": [
        {"column": 0, "label": "序号", "role": "seq"}, {"column": 1, "label": "工作事项", "role": "task"},
        {"column": 2, "label": "具体内容", "role": ""}, {"column": 3, "label": "牵头单位", "role": "lead"},
        {"column": 4, "label": "配合单位", "role": "part"},
    ]}]

    text, notes = xlsx.read_with_notes(path, mapping={"任务分解": {0: "seq", 1: "category", 2: "task", 3: "lead", 4: "part"}})

    assert "工作事项→类别" in notes[0] and "具体内容→任务" in notes[0] and "按所选" in notes[0]
    plan = parse_text(text)
    assert [(t.title, t.lead_units, t.path[0]) for t in plan.tasks] == [
        ("举办青少年科技创新大赛", ["县教育局"], "青少年科学素质提升"),
        ("培训高素质农民500名", ["县农业农村局"], "农民科学素质提升"),
    ]


@pytest.mark.parametrize(("mapping", "problem"), [
    ({0: "seq", 1: "task", 2: "task", 3: "lead"}, "两列都对应到“任务”"),
    ({0: "seq", 1: "task", 2: "", 3: "", 4: ""}, "至少需要一列“任务”和一列单位"),
    ({1: "owner", 3: "lead"}, "对应“owner”无效"),
])
def test_a_chosen_column_mapping_that_cannot_work_is_refused_with_the_reason(tmp_path: Path, mapping, problem) -> None:
    from kesu.plans.readers import xlsx

    path = _two_level_book(tmp_path / "plan.xlsx")
    with pytest.raises(PlanParseError) as caught:
        xlsx.read_with_notes(path, mapping={"任务分解": mapping})
    assert problem in caught.value.problem
