"""Progress reporting (进度填报): reporting periods, units' progress reports with their figures and
evidence, the review history, and reminders (催办)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Region, Unit
from kesu.planning.models import Plan, Target, Task
from kesu.plans.notation import format_amount


class PeriodKind(models.TextChoices):
    QUARTERLY = "quarterly", "季度"
    HALF_YEARLY = "half_yearly", "半年"
    YEARLY = "yearly", "年度"


class ReportingPeriod(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField("周期", max_length=16, choices=PeriodKind.choices)
    label = models.CharField("名称", max_length=32)
    start = models.DateField("开始")
    end = models.DateField("结束")
    due = models.DateField("报送截止")

    class Meta:
        ordering = ["plan", "start"]
        constraints = [models.UniqueConstraint(fields=["plan", "label"], name="period_unique_label")]
        verbose_name = verbose_name_plural = "填报周期"

    def __str__(self) -> str:
        return self.label


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已通过"


class SelfAssessment(models.TextChoices):
    ON_TRACK = "on_track", "按计划推进"
    AT_RISK = "at_risk", "存在困难"
    LAGGING = "lagging", "进度滞后"
    COMPLETED = "completed", "已完成"


@audited
class ProgressReport(models.Model):
    """A unit's report on one task for one period (进度填报). `revision` guards against stale edits."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    narrative = models.TextField("进展情况", blank=True)
    self_assessment = models.CharField(
        "自评", max_length=16, choices=SelfAssessment.choices, default=SelfAssessment.ON_TRACK
    )
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField("审核意见", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["-period__start", "task__order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "period"], name="report_unique_task_unit_period")
        ]
        indexes = [models.Index(fields=["status", "period"]), models.Index(fields=["unit", "status"])]
        verbose_name = verbose_name_plural = "进度报告"

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.task.code} · {self.period.label}"


@audited
class TargetFigure(models.Model):
    """The figure a report gives for one quantitative target (e.g. 已培训科技辅导员 230 人次)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="figures")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="figures")
    value = models.FloatField("完成值")
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="figure_unique_per_target")]
        verbose_name = verbose_name_plural = "目标完成值"

    def __str__(self) -> str:
        return f"{self.target.subject or self.target.text}：{format_amount(self.value, self.target.unit)}"


@audited
class Evidence(models.Model):
    """A file attached to a report, stored under MEDIA_ROOT and streamed only after a permission check."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.original_name


class ReviewEventKind(models.TextChoices):
    SUBMIT = "submit", "报送"
    RETURN = "return", "退回"
    ACCEPT = "accept", "通过"


class ReviewEvent(models.Model):
    """The history of a report's submissions and reviews, oldest first."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=ReviewEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "审核记录"


class Reminder(models.Model):
    """催办: a message from the office to a unit, optionally about one task or report."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reminders")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    period = models.ForeignKey(ReportingPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.TextField("内容")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The 督办通知单 sent with the reminder by e-mail or webhook (kesu.progress.delivery), if any.
    notice = models.ForeignKey(
        "ReminderNotice", null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["unit", "read_at"])]
        verbose_name = verbose_name_plural = "催办"


@audited
class ReminderNotice(models.Model):
    """督办通知单: the office's numbered notice to one unit listing its outstanding reports for some
    periods. The serial (督办〔年〕第N号, counted per office and year), the date and the listed items are
    stored when it is issued, so that downloading it again gives the same document."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reminder_notices")
    year = models.PositiveIntegerField("年度")
    number = models.PositiveIntegerField("序号")
    # The periods the notice covers, as sorted ids ("12,13"): the key under which it is reused.
    period_key = models.CharField(max_length=255)
    items = models.JSONField("督办事项", default=list)
    # A digest of (task, period, state) of the items: while it is unchanged, the same notice is reused.
    items_key = models.CharField(max_length=64)
    issued_on = models.DateField("印发日期")
    reply_by = models.DateField("反馈期限")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "number"], name="notice_unique_serial")
        ]
        indexes = [models.Index(fields=["unit", "period_key"], name="notice_unit_periods_idx")]
        verbose_name = verbose_name_plural = "督办通知单"

    def __str__(self) -> str:
        return f"{self.serial} {self.unit.name}"

    @property
    def serial(self) -> str:
        return f"督办〔{self.year}〕第{self.number}号"


class DeliveryChannel(models.TextChoices):
    IN_APP = "in_app", "站内"
    EMAIL = "email", "邮件"
    WEBHOOK = "webhook", "Webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class ReminderDelivery(models.Model):
    """One way a reminder went out (站内 / e-mail to one person / the webhook) and how that went. Rows
    are written with the reminder and sent after the commit; a failure is recorded here and never
    undoes the reminder."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=16, choices=DeliveryChannel.choices)
    recipient = models.CharField("接收方", max_length=255, blank=True)
    status = models.CharField("状态", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    error = models.TextField("失败原因", blank=True)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    at = models.DateTimeField("时间", auto_now=True)

    class Meta:
        ordering = ["reminder", "channel", "id"]
        indexes = [models.Index(fields=["status"], name="delivery_status_idx")]
        verbose_name = verbose_name_plural = "催办送达记录"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.recipient} {self.get_status_display()}"
