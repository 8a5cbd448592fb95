"""Reading plan documents into the parser's text: encodings, Word, PDF, and bad input."""

from __future__ import annotations

import random
import re

import pytest
from tests.plans.plan_io_support import FIXTURES, seed_files

from kesu.plans.errors import PlanParseError
from kesu.plans.readers import read_plan_text
from kesu.plans.readers.docx_numbering import chinese_numeral, format_number
from kesu.plans.readers.pdf import _PAGE_NUMBER, _drop_running_lines, _PdfLine

SEEDS = seed_files()
TABLE_HEADER = "序号\t重点任务\t牵头单位\t配合单位\t完成时限"


def _lines(text: str) -> list[str]:
    return text.split("\n")


# --------------------------------------------------------------------------------------------
# Plain text


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_seed_reencoded_reads_back_identically(tmp_path, seed, encoding):
    original = seed.read_text(encoding="utf-8")
    copy = tmp_path / f"plan-{encoding}.txt"
    copy.write_bytes(original.encode(encoding, errors="strict"))
    assert read_plan_text(copy) == read_plan_text(seed)


def test_utf8_seed_keeps_its_text():
    seed = SEEDS[0]
    text = read_plan_text(seed)
    assert not text.startswith("\ufeff")
    assert "公民具备科学素质的比例" in text
    assert "\r" not in text


