"""Writers of a parsed plan: JSON against the schema, the 任务分解表 workbook, the Markdown summary."""

from __future__ import annotations

import json

import jsonschema
import pytest
from openpyxl import load_workbook
from tests.plans.plan_io_support import plan_schema

from kesu.plans.export import (
    TASK_COLUMN_WIDTHS,
    TASK_COLUMNS,
    UNIT_COLUMNS,
    numbered_title,
    plan_to_json,
    plan_to_markdown,
    task_rows,
    write_plan,
    write_xlsx,
)
from kesu.plans.model import HeadlineTarget, ParsedPlan, Period, Section, Target, Task, UnitEntry


@pytest.fixture
def plan() -> ParsedPlan:
    youth = Section("（一）", "青少年科学素质提升行动", kind="action")
    infra = Section("（一）", "科普基础设施工程", kind="programme")
    return ParsedPlan(
        source="qinghe.docx",
        title="青禾县全民科学素质行动规划纲要实施方案（2021—2025年）",
        doc_number="青政发〔2022〕8号",
        issuer="青禾县人民政府",
        date="2022-07-12",
        region="青禾县",
        period=Period(2021, 2025),
        headline_target=HeadlineTarget(
            "公民具备科学素质的比例", 15.0, "%", 2025, "到2025年，全县公民具备科学素质的比例达到15%。"
        ),
        sections=[
            Section("三", "提升行动", children=[youth]),
            Section("四", "重点工程", children=[infra]),
        ],
        tasks=[
            Task(
                id="3.1.1",
                path=["提升行动", "青少年科学素质提升行动", "弘扬科学精神"],
                title="弘扬科学精神",
                text="弘扬科学精神。开展科学家精神进校园活动，每年组织科普报告会20场以上。",
                lead_units=["县教育局", "县科协"],
                units_raw="责任单位：县教育局、县科协",
                targets=[Target("每年组织科普报告会20场以上", 20, "场", ">=", "科普报告会", "每年")],
            ),
            Task(
                id="4.1.1",
                path=["重点工程", "科普基础设施工程", "建设县科技馆"],
                title="建设县科技馆",
                text="建设县科技馆，展厅面积达到3000平方米。",
                lead_units=["县科协"],
                participating_units=["县发展改革局", "县财政局"],
                targets=[
                    Target("展厅面积达到3000平方米", 3000, "平方米", ">=", "展厅面积", "到2024年", 2024),
                ],
            ),
            Task(
                id="4.1.2",
                path=["重点工程", "科普基础设施工程", "推动科普设施进社区"],
                title="推动科普设施进社区",
                text="分批在城乡社区配置科普设施 | 先试点后推广",
                lead_units=["县民政局"],
                participating_units=["县科协"],
            ),
        ],
        units=[
            UnitEntry("县科协", ["县科协", "县科学技术协会"], lead_count=2, participating_count=1),
            UnitEntry("县教育局", ["县教育局"], lead_count=1),
            UnitEntry("县民政局", ["县民政局"], lead_count=1),
        ],
        warnings=["第12行的责任单位“县科技协”可能是“县科协”的笔误"],
    )


def test_json_validates_against_schema_and_keeps_chinese(plan):
    text = plan_to_json(plan)
    data = json.loads(text)
    jsonschema.validate(data, plan_schema())
    assert "青禾县" in text  # not \\u escapes
    assert text.startswith('{\n  "schema_version": 1')
    assert ParsedPlan.from_dict(data).to_dict() == plan.to_dict()


def test_task_rows_group_targets_and_deadlines(plan):
    rows = task_rows(plan)
    assert [row.number for row in rows] == [1, 2, 3]
    assert rows[0].group == "青少年科学素质提升行动"
    assert rows[1].group == "科普基础设施工程"
    assert rows[0].lead_units == "县教育局、县科协"
    assert rows[1].participating_units == "县发展改革局、县财政局"
    assert rows[0].targets == "每年组织科普报告会20场以上"
    assert rows[0].deadline == "每年"
    assert rows[1].deadline == "2024年"
    assert rows[2].deadline == "2025年（方案期末）"


