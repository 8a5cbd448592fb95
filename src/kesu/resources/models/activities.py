"""科普活动: what was held, by whom, where, for whom and how many came; linked to the bases, experts
and teams involved and to the plan tasks it served. A unit may attach its activity to its own
progress report as evidence (ActivityEvidence)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from kesu.audit.registry import audited
from kesu.org.models import Region, Unit

MAX_PARTICIPANTS = 100_000_000
MAX_ONLINE_REACH = 2_000_000_000


class ActivityKind(models.TextChoices):
    SCIENCE_DAY = "science_day", "全国科普日"
    SCIENCE_WEEK = "science_week", "科技活动周"
    COUNTRYSIDE = "countryside", "科技下乡（三下乡）"
    LECTURE = "lecture", "科普讲座"
    EXHIBITION = "exhibition", "科普展览"
    COMPETITION = "competition", "科普竞赛"
    TRAINING = "training", "培训"
    OTHER = "other", "其他"


class Audience(models.TextChoices):
    """The 纲要's five key groups, then everyone else."""

    YOUTH = "youth", "青少年"
    FARMERS = "farmers", "农民"
    WORKERS = "workers", "产业工人"
    ELDERLY = "elderly", "老年人"
    OFFICIALS = "officials", "领导干部和公务员"
    PUBLIC = "public", "社会公众"


@audited
class Activity(models.Model):
    name = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=14, choices=ActivityKind.choices, default=ActivityKind.OTHER)
    organiser = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="主办单位"
    )
    organiser_name = models.CharField("主办单位（名录外）", max_length=128, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="举办区划")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    # Kept with the row so that per-year statistics group on an indexed column, not a date function.
    year = models.PositiveSmallIntegerField("年度", editable=False)
    place = models.CharField("地点", max_length=200, blank=True)
    audiences = models.CharField("面向人群", max_length=80, blank=True, help_text="以逗号分隔的人群代码")
    participants = models.PositiveIntegerField("参与人次", default=0, validators=[MaxValueValidator(MAX_PARTICIPANTS)])
    online_reach = models.PositiveBigIntegerField("线上传播人次", default=0, validators=[MaxValueValidator(MAX_ONLINE_REACH)])
    description = models.TextField("活动简介", blank=True)
    bases = models.ManyToManyField("resources.OutreachBase", blank=True, related_name="activities", verbose_name="依托基地")
    experts = models.ManyToManyField("resources.Expert", blank=True, related_name="activities", verbose_name="参与专家")
    teams = models.ManyToManyField("resources.VolunteerTeam", blank=True, related_name="activities", verbose_name="参与队伍")
    tasks = models.ManyToManyField("planning.Task", blank=True, related_name="+", verbose_name="对应方案任务")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="activity_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["region", "year"]),
            # The registry feeds count a year's activities by region and kind (feeds.py, 11 GROUP BYs per
            # recount): with these columns in the index PostgreSQL answers them from the index alone.
            models.Index(fields=["year", "kind", "region", "participants", "online_reach", "id"],
                         name="activity_year_rollup_idx"),
            models.Index(fields=["organiser", "-start_date"]),
            models.Index(fields=["-start_date", "-id"]),
        ]
        verbose_name = verbose_name_plural = "科普活动"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.year = self.start_date.year
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "start_date" in update_fields:
            kwargs["update_fields"] = {*update_fields, "year"}
        super().save(*args, **kwargs)

    @property
    def audience_list(self) -> list[str]:
        return [code for code in self.audiences.split(",") if code]

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels.get(code, code) for code in self.audience_list]


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="activities/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = verbose_name_plural = "活动照片"

    def __str__(self) -> str:
        return self.original_name


@audited
class ActivityEvidence(models.Model):
    """An activity offered as evidence in a progress report of the unit that organised it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence_links")
    report = models.ForeignKey("progress.ProgressReport", on_delete=models.CASCADE, related_name="+")
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "report"], name="activity_evidence_unique")]
        verbose_name = verbose_name_plural = "活动佐证"

    def __str__(self) -> str:
        return f"{self.activity.name}→报告{self.report_id}"
