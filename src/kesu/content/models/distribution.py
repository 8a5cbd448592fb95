"""Distribution: the log of where an item went out (`Publication`), targeted pushes to units and
messengers (`Push`, `PushRecipient`) and their topic subscriptions (kesu.content.distributing,
kesu.content.targeting)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Region, Unit
from kesu.resources.models import Messenger


class Channel(models.TextChoices):
    PUBLIC = "public", "科素公开页"
    WECHAT = "wechat", "微信公众号"
    POSTER = "poster", "海报印发"
    BROADCAST = "broadcast", "应急广播/短信"
    UNIT_PACKAGE = "unit_package", "单位资料包"
    PUSH = "push", "精准推送"


@audited
class Publication(models.Model):
    """One entry of the distribution log: an approved version sent out by one channel in one region."""

    item = models.ForeignKey("ContentItem", on_delete=models.CASCADE, related_name="publications")
    version = models.ForeignKey("ContentVersion", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("渠道", max_length=14, choices=Channel.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="区划")
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发布人"
    )
    # Reach the office recorded for the channel itself (阅读量, 播出覆盖人数); pushes add their recipients'.
    reach = models.PositiveIntegerField("传播人次", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    emergency = models.ForeignKey(
        "EmergencyEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="publications"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = "发布记录"

    def __str__(self) -> str:
        return f"{self.item} · {self.get_channel_display()}"


@audited
class Push(models.Model):
    """精准推送: an approved item sent to the units and messengers serving chosen audiences and regions."""

    item = models.ForeignKey("ContentItem", on_delete=models.CASCADE, related_name="pushes")
    version = models.ForeignKey("ContentVersion", on_delete=models.PROTECT, related_name="+")
    publication = models.OneToOneField(Publication, on_delete=models.CASCADE, related_name="push")
    audiences = models.ManyToManyField("Audience", blank=True, related_name="+", verbose_name="受众")
    regions = models.ManyToManyField(Region, related_name="+", verbose_name="区划")
    message = models.CharField("推送说明", max_length=300, blank=True)
    sent_at = models.DateTimeField("推送时间")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="推送人"
    )
    # Emergency pushes are tasks: distribute within the event's hours and report reach by then.
    due_at = models.DateTimeField("完成时限", null=True, blank=True)
    emergency = models.ForeignKey(
        "EmergencyEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="pushes"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = verbose_name_plural = "精准推送"

    def __str__(self) -> str:
        return f"推送：{self.item}"


def _token() -> str:
    return secrets.token_urlsafe(24)


@audited
class PushRecipient(models.Model):
    """A unit or a messenger a push went to: acknowledgement and the reach they report back.

    Units answer in their inbox; messengers have no account and answer through the link with their
    `token` (sent to them by SMS or WeChat)."""

    push = models.ForeignKey(Push, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    messenger = models.ForeignKey(Messenger, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("推送依据", max_length=120, blank=True)
    token = models.CharField(max_length=48, unique=True, default=_token, editable=False)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    reach = models.PositiveIntegerField("传播人次", null=True, blank=True)
    reach_note = models.CharField("传播情况", max_length=200, blank=True)
    reported_at = models.DateTimeField("反馈时间", null=True, blank=True)

    class Meta:
        ordering = ["push", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, messenger__isnull=True)
                | models.Q(unit__isnull=True, messenger__isnull=False),
                name="push_recipient_unit_or_messenger",
            ),
            models.UniqueConstraint(fields=["push", "unit"], name="push_recipient_unique_unit"),
            models.UniqueConstraint(fields=["push", "messenger"], name="push_recipient_unique_messenger"),
        ]
        verbose_name = verbose_name_plural = "推送对象"

    def __str__(self) -> str:
        return str(self.unit or self.messenger)


@audited
class Subscription(models.Model):
    """A unit or a messenger asking for every push on a topic in its region."""

    topic = models.ForeignKey("Topic", on_delete=models.CASCADE, related_name="subscriptions")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    messenger = models.ForeignKey(Messenger, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("订阅时间", auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, messenger__isnull=True)
                | models.Q(unit__isnull=True, messenger__isnull=False),
                name="subscription_unit_or_messenger",
            ),
            models.UniqueConstraint(fields=["topic", "unit"], name="subscription_unique_unit"),
            models.UniqueConstraint(fields=["topic", "messenger"], name="subscription_unique_messenger"),
        ]
        verbose_name = verbose_name_plural = "主题订阅"

    def __str__(self) -> str:
        return f"{self.unit or self.messenger} 订阅 {self.topic}"
