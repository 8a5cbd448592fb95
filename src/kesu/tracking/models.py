"""Plans, their section tree and tasks, and the supervision workflow around them (督办)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Region, Unit


@audited
class Plan(models.Model):
    """An implementation plan (实施方案) of a region, as imported from a parsed document.

    A revised document is imported as a new version: the old Plan keeps `is_current=False` and
    tasks carried over point back to their predecessor so that report history follows the task.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField("标题", max_length=255)
    doc_number = models.CharField("文号", max_length=64, blank=True)
    issuer = models.CharField("印发机关", max_length=255, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    period_start = models.PositiveSmallIntegerField("起始年", null=True, blank=True)
    period_end = models.PositiveSmallIntegerField("截止年", null=True, blank=True)
    headline_indicator = models.CharField("总体目标指标", max_length=64, blank=True)
    headline_value = models.FloatField("总体目标值", null=True, blank=True)
    headline_unit = models.CharField("单位", max_length=16, blank=True)
    headline_year = models.PositiveSmallIntegerField("目标年", null=True, blank=True)
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    parsed = models.JSONField("解析结果", default=dict, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    previous_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_versions"
    )
    is_current = models.BooleanField("现行版本", default=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    is_demo = models.BooleanField("演示数据", default=False)
    # Replaced by every write to the plan or anything its pages show (kesu.caching.versions).
    data_version = models.CharField(max_length=32, default="0", editable=False)

    class Meta:
        ordering = ["region__code", "-version"]
        verbose_name = verbose_name_plural = "实施方案"

    def __str__(self) -> str:
        return self.title


class SectionKind(models.TextChoices):
    ACTION = "action", "提升行动"
    PROGRAMME = "programme", "重点工程"
    OTHER = "other", "其他"


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    number = models.CharField("编号", max_length=32, blank=True)
    title = models.CharField("标题", max_length=255)
    kind = models.CharField("类别", max_length=16, choices=SectionKind.choices, default=SectionKind.OTHER)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = verbose_name_plural = "章节"

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


@audited
class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    # The action/programme this task belongs to, denormalised for grouping on dashboards.
    group = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    code = models.CharField("编号", max_length=32)
    title = models.CharField("任务", max_length=255)
    text = models.TextField("任务内容", blank=True)
    path = models.JSONField("所属章节", default=list, blank=True)
    units_raw = models.TextField("责任分工原文", blank=True)
    deadline_year = models.PositiveSmallIntegerField("时限", null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    predecessor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successors",
        help_text="同一任务在上一版本方案中的记录",
    )
    units = models.ManyToManyField(Unit, through="TaskUnit", related_name="tasks")

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="task_unique_code_in_plan")]
        verbose_name = verbose_name_plural = "任务"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class UnitRole(models.TextChoices):
    LEAD = "lead", "牵头"
    PARTICIPATING = "participating", "参与"


@audited
class TaskUnit(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("职责", max_length=16, choices=UnitRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="task_unit_unique")]
        indexes = [models.Index(fields=["unit", "role"])]
        verbose_name = verbose_name_plural = "任务责任单位"

    def __str__(self) -> str:
        return f"{self.task.code} {self.unit.name}（{self.get_role_display()}）"


@audited
class Target(models.Model):
    """A quantitative target of a task (目标值), e.g. 每年培训科技辅导员200人次以上."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="targets")
    text = models.CharField("原文", max_length=255)
    subject = models.CharField("指标", max_length=128, blank=True)
    value = models.FloatField("目标值")
    unit = models.CharField("计量单位", max_length=16)
    comparator = models.CharField("比较", max_length=2, default=">=")
    period = models.CharField("期间", max_length=32, blank=True)
    deadline_year = models.PositiveSmallIntegerField("时限年", null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task", "order"]
        verbose_name = verbose_name_plural = "量化目标"

    def __str__(self) -> str:
        return self.text


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
        return f"{self.target.subject or self.target.text}: {self.value}"


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

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["unit", "read_at"])]
        verbose_name = verbose_name_plural = "催办"


class ScoreWeights(models.Model):
    """Weights of the yearly unit scorecard (目标管理考核) for a plan; they sum to 100 points."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="score_weights")
    on_time_reporting = models.FloatField("按时报送", default=30)
    target_completion = models.FloatField("目标完成", default=40)
    review_outcome = models.FloatField("审核通过", default=30)

    class Meta:
        verbose_name = verbose_name_plural = "考核权重"


@audited
class ScoreAdjustment(models.Model):
    """An office adjustment to a unit's yearly score, with the reason (加减分)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="score_adjustments")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="score_adjustments")
    year = models.PositiveSmallIntegerField("年度")
    points = models.FloatField("加减分")
    reason = models.CharField("理由", max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "unit"]
        verbose_name = verbose_name_plural = "考核加减分"
