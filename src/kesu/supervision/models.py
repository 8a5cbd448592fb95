"""The yearly unit scorecard (目标管理考核): weights per plan and the office's adjustments."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kesu.audit.registry import audited
from kesu.org.models import Unit
from kesu.planning.models import Plan


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
