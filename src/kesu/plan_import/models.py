"""The import draft (导入草稿): a parsed plan the office is reviewing before it becomes a Plan.

Stored in the database and scoped to the region it is imported into, so that any office admin of
that region can resume it from any browser after logging in again. It holds no plan rows: nothing
reaches the plan tables before `services.confirm_import`. An open draft expires
`KESU_IMPORT_DRAFT_DAYS` days after its last change; a confirmed or discarded one keeps only its
header (who, when, which plan it became) until then, so that a colleague's stale tab is told what
happened instead of a bare 404.

Not `@audited`: every correction would copy the whole parsed document into the audit log. The
services record the draft's start, discard and confirmation themselves, with the header only.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from kesu.org.models import Region
from kesu.planning.models import Plan


def new_token() -> str:
    return secrets.token_urlsafe(12)


class DraftState(models.TextChoices):
    OPEN = "open", "未完成"
    IMPORTED = "imported", "已导入"
    DISCARDED = "discarded", "已放弃"


class ImportDraft(models.Model):
    # The URL names the draft by an unguessable token, not by its row id.
    token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="import_drafts", verbose_name="地区")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="上传人",
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    updated_at = models.DateTimeField("最后修改", default=timezone.now)
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    file_sha256 = models.CharField("文件摘要", max_length=64, blank=True)
    # ParsedPlan.to_dict() with the office's corrections applied (added tasks and targets carry
    # "added": true; a target's corrected kind is its "kind").
    plan = models.JSONField("解析结果", default=dict)
    # Name in the document → unit id of the region, or "new".
    mapping = models.JSONField("单位对应", default=dict)
    match_reasons = models.JSONField("匹配依据", default=dict)
    # Name → similarity (0–100) for names pre-filled by a close spelling only: doubtful until checked.
    match_similarity = models.JSONField("名称相似度", default=dict)
    # Item id of a judgement ("task:3.1.2", "unit:市科协" …) → who checked it, when, and how
    # ("ticked" as 已核对, or "edited": corrected, which counts as checked).
    checked = models.JSONField("已核对", default=dict)
    # The uploaded workbook itself (.xlsx only, at most MAX_WORKBOOK_BYTES), so that the office can
    # re-read it with another column mapping; empty for other formats and once the draft closes.
    workbook = models.BinaryField("工作簿原文件", null=True, blank=True, editable=False)
    # The workbook's column mapping as read: [{"sheet", "columns": [{"column", "label", "role"}]}].
    columns = models.JSONField("表格列对应", default=list)
    previous = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="修订的方案"
    )
    state = models.CharField("状态", max_length=12, choices=DraftState.choices, default=DraftState.OPEN)
    imported_plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="导入为"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="确认或放弃人",
    )

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["region", "state"], name="import_draft_region_state")]
        verbose_name = verbose_name_plural = "导入草稿"

    def __str__(self) -> str:
        title = (self.plan or {}).get("title") or self.source_name or "未命名方案"
        return f"{title}（导入草稿）"

    @property
    def title(self) -> str:
        return (self.plan or {}).get("title") or self.source_name

    @property
    def task_count(self) -> int:
        return len((self.plan or {}).get("tasks", []))

    @property
    def is_open(self) -> bool:
        return self.state == DraftState.OPEN
