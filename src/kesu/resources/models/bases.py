"""科普教育基地: the site (OutreachBase), each application for recognition at a level
(BaseApplication: 申报 → 初审 → 评审 → 认定), the expert panel's scores, annual reports and 复核.

The base carries its current standing (level, status, validity); applications carry the path to it.
A base recognised at one level applies again for a higher one (upgrade) while keeping its current
plaque until the new recognition lands. Transitions live in kesu.resources.lifecycle.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kesu.audit.registry import audited
from kesu.org.models import Region, Unit

MAX_OPEN_DAYS = 366
MAX_VISITORS = 100_000_000


class BaseCategory(models.TextChoices):
    VENUE = "venue", "场馆类"
    EDUCATION = "education", "教育类"
    RESEARCH = "research", "科研类"
    PRODUCTION = "production", "生产类"
    TOURISM = "tourism", "旅游类"
    OTHER = "other", "其他"


class BaseLevel(models.TextChoices):
    """Ordered from the lowest: the order is what makes an application an upgrade."""

    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国家级"

    @classmethod
    def rank(cls, level: str) -> int:
        return [choice.value for choice in cls].index(level)


class BaseStatus(models.TextChoices):
    CANDIDATE = "candidate", "申报中"  # never recognised yet
    RECOGNISED = "recognised", "已认定"
    RECTIFYING = "rectifying", "限期整改"
    REVOKED = "revoked", "已撤销（摘牌）"


# Bases that count as recognised in statistics and in the public directory.
STANDING_STATUSES = (BaseStatus.RECOGNISED, BaseStatus.RECTIFYING)


@audited
class OutreachBase(models.Model):
    name = models.CharField("名称", max_length=128)
    category = models.CharField("类别", max_length=12, choices=BaseCategory.choices, default=BaseCategory.OTHER)
    host_organisation = models.CharField("依托单位", max_length=128)
    address = models.CharField("地址", max_length=255, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    exhibition_area = models.FloatField("展教面积（平方米）", validators=[MinValueValidator(0)])
    annual_visitors = models.PositiveIntegerField("年接待人次", validators=[MaxValueValidator(MAX_VISITORS)])
    open_days = models.PositiveSmallIntegerField("年开放天数", validators=[MaxValueValidator(MAX_OPEN_DAYS)])
    staff = models.PositiveIntegerField("工作人员数", default=0)
    guides = models.PositiveIntegerField("讲解员数", default=0)
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    description = models.TextField("简介", blank=True)
    applicant_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="申报单位"
    )
    applicant_organisation = models.ForeignKey(
        "resources.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="bases",
        verbose_name="申报组织",
    )
    # Current standing, written only by kesu.resources.lifecycle.
    level = models.CharField("认定级别", max_length=10, choices=BaseLevel.choices, blank=True)
    status = models.CharField("状态", max_length=12, choices=BaseStatus.choices, default=BaseStatus.CANDIDATE)
    recognised_year = models.PositiveSmallIntegerField("认定年度", null=True, blank=True)
    valid_until = models.PositiveSmallIntegerField("有效期至（年）", null=True, blank=True)
    next_re_examination_year = models.PositiveSmallIntegerField("下次复核年度", null=True, blank=True)
    plaque_number = models.CharField("牌匾编号", max_length=64, blank=True)
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    revoked_year = models.PositiveSmallIntegerField("撤销年度", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["region__code", "name"]
        constraints = [
            # Same name in the same region is the same base: imports update it, applications refuse it.
            models.UniqueConstraint(fields=["region", "name"], name="outreach_base_unique_name_in_region"),
            models.CheckConstraint(condition=Q(exhibition_area__gte=0), name="outreach_base_area_not_negative"),
            models.CheckConstraint(condition=Q(open_days__lte=MAX_OPEN_DAYS), name="outreach_base_open_days_max"),
            models.CheckConstraint(condition=Q(annual_visitors__lte=MAX_VISITORS), name="outreach_base_visitors_max"),
        ]
        indexes = [
            models.Index(fields=["status", "level"]),
            models.Index(fields=["region", "status"]),
        ]
        verbose_name = verbose_name_plural = "科普教育基地"

    def __str__(self) -> str:
        return self.name

    @property
    def is_standing(self) -> bool:
        return self.status in STANDING_STATUSES


@audited
class LevelPolicy(models.Model):
    """How an office runs recognition at one level: validity of a plaque, years between 复核, and the
    review criteria (ReviewCriterion). The policy of the nearest region up the tree applies."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name="制定地区")
    level = models.CharField("级别", max_length=10, choices=BaseLevel.choices)
    validity_years = models.PositiveSmallIntegerField("认定有效期（年）", default=5)
    re_examination_years = models.PositiveSmallIntegerField("复核周期（年）", default=3)
    pass_score = models.FloatField("通过分数线（百分制）", default=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "level"], name="level_policy_unique")]
        verbose_name = verbose_name_plural = "认定规则"

    def __str__(self) -> str:
        return f"{self.region.name}·{self.get_level_display()}"


