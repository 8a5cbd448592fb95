"""科学辟谣: rumours the office watches and the rebuttals it publishes (kesu.content.debunking)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Region


class RumourStatus(models.TextChoices):
    MONITORING = "monitoring", "监测中"
    REBUTTED = "rebutted", "已辟谣"
    CLOSED = "closed", "已结束"


class Spread(models.TextChoices):
    LOW = "low", "零星传播"
    MEDIUM = "medium", "较多传播"
    HIGH = "high", "广泛传播"


@audited
class Rumour(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所属区划")
    claim = models.CharField("谣言内容", max_length=300)
    where_seen = models.CharField("发现渠道", max_length=200, blank=True)
    first_seen = models.DateField("首次发现日期")
    spread = models.CharField("传播范围", max_length=8, choices=Spread.choices, default=Spread.LOW)
    topic = models.ForeignKey("Topic", on_delete=models.PROTECT, related_name="rumours", verbose_name="主题")
    status = models.CharField("状态", max_length=12, choices=RumourStatus.choices, default=RumourStatus.MONITORING)
    # The rebuttal is content like any other: written, reviewed and published through the library.
    rebuttal = models.OneToOneField(
        "ContentItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="rumour", verbose_name="辟谣内容"
    )
    rebutted_at = models.DateTimeField("辟谣时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closing_note = models.CharField("结束说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["-first_seen", "-id"]
        verbose_name = verbose_name_plural = "谣言"

    def __str__(self) -> str:
        return self.claim[:40]
