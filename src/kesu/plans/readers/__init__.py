"""Reading plan documents (.txt, .md, .docx, .pdf, .xlsx, .xls) into the plain text that the parser reads.

The text handed to `kesu.plans.parser.parse_text` follows one contract whatever the input format:

- one paragraph per line, lines end with "\\n";
- a table row is one line whose cells are separated by a TAB ("\\t"); TAB appears nowhere else;
- Word's automatic numbering is written out as it would print ("一、", "（二）", "3."), and Word
  headings carry a markdown "#" prefix by level;
- an Excel 任务分解表 becomes such TAB rows under a canonical header (序号, 任务, 牵头单位 …),
  one "# " section per sheet when there are several; `read_plan_document` also returns the column
  mapping it chose, for a person to check;
- PDF pages are joined, their running headers, footers and page numbers removed, and lines that
  merely wrap inside a paragraph (also across a page break) are rejoined.

One module per format (txt, docx, pdf) turns a file into text; `read_plan_text` picks it by
suffix and applies the clean-up common to all (common). Heavy libraries (python-docx,
pdfplumber) are imported only when such a file is read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kesu.plans.errors import PlanParseError
from kesu.plans.readers import columns, docx, pdf, txt, xls, xlsx
from kesu.plans.readers.common import check_readable_file, normalise_characters

__all__ = ["SUPPORTED_SUFFIXES", "TEXT_SUFFIXES", "read_plan_document", "read_plan_text"]

_READERS: dict[str, Callable[[Path], str]] = {
    **dict.fromkeys(txt.SUFFIXES, txt.read),
    **dict.fromkeys(docx.SUFFIXES, docx.read),
    **dict.fromkeys(pdf.SUFFIXES, pdf.read),
    **dict.fromkeys(xlsx.SUFFIXES, xlsx.read),
    **dict.fromkeys(xls.SUFFIXES, xls.read),
}
# Readers that also report what they decided (the column mapping of a workbook).
_NOTING_READERS: dict[str, Callable[[Path], tuple[str, list[str]]]] = {
    **dict.fromkeys(xlsx.SUFFIXES, xlsx.read_with_notes),
    **dict.fromkeys(xls.SUFFIXES, xls.read_with_notes),
}
TEXT_SUFFIXES = txt.SUFFIXES
SUPPORTED_SUFFIXES = tuple(_READERS)

# Formats people do send; naming the way out is more useful than "unsupported".
_LEGACY_FORMATS = {
    ".doc": "旧版 Word（.doc）格式无法直接读取，请在 Word/WPS 中另存为 .docx / legacy Word .doc format: save it as .docx first",
    ".wps": "WPS（.wps）格式无法直接读取，请另存为 .docx / WPS .wps format: save it as .docx first",
    ".et": "WPS 表格（.et）格式无法直接读取，请另存为 .xlsx / WPS .et spreadsheet: save it as .xlsx first",
    ".ofd": "OFD 版式文件无法直接读取，请导出为 PDF 或 .docx / OFD format: export it to PDF or .docx first",
}


def read_plan_text(path: str | Path) -> str:
    """Return the text of a plan document, following the contract in the module docstring.

    Raises `PlanParseError` naming the file for a missing, empty, binary, corrupt or unsupported file.
    """
    return read_plan_document(path)[0]


def read_plan_document(path: str | Path) -> tuple[str, list[str]]:
    """The text of a plan document and the reader's notes (e.g. a workbook's column mapping)."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in _LEGACY_FORMATS:
        raise PlanParseError(source, _LEGACY_FORMATS[suffix])
    reader = _READERS.get(suffix)
    if reader is None:
        shown = suffix or "（无扩展名 / none）"
        raise PlanParseError(
            source,
            f"不支持的文件类型 {shown}，请使用 .txt、.md、.docx、.pdf、.xlsx 或 .xls / "
            f"unsupported file type {suffix or '(no extension)'}; use .txt, .md, .docx, .pdf, .xlsx or .xls",
        )
    check_readable_file(path)
    notes: list[str] = []
    if suffix in _NOTING_READERS:
        raw, notes = _NOTING_READERS[suffix](path)
    else:
        raw = reader(path)
    if suffix in txt.SUFFIXES:
        raw, notes = columns.unflatten(raw)
    text = normalise_characters(raw)
    if not text.strip():
        raise PlanParseError(source, "文档中没有文字 / the document contains no text")
    return text, notes
