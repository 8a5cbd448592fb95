"""Generating the annual report file: region × year × format → bytes, a file name and a content type."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from kesu.evaluation.document import ReportDocument, build_document
from kesu.evaluation.figures import EvaluationError, evaluation_figures
from kesu.org.models import Region

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


@dataclass
class GeneratedReport:
    filename: str
    content_type: str
    content: bytes


def _renderer(fmt: str) -> Callable[[ReportDocument], bytes]:
    if fmt == "docx":
        from kesu.evaluation.docx import render_docx

        return render_docx
    if fmt == "pdf":
        from kesu.evaluation.pdf import render_pdf

        return render_pdf
    if fmt == "xlsx":
        from kesu.evaluation.xlsx import render_xlsx

        return render_xlsx
    raise EvaluationError(f"不支持的报告格式“{fmt}”，可选：{'、'.join(FORMATS)}")


def check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise EvaluationError(f"年度无效：{year}")


def generate_annual_report(
    region: Region, year: int, fmt: str, *, today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> GeneratedReport:
    """Assemble the data, lay out the document and write it in ``fmt``; ``progress`` hears each step."""
    step = progress or (lambda _message: None)
    render = _renderer(fmt)
    check_year(year)
    step("读取数据")
    data = evaluation_figures(region, year, today=today)
    step("编排报告")
    document = build_document(data)
    step(f"生成 {fmt.upper()} 文件")
    content = render(document)
    return GeneratedReport(f"{document.title}.{fmt}", CONTENT_TYPES[fmt], content)
