"""The final evaluation written as docx, pdf and xlsx: each file opens and says what the document says."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from docx import Document
from openpyxl import load_workbook
from tests.evaluation.final_world import FARMERS, TODAY, build_final_world

from kesu.evaluation.final_document import SECTION_TITLES
from kesu.evaluation.final_services import generate_final_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_world(world):
    return build_final_world(world)
TITLE = "乳山市全民科学素质行动实施方案（2021—2025年）总结评估报告"


def test_docx(final_world):
    report = generate_final_report(final_world.plan, "docx", today=TODAY)
    assert report.filename == f"{TITLE}.docx"
    word = Document(io.BytesIO(report.content))
    assert word.core_properties.title == TITLE and word.core_properties.subject == "全民科学素质行动实施方案总结评估报告"
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(SECTION_TITLES)
    cells = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert {"每年", "累计", "≥ 200 人次", "未完成", "2.1 持续培育高素质农民"} <= cells
    assert len(word.inline_shapes) == 4  # literacy trend, target verdicts, yearly trend, units


def test_pdf(final_world):
    report = generate_final_report(final_world.plan, "pdf", today=TODAY)
    assert report.content[:5] == b"%PDF-"
    with pdfplumber.open(io.BytesIO(report.content)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    compact = text.replace("\n", "").replace(" ", "")
    for phrase in ("总结评估报告", "总体目标实现情况", "量化目标完成情况", "年度推进情况", "成员单位履职情况",
                   "未完成任务与下一期衔接", "持续培育高素质农民"):
        assert phrase in compact, phrase


def test_xlsx(final_world):
    report = generate_final_report(final_world.plan, "xlsx", today=TODAY)
    workbook = load_workbook(io.BytesIO(report.content))
    assert workbook.sheetnames == ["封面", *(t.split("、", 1)[1] for t in SECTION_TITLES)]
    assert workbook["封面"]["A1"].value == TITLE
    values = [row for row in workbook["量化目标完成情况"].iter_rows(values_only=True)]
    farmers = next(row for row in values if row[0] == "3.2.1")
    # Numbers stay numbers for the office to recalculate.
    assert farmers[4] == FARMERS[2025] and farmers[6] == pytest.approx(FARMERS[2025] / 1000)
