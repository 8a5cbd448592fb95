"""Generate the p6_* corpus fixtures: an office's own 任务分解表 in Excel, three header styles, and a
分工方案 docx whose tasks are a table. The text is invented; the layouts follow the tables offices
keep. Run: .venv/bin/python tests/plans/corpus/make_p6.py (writes next to this file).
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from docx import Document

HERE = Path(__file__).resolve().parent


def _gold(name: str, gold: dict) -> None:
    (HERE / f"{name}.gold.json").write_text(
        json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def merged_cells() -> None:
    """Title row merged across, 牵头单位 merged down over the rows it leads."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["青川市全民科学素质行动2027年重点任务分解表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "重点任务", "牵头单位", "配合单位", "预期目标", "完成时限"])
    rows = [
        (1, "组织青少年走进科研院所开展研学活动", "市教育局", "市科协、市科技局", "全年研学学生不少于3000人次", "2027年11月"),
        (2, "推进中小学科学教师培训", None, "市科协", "培训科学教师500名", "2027年12月"),
        (3, "开展农民手机应用技能培训", "市农业农村局", "市科协、市妇联", "培训农民1200人次", "2027年10月"),
        (4, "建设乡村科普e站", None, "市科协", "新建科普e站30个", "2027年12月"),
        (5, "举办老年人防范电信诈骗科普讲座", "市卫生健康委", "市公安局，市民政局", None, "2027年9月"),
    ]  # fmt: skip
    for row in rows:
        sheet.append(list(row))
    sheet.merge_cells("C3:C4")
    sheet.merge_cells("C5:C6")
    book.save(HERE / "p6_xlsx_merged.xlsx")
    _gold(
        "p6_xlsx_merged",
        {
            "layout": "Excel 任务分解表：合并标题行 + 单行表头（重点任务/牵头/配合/预期目标/完成时限）+ 牵头单位纵向合并",
            "accept": True,
            "fragment": True,
            "metadata": {},
            "units": [
                "市教育局",
                "市科协",
                "市科技局",
                "市农业农村局",
                "市妇联",
                "市卫生健康委",
                "市公安局",
                "市民政局",
            ],
            "tasks": [
                {"title": "青少年走进科研院所", "lead": ["市教育局"], "participants": ["市科协", "市科技局"]},
                {"title": "科学教师培训", "lead": ["市教育局"], "participants": ["市科协"]},
                {
                    "title": "农民手机应用技能培训",
                    "lead": ["市农业农村局"],
                    "participants": ["市科协", "市妇联"],
                },
                {"title": "乡村科普e站", "lead": ["市农业农村局"], "participants": ["市科协"]},
                {"title": "防范电信诈骗", "lead": ["市卫生健康委"], "participants": ["市公安局", "市民政局"]},
            ],
            "targets": [
                {"value": 3000, "unit": "人次"},
                {"value": 500, "unit": "名"},
                {"value": 1200, "unit": "人次"},
                {"value": 30, "unit": "个"},
            ],
        },
    )


