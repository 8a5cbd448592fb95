"""The content library: items an office writes or collects, each kept as numbered versions.

An item's `status` follows its latest version through scientific review (kesu.content.reviewing);
`approved_version` is the version the public and the channels get. Editing approved content makes
a new version that goes through review again while the approved one stays out; withdrawing takes
the item off every channel.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Region, Unit
from kesu.resources.models import ExpertiseTag


class Topic(models.Model):
    """The controlled vocabulary of topics (loaded by migration; offices may add through admin).

    `fields` are the expertise tags of the experts who may review an item on the topic;
    `needs_medical_review` topics (health, medicine) need more reviewers (ReviewPolicy)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    fields = models.ManyToManyField(ExpertiseTag, blank=True, related_name="+", verbose_name="审查专家专长")
    needs_medical_review = models.BooleanField("医疗卫生类", default=False)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "内容主题"

    def __str__(self) -> str:
        return self.name


class Audience(models.Model):
    """The population groups content is aimed at (the 提升行动 of the 纲要 and the groups offices add).

    `keywords` find the plan sections written for the group, whose responsible units receive content
    pushed to it (kesu.content.targeting)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    keywords = models.CharField("方案章节关键词", max_length=128, blank=True, help_text="以、分隔")

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "受众"

    def __str__(self) -> str:
        return self.name


class ContentKind(models.TextChoices):
    ARTICLE = "article", "图文"
    IMAGE = "image", "图片"
    VIDEO = "video", "视频"
    AUDIO = "audio", "音频"
    POSTER = "poster", "海报"


class ContentSource(models.TextChoices):
    OWN = "own", "自有原创"
    UNIT = "unit", "成员单位提供"
    EXTERNAL = "external", "外部资源（引用）"


class Licence(models.TextChoices):
    OWN = "own", "自有版权"
    AUTHORISED = "authorised", "已获授权"
    CC_BY = "cc_by", "知识共享 署名"
    CC_BY_NC = "cc_by_nc", "知识共享 署名-非商业性使用"
    PUBLIC_DOMAIN = "public_domain", "公共领域"
    LINK_ONLY = "link_only", "仅链接引用"


class ContentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    UNDER_REVIEW = "under_review", "审查中"
    REVISE = "revise", "需修改"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤下"


@audited
class ContentItem(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所属区划")
    kind = models.CharField("类型", max_length=10, choices=ContentKind.choices, default=ContentKind.ARTICLE)
    title = models.CharField("标题", max_length=120)
    summary = models.CharField("摘要", max_length=300, blank=True)
    topics = models.ManyToManyField(Topic, related_name="items", verbose_name="主题")
    audiences = models.ManyToManyField(Audience, blank=True, related_name="items", verbose_name="受众")
    source = models.CharField("来源", max_length=10, choices=ContentSource.choices, default=ContentSource.OWN)
    source_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="提供单位"
    )
    # An external resource is referenced, not copied: its name and address.
    source_name = models.CharField("资源名称或出处", max_length=128, blank=True)
    source_url = models.URLField("资源地址", max_length=500, blank=True)
    licence = models.CharField("授权方式", max_length=16, choices=Licence.choices, default=Licence.OWN)
    valid_from = models.DateField("生效日期", null=True, blank=True)
    expires_on = models.DateField("失效日期", null=True, blank=True)
    # Seasonal content (汛期, 流感季) is offered only between these months, wrapping over the new year.
    season_start_month = models.PositiveSmallIntegerField("适用起始月", null=True, blank=True)
    season_end_month = models.PositiveSmallIntegerField("适用截止月", null=True, blank=True)
    status = models.CharField("状态", max_length=14, choices=ContentStatus.choices, default=ContentStatus.DRAFT)
    current_version = models.ForeignKey(
        "ContentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="最新版本",
    )
    approved_version = models.ForeignKey(
        "ContentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="已通过版本",
    )
    is_rebuttal = models.BooleanField("辟谣内容", default=False)
    # Written during an emergency and reviewed on the fast track (one expert, time-limited).
    emergency = models.ForeignKey(
        "EmergencyEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="items",
        verbose_name="应急事件",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="作者"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    first_published_at = models.DateTimeField("首次发布时间", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["region", "status"], name="content_item_region_status")]
        verbose_name = verbose_name_plural = "科普内容"

    def __str__(self) -> str:
        return self.title

    def in_season(self, on: datetime.date) -> bool:
        start, end = self.season_start_month, self.season_end_month
        if not start or not end:
            return True
        if start <= end:
            return start <= on.month <= end
        return on.month >= start or on.month <= end

    def is_current(self, on: datetime.date) -> bool:
        """Whether the item may be offered to a channel on `on`: approved, started, not expired, in season."""
        if self.approved_version_id is None or self.status == ContentStatus.WITHDRAWN:
            return False
        if self.valid_from and on < self.valid_from:
            return False
        if self.expires_on and on > self.expires_on:
            return False
        return self.in_season(on)


@audited
class ContentVersion(models.Model):
    """One version of an item as written; never changed after it is saved (an edit makes the next one)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    title = models.CharField("标题", max_length=120)
    summary = models.CharField("摘要", max_length=300, blank=True)
    body_html = models.TextField("正文", blank=True)
    # A short text for 应急广播 and SMS; the channel refuses more than BROADCAST_MAX_CHARS.
    broadcast_text = models.CharField("广播/短信文本", max_length=70, blank=True)
    file = models.FileField("文件", upload_to="content/%Y/%m/", blank=True)
    file_name = models.CharField("原文件名", max_length=200, blank=True)
    file_type = models.CharField("文件格式", max_length=80, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小", null=True, blank=True)
    file_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="修改人"
    )
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="content_version_unique_number")]
        verbose_name = verbose_name_plural = "内容版本"

    def __str__(self) -> str:
        return f"{self.item_id} 第{self.number}版"


BROADCAST_MAX_CHARS = 70