@audited
class ReviewCriterion(models.Model):
    policy = models.ForeignKey(LevelPolicy, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("评审指标", max_length=64)
    max_score = models.FloatField("满分", validators=[MinValueValidator(0.5)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["policy", "order", "id"]
        verbose_name = verbose_name_plural = "评审指标"

    def __str__(self) -> str:
        return f"{self.name}（{self.max_score:g}分）"


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", "已申报"
    RETURNED = "returned", "初审退回"
    SCREENED = "screened", "初审通过"
    UNDER_REVIEW = "under_review", "专家评审中"
    RECOGNISED = "recognised", "已认定"
    DECLINED = "declined", "未予认定"


OPEN_APPLICATION_STATUSES = (
    ApplicationStatus.APPLIED, ApplicationStatus.RETURNED, ApplicationStatus.SCREENED, ApplicationStatus.UNDER_REVIEW,
)


@audited
class BaseApplication(models.Model):
    """One request that a base be recognised at `level` (first recognition or upgrade)."""

    base = models.ForeignKey(OutreachBase, on_delete=models.CASCADE, related_name="applications")
    level = models.CharField("申报级别", max_length=10, choices=BaseLevel.choices)
    year = models.PositiveSmallIntegerField("申报年度")
    status = models.CharField("状态", max_length=14, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField("申报时间", auto_now_add=True)
    screening_comment = models.TextField("初审意见", blank=True)
    decision_comment = models.TextField("认定意见", blank=True)
    plaque_number = models.CharField("牌匾编号", max_length=64, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)
    # Recognitions recorded from an existing register (import) never went through kesu's review.
    recorded = models.BooleanField("据已有名录登记", default=False)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [
            # One open application per base at a time: a second one would race the first to the plaque.
            models.UniqueConstraint(
                fields=["base"], condition=Q(status__in=[s.value for s in OPEN_APPLICATION_STATUSES]),
                name="base_application_one_open",
            )
        ]
        indexes = [models.Index(fields=["status", "level"]), models.Index(fields=["year", "level", "status"])]
        verbose_name = verbose_name_plural = "基地申报"

    def __str__(self) -> str:
        return f"{self.base.name}·{self.get_level_display()}·{self.year}"


@audited
class ReviewAssignment(models.Model):
    """An expert on the panel reviewing one application; the expert sees only these."""

    application = models.ForeignKey(BaseApplication, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey("resources.Expert", on_delete=models.PROTECT, related_name="assignments")
    submitted_at = models.DateTimeField("评分提交时间", null=True, blank=True)
    comment = models.TextField("评审意见", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="review_assignment_unique")
        ]
        verbose_name = verbose_name_plural = "评审分工"

    def __str__(self) -> str:
        return f"{self.application}·{self.expert.name}"


@audited
class ReviewScore(models.Model):
    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField("得分", validators=[MinValueValidator(0)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="review_score_unique")]
        verbose_name = verbose_name_plural = "评审得分"

    def __str__(self) -> str:
        return f"{self.criterion.name}={self.score:g}"


@audited
class BaseAnnualReport(models.Model):
    """What a recognised base reports for a year (年报)."""

    base = models.ForeignKey(OutreachBase, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveSmallIntegerField("年度")
    visitors = models.PositiveIntegerField("接待人次", validators=[MaxValueValidator(MAX_VISITORS)])
    activities = models.PositiveIntegerField("开展活动次数")
    open_days = models.PositiveSmallIntegerField("开放天数", validators=[MaxValueValidator(MAX_OPEN_DAYS)])
    summary = models.TextField("工作总结", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["base", "-year"]
        constraints = [models.UniqueConstraint(fields=["base", "year"], name="base_annual_report_unique")]
        indexes = [models.Index(fields=["year"])]
        verbose_name = verbose_name_plural = "基地年报"

    def __str__(self) -> str:
        return f"{self.base.name}·{self.year}年报"


class ReExaminationOutcome(models.TextChoices):
    PASSED = "passed", "通过"
    RECTIFY = "rectify", "限期整改"
    REVOKED = "revoked", "撤销（摘牌）"


@audited
class ReExamination(models.Model):
    """One 复核 of a recognised base and its outcome."""

    base = models.ForeignKey(OutreachBase, on_delete=models.CASCADE, related_name="re_examinations")
    year = models.PositiveSmallIntegerField("复核年度")
    outcome = models.CharField("结论", max_length=10, choices=ReExaminationOutcome.choices)
    comment = models.TextField("复核意见", blank=True)
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["base", "-decided_at"]
        verbose_name = verbose_name_plural = "基地复核"

    def __str__(self) -> str:
        return f"{self.base.name}·{self.year}复核·{self.get_outcome_display()}"
