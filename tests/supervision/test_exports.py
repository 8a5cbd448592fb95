"""Excel downloads read back with openpyxl: sheet names, frozen headers, a known row, status fills."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kesu.supervision.exports import scorecard_workbook, supervision_ledger_workbook, task_breakdown_workbook

pytestmark = pytest.mark.django_db
JUDGED_ON = datetime.date(2025, 2, 1)


def rows_of(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]


def test_task_breakdown(scored_world):
    book = load_workbook(BytesIO(task_breakdown_workbook(scored_world.plan)))
    assert book.sheetnames == ["任务分解表"]
    sheet = book["任务分解表"]
    assert sheet["A1"].value.endswith("（乳政发〔2022〕6号）任务分解表")
    assert [c.value for c in sheet[2]] == ["编号", "所属行动/工程", "任务", "任务内容", "牵头单位", "参与单位", "量化目标", "时限"]
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["D"].width == 50 and sheet["D3"].alignment.wrap_text
    tutors = next(r for r in rows_of(sheet) if r[0] == "3.1.2")
    assert tutors == ["3.1.2", "青少年科学素质提升行动", "加强科技辅导员队伍建设", "加强科技辅导员队伍建设。",
                      "市教育和体育局", "团市委", "每年培训科技辅导员200人次以上", "2025年"]


def test_supervision_ledger_has_status_colours_and_latest_reports(scored_world):
    book = load_workbook(BytesIO(supervision_ledger_workbook(scored_world.plan, JUDGED_ON)))
    assert book.sheetnames == ["督办台账"]
    sheet = book["督办台账"]
    assert "截至2025年02月01日" in sheet["A1"].value
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["编号", "任务", "任务状态", "预警原因"] and sheet.freeze_panes == "A3"
    rows = rows_of(sheet)
    assert len(rows) == 6  # 3 tasks × 2 units each
    index = next(i for i, r in enumerate(rows) if r[0] == "3.2.1" and r[4] == "市农业农村局")
    farmers = rows[index]
    # 550 of 1000 accepted with 80 % of 2021–2025 gone: 25 points behind → amber for the task, and
    # 市科协 has not reported at all → red overall.
    assert farmers[2] == "红灯" and "市科协 2024年上半年报告逾期 201 天未报送" in farmers[3]
    assert farmers[5:10] == ["牵头", "黄灯", "2024年下半年", "已通过", "2025-01-10"]
    fill_task = sheet.cell(3 + index, 3).fill.fgColor.rgb
    fill_unit = sheet.cell(3 + index, 7).fill.fgColor.rgb
    assert fill_task.endswith("FFC7CE") and fill_unit.endswith("FFEB9C")
    cast_row = next(r for r in rows if r[0] == "3.2.1" and r[4] == "市科协")
    assert cast_row[8] == "未填报"


def test_scorecard_workbook(scored_world):
    content, year = scorecard_workbook(scored_world.plan, 2024, JUDGED_ON)
    book = load_workbook(BytesIO(content))
    assert year == 2024 and book.sheetnames == ["2024年度考核"]
    sheet = book.active
    assert "按时报送30分，目标完成40分，审核通过30分" in sheet["A1"].value
    assert [c.value for c in sheet[2]][:2] == ["排名", "单位"]
    first = rows_of(sheet)[0]
    assert first[:5] == [1, "市农业农村局", "100%", "69%", "100%"] and first[9] == 87.5


def test_download_views_send_xlsx_with_chinese_names(client, scored_world):
    client.force_login(scored_world.users["leader"])
    response = client.get(reverse("supervision:export_ledger", args=[scored_world.plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''%E4%B9%B3%E5%B1%B1%E5%B8%82" in response["Content-Disposition"]
    assert load_workbook(BytesIO(response.content)).sheetnames == ["督办台账"]
    bad = client.get(reverse("supervision:export_scorecard", args=[scored_world.plan.pk]), {"year": "明年"})
    assert bad.status_code == 400 and "年度无效：明年" in bad.content.decode()
