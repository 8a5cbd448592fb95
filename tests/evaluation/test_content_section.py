"""The report's section 科普内容与应急科普 on the year of content in tests/content/year_of_content.py
(乳山市 2024: 3 items approved in a median 12 hours, 4 items published 7 times, reach 17,750, one push
to 4 recipients of whom 3 acknowledged, 2 rumours recorded and 2 rebutted, 2 emergencies of which
the 台风 had content out in 2.5 hours and the 疫情 none): the figures read back from the docx, the
pdf and the xlsx equal those hand counts and the values the content feeds store in 科普统计; a
region without content work gets the same nine sections, this one saying so in a sentence."""

from __future__ import annotations

import io
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook
from tests.content.conftest import approved_item  # noqa: F401  (the fixture, for build_year)
from tests.content.year_of_content import YEAR, build_year
from tests.evaluation.conftest import TODAY

from kesu.content import feeds
from kesu.evaluation import content_section, narrative
from kesu.evaluation.document import SECTION_TITLES, Table, build_document
from kesu.evaluation.figures import evaluation_figures
from kesu.evaluation.services import generate_annual_report
from kesu.indicators.feed_sync import sync_feeds
from kesu.indicators.models import DataValue

pytestmark = pytest.mark.django_db
SECTION = "七、科普内容与应急科普"
TITLES = [*SECTION_TITLES[:6], SECTION, "八、公民科学素质监测", "九、存在问题与下一步工作"]


@pytest.fixture
def content(annual_world, approved_item):  # noqa: F811
    from kesu.indicators.services import seed_national_set

    seed_national_set(actor=None)
    return build_year(annual_world, approved_item)


def _document(world):
    return build_document(evaluation_figures(world.county, YEAR, today=TODAY))


def _fed(code, region):
    return DataValue.objects.get(element__code=code, region=region, year=YEAR, quarter=0, unit__isnull=True,
                                 option__isnull=True).value


def test_section_sentences_and_tables(content, annual_world):
    document = _document(annual_world)
    assert [s.title for s in document.sections] == TITLES
    section = document.sections[6]
    text = "".join(b.text for b in section.blocks if hasattr(b, "text"))
    assert "2024年，乳山市经科学性审查通过科普内容3条，从提交审查到通过用时的中位数为12小时" in text
    assert "发布内容4条、7次，登记传播17,750人次" in text
    assert "开展精准推送1次，送达成员单位和科普信息员4个（人）次，已签收3个（人）次，签收率75.0%" in text
    assert "年内登记监测谣言2条，发布经专家审查的辟谣内容2条" in text
    assert "启动应急科普响应2次，其中1次在规定时限内发出首条应急科普内容，1次未登记发布内容" in text
    tables = {b.caption.split(" ", 1)[1]: b.rows for b in section.blocks if isinstance(b, Table)}
    assert tables["2024年科普内容发布（按渠道）"] == [
        ["科素公开页", 2, 2, 1300], ["微信公众号", 1, 1, 2500], ["海报印发", 1, 1, 0], ["应急广播/短信", 2, 1, 13000],
        ["精准推送", 1, 1, 950], ["合计", 7, 4, 17750],
    ]
    assert tables["2024年应急科普响应"] == [
        ["台风“贝碧嘉”防御", "台风", "乳山市", "8月10日06:00", "2.5小时", 6, 1],
        ["诺如病毒聚集性疫情", "传染病疫情", "乳山市", "11月1日10:00", "未发布", 6, 0],
    ]
    # Tables stay numbered in reading order across the sections.
    numbers = [int(t.caption.split(" ")[0][1:]) for t in document.tables]
    assert numbers == list(range(1, len(numbers) + 1))


def test_problems_name_the_silent_emergency_and_the_unacknowledged_pushes(content, annual_world):
    issues, steps = narrative.problems_and_next_steps(evaluation_figures(annual_world.county, YEAR, today=TODAY))
    assert "诺如病毒聚集性疫情应急科普响应未能在规定时限内发出首条内容。" in issues
    assert any("签收率为75.0%" in issue for issue in issues)
    assert any("应急科普资源包" in step for step in steps)


