"""应急科普: emergency events, the pre-approved packages per event type, and the timeline of what was
done during an event (kesu.content.emergency)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Region


class EventType(models.TextChoices):
    FLOOD = "flood", "洪涝灾害"
    TYPHOON = "typhoon", "台风"
    EARTHQUAKE = "earthquake", "地震"
    GEOLOGICAL = "geological", "地质灾害"
    EPIDEMIC = "epidemic", "传染病疫情"
    HEAT = "heat", "高温热浪"
    COLD = "cold", "寒潮暴雪"
    FIRE = "fire", "森林火灾"
    FOOD_SAFETY = "food_safety", "食品安全事件"
    POLLUTION = "pollution", "突发环境事件"
    OTHER = "other", "其他突发事件"


class EmergencyLevel(models.TextChoices):
    # 国家突发事件分级: Ⅰ级 the gravest.
    I = "1", "Ⅰ级（特别重大）"  # noqa: E741
    II = "2", "Ⅱ级（重大）"
    III = "3", "Ⅲ级（较大）"
    IV = "4", "Ⅳ级（一般）"


class EmergencyStatus(models.TextChoices):
    ACTIVE = "active", "应急中"
    CLOSED = "closed", "已结束"


@audited
class EmergencyPackage(models.Model):
    """Content approved in calm times, ready to go out when an event of its type starts (平急结合)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所属区划")
    event_type = models.CharField("事件类型", max_length=14, choices=EventType.choices)
    name = models.CharField("资源包名称", max_length=100)
    items = models.ManyToManyField("ContentItem", blank=True, related_name="packages", verbose_name="内容")

    class Meta:
        ordering = ["region__code", "event_type", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "event_type", "name"], name="emergency_package_unique_name")
        ]
        verbose_name = verbose_name_plural = "应急科普资源包"

    def __str__(self) -> str:
        return self.name


@audited
class EmergencyEvent(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="启动区划")
    event_type = models.CharField("事件类型", max_length=14, choices=EventType.choices)
    title = models.CharField("事件名称", max_length=120)
    level = models.CharField("响应级别", max_length=1, choices=EmergencyLevel.choices, default=EmergencyLevel.IV)
    affected_regions = models.ManyToManyField(Region, related_name="+", verbose_name="影响区划")
    started_at = models.DateTimeField("启动时间")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=EmergencyStatus.choices, default=EmergencyStatus.ACTIVE)
    distribute_within_hours = models.PositiveSmallIntegerField("转发时限（小时）", default=6)
    description = models.TextField("事件说明", blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="启动人"
    )
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = verbose_name_plural = "应急事件"

    def __str__(self) -> str:
        return self.title


class TimelineKind(models.TextChoices):
    STARTED = "started", "启动应急"
    EXPERTS = "experts", "专家待命"
    PUSHED = "pushed", "推送内容"
    PUBLISHED = "published", "发布内容"
    DRAFTED = "drafted", "新建内容"
    REVIEWED = "reviewed", "快审结论"
    ACKNOWLEDGED = "acknowledged", "签收"
    REACH = "reach", "反馈传播情况"
    NOTE = "note", "工作记录"
    CLOSED = "closed", "结束应急"


class TimelineEntry(models.Model):
    """Everything done during an event, in order, as the after-action report tells it."""

    event = models.ForeignKey(EmergencyEvent, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField("时间")
    kind = models.CharField("事项", max_length=14, choices=TimelineKind.choices)
    text = models.CharField("内容", max_length=300)
    item = models.ForeignKey("ContentItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)

    class Meta:
        ordering = ["event", "at", "id"]
        verbose_name = verbose_name_plural = "应急时间线"

    def __str__(self) -> str:
        return f"{self.at:%m-%d %H:%M} {self.text}"
