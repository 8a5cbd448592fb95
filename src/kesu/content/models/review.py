"""科学性审查: review rounds of one version by experts from the registry (kesu.content.reviewing)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Region
from kesu.resources.models import Expert


@audited
class ReviewPolicy(models.Model):
    """An office's review rules, for its region and every region under it (the nearest one applies)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+", verbose_name="区划")
    reviewers = models.PositiveSmallIntegerField("一般内容审查专家数", default=1)
    medical_reviewers = models.PositiveSmallIntegerField("医疗卫生类审查专家数", default=2)
    review_days = models.PositiveSmallIntegerField("审查期限（天）", default=7)
    fast_track_hours = models.PositiveSmallIntegerField("应急快审时限（小时）", default=4)

    class Meta:
        verbose_name = verbose_name_plural = "审查规则"

    def __str__(self) -> str:
        return f"{self.region} 审查规则"


class RoundStatus(models.TextChoices):
    OPEN = "open", "审查中"
    APPROVED = "approved", "通过"
    REVISE = "revise", "修改后再审"
    REJECTED = "rejected", "不通过"
    CANCELLED = "cancelled", "已撤回"


@audited
class ReviewRound(models.Model):
    """The review of one version: as many experts as the policy asks, each giving a verdict."""

    item = models.ForeignKey("ContentItem", on_delete=models.CASCADE, related_name="rounds")
    version = models.ForeignKey("ContentVersion", on_delete=models.CASCADE, related_name="rounds")
    required = models.PositiveSmallIntegerField("所需专家数")
    fast_track = models.BooleanField("应急快审", default=False)
    status = models.CharField("结论", max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_at = models.DateTimeField("开始时间")
    due_at = models.DateTimeField("审查期限")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发起人"
    )

    class Meta:
        ordering = ["item", "-opened_at", "-id"]
        verbose_name = verbose_name_plural = "审查轮次"

    def __str__(self) -> str:
        return f"{self.item} 第{self.version.number}版审查"


class Verdict(models.TextChoices):
    PENDING = "pending", "待审"
    APPROVE = "approve", "通过"
    REVISE = "revise", "修改后再审"
    REJECT = "reject", "不通过"


@audited
class ContentReview(models.Model):
    """One expert's review in a round."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reviews")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="content_reviews", verbose_name="专家")
    verdict = models.CharField("意见", max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    comments = models.TextField("审查意见", blank=True)
    assigned_at = models.DateTimeField("分配时间")
    decided_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "expert"], name="content_review_unique_expert")]
        verbose_name = verbose_name_plural = "专家审查意见"

    def __str__(self) -> str:
        return f"{self.expert}：{self.get_verdict_display()}"
