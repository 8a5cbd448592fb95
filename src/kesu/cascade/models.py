"""Stored links between levels: which plan a plan answers to (PlanParent) and which parent task or
national heading each of its tasks carries out (TaskLink). Both audited: the office's choices are history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kesu.audit.registry import audited
from kesu.planning.models import Plan, Task


@audited
class PlanParent(models.Model):
    """The parent of a plan (上级方案): a current plan of a region above, or the national 纲要 by the
    version of its data file. One per child plan."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="cascade_parent")
    parent_plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="cascade_children", verbose_name="上级方案")
    national_version = models.CharField("国家纲要版本", max_length=32, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    set_at = models.DateTimeField("设定时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "上级方案"
        constraints = [models.CheckConstraint(
            condition=(Q(parent_plan__isnull=False) & Q(national_version=""))
            | (Q(parent_plan__isnull=True) & ~Q(national_version="")),
            name="cascade_parent_exactly_one")]

    @property
    def is_national(self) -> bool:
        return self.parent_plan_id is None

    def __str__(self) -> str:
        parent = f"国家纲要 {self.national_version}" if self.is_national else str(self.parent_plan)
        return f"{self.plan} → {parent}"


class LinkState(models.TextChoices):
    PROPOSED = "proposed", "建议"
    CONFIRMED = "confirmed", "已确认"


@audited
class TaskLink(models.Model):
    """A task's link (对应) to a parent task or a national heading code: exactly one of the two."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="cascade_links")
    parent_task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="cascade_child_links", verbose_name="上级任务")
    national_code = models.CharField("国家纲要条目", max_length=16, blank=True)
    score = models.FloatField("相似度", null=True, blank=True)
    state = models.CharField("状态", max_length=12, choices=LinkState.choices, default=LinkState.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "-state", "-score", "pk"]
        verbose_name = verbose_name_plural = "任务对应"
        constraints = [
            models.CheckConstraint(
                condition=(Q(parent_task__isnull=False) & Q(national_code=""))
                | (Q(parent_task__isnull=True) & ~Q(national_code="")),
                name="cascade_link_exactly_one"),
            models.UniqueConstraint(fields=["task", "parent_task"], condition=Q(parent_task__isnull=False),
                                    name="cascade_link_unique_parent_task"),
            models.UniqueConstraint(fields=["task", "national_code"], condition=~Q(national_code=""),
                                    name="cascade_link_unique_national"),
        ]

    @property
    def target(self) -> str:
        return self.national_code or f"task:{self.parent_task_id}"

    def __str__(self) -> str:
        return f"{self.task_id} → {self.national_code or self.parent_task_id}（{self.get_state_display()}）"


@audited
class CountyScoreWeights(models.Model):
    """Weights of the county 考核 a city's plan sets for the offices of its child plans (see
    kesu.cascade.assessment); they sum to 100 points."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="county_score_weights")
    on_time_reporting = models.FloatField("按时报送", default=30)
    target_completion = models.FloatField("目标完成", default=40)
    survey_rate = models.FloatField("科学素质比例", default=30)

    class Meta:
        verbose_name = verbose_name_plural = "县级考核权重"

    def __str__(self) -> str:
        return f"{self.plan} 县级考核权重"