def two_row_header() -> None:
    """责任单位 merged over 牵头 | 配合 sub-headers; 目标 before 任务; a 备注 column that is ignored."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "分解表"
    sheet.append(["编号", "工作目标", "工作任务", "责任单位", None, "时间节点", "备注"])
    sheet.append([None, None, None, "牵头", "参与", None, None])
    for column in "ABCFG":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("D1:E1")
    rows = [
        ("1", "科普讲解员达到80名", "组建社区科普讲解员队伍", "区科协", "各街道办事处、区民政局", "2027年6月", ""),
        ("2", "", "开展领导干部科学素质专题培训", "区委组织部", "区委党校、区科协", "2027年全年", "每季度一次"),
        ("3", "科普活动覆盖全区80%的社区", "实施社区科普益民工程", "区科协", "区财政局", "2027年12月", ""),
    ]  # fmt: skip
    for row in rows:
        sheet.append(list(row))
    book.save(HERE / "p6_xlsx_two_row_header.xlsx")
    _gold(
        "p6_xlsx_two_row_header",
        {
            "layout": "Excel 任务分解表：两行表头（责任单位合并于 牵头|参与 之上）、目标列在任务列之前、备注列",
            "accept": True,
            "fragment": True,
            "metadata": {},
            "units": ["区科协", "区民政局", "区委组织部", "区委党校", "区财政局"],
            "classes": ["各街道办事处"],
            "tasks": [
                {"title": "社区科普讲解员队伍", "lead": ["区科协"], "participants": ["区民政局"]},
                {
                    "title": "领导干部科学素质专题培训",
                    "lead": ["区委组织部"],
                    "participants": ["区委党校", "区科协"],
                },
                {"title": "社区科普益民工程", "lead": ["区科协"], "participants": ["区财政局"]},
            ],
            "targets": [{"value": 80, "unit": "名"}, {"value": 80, "unit": "%"}],
        },
    )


def sheet_per_action() -> None:
    """One sheet per action (sheet name = the action), each with a title row and 主责单位 / 协办单位."""
    book = openpyxl.Workbook()
    actions = [
        (
            "青少年科学素质提升行动",
            [
                ("1", "建设中小学科技创新实验室", "县教育局", "县科协", "建成实验室12间"),
                ("2", "举办青少年科技节", "县科协", "县教育局、团县委", "参与学生5000人次"),
            ],
        ),
        (
            "农民科学素质提升行动",
            [
                ("1", "开展高素质农民培育", "县农业农村局", "县科协", "培育高素质农民400人"),
                ("2", "推广绿色种养实用技术", "县农业农村局", "县林业局", ""),
            ],
        ),
    ]  # fmt: skip
    for index, (name, rows) in enumerate(actions):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = name
        sheet.append([f"{name}任务清单"])
        sheet.append(["序 号", "具体任务", "主责单位", "协办单位", "指标"])
        for row in rows:
            sheet.append(list(row))
    book.save(HERE / "p6_xlsx_sheet_per_action.xlsx")
    _gold(
        "p6_xlsx_sheet_per_action",
        {
            "layout": "Excel 任务分解表：每项行动一个工作表（表名为行动名），表头 主责单位/协办单位/指标",
            "accept": True,
            "fragment": True,
            "metadata": {},
            "units": ["县教育局", "县科协", "团县委", "县农业农村局", "县林业局"],
            "tasks": [
                {"title": "中小学科技创新实验室", "lead": ["县教育局"], "participants": ["县科协"]},
                {"title": "青少年科技节", "lead": ["县科协"], "participants": ["县教育局", "团县委"]},
                {"title": "高素质农民培育", "lead": ["县农业农村局"], "participants": ["县科协"]},
                {"title": "绿色种养实用技术", "lead": ["县农业农村局"], "participants": ["县林业局"]},
            ],
            "targets": [
                {"value": 12, "unit": "间"},
                {"value": 5000, "unit": "人次"},
                {"value": 400, "unit": "人"},
            ],
        },
    )


def docx_division_table() -> None:
    """A 分工方案 docx: a short preamble and the tasks as a table (任务 | 牵头单位 | 责任单位 | 完成时限)."""
    document = Document()
    document.add_paragraph("南屏县全民科学素质行动2027年工作任务分工方案")
    document.add_paragraph("为抓好本年度各项工作落实，现将重点任务分工如下。")
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(
        table.rows[0].cells, ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"], strict=True
    ):
        cell.text = text
    rows = [
        ("1", "开展科技工作者进校园活动200场次", "县科协", "县教育局、县科技局", "2027年12月"),
        ("2", "组织应急科普宣传周", "县应急管理局", "县消防救援大队、县科协", "2027年5月"),
        ("3", "推进基层科普阵地建设", "县科协", "县文化和旅游局", "2027年10月"),
    ]  # fmt: skip
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    document.save(HERE / "p6_docx_division_table.docx")
    _gold(
        "p6_docx_division_table",
        {
            "layout": "分工方案 docx：标题 + 一句引言 + 任务表（序号|工作任务|牵头单位|责任单位|完成时限）",
            "accept": True,
            "fragment": True,
            "metadata": {},
            "units": ["县科协", "县教育局", "县科技局", "县应急管理局", "县消防救援大队", "县文化和旅游局"],
            "tasks": [
                {"title": "科技工作者进校园", "lead": ["县科协"], "participants": ["县教育局", "县科技局"]},
                {
                    "title": "应急科普宣传周",
                    "lead": ["县应急管理局"],
                    "participants": ["县消防救援大队", "县科协"],
                },
                {"title": "基层科普阵地建设", "lead": ["县科协"], "participants": ["县文化和旅游局"]},
            ],
            "targets": [{"value": 200, "unit": "场次"}],
        },
    )


if __name__ == "__main__":
    merged_cells()
    two_row_header()
    sheet_per_action()
    docx_division_table()
