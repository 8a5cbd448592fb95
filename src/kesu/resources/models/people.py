"""People and organisations behind outreach: 科普专家库/讲师团, 科技志愿服务队 and their volunteers
with service records, 科普信息员, and 科普组织 (学会, 农技协, 科普协会).

Phone and ID numbers are personal data: only office admins see them in full (kesu.resources.masking);
exports mask them unless asked; the public directory never reads these models.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Region

MAX_SERVICE_HOURS = 24
MIN_SERVICE_HOURS = 0.1


class ExpertiseTag(models.Model):
    """The controlled vocabulary of expertise (loaded by migration; offices may add through admin)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "专长领域"

    def __str__(self) -> str:
        return self.name


class Availability(models.TextChoices):
    AVAILABLE = "available", "可随时邀请"
    LIMITED = "limited", "需提前预约"
    UNAVAILABLE = "unavailable", "暂不可用"


@audited
class Expert(models.Model):
    name = models.CharField("姓名", max_length=64)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    field = models.CharField("学科领域", max_length=64, blank=True)
    title = models.CharField("职称", max_length=64, blank=True)
    organisation = models.CharField("工作单位", max_length=128, blank=True)
    tags = models.ManyToManyField(ExpertiseTag, blank=True, related_name="experts", verbose_name="专长")
    availability = models.CharField(
        "可邀请情况", max_length=12, choices=Availability.choices, default=Availability.AVAILABLE
    )
    is_lecturer = models.BooleanField("讲师团成员", default=False)
    is_emergency = models.BooleanField("应急科普专家", default=False)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    # The account an expert signs in with to score the applications assigned to them.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="expert_profile",
        verbose_name="登录账号",
    )
    is_active = models.BooleanField("在库", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="expert_unique_name_in_region")]
        verbose_name = verbose_name_plural = "科普专家"

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    SCIENCE = "science", "科技志愿服务队"
    SENIOR = "senior", "银龄科普志愿服务队"
    YOUTH = "youth", "青年科普志愿服务队"
    EMERGENCY = "emergency", "应急科普志愿服务队"
    OTHER = "other", "其他"


@audited
class VolunteerTeam(models.Model):
    name = models.CharField("队伍名称", max_length=128)
    kind = models.CharField("类型", max_length=12, choices=TeamKind.choices, default=TeamKind.SCIENCE)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    host_organisation = models.CharField("依托单位", max_length=128, blank=True)
    leader_name = models.CharField("负责人", max_length=64, blank=True)
    leader_phone = models.CharField("负责人电话", max_length=32, blank=True)
    founded_year = models.PositiveSmallIntegerField("成立年份", null=True, blank=True)
    is_active = models.BooleanField("在册", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="volunteer_team_unique_name_in_region")]
        verbose_name = verbose_name_plural = "科技志愿服务队"

    def __str__(self) -> str:
        return self.name


@audited
class Volunteer(models.Model):
    name = models.CharField("姓名", max_length=64)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    team = models.ForeignKey(
        VolunteerTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteers",
        verbose_name="所属队伍",
    )
    skills = models.CharField("专长", max_length=128, blank=True)
    is_senior = models.BooleanField("银龄志愿者", default=False)
    registered_on = models.DateField("注册日期", null=True, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    is_active = models.BooleanField("在册", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="volunteer_unique_name_in_region")]
        verbose_name = verbose_name_plural = "科普志愿者"

    def __str__(self) -> str:
        return self.name


@audited
class ServiceRecord(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="service_records")
    date = models.DateField("服务日期")
    activity = models.ForeignKey(
        "resources.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="service_records",
        verbose_name="所属活动",
    )
    description = models.CharField("服务内容", max_length=255)
    hours = models.FloatField(
        "服务时长（小时）", validators=[MinValueValidator(MIN_SERVICE_HOURS), MaxValueValidator(MAX_SERVICE_HOURS)]
    )
    beneficiaries = models.PositiveIntegerField("服务人次", default=0)

    class Meta:
        ordering = ["volunteer", "-date"]
        indexes = [models.Index(fields=["date"])]
        verbose_name = verbose_name_plural = "志愿服务记录"

    def __str__(self) -> str:
        return f"{self.volunteer.name}·{self.date}·{self.hours:g}小时"


@audited
class Messenger(models.Model):
    """科普信息员: a person in a village or community who relays outreach content."""

    name = models.CharField("姓名", max_length=64)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    community = models.CharField("村（社区）", max_length=64)
    organisation = models.CharField("工作单位", max_length=128, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    since = models.DateField("聘任日期", null=True, blank=True)
    is_active = models.BooleanField("在册", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["region__code", "community", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="messenger_unique_name_in_region")]
        verbose_name = verbose_name_plural = "科普信息员"

    def __str__(self) -> str:
        return f"{self.name}（{self.community}）"


class OrganisationKind(models.TextChoices):
    SOCIETY = "society", "学会"
    RURAL_ASSOCIATION = "rural", "农技协"
    OUTREACH_ASSOCIATION = "outreach", "科普协会"
    RESEARCH_SOCIETY = "research", "研究会"
    OTHER = "other", "其他"


@audited
class Organisation(models.Model):
    name = models.CharField("名称", max_length=128)
    kind = models.CharField("类型", max_length=10, choices=OrganisationKind.choices, default=OrganisationKind.SOCIETY)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    members = models.PositiveIntegerField("会员数", default=0)
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    is_active = models.BooleanField("在册", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name_in_region")]
        verbose_name = verbose_name_plural = "科普组织"

    def __str__(self) -> str:
        return self.name
