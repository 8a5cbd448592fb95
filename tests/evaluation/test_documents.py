"""The three files read back: docx with python-docx, xlsx with openpyxl, PDF with poppler's tools."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from tests.evaluation.conftest import TODAY

from kesu.evaluation.charts import ChartSpec, render_png, render_svg
from kesu.evaluation.document import SECTION_TITLES
from kesu.evaluation.services import generate_annual_report

pytestmark = pytest.mark.django_db
TITLE = "乳山市2024年度全民科学素质行动实施情况评估报告"


def test_docx_headings_tables_and_page_numbers(annual_world):
    report = generate_annual_report(annual_world.county, 2024, "docx", today=TODAY)
    assert report.filename == f"{TITLE}.docx"
    document = Document(io.BytesIO(report.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", TITLE) in paragraphs
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == list(SECTION_TITLES)
    assert "乳山市全民科学素质工作领导小组办公室" in [text for _, text in paragraphs]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["1", "团市委", "100.0%", "—", "—", "—", "100"] in rows
    assert ["4", "市农业农村局", "0.0%", "37.5%", "100.0%", "—", "45"] in rows
    with zipfile.ZipFile(io.BytesIO(report.content)) as archive:
        xml = archive.read("word/document.xml").decode()
        footers = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer"))
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert 'w:fill="DDE6F1"' in xml  # shaded table headers
    assert "PAGE" in footers
    assert len(media) >= 4  # the charts, as PNG


def test_xlsx_has_one_sheet_per_section(annual_world):
    report = generate_annual_report(annual_world.county, 2024, "xlsx", today=TODAY)
    workbook = load_workbook(io.BytesIO(report.content))
    assert workbook.sheetnames == ["封面", *[t.split("、", 1)[1] for t in SECTION_TITLES]]
    assert workbook["封面"]["A1"].value == TITLE
    scores = [[c for c in row] for row in workbook["成员单位考核"].iter_rows(values_only=True)]
    agri = next(row for row in scores if row[1] == "市农业农村局")
    assert agri[0] == 4 and agri[2] == 0 and agri[3] == pytest.approx(0.37495, abs=1e-4) and agri[6] == 45.0
    literacy = [row[0] for row in workbook["公民科学素质监测"].iter_rows(values_only=True)]
    assert "本年度无抽样调查数据。" in literacy


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (poppler-utils) is needed to check the PDF")
    return path


def test_pdf_embeds_cjk_fonts_and_renders_chinese(annual_world, tmp_path):
    report = generate_annual_report(annual_world.county, 2024, "pdf", today=TODAY)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report.content)

    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    font_lines = fonts.splitlines()[2:]
    assert any("Noto" in line and "CJK" in line for line in font_lines)
    for line in font_lines:
        assert "Type 3" not in line
        # columns: name type encoding emb sub uni …; every font is embedded
        assert line.split()[-5] == "yes", line

    text = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    assert TITLE in flat
    assert "市农业农村局" in flat and "九、存在问题与下一步工作" in flat
    assert "—2—" in flat  # page number in the footer

    subprocess.run([_tool("pdftoppm"), "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    [page_png] = sorted(tmp_path.glob("page*.png"))
    page = Image.open(page_png).convert("L")
    width, height = page.size
    title_band = page.crop((0, int(height * 0.25), width, int(height * 0.40)))
    inked = sum(title_band.histogram()[:128])
    assert inked > 200  # the title is drawn, not left blank


def test_title_glyphs_are_not_tofu(tmp_path):
    """Drawn with the embedded font, two different Chinese strings give different pictures; missing
    glyphs (tofu) would draw the same empty boxes for both."""
    def picture(label: str) -> bytes:
        spec = ChartSpec("bar", "t", [label], [("v", [1.0])])
        return Image.open(io.BytesIO(render_png(spec))).convert("L").crop((0, 0, 340, 80)).tobytes()

    assert picture("科普工作") != picture("素质提升")


def test_chart_svg_escapes_names_and_png_is_a_picture():
    spec = ChartSpec("stacked_bar", "状态", ["<行动>", "工程"], [("绿", [1, 0]), ("红", [2, 3])], "项")
    svg = render_svg(spec)
    assert svg.startswith("<svg") and "&lt;行动&gt;" in svg and "<行动>" not in svg
    png = Image.open(io.BytesIO(render_png(spec)))
    assert png.format == "PNG" and png.size[0] == 1280
