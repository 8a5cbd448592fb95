"""Stored implementation plans (实施方案): the plan, its section tree, tasks, responsible units and targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Region, Unit
from kesu.plans.attainment import Kind
from kesu.plans.attainment import Target as AttainmentTarget


@audited
class Plan(models.Model):
    """An implementation plan (实施方案) of a region, as imported from a parsed document.

    A revised document is imported as a new version: the old Plan keeps `is_current=False` and
    tasks carried over point back to their predecessor so that report history follows the task.
    The plan of the region's next period is not a version but a successor (`preceding_plan`), whose
    tasks may carry on unfinished ones (`Task.carried_from`; kesu.supervision.succession).
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
    # The plan of the region's previous period (十四五 → 十五五), not an earlier version of this plan:
    # set when the office declares this plan its successor (kesu.supervision.succession).
    preceding_plan = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successor_plans",
        verbose_name="上一期方案",
    )
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
    # The unfinished task of the previous period's plan that this task carries on (承接), as the
    # office chose when declaring the plan a successor; unlike `predecessor`, reports do not follow it.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_into",
        verbose_name="承接自上一期任务",
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
    # The office's correction of the kind read from the text; empty: attainment.target_kind decides.
    kind = models.CharField(
        "目标类型", max_length=12, blank=True, choices=[(kind.value, kind.label) for kind in Kind],
        help_text="留空则按目标原文自动判断（每年 / 累计 / 达到 / 不超过）",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task", "order"]
        verbose_name = verbose_name_plural = "量化目标"

    def __str__(self) -> str:
        return self.text

    def attainment_target(self, deadline_year: int | None = None) -> AttainmentTarget:
        """This target as kesu.plans.attainment judges it (the office's kind, else the one read from
        the text), so that every page that weighs figures against it classifies it alike.
        ``deadline_year`` stands in when the target names no year of its own (the task's, the plan's)."""
        return AttainmentTarget.classify(
            self.value, self.comparator, self.period, self.unit, text=self.text,
            deadline_year=self.deadline_year or deadline_year, override=self.kind or None,
        )
