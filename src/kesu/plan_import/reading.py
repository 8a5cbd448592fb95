"""Reading an uploaded or local plan document into a ParsedPlan. Nothing is written: the checks
here refuse what cannot be a plan document before the parser sees it."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from kesu.plan_import.errors import PlanImportError
from kesu.plans.model import ParsedPlan

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".xlsx")


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
    if suffix in (".xls", ".et"):
        raise PlanImportError(f"文件“{name}”是旧版表格格式 {suffix}，请在 Excel/WPS 中另存为 .xlsx 后上传")
    if suffix not in ALLOWED_SUFFIXES:
        raise PlanImportError(
            f"文件“{name}”的类型 {suffix or '（无扩展名）'} 不支持，请上传 .txt、.md、.docx、.pdf 或 .xlsx（任务分解表）文件"
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
    if suffix == ".pdf" and not head.startswith(b"%PDF"):
        raise PlanImportError(f"文件“{name}”不是有效的 PDF 文档")


def parse_plan_upload(uploaded) -> ParsedPlan:
    """Parse a Django UploadedFile. The bytes go to a private temporary file that is removed after."""
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
        return parse_plan_path(path, display_name=name)


def upload_sha256(uploaded) -> str:
    """The uploaded file's SHA-256: the same file uploaded again resumes its open draft."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()
