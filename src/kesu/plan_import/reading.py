"""Reading an uploaded or local plan document into a ParsedPlan. Nothing is written: the checks
here refuse what cannot be a plan document before the parser sees it."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kesu.plan_import.errors import PlanImportError
from kesu.plans.model import ParsedPlan

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A task table of a few hundred rows is tens of KB; a larger workbook (pictures, other sheets) is not
# kept with the draft: its column mapping can then not be changed in the preview, only re-uploaded.
MAX_WORKBOOK_BYTES = 2 * 1024 * 1024
WORKBOOK_SUFFIXES = (".xlsx",)
ALLOWED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".xlsx", ".xls")


def parse_plan_path(path: str | Path, display_name: str | None = None) -> ParsedPlan:
    from kesu.plans import parse_file
    from kesu.plans.errors import PlanParseError

    try:
        plan = parse_file(path)
    except PlanParseError as exc:
        raise PlanImportError(f"无法解析“{display_name or Path(path).name}”：{exc.problem}") from None
    if display_name:
        plan.source = display_name
    return plan


def check_upload(name: str, size: int, head: bytes) -> None:
    """Reject what cannot be a plan document before parsing: type, size, executable content."""
    suffix = Path(name).suffix.lower()
    if suffix == ".et":
        raise PlanImportError(f"文件“{name}”是旧版表格格式 {suffix}，请在 Excel/WPS 中另存为 .xlsx 后上传")
    if suffix not in ALLOWED_SUFFIXES:
        raise PlanImportError(
            f"文件“{name}”的类型 {suffix or '（无扩展名）'} 不支持，请上传 .txt、.md、.docx、.pdf、.xlsx 或 .xls（任务分解表）文件"
        )
    if size == 0:
        raise PlanImportError(f"文件“{name}”是空文件")
    if size > MAX_UPLOAD_BYTES:
        raise PlanImportError(
            f"文件“{name}”大小 {size / 1024 / 1024:.1f} MB，超过上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB"
        )
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise PlanImportError(f"文件“{name}”是可执行程序，不是方案文档")
    if suffix == ".docx" and not head.startswith(b"PK"):
        raise PlanImportError(f"文件“{name}”不是有效的 Word（.docx）文档")
    if suffix == ".xlsx" and not head.startswith(b"PK"):
        raise PlanImportError(f"文件“{name}”不是有效的 Excel（.xlsx）工作簿")
    if suffix == ".xls" and not head.startswith(b"\xd0\xcf\x11\xe0"):
        raise PlanImportError(f"文件“{name}”不是有效的 Excel 97–2003（.xls）工作簿")
    if suffix == ".pdf" and not head.startswith(b"%PDF"):
        raise PlanImportError(f"文件“{name}”不是有效的 PDF 文档")


def parse_plan_upload(uploaded) -> ParsedPlan:
    """Parse a Django UploadedFile. The bytes go to a private temporary file that is removed after."""
    return read_upload(uploaded).parsed


@dataclass
class Upload:
    parsed: ParsedPlan
    # The workbook's bytes when it is an .xlsx small enough to keep with the draft, else None.
    workbook: bytes | None = None
    # The workbook's column mapping as read (xlsx.read_workbook's "sheets").
    columns: list[dict[str, Any]] = field(default_factory=list)


def read_upload(uploaded) -> Upload:
    """Parse a Django UploadedFile; an .xlsx also gives its bytes and column mapping, so that the
    preview can re-read it with another mapping."""
    name = Path(uploaded.name or "upload").name
    head = uploaded.read(8)
    uploaded.seek(0)
    check_upload(name, uploaded.size, head)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="kesu-import-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        parsed = parse_plan_path(path, display_name=name)
        if suffix not in (".xlsx", ".xls"):
            return Upload(parsed)
        from kesu.plans.readers import xls, xlsx

        columns = (xlsx if suffix == ".xlsx" else xls).read_workbook(path)["sheets"]
        data = path.read_bytes()
        # An .xls shows its mapping read-only: re-reading is offered for .xlsx only.
        kept = data if suffix in WORKBOOK_SUFFIXES and len(data) <= MAX_WORKBOOK_BYTES else None
        return Upload(parsed, kept, columns)


def reread_workbook(data: bytes, display_name: str, mapping: dict[str, dict[int, str]]) -> Upload:
    """Parse a kept workbook again with the column mapping a person chose (sheet → column → role)."""
    from kesu.plans import parse_text
    from kesu.plans.errors import PlanParseError
    from kesu.plans.readers import xlsx
    from kesu.plans.readers.common import normalise_characters

    with tempfile.TemporaryDirectory(prefix="kesu-import-") as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(data)
        try:
            reading = xlsx.read_workbook(path, mapping)
            parsed = parse_text(normalise_characters(reading["text"]), name=display_name)
        except PlanParseError as exc:
            raise PlanImportError(f"无法按所选列对应读取“{display_name}”：{exc.problem}") from None
    # As kesu.plans.parse_file does: what the reader decided comes first, for a person to check.
    parsed.warnings[:0] = reading["notes"]
    parsed.source = display_name
    return Upload(parsed, data, reading["sheets"])


def upload_sha256(uploaded) -> str:
    """The uploaded file's SHA-256: the same file uploaded again resumes its open draft."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()
