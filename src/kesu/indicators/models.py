"""Outreach statistics (科普统计): data elements, indicators, data sets, values, validation rules,
review of a region's values for a period, and links from plan targets to indicators.

A period is (year, quarter) with quarter 0 meaning the whole year; values of quarters aggregate to
the year by the element's aggregation rule (see kesu.indicators.aggregation).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from kesu.audit.registry import audited
from kesu.indicators.feeds import Feed, feed_for
from kesu.org.models import Region, Unit


class ValueType(models.TextChoices):
    NUMBER = "number", "数值"
    INTEGER = "integer", "整数"
    PERCENTAGE = "percentage", "百分比"


class AggregationRule(models.TextChoices):
    SUM = "sum", "求和"
    AVERAGE = "average", "平均"
    LAST = "last", "期末值（跨期取最后一期，跨区划求和）"
    NONE = "none", "不汇总"


class Category(models.Model):
    """A disaggregation (分类), e.g. 人员类型 with options 专职/兼职."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=64)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "分类"

    def __str__(self) -> str:
        return self.name


class CategoryOption(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="options")
    code = models.CharField("代码", max_length=40)
    name = models.CharField("名称", max_length=64)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "order"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="category_option_unique_code")]
        verbose_name = verbose_name_plural = "分类项"

    def __str__(self) -> str:
        return self.name


class ElementGroup(models.TextChoices):
    PERSONNEL = "personnel", "科普人员"
    VENUES = "venues", "科普场地"
    FUNDING = "funding", "科普经费"
    MEDIA = "media", "科普传媒"
    ACTIVITIES = "activities", "科普活动"
    CONTEXT = "context", "基础数据"


@audited
class DataElement(models.Model):
    """A quantity collected from regions (数据项). `owner` is the office that defined it; None for the
    national set loaded by `kesu indicators seed`, which no office edits (see permissions)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=80)
    definition = models.TextField("定义与口径", blank=True)
    group = models.CharField("类别", max_length=16, choices=ElementGroup.choices, default=ElementGroup.ACTIVITIES)
    value_type = models.CharField("数值类型", max_length=12, choices=ValueType.choices, default=ValueType.NUMBER)
    unit = models.CharField("计量单位", max_length=16)
    aggregation = models.CharField(
        "汇总方式", max_length=10, choices=AggregationRule.choices, default=AggregationRule.SUM
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="elements",
        help_text="按分类项分别填报，合计由分类项相加得出",
    )
    order = models.PositiveIntegerField("排序", default=0)
    owner = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="定义地区"
    )
    active = models.BooleanField(
        "启用", default=True,
        help_text="停用的数据项不再出现在填报页、模板和列表中，已有数据和据此计算的指标保留",
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "数据项"

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    @property
    def feed(self) -> Feed | None:
        """The registry that fills this element (then it is not entered by hand), if any."""
        return feed_for(self.code)


@audited
class Indicator(models.Model):
    """A derived measure: numerator / denominator × factor over data-element references."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=80)
    definition = models.TextField("定义与口径", blank=True)
    group = models.CharField("类别", max_length=16, choices=ElementGroup.choices, default=ElementGroup.ACTIVITIES)
    numerator = models.CharField("分子公式", max_length=500)
    denominator = models.CharField("分母公式", max_length=500, blank=True, help_text="留空表示不除")
    factor = models.FloatField("系数", default=1.0)
    unit = models.CharField("计量单位", max_length=24)
    decimals = models.PositiveSmallIntegerField("小数位", default=1)
    keywords = models.CharField(
        "匹配关键词", max_length=255, blank=True, help_text="以顿号分隔，用于把方案中的量化目标匹配到本指标"
    )
    order = models.PositiveIntegerField("排序", default=0)
    owner = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="定义地区"
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "指标"

    def __str__(self) -> str:
        return self.name