def test_group_falls_back_to_all_enclosing_headings(plan):
    plan.sections = []
    assert task_rows(plan)[0].group == "提升行动 / 青少年科学素质提升行动"


@pytest.fixture
def workbook(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    write_xlsx(plan, path)
    return load_workbook(path)


def test_workbook_sheets(workbook):
    assert workbook.sheetnames == ["任务分解表", "责任单位", "解析提示"]


def test_task_sheet_layout(workbook, plan):
    sheet = workbook["任务分解表"]
    assert sheet["A1"].value == plan.title
    assert "A1:H1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert tuple(cell.value for cell in sheet[2]) == TASK_COLUMNS
    assert sheet.freeze_panes == "A3"
    for letter, width in zip("ABCDEFGH", TASK_COLUMN_WIDTHS, strict=True):
        assert sheet.column_dimensions[letter].width == width
    assert sheet.max_row == 2 + len(plan.tasks)
    task_cell = sheet["C3"]
    assert task_cell.alignment.wrap_text
    assert task_cell.border.left.style == "thin" and task_cell.border.bottom.style == "thin"


def test_task_sheet_rows(workbook):
    sheet = workbook["任务分解表"]
    first = [cell.value for cell in sheet[3]]
    assert first[0] == 1
    assert first[1] == "青少年科学素质提升行动"
    assert first[2] == "弘扬科学精神。开展科学家精神进校园活动，每年组织科普报告会20场以上。"
    assert first[3:] == ["县教育局、县科协", None, "每年组织科普报告会20场以上", "每年", "3.1.1"]
    third = [cell.value for cell in sheet[5]]
    # the title does not start the text, so it goes on its own line above it
    assert third[2] == "推动科普设施进社区\n分批在城乡社区配置科普设施 | 先试点后推广"
    assert third[6] == "2025年（方案期末）"
    # long task text makes a taller row so it prints in full
    assert sheet.row_dimensions[3].height > 15


def test_task_title_is_bold(plan, tmp_path):
    path = tmp_path / "rich.xlsx"
    write_xlsx(plan, path)
    cell = load_workbook(path, rich_text=True)["任务分解表"]["C3"].value
    title = cell[0]
    assert title.text == "弘扬科学精神" and title.font.b
    assert str(cell) == plan.tasks[0].text


def test_task_sheet_print_setup(workbook):
    sheet = workbook["任务分解表"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$2"


def test_unit_sheet(workbook):
    sheet = workbook["责任单位"]
    assert tuple(cell.value for cell in sheet[2]) == UNIT_COLUMNS
    assert [cell.value for cell in sheet[3]] == [1, "县科协", "县科学技术协会", 2, 1, 3]
    assert [cell.value for cell in sheet[4]] == [2, "县教育局", None, 1, 0, 1]
    assert sheet.freeze_panes == "A3"


def test_warning_sheet(workbook, plan):
    sheet = workbook["解析提示"]
    assert [cell.value for cell in sheet[3]] == [1, plan.warnings[0]]


def test_no_warning_sheet_without_warnings(plan, tmp_path):
    plan.warnings = []
    path = tmp_path / "clean.xlsx"
    write_plan(plan, "xlsx", path)
    assert load_workbook(path).sheetnames == ["任务分解表", "责任单位"]


def test_markdown_summary(plan):
    text = plan_to_markdown(plan)
    assert text.startswith(f"# {plan.title}\n")
    assert "| 文号 | 青政发〔2022〕8号 |" in text
    assert "| 总体目标 | 到2025年公民具备科学素质的比例达到15% |" in text
    assert (
        "- 三、提升行动\n  - （一）青少年科学素质提升行动\n- 四、重点工程\n  - （一）科普基础设施工程（重点工程）\n"
        in text
    )
    assert "## 任务分解（3 项）" in text
    assert (
        "| 2 | 科普基础设施工程 | 建设县科技馆 | 县科协 | 县发展改革局、县财政局 | 展厅面积达到3000平方米 | 2024年 |"
        in text
    )
    assert "| 县科协 | 县科学技术协会 | 2 | 1 |" in text
    assert "- 第12行的责任单位“县科技协”可能是“县科协”的笔误" in text


@pytest.mark.parametrize(
    ("number", "title", "expected"),
    [
        ("一", "指导思想", "一、指导思想"),
        ("（三）", "青少年", "（三）青少年"),
        ("2", "弘扬科学精神", "2.弘扬科学精神"),
        ("1.2", "科普基地", "1.2.科普基地"),
        ("——", "强化保障", "——强化保障"),
        ("", "主要目标", "主要目标"),
    ],
)
def test_numbered_titles(number, title, expected):
    assert numbered_title(number, title) == expected


def test_outline_names_a_kind_the_title_does_not(plan):
    plan.sections[0].children[0].title = "青少年"
    assert "  - （一）青少年（提升行动）\n" in plan_to_markdown(plan)


def test_markdown_escapes_table_pipes(plan):
    plan.tasks[2].title = "甲|乙"
    assert "| 甲\\|乙 |" in plan_to_markdown(plan)


def test_markdown_of_an_empty_plan_says_so():
    text = plan_to_markdown(ParsedPlan(source="x.txt", title="某方案"))
    assert "（未识别出任务）" in text and "（未识别出责任单位）" in text and "解析提示" not in text


def test_unknown_format_is_refused(plan, tmp_path):
    with pytest.raises(ValueError, match="unknown output format"):
        write_plan(plan, "csv", tmp_path / "plan.csv")


def test_markdown_lists_the_doubtful_items_least_sure_first_with_rule_and_doubts(plan):
    from kesu.plans.confidence import DOUBTFUL_BELOW, RULES, Doubt, Judgement
    from kesu.plans.judging import WORKBOOK_COLUMN as inline
    from kesu.plans.judging import WORKBOOK_ROW as numbered

    plan.judgements = [
        Judgement("task:3.1.1", "task", "3.1.1 弘扬科学精神", numbered, 0.9),
        Judgement("assignment:3.1.1:县科协", "assignment", "3.1.1 县科协（牵头）", inline, 0.62,
                  [Doubt("单位不在单位名称词典中，按原文保留", 0.05), Doubt("集体名称（一类单位），不是一个具体单位", 0.18)]),
        Judgement("task:4.1.1", "task", "4.1.1 建设县科技馆", numbered, 0.7, [Doubt("标题没有序号，序号按位置推定", 0.2)]),
        Judgement("metadata:doc_number", "metadata", "doc_number：青政发〔2022〕8号", numbered, 0.8),
    ]
    text = plan_to_markdown(plan)
    section = text[text.index("## 待核对（2 项）"):text.index("## 章节结构")]
    lines = section.splitlines()
    items = [line for line in lines if line.startswith("- ")]
    # Under DOUBTFUL_BELOW only (0.8 itself is not doubtful), least sure first.
    assert DOUBTFUL_BELOW == 0.8
    assert len(items) == 2 and "县科协（牵头）" in items[0] and "建设县科技馆" in items[1]
    assert items[0].startswith("- 0.62")
    first = lines[lines.index(items[0]) + 1:lines.index(items[1])]
    assert first == [
        f"  - 规则 {inline}：{RULES[inline].description}",
        "  - 存疑：单位不在单位名称词典中，按原文保留（−0.05）",
        "  - 存疑：集体名称（一类单位），不是一个具体单位（−0.18）",
    ]
    assert "弘扬科学精神" not in section and "doc_number" not in section
    # The section sits after the facts and before the outline.
    assert text.index("| 文号 |") < text.index("## 待核对") < text.index("## 章节结构")


def test_markdown_says_when_nothing_is_doubtful_and_omits_the_section_without_judgements(plan):
    from kesu.plans.confidence import Judgement
    from kesu.plans.judging import WORKBOOK_ROW as sure

    assert "待核对" not in plan_to_markdown(plan)
    plan.judgements = [Judgement("task:3.1.1", "task", "3.1.1 弘扬科学精神", sure, 0.95)]
    assert "## 待核对（0 项）\n\n（没有把握度低于 0.80 的项目）" in plan_to_markdown(plan)