def test_docx_figures_equal_the_rows_and_the_values_fed_to_statistics(content, annual_world):
    sync_feeds(actor=None, year=YEAR, element_codes=feeds.ELEMENTS)
    county = annual_world.county
    report = generate_annual_report(county, YEAR, "docx", today=TODAY)
    document = Document(io.BytesIO(report.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == TITLES
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["合计", "7", "4", "17,750"] in rows  # the channels' table
    key = {r[0]: r[1] for r in rows if len(r) == 4}
    assert int(key["传播人次"].replace(",", "")) == _fed("content_reach", county) == 17_750
    assert int(key["发布内容"]) == _fed("content_items_published", county) == 4
    assert int(key["应急科普响应"]) == _fed("emergency_outreach_responses", county) == 2
    assert ["监测谣言", "2", "条", "发布辟谣内容2条"] in rows and _fed("rumours_rebutted", county) == 2
    assert ["精准推送", "1", "次", "推送对象4个（人）次，签收率75.0%"] in rows


def test_xlsx_and_pdf_carry_the_section(content, annual_world, tmp_path):
    workbook = load_workbook(io.BytesIO(generate_annual_report(annual_world.county, YEAR, "xlsx",
                                                               today=TODAY).content))
    assert "科普内容与应急科普" in workbook.sheetnames
    rows = [row for row in workbook["科普内容与应急科普"].iter_rows(values_only=True)]
    assert ("合计", 7, 4, 17750) in [row[:4] for row in rows]
    assert ("精准推送", 1, 1, 950) in [row[:4] for row in rows]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(generate_annual_report(annual_world.county, YEAR, "pdf", today=TODAY).content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert SECTION in flat and "登记传播17,750人次" in flat and "九、存在问题与下一步工作" in flat


def test_a_region_without_content_work_gets_the_section_saying_so_in_every_format(annual_world, tmp_path):
    document = _document(annual_world)
    assert [s.title for s in document.sections] == TITLES == list(SECTION_TITLES)
    section = document.sections[6]
    assert [type(b).__name__ for b in section.blocks] == ["NoData"]
    assert section.blocks[0].text == content_section.NOTHING_TEXT

    word = Document(io.BytesIO(generate_annual_report(annual_world.county, YEAR, "docx", today=TODAY).content))
    paragraphs = [p.text for p in word.paragraphs]
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == TITLES
    # The sentence straight under the heading, and no content table anywhere.
    at = paragraphs.index(SECTION)
    assert content_section.NOTHING_TEXT in paragraphs[at + 1:paragraphs.index("八、公民科学素质监测")]
    rows = [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]
    assert not any(row and row[0] in ("审查通过内容", "应急科普响应") for row in rows)

    workbook = load_workbook(io.BytesIO(generate_annual_report(annual_world.county, YEAR, "xlsx",
                                                               today=TODAY).content))
    assert workbook.sheetnames == ["封面", *(t.split("、", 1)[1] for t in TITLES)]
    cells = [v for row in workbook["科普内容与应急科普"].iter_rows(values_only=True) for v in row if v]
    assert content_section.NOTHING_TEXT in cells and "合计" not in cells

    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(generate_annual_report(annual_world.county, YEAR, "pdf", today=TODAY).content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert flat.index(SECTION) < flat.index(content_section.NOTHING_TEXT) < flat.index("八、公民科学素质监测")
    assert "九、存在问题与下一步工作" in flat


def test_content_of_another_year_counts_as_none(content, annual_world):
    data = evaluation_figures(annual_world.county, 2022, today=TODAY)
    assert data.content.is_empty


def test_the_final_evaluation_sums_the_period_once_per_item(world, approved_item):  # noqa: F811
    from tests.evaluation.final_world import TODAY as FINAL_TODAY
    from tests.evaluation.final_world import build_final_world

    from kesu.content.summaries import content_year
    from kesu.evaluation.final_document import SECTION_TITLES as FINAL_TITLES
    from kesu.evaluation.final_document import build_final_document
    from kesu.evaluation.final_figures import final_figures

    final = build_final_world(world)
    build_year(world, approved_item)
    data = final_figures(final.plan, today=FINAL_TODAY)
    p = data.content
    years = [content_year(world.county, y) for y in range(final.plan.period_start, final.plan.period_end + 1)]
    assert (p.first_year, p.last_year) == (2021, 2025)
    assert p.publications == sum(y.publications for y in years) == 7 + 1  # the 2023 broadcast
    assert p.reach == sum(y.reach for y in years) == 17_750 + 99
    assert p.pushes == 1 and p.rumours_rebutted == 2 and len(p.emergencies) == 2
    # 夏季防溺水 went out in 2023 and 2024: once in the period, once in each year.
    assert p.items_published == 4 and sum(y.items_published for y in years) == 5
    assert p.items_approved == sum(y.items_approved for y in years) == 4  # 台风 approved on 31 December 2023
    assert p.emergencies_within_deadline == 1
    document = build_final_document(data)
    assert [s.title for s in document.sections] == list(FINAL_TITLES)
    blocks = document.sections[3].blocks
    at = next(i for i, b in enumerate(blocks) if getattr(b, "text", "") == content_section.TITLE)
    text = blocks[at + 1].text
    assert text.startswith("实施期内（2021—2025年），乳山市经科学性审查通过科普内容4条，发布内容4条、8次，")
    assert "登记传播17,849人次；开展精准推送1次；发布经专家审查的辟谣内容2条；启动应急科普响应2次，其中1次" in text


def test_the_final_evaluation_without_content_says_so(world):
    from tests.evaluation.final_world import TODAY as FINAL_TODAY
    from tests.evaluation.final_world import build_final_world

    from kesu.evaluation.document import NoData
    from kesu.evaluation.final_document import build_final_document
    from kesu.evaluation.final_figures import final_figures

    final = build_final_world(world)
    document = build_final_document(final_figures(final.plan, today=FINAL_TODAY))
    texts = [b.text for b in document.sections[3].blocks if isinstance(b, NoData)]
    assert "实施期内（2021—2025年）未登记科普内容发布、辟谣和应急科普工作。" in texts
