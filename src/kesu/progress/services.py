"""Writes of the supervision workflow (督办): progress reports, their figures and evidence, review
(reminders: kesu.progress.reminders). The only write path: the views, the JSON API, the CLI and the
demo all call these, so a rule lives here once. No request objects: every function takes the acting
user as `actor`, runs in one transaction and raises a `ReportError` with a Chinese message naming
the problem (nothing is written when it raises).

State machine of a ProgressReport:

    (none) ──save──> draft ──submit──> submitted ──accept──> accepted
                       ^                   │
                       │                 return (comment required)
                       │                   v
                       └──── (edit) ── returned ──submit──> submitted …

Drafts and returned reports are editable by a reporter of the report's unit; submitted and accepted
reports are locked. Every write on a report (save, submit, accept, return) carries the `revision`
the caller read, and is checked under the report's row lock; if the stored report has moved on
meanwhile, `StaleReportError` is raised and nothing is written.

Figures (完成值) are each unit's own, to date: for a yearly target the amount reached in that calendar
year so far, otherwise the amount reached since the plan began; counts (人次, 场, 个 …) are whole numbers. Plausibility rule for figures:
a figure of 10 times its target or more is saved only when the editor confirms it
(`confirm_large=True`); 100 times or more is rejected as a typing error.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from kesu.audit.context import acting_as
from kesu.audit.registry import history_for
from kesu.org.models import Unit, User
from kesu.org.permissions import can_administer, can_report_for
from kesu.planning.models import Target, Task
from kesu.plans import notation
from kesu.progress.models import (
    Evidence,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    ReviewEvent,
    ReviewEventKind,
    SelfAssessment,
    TargetFigure,
)

EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
CONFIRM_RATIO = 10
REJECT_RATIO = 100
NARRATIVE_MAX_CHARS = 20000


def service(function):
    """One transaction per call, and audit entries attributed to the actor even when the caller
    (CLI, API, tests) has not set one."""

    @functools.wraps(function)
    def wrapper(*args, actor, **kwargs):
        with acting_as(actor), transaction.atomic():
            return function(*args, actor=actor, **kwargs)

    return wrapper


class ReportError(Exception):
    """A request the workflow refuses; `str(error)` is the Chinese message for the user."""


class ReportPermissionError(ReportError):
    pass


class IllegalTransitionError(ReportError):
    pass


class StaleReportError(ReportError):
    """Someone changed the report after the caller read it; `current` is the stored version."""

    EDIT_ADVICE = "您的内容尚未保存，仍保留在表单中；请对照下方的最新版本后再保存。"
    REVIEW_ADVICE = "本次审核未执行；请查看报告的最新内容后再审核。"

    def __init__(self, current: ProgressReport, advice: str = EDIT_ADVICE):
        self.current = current
        last_change = history_for(current).only("actor_name").first()
        who = f"，{last_change.actor_name}" if last_change else ""
        super().__init__(
            f"该报告已被他人修改（当前版本 {current.revision}，"
            f"{timezone.localtime(current.updated_at):%m-%d %H:%M}{who}）。{advice}"
        )


@dataclass
class FigureValidationError(ReportError):
    """Per-target problems: `errors` maps target id → message; `needs_confirmation` lists target ids
    whose figure is implausibly large but may be saved once the editor confirms it."""

    errors: dict[int, str] = field(default_factory=dict)
    needs_confirmation: dict[int, str] = field(default_factory=dict)

    def __str__(self) -> str:
        messages = list(self.errors.values()) + list(self.needs_confirmation.values())
        return "；".join(messages)


class EvidenceRejectedError(ReportError):
    pass


# ---------------------------------------------------------------------------------------------
# Figures


def _parse_number(raw) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
    if text == "":
        return None
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError(text)
    return float(text)


def _target_label(target: Target) -> str:
    return target.subject or target.text


def _amount(value: float, target: Target) -> str:
    return notation.format_amount(value, target.unit, count=counts_things(target))


def counts_things(target: Target) -> bool:
    """Figures of people, events, places … are whole numbers; a 人均 or 每万人 figure is a ratio."""
    return notation.is_count_unit(target.unit) and target.attainment_target().adds_up


def validate_figures(
    targets: list[Target], raw_figures: dict[int, object], *, confirm_large: bool = False
) -> dict[int, float | None]:
    """Parse and check the figures given for `targets` (target id → raw text or number; missing or
    blank means "not reported yet"). Returns target id → value, or raises FigureValidationError."""
    targets_by_id = {t.pk: t for t in targets}
    unknown = set(raw_figures) - set(targets_by_id)
    problems = FigureValidationError()
    for target_id in sorted(unknown):
        problems.errors[target_id] = f"目标 {target_id} 不属于本任务"
    values: dict[int, float | None] = {}
    for target in targets:
        label = _target_label(target)
        try:
            value = _parse_number(raw_figures.get(target.pk))
        except ValueError:
            problems.errors[target.pk] = f"“{label}”的完成值只能填写数字（单位为{target.unit}），收到“{raw_figures.get(target.pk)}”"
            continue
        values[target.pk] = value
        if value is None:
            continue
        if value != value or value in (float("inf"), float("-inf")):
            problems.errors[target.pk] = f"“{label}”的完成值不是有效数字"
        elif value < 0:
            problems.errors[target.pk] = f"“{label}”的完成值不能为负数"
        elif target.unit.strip() in {"%", "％"} and target.value <= 100 and value > 100:
            problems.errors[target.pk] = f"“{label}”是百分比，完成值不能超过 100%"
        elif not value.is_integer() and counts_things(target):
            problems.errors[target.pk] = f"“{label}”以{target.unit}计，完成值应为整数，收到 {notation.plain_number(value)}"
        elif target.value > 0 and value >= REJECT_RATIO * target.value:
            problems.errors[target.pk] = (
                f"“{label}”的完成值 {_amount(value, target)} 是目标值 "
                f"{_amount(target.value, target)} 的 "
                f"{value / target.value:.0f} 倍，超出合理范围，请检查是否多填了位数"
            )
        elif target.value > 0 and value >= CONFIRM_RATIO * target.value and not confirm_large:
            problems.needs_confirmation[target.pk] = (
                f"“{label}”的完成值 {_amount(value, target)} 达到目标值 "
                f"{_amount(target.value, target)} 的 "
                f"{value / target.value:.0f} 倍，请确认数值无误后勾选“确认数值无误”再保存"
            )
    if problems.errors or problems.needs_confirmation:
        raise problems
    return values


# ---------------------------------------------------------------------------------------------
# Drafts and submission


def _check_reporter(actor: User, task: Task, unit: Unit) -> None:
    if not can_report_for(actor, unit):
        raise ReportPermissionError("只有本单位的填报员可以填写或修改本单位的报告")
    if not task.assignments.filter(unit=unit).exists():
        raise ReportPermissionError(f"{unit.name} 不是任务 {task.code} 的责任单位，不能填报")


def _locked_report(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.select_for_update().select_related("task", "unit", "period").get(pk=report.pk)


def _check_editable(report: ProgressReport) -> None:
    if report.status == ReportStatus.SUBMITTED:
        raise IllegalTransitionError("该报告已报送，正在审核中，不能修改；如需修改请联系纲要办退回")
    if report.status == ReportStatus.ACCEPTED:
        raise IllegalTransitionError("该报告已审核通过，不能再修改")


def _check_revision(report: ProgressReport, expected_revision: int) -> None:
    if report.revision != expected_revision:
        raise StaleReportError(report)


@service
def save_draft(
    *,
    actor: User,
    task: Task,
    period: ReportingPeriod,
    expected_revision: int,
    narrative: str,
    self_assessment: str = SelfAssessment.ON_TRACK,
    figures: dict[int, object] | None = None,
    figure_notes: dict[int, str] | None = None,
    confirm_large: bool = False,
) -> ProgressReport:
    """Create or update the actor's unit's report on `task` for `period`. `expected_revision` is the
    revision the editor started from (0 when no report existed yet)."""
    unit = actor.unit if actor.is_authenticated and actor.unit_id else None
    if unit is None:
        raise ReportPermissionError("当前用户不属于任何单位，不能填报")
    _check_reporter(actor, task, unit)
    if period.plan_id != task.plan_id:
        raise ReportError(f"填报周期“{period.label}”不属于任务 {task.code} 所在的方案")
    if self_assessment not in SelfAssessment.values:
        raise ReportError(f"自评选项“{self_assessment}”无效")
    narrative = (narrative or "").strip()
    if len(narrative) > NARRATIVE_MAX_CHARS:
        raise ReportError(f"进展情况不能超过 {NARRATIVE_MAX_CHARS} 字（当前 {len(narrative)} 字）")

    targets = list(task.targets.all())
    values = validate_figures(targets, figures or {}, confirm_large=confirm_large)
    notes = figure_notes or {}

    report = ProgressReport.objects.select_for_update().filter(task=task, unit=unit, period=period).first()
    if report is None:
        report = ProgressReport(task=task, unit=unit, period=period, revision=0)
    else:
        _check_editable(report)
    _check_revision(report, expected_revision)

    report.narrative = narrative
    report.self_assessment = self_assessment
    report.revision += 1
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Two first saves raced; the other one won, so this editor is the stale one.
        raise StaleReportError(ProgressReport.objects.get(task=task, unit=unit, period=period)) from None

    existing = {f.target_id: f for f in report.figures.all()}
    for target in targets:
        value = values.get(target.pk)
        note = (notes.get(target.pk) or "").strip()[:255]
        figure = existing.get(target.pk)
        if value is None:
            if figure is not None:
                figure.delete()
            continue
        if figure is None:
            TargetFigure.objects.create(report=report, target=target, value=value, note=note)
        elif figure.value != value or figure.note != note:
            figure.value, figure.note = value, note
            figure.save()
    return report


@service
def submit_report(*, actor: User, report: ProgressReport, expected_revision: int) -> ProgressReport:
    """Hand a draft or returned report to the office for review; it is locked from then on."""
    report = _locked_report(report)
    _check_reporter(actor, report.task, report.unit)
    if report.status == ReportStatus.SUBMITTED:
        raise IllegalTransitionError("该报告已报送，请勿重复报送")
    if report.status == ReportStatus.ACCEPTED:
        raise IllegalTransitionError("该报告已审核通过，不能再次报送")
    _check_revision(report, expected_revision)
    if not report.narrative.strip():
        raise ReportError("报送前请填写进展情况")
    now = timezone.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.submitted_by = actor
    report.revision += 1
    report.save()
    ReviewEvent.objects.create(report=report, kind=ReviewEventKind.SUBMIT, actor=actor)
    return report


@service
def save_report(
    *,
    actor: User,
    task: Task,
    period: ReportingPeriod,
    expected_revision: int,
    narrative: str,
    self_assessment: str = SelfAssessment.ON_TRACK,
    figures: dict[int, object] | None = None,
    figure_notes: dict[int, str] | None = None,
    confirm_large: bool = False,
    new_evidence: list[UploadedFile] | tuple = (),
    submit: bool = False,
) -> ProgressReport:
    """What the report form does in one go: save the draft, attach new evidence files and, when
    `submit`, hand the report in. All or nothing: if any step fails nothing is kept, stored files
    included."""
    if submit:
        existing = ProgressReport.objects.filter(task=task, unit_id=actor.unit_id, period=period).first()
        if existing is not None and existing.status == ReportStatus.SUBMITTED:
            raise IllegalTransitionError("该报告已报送，请勿重复报送")
        if existing is not None and existing.status == ReportStatus.ACCEPTED:
            raise IllegalTransitionError("该报告已审核通过，不能再次报送")
    stored: list[Evidence] = []
    try:
        report = save_draft(
            actor=actor,
            task=task,
            period=period,
            expected_revision=expected_revision,
            narrative=narrative,
            self_assessment=self_assessment,
            figures=figures,
            figure_notes=figure_notes,
            confirm_large=confirm_large,
        )
        for uploaded in new_evidence:
            stored.append(add_evidence(actor=actor, report=report, uploaded=uploaded))
        if submit:
            report = submit_report(actor=actor, report=report, expected_revision=report.revision)
    except Exception:
        for evidence in stored:
            evidence.file.delete(save=False)
        raise
    return report


def _check_reviewer(actor: User, report: ProgressReport) -> None:
    if not can_administer(actor, report.task.plan.region):
        raise ReportPermissionError("只有本地区纲要办管理员可以审核报告")
    if report.status != ReportStatus.SUBMITTED:
        raise IllegalTransitionError(
            f"只能审核已报送的报告，该报告当前状态为“{report.get_status_display()}”"
        )


def _review(
    actor: User, report: ProgressReport, expected_revision: int, *, kind: str, status: str, comment: str
) -> ProgressReport:
    """Accept or return under the row lock, and only the revision the reviewer read: a report returned
    and resubmitted meanwhile carries new content, which must not be accepted unseen."""
    report = ProgressReport.objects.select_for_update().select_related("task__plan__region").get(pk=report.pk)
    _check_reviewer(actor, report)
    if report.revision != expected_revision:
        raise StaleReportError(report, advice=StaleReportError.REVIEW_ADVICE)
    comment = (comment or "").strip()
    if kind == ReviewEventKind.RETURN and not comment:
        raise ReportError("退回报告时必须填写退回意见，说明需要修改的内容")
    report.status = status
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.review_comment = comment
    report.revision += 1
    report.save()
    ReviewEvent.objects.create(report=report, kind=kind, actor=actor, comment=comment)
    return report


@service
def accept_report(*, actor: User, report: ProgressReport, expected_revision: int, comment: str = "") -> ProgressReport:
    return _review(actor, report, expected_revision, kind=ReviewEventKind.ACCEPT, status=ReportStatus.ACCEPTED,
                   comment=comment)


@service
def return_report(*, actor: User, report: ProgressReport, expected_revision: int, comment: str) -> ProgressReport:
    """Send a submitted report back to its unit with the reason; the unit can then edit and resubmit."""
    return _review(actor, report, expected_revision, kind=ReviewEventKind.RETURN, status=ReportStatus.RETURNED,
                   comment=comment)


# ---------------------------------------------------------------------------------------------
# Evidence

ALLOWED_EVIDENCE_EXTENSIONS = ("pdf", "docx", "xlsx", "doc", "xls", "jpg", "png", "zip")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "png": "image/png",
    "zip": "application/zip",
}
_EXTENSION_ALIASES = {"jpeg": "jpg"}


def sanitise_file_name(name: str) -> str:
    """Keep only the base name, drop control and path characters, cap the length; never empty."""
    name = unicodedata.normalize("NFC", str(name or ""))
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r'[<>:"/|?*\x00]', "_", base).strip().strip(".")
    if not base:
        base = "附件"
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 110] + dot + ext[:8]) if dot else base[:120]
    return base


def _content_matches(extension: str, head: bytes, uploaded: UploadedFile) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension == "jpg":
        return head.startswith(b"\xff\xd8\xff")
    if extension in {"doc", "xls"}:
        return head.startswith(_OLE2_MAGIC)
    if extension in {"docx", "xlsx", "zip"}:
        if not head.startswith(_ZIP_MAGIC):
            return False
        if extension == "zip":
            return True
        # An OOXML file is a zip holding the document part; a renamed plain zip is not a .docx.
        uploaded.seek(0)
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        finally:
            uploaded.seek(0)
        return ("word/document.xml" in names) if extension == "docx" else ("xl/workbook.xml" in names)
    return False


def check_evidence_file(uploaded: UploadedFile) -> tuple[str, str]:
    """Validate an upload by extension, size and content; return (sanitised name, extension)."""
    original = sanitise_file_name(uploaded.name)
    extension = original.rpartition(".")[2].lower() if "." in original else ""
    extension = _EXTENSION_ALIASES.get(extension, extension)
    allowed = "、".join(ALLOWED_EVIDENCE_EXTENSIONS)
    if extension not in ALLOWED_EVIDENCE_EXTENSIONS:
        raise EvidenceRejectedError(f"文件“{original}”的类型不允许上传；允许的类型：{allowed}")
    size = uploaded.size or 0
    if size == 0:
        raise EvidenceRejectedError(f"文件“{original}”是空文件")
    limit = settings.EVIDENCE_MAX_BYTES
    if size > limit:
        raise EvidenceRejectedError(
            f"文件“{original}”大小 {size / 1048576:.1f} MB，超过上限 {limit / 1048576:.1f} MB"
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if not _content_matches(extension, head, uploaded):
        raise EvidenceRejectedError(f"文件“{original}”的内容与扩展名 .{extension} 不符，可能已损坏或被改名")
    return original, extension


@service
def add_evidence(*, actor: User, report: ProgressReport, uploaded: UploadedFile) -> Evidence:
    report = _locked_report(report)
    _check_reporter(actor, report.task, report.unit)
    _check_editable(report)
    original, extension = check_evidence_file(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    evidence = Evidence(
        report=report,
        original_name=original,
        content_type=_CONTENT_TYPES[extension],
        size=uploaded.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    # Random stored name: the user's file name never reaches the file system.
    evidence.file.save(f"{uuid.uuid4().hex}.{extension}", uploaded, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@service
def remove_evidence(*, actor: User, evidence: Evidence) -> None:
    report = _locked_report(evidence.report)
    _check_reporter(actor, report.task, report.unit)
    _check_editable(report)
    stored = evidence.file.name
    evidence.delete()
    storage = evidence.file.storage
    # Delete the bytes only once the row is gone for good, so a rollback never orphans a row.
    transaction.on_commit(lambda: storage.delete(stored))
