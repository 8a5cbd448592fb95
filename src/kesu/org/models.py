"""Regions (GB/T 2260), units (departments and organisations) and users with roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "地市级"
    COUNTY = "county", "县区级"
    TOWNSHIP = "township", "乡镇街道"


class Region(models.Model):
    """An administrative area. `path` is the chain of codes from the root, e.g. "/370000/371000/371083/",
    so that "this region and everything under it" is one indexed prefix query."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        # Paths are kept here rather than in a service because the Django admin and the shell save
        # regions too, and a stale path silently drops a whole subtree from every user's scope.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            if not {"code", "parent", "path"} & set(update_fields):
                return super().save(*args, **kwargs)
            kwargs["update_fields"] = {*update_fields, "path"}
        # The stored paths, not the instances': a parent loaded before its own parent moved is stale.
        wanted = [pk for pk in (self.pk, self.parent_id) if pk is not None]
        stored = dict(Region.objects.filter(pk__in=wanted).values_list("pk", "path")) if wanted else {}
        prefix = (stored.get(self.parent_id) or self.parent.path) if self.parent_id else "/"
        old_path = stored.get(self.pk) if self.pk is not None else None
        self.path = f"{prefix}{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Descendants carry the old prefix: swap it in one statement. Their version token is
            # replaced by this save's own post_save (kesu.caching.versions.REGIONS).
            Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
            )

    def subtree(self):
        return Region.objects.filter(path__startswith=self.path)

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)


class UnitKind(models.TextChoices):
    PARTY = "party", "党委部门"
    GOVERNMENT = "government", "政府部门"
    MASS_ORGANISATION = "mass", "群团组织"
    INSTITUTION = "institution", "事业单位及其他"
    LOWER_GOVERNMENT = "lower_government", "下级政府"


class Unit(models.Model):
    """A member unit of the region's science-literacy work (市教育局, 团市委, 市科协 …)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")
    name = models.CharField("规范名称", max_length=128)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices, default=UnitKind.GOVERNMENT)
    is_office = models.BooleanField("纲要办所在单位", default=False)
    is_active = models.BooleanField("在用", default=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region")]
        verbose_name = verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """Another spelling of a unit's name met in a plan or entered by the office."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("别名", max_length=128)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "alias"], name="unit_alias_unique")]
        indexes = [models.Index(fields=["alias"])]
        verbose_name = verbose_name_plural = "单位别名"

    def __str__(self) -> str:
        return self.alias


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", "纲要办管理员"
    UNIT_REPORTER = "unit_reporter", "单位填报员"
    LEADER = "leader", "领导"
    STATISTICIAN = "statistician", "统计人员"
    # Scores the outreach-base applications assigned to them (kesu.resources) and nothing else.
    EXPERT = "expert", "评审专家"


class User(AbstractUser):
    """A person using kesu. Office admins, leaders and statisticians act for a region (and the regions
    under it); unit reporters act for one unit only."""

    display_name = models.CharField("姓名", max_length=64, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.UNIT_REPORTER)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    phone = models.CharField("电话", max_length=32, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_office_admin(self) -> bool:
        return self.role == Role.OFFICE_ADMIN

    @property
    def is_unit_reporter(self) -> bool:
        return self.role == Role.UNIT_REPORTER

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_statistician(self) -> bool:
        return self.role == Role.STATISTICIAN

    @property
    def is_expert(self) -> bool:
        return self.role == Role.EXPERT