def test_gbk_text(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("（责任单位：县科协、县教育局）".encode("gbk"))
    assert read_plan_text(path) == "（责任单位：县科协、县教育局）"


def test_windows_line_endings_become_newlines(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("第一行\r\n第二行\r第三行".encode("gb18030"))
    assert read_plan_text(path) == "第一行\n第二行\n第三行"


def test_markdown_is_read_like_text(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("# 一、指导思想\n\n**以科学精神为引领。**\n", encoding="utf-8")
    assert read_plan_text(path) == "# 一、指导思想\n\n**以科学精神为引领。**\n"


def test_kangxi_radicals_from_pdf_copies_are_folded(tmp_path):
    path = tmp_path / "copied.txt"
    # ⾏ (U+2F8F) and ⻓ (U+2ED3) are what many Chinese PDFs put in place of 行 and 长.
    path.write_text("县⾏政审批服务局、县⻓", encoding="utf-8")
    assert read_plan_text(path) == "县行政审批服务局、县长"


def _error(path) -> PlanParseError:
    with pytest.raises(PlanParseError) as caught:
        read_plan_text(path)
    error = caught.value
    assert error.source == str(path)
    assert "\n" not in str(error)
    return error


def test_empty_file():
    assert "empty" in _error(FIXTURES / "empty.txt").problem


def test_whitespace_only_file(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\u3000\n\t\n", encoding="utf-8")
    assert "no text" in _error(path).problem


def test_binary_file_with_text_name():
    problem = _error(FIXTURES / "binary.txt").problem
    assert "binary" in problem and "二进制" in problem


def test_random_bytes_without_nul_are_rejected(tmp_path):
    rng = random.Random(7)
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(rng.choice(range(1, 256)) for _ in range(4000)))
    problem = _error(path).problem
    # Without a NUL byte the bytes are tried as UTF-8 and GB18030 first, and random bytes are neither.
    assert problem == "无法识别文字编码（既不是 UTF-8 也不是 GB18030/GBK） / unknown text encoding (neither UTF-8 nor GB18030/GBK)"


def test_control_characters_mark_binary(tmp_path):
    path = tmp_path / "controls.txt"
    path.write_bytes(("方案" + "\x01\x02\x03\x04" * 20 + "正文" * 10).encode("utf-8"))
    assert "binary" in _error(path).problem


def test_rtf_is_not_supported():
    problem = _error(FIXTURES / "plan.rtf").problem
    assert "unsupported file type .rtf" in problem and ".docx" in problem


@pytest.mark.parametrize("name", ["plan.xyz", "plan"])
def test_unknown_extension(tmp_path, name):
    path = tmp_path / name
    path.write_text("全民科学素质行动规划纲要实施方案", encoding="utf-8")
    problem = _error(path).problem
    assert "unsupported file type" in problem and "不支持" in problem


def test_legacy_word_format_gets_a_hint(tmp_path):
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert "save it as .docx" in _error(path).problem


def test_missing_file(tmp_path):
    assert "not found" in _error(tmp_path / "missing.txt").problem


def test_directory_with_plan_suffix(tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "directory" in _error(folder).problem


# --------------------------------------------------------------------------------------------
# Word


@pytest.fixture(scope="module")
def docx_lines() -> list[str]:
    return _lines(read_plan_text(FIXTURES / "plan.docx"))


def test_docx_headings_carry_markdown_level_and_word_numbering(docx_lines):
    assert "# 一、指导思想" in docx_lines
    assert "# 四、重点工程" in docx_lines
    assert "## （一）青少年科学素质提升行动" in docx_lines
    assert "## （二）农民科学素质提升行动" in docx_lines


def test_docx_numbered_paragraphs_restart_under_each_heading(docx_lines):
    youth = docx_lines.index("## （一）青少年科学素质提升行动")
    farmers = docx_lines.index("## （二）农民科学素质提升行动")
    assert docx_lines[youth + 1].startswith("1.弘扬科学精神。")
    assert docx_lines[youth + 2].startswith("2.提升基础教育阶段科学教育水平。")
    assert docx_lines[farmers + 1].startswith("1.实施高素质农民培育工程。")
    assert docx_lines[farmers + 2].startswith("2.建设农村科普阵地。")


def test_docx_list_number_style_numbering(docx_lines):
    tail = docx_lines[docx_lines.index("# 五、保障措施") :]
    assert tail[-3:] == ["1.加强组织领导", "2.强化经费保障", "3.开展监测评估"]


def test_docx_table_rows_are_tab_separated_in_document_order(docx_lines):
    header = docx_lines.index(TABLE_HEADER)
    assert docx_lines[header - 1] == "科普基础设施工程任务分工"  # title row merged across all columns
    assert (
        docx_lines[header + 1]
        == "1\t建设县科技馆，展厅面积达到3000平方米\t县科协\t县发展改革局、县财政局\t2024年底"
    )
    # the lead unit is merged vertically over rows 1 and 2: each row names it
    assert docx_lines[header + 2] == "2\t命名县级科普教育基地10个\t县科协\t县教育局、县文化和旅游局\t2025年底"
    assert docx_lines[header + 3] == "3\t推动科普设施进社区\t县民政局\t各乡镇人民政府\t长期坚持"
    assert docx_lines.index("# 四、重点工程") < header < docx_lines.index("# 五、保障措施")


def test_docx_tabs_only_in_table_rows(docx_lines):
    assert [line for line in docx_lines if "\t" in line] == [
        line for line in docx_lines if re.match(r"^(序号|\d+)\t", line)
    ]


def test_docx_page_header_is_not_body_text(docx_lines):
    assert not any("页眉" in line for line in docx_lines)


def test_docx_body_tab_becomes_space_and_textbox_skipped(tmp_path):
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("牵头单位：")
    paragraph.add_run().add_tab()
    paragraph.add_run("县科协")
    document.add_paragraph("")
    document.add_paragraph("第二段")
    path = tmp_path / "tabs.docx"
    document.save(str(path))
    assert read_plan_text(path) == "牵头单位： 县科协\n\n第二段"


def _add_decimal_list(document, abstract_id: str, num_ids: dict[str, int | None]) -> None:
    """An abstract "%1、" list and w:num instances of it, some restarting at a given number."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}"><w:lvl w:ilvl="0">'
        '<w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
    )
    numbering.insert(0, abstract)
    for num_id, restart in num_ids.items():
        override = (
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart}"/></w:lvlOverride>'
            if restart
            else ""
        )
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
            )
        )


def _numbered(document, text: str, num_id: str):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
    return paragraph


def test_docx_restarted_and_continued_lists(tmp_path):
    import docx

    document = docx.Document()
    _add_decimal_list(document, "70", {"71": None, "72": None, "73": 1})
    _numbered(document, "甲", "71")
    _numbered(document, "乙", "71")
    document.add_paragraph("插入的说明")
    _numbered(document, "丙", "72")  # another instance of the same list continues the count
    _numbered(document, "丁", "73")  # "restart numbering" in Word: a start override
    _numbered(document, "", "73")  # an empty item still takes a number
    _numbered(document, "戊", "73")
    paragraph = _numbered(document, "己", "0")  # numId 0 switches numbering off
    path = tmp_path / "lists.docx"
    document.save(str(path))
    assert paragraph.text == "己"
    assert read_plan_text(path) == "1、甲\n2、乙\n插入的说明\n3、丙\n1、丁\n\n3、戊\n己"


def test_corrupt_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    assert "corrupt" in _error(path).problem


def test_docx_without_text(tmp_path):
    import docx

    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    assert "no text" in _error(path).problem


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (12, "chineseCountingThousand", "十二"),
        (20, "chineseCounting", "二十"),
        (105, "chineseCounting", "一百零五"),
        (3, "chineseLegalSimplified", "叁"),
        (2, "ideographTraditional", "乙"),
        (4, "decimalEnclosedCircle", "④"),
        (14, "lowerRoman", "xiv"),
        (28, "lowerLetter", "bb"),
        (7, "decimalFullWidth", "７"),
        (7, "someFutureFormat", "7"),
    ],
)
def test_word_number_formats(value, number_format, expected):
    assert format_number(value, number_format) == expected


def test_chinese_numbers_outside_range_fall_back_to_digits():
    assert chinese_numeral(0) == "0"
    assert chinese_numeral(12000) == "12000"


# --------------------------------------------------------------------------------------------
# PDF


@pytest.fixture(scope="module")
def pdf_text() -> str:
    return read_plan_text(FIXTURES / "plan.pdf")


def test_pdf_running_header_and_page_numbers_removed(pdf_text):
    lines = _lines(pdf_text)
    assert "青禾县全民科学素质行动规划纲要实施方案" not in lines
    assert not [line for line in lines if re.fullmatch(r"[—\s]*\d+[—\s]*", line)]
    # the title begins with the running header's words and stays; its centred second line is rejoined
    assert lines[0] == "青禾县全民科学素质行动规划纲要实施方案（2021—2025年）"


def test_pdf_name_split_across_page_break_is_rejoined(pdf_text):
    assert "由县科学技术协会牵头，县教育局、县文化和旅游局等单位参加" in pdf_text


def test_pdf_wrapped_lines_rejoin_into_paragraphs(pdf_text):
    lines = _lines(pdf_text)
    assert "为贯彻落实《全民科学素质行动规划纲要（2021—2035年）》，结合我县实际，制定本实施方案。" in lines
    assert (
        "到2025年，全县公民具备科学素质的比例达到15%，城乡、区域间科学素质发展不平衡的状况明显改善。" in lines
    )
    # headings stay on their own lines
    assert "一、指导思想" in lines and "二、主要目标" in lines


def test_pdf_table_rows_are_tab_separated(pdf_text):
    lines = _lines(pdf_text)
    header = lines.index(TABLE_HEADER)
    assert (
        lines[header + 1]
        == "1\t建设县科技馆，展厅面积达到3000平方米\t县科协\t县发展改革局、县财政局\t2024年底"
    )
    # rowspan: the merged lead unit is repeated on the second row
    assert lines[header + 2] == "2\t命名县级科普教育基地10个\t县科协\t县教育局、县文化和旅游局\t2025年底"
    rows = [line for line in lines if re.match(r"^\d+\t", line)]
    assert [int(row.split("\t")[0]) for row in rows] == list(range(1, 41))
    assert all(len(row.split("\t")) == 5 for row in rows)


def test_pdf_table_continued_on_next_pages_is_stitched(pdf_text):
    # WeasyPrint repeats the header row on every page of the table; it appears once.
    assert pdf_text.count("序号\t") == 1
    # row 14 is cut by the page break; its two halves form one row again
    assert "14\t建成第11个社区科普示范点并向公众开放\t县科协\t有关乡镇人民政府\t2025年底" in _lines(pdf_text)


def test_pdf_table_text_is_not_repeated_as_flowing_text(pdf_text):
    assert pdf_text.count("建设县科技馆，展厅面积达到3000平方米") == 1
    assert "序号 重点任务" not in pdf_text


def test_scanned_pdf_needs_ocr():
    error = _error(FIXTURES / "scanned.pdf")
    assert "no text layer" in error.problem and "OCR" in error.problem
    assert "scanned.pdf" in str(error)


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ngarbage")
    assert "PDF" in _error(path).problem


@pytest.mark.parametrize(
    "line",
    ["— 3 —", "- 12 -", "3", "第3页", "第 3 页 共 12 页", "共12页 第3页", "3/12", "Page 3 of 12", "－ 7 －"],
)
def test_page_number_forms(line):
    assert _PAGE_NUMBER.match(line)


@pytest.mark.parametrize("line", ["2025年", "3.加强组织领导", "第三章", "（3）", "一、指导思想"])
def test_text_lines_are_not_page_numbers(line):
    assert not _PAGE_NUMBER.match(line)


def _line(text: str, top: float, size: float = 12) -> _PdfLine:
    return _PdfLine(text=text, x0=72, x1=500, top=top, bottom=top + size, size=size, page_height=842)


def test_running_lines_repeated_on_most_pages_are_dropped():
    pages = []
    for number in range(1, 6):
        page = [
            _line("某市人民政府办公室文件", 30),
            _line(f"{'甲乙丙丁戊'[number - 1]}项工作正文", 100),
            _line(f"{'子丑寅卯辰'[number - 1]}项工作的第二行", 120),
            _line(f"内部资料 第{number}期", 800),
            _line(str(number), 815),
        ]
        pages.append(page)
    pages[0].pop(0)  # a cover page without the running header
    _drop_running_lines(pages)
    remaining = [line.text for page in pages for line in page]
    assert remaining == [
        text
        for first, second in zip("甲乙丙丁戊", "子丑寅卯辰", strict=True)
        for text in (f"{first}项工作正文", f"{second}项工作的第二行")
    ]


def test_title_that_reads_like_the_running_header_stays():
    title = "某县全民科学素质行动规划纲要实施方案"
    pages = [[_line(title, 90, size=22), _line("一、指导思想", 140), _line("— 1 —", 815)]]
    for number in range(2, 5):
        pages.append([_line(title, 30, size=9), _line(f"正文{number}", 100), _line(f"— {number} —", 815)])
    _drop_running_lines(pages)
    assert [line.text for line in pages[0]] == [title, "一、指导思想"]
    assert all(title not in (line.text for line in page) for page in pages[1:])


def test_single_page_keeps_its_lines_but_not_its_page_number():
    pages = [[_line("一、指导思想", 100), _line("正文", 120), _line("— 1 —", 815)]]
    _drop_running_lines(pages)
    assert [line.text for line in pages[0]] == ["一、指导思想", "正文"]


def test_docx_unnumbered_bold_line_is_read_as_a_heading(tmp_path):
    import docx

    from kesu.plans import parse_file

    document = docx.Document()
    document.add_paragraph().add_run("重点任务").bold = True
    document.add_paragraph("1.开展科普宣传。组织科技活动周。（县科协牵头，县教育局配合）")
    mixed = document.add_paragraph()
    mixed.add_run("部分加粗").bold = True
    mixed.add_run("的正文不是标题。")
    document.add_paragraph().add_run("保障措施").bold = True
    document.add_paragraph("县财政将科普经费列入预算。（县财政局负责）")
    path = tmp_path / "bold.docx"
    document.save(str(path))
    assert read_plan_text(path).split("\n") == [
        "**重点任务**",
        "1.开展科普宣传。组织科技活动周。（县科协牵头，县教育局配合）",
        "部分加粗的正文不是标题。",
        "**保障措施**",
        "县财政将科普经费列入预算。（县财政局负责）",
    ]
    tasks = parse_file(path).tasks
    assert [(t.path[0], t.lead_units) for t in tasks] == [("重点任务", ["县科协"]), ("保障措施", ["县财政局"])]
