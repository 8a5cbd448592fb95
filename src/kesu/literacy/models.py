"""Survey waves and the literacy-rate estimates computed from them.

The microdata of a wave are kept as one compressed file under MEDIA_ROOT (private) with its
sha256, not as a database row per respondent: estimates are recomputed from that file, and the
hash proves it is the file that was confirmed.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.db import models
from django.utils import timezone

from kesu.audit.registry import audited
from kesu.org.models import Region

# A domain estimate is flagged as unreliable below this many respondents or above this CI width.
MIN_RELIABLE_N = 30
MAX_RELIABLE_CI_WIDTH = 0.10
DEFAULT_CI_LEVEL = 0.95


class WaveStatus(models.TextChoices):
    ACTIVE = "active", "现行"
    SUPERSEDED = "superseded", "已被新上传数据替换"


class SourceKind(models.TextChoices):
    ANSWERS = "answers", "原始答卷（按问卷规则评分）"
    SCORED = "scored", "已评分数据（含 0/1 的 literate 列）"


class LonelyPsu(models.TextChoices):
    FAIL = "fail", "报错（fail，默认）"
    ADJUST = "adjust", "以总体均值为中心计入方差（adjust）"
    REMOVE = "remove", "不计入方差（remove）"
    AVERAGE = "average", "取其他层方差的平均（average）"
    CERTAINTY = "certainty", "视为必然入样单元（certainty）"


class CiMethod(models.TextChoices):
    LOGIT = "logit", "logit 变换（默认）"
    WALD = "wald", "Wald 正态近似"
    KORN_GRAUBARD = "korn-graubard", "Korn-Graubard"
    WILSON = "wilson", "Wilson"


@audited
class SurveyWave(models.Model):
    """One uploaded, confirmed round of the survey for a region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="survey_waves")
    year = models.PositiveSmallIntegerField("调查年份")
    name = models.CharField("名称", max_length=120)
    status = models.CharField("状态", max_length=16, choices=WaveStatus.choices, default=WaveStatus.ACTIVE)
    source_kind = models.CharField("数据类型", max_length=16, choices=SourceKind.choices)
    questionnaire_name = models.CharField("问卷评分规则", max_length=120, blank=True)
    questionnaire_version = models.CharField("规则版本", max_length=64, blank=True)
    questionnaire_source = models.CharField("规则来源", max_length=255, blank=True)
    questionnaire_config = models.TextField("上传的评分规则 YAML", blank=True)
    original_filename = models.CharField("原始文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    row_count = models.PositiveIntegerField("样本量")
    weight_column = models.CharField("权数列", max_length=128)
    strata_column = models.CharField("分层列", max_length=128, blank=True)
    psu_column = models.CharField("初级抽样单元列", max_length=128, blank=True)
    fpc_column = models.CharField("有限总体校正列", max_length=128, blank=True)
    lonely_psu = models.CharField("单 PSU 层处理", max_length=16, choices=LonelyPsu.choices, default=LonelyPsu.FAIL)
    region_column = models.CharField("区划列", max_length=128, blank=True)
    group_columns = models.JSONField("分组列", default=list, blank=True)
    data_file = models.FileField("微观数据文件", upload_to="surveys/waves/", max_length=255)
    data_sha256 = models.CharField("文件 SHA-256", max_length=64)
    ci_level = models.FloatField("置信水平", default=DEFAULT_CI_LEVEL)
    estimated_at = models.DateTimeField("估计时间", null=True, blank=True)

    class Meta:
        ordering = ["region__code", "-year", "-uploaded_at"]
        indexes = [models.Index(fields=["region", "status", "year"], name="survey_wave_region_status")]
        verbose_name = verbose_name_plural = "抽样调查轮次"

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"


class LiteracyEstimate(models.Model):
    """公民具备科学素质的比例 (a share, 0–1) of one domain of a wave, for one CI method."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="estimates")
    dimension = models.CharField("分组列", max_length=128, blank=True)  # "" for the whole population
    domain = models.JSONField("分组", default=dict, blank=True)
    domain_key = models.CharField(max_length=255, blank=True)
    ci_method = models.CharField("置信区间方法", max_length=16, choices=CiMethod.choices)
    ci_level = models.FloatField("置信水平", default=DEFAULT_CI_LEVEL)
    estimate = models.FloatField("估计值", null=True)
    se = models.FloatField("标准误", null=True)
    ci_low = models.FloatField("置信下限", null=True)
    ci_high = models.FloatField("置信上限", null=True)
    deff = models.FloatField("设计效应", null=True)
    n = models.PositiveIntegerField("样本量")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["wave", "ci_method", "order"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "ci_method", "domain_key"], name="literacy_estimate_unique_domain")
        ]
        verbose_name = verbose_name_plural = "科学素质比例估计"

    def __str__(self) -> str:
        return f"{self.domain_key or '总体'}: {self.estimate}"

    @property
    def ci_width(self) -> float | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return self.ci_high - self.ci_low

    @property
    def is_unreliable(self) -> bool:
        width = self.ci_width
        return (
            self.n < MIN_RELIABLE_N
            or self.estimate is None
            or width is None
            or not math.isfinite(width)
            or width > MAX_RELIABLE_CI_WIDTH
        )