class DataSet(models.Model):
    """A form of elements reported together (科普统计年报)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=64)
    quarterly = models.BooleanField("按季度填报", default=False)
    elements = models.ManyToManyField(DataElement, related_name="data_sets")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "报表"

    def __str__(self) -> str:
        return self.name


class ValueStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    ACCEPTED = "accepted", "已通过"
    RETURNED = "returned", "已退回"


LOCKED_STATUSES = (ValueStatus.SUBMITTED, ValueStatus.ACCEPTED)


class ValueSource(models.TextChoices):
    MANUAL = "manual", "手工填报"
    # Written by kesu.indicators.feed_sync from a registry (kesu.indicators.feeds), never by hand.
    REGISTRY = "registry", "登记册"


@audited
class DataValue(models.Model):
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    option = models.ForeignKey(CategoryOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", default=0, help_text="0 表示全年")
    value = models.FloatField("数值")
    status = models.CharField("状态", max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT)
    source = models.CharField("来源", max_length=10, choices=ValueSource.choices, default=ValueSource.MANUAL)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One value per cell; NULL option/unit count as one cell (NULLs are distinct in plain UNIQUE).
            models.UniqueConstraint(
                F("element"), F("region"), F("year"), F("quarter"),
                Coalesce("option", Value(0)), Coalesce("unit", Value(0)),
                name="data_value_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["year", "element"]), models.Index(fields=["region", "year"])]
        verbose_name = verbose_name_plural = "数据值"

    def __str__(self) -> str:
        period = f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "")
        return f"{self.region_id}·{self.element_id}·{period}={self.value}"


class BlankKind(models.TextChoices):
    UNAVAILABLE = "unavailable", "数据暂缺"
    NOT_APPLICABLE = "not_applicable", "不适用"
    OTHER = "other", "其他"


@audited
class BlankReason(models.Model):
    """Why a cell of a data set is left blank. A blank is not a zero: before 报送 every cell holds a
    number (0 included) or says why it has none (kesu.indicators.services.submit)."""

    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+", verbose_name="数据项")
    option = models.ForeignKey(
        CategoryOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="分类项"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="区划")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="单位")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", default=0, help_text="0 表示全年")
    kind = models.CharField("空项原因", max_length=16, choices=BlankKind.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="填报人",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                F("element"), F("region"), F("year"), F("quarter"),
                Coalesce("option", Value(0)), Coalesce("unit", Value(0)),
                name="blank_reason_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["region", "year"])]
        verbose_name = verbose_name_plural = "空项原因"

    def __str__(self) -> str:
        period = f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "")
        return f"{self.element.name}·{period}：{self.text}"

    @property
    def text(self) -> str:
        """The reason as shown: "数据暂缺", or the office's own words for "其他"."""
        if self.kind == BlankKind.OTHER:
            return self.note or self.get_kind_display()
        return f"{self.get_kind_display()}（{self.note}）" if self.note else self.get_kind_display()


@audited
class Submission(models.Model):
    """The review state of one region's (or unit's) data set for one period."""

    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="submissions")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", default=0)
    status = models.CharField("状态", max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    comment = models.TextField("审核意见", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                F("data_set"), F("region"), F("year"), F("quarter"), Coalesce("unit", Value(0)),
                name="submission_unique_period",
            )
        ]
        verbose_name = verbose_name_plural = "报表审核"

    def __str__(self) -> str:
        return f"{self.data_set_id}·{self.region_id}·{self.year}Q{self.quarter}:{self.status}"


class RuleOperator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    GE = ">=", "≥"
    GT = ">", ">"
    EQ = "==", "="
    JUMP = "jump", "同比变动不超过（%）"


class RuleImportance(models.TextChoices):
    ERROR = "error", "错误（阻止报送）"
    WARNING = "warning", "提示"


class ValidationRule(models.Model):
    """left operator right over element references (same syntax as indicator formulas). For the
    `jump` operator `right` is a percentage: |this year / last year − 1| above it is flagged."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=80)
    left = models.CharField("左侧公式", max_length=500)
    operator = models.CharField("运算符", max_length=4, choices=RuleOperator.choices)
    right = models.CharField("右侧公式", max_length=500)
    importance = models.CharField("重要性", max_length=8, choices=RuleImportance.choices)
    message = models.CharField("提示信息", max_length=255)
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rules")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "校验规则"

    def __str__(self) -> str:
        return self.name


class LinkStatus(models.TextChoices):
    SUGGESTED = "suggested", "待确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已否决"


@audited
class TargetLink(models.Model):
    """Which indicator measures a plan's quantitative target; suggested by the matcher, confirmed by
    the office."""

    target = models.OneToOneField("planning.Target", on_delete=models.CASCADE, related_name="indicator_link")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="target_links")
    score = models.FloatField("匹配得分", default=0)
    status = models.CharField("状态", max_length=10, choices=LinkStatus.choices, default=LinkStatus.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "目标与指标关联"

    def __str__(self) -> str:
        return f"{self.target_id}→{self.indicator.code}"
