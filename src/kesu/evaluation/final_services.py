"""Generating the final evaluation (总结评估) file: plan × format → bytes, a file name and a content type,
with the annual report's writers."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from kesu.evaluation.figures import EvaluationError
from kesu.evaluation.final_document import build_final_document
from kesu.evaluation.final_figures import final_figures, final_plan_for
from kesu.evaluation.services import CONTENT_TYPES, GeneratedReport, _renderer
from kesu.org.models import Region
from kesu.planning.models import Plan


def plan_of_region(region: Region, plan_id: int | None, today: datetime.date | None = None) -> Plan:
    """``plan_id`` if it is a plan of ``region``, else the region's newest plan whose last year has started."""
    today = today or timezone.localdate()
    if plan_id is None:
        return final_plan_for(region, today)
    plan = Plan.objects.filter(pk=plan_id, region=region).select_related("region").first()
    if plan is None:
        raise EvaluationError(f"{region.name}没有编号为{plan_id}的实施方案")
    return plan


def generate_final_report(
    plan: Plan, fmt: str, *, today: datetime.date | None = None, progress: Callable[[str], None] | None = None,
) -> GeneratedReport:
    """Assemble the figures of the whole plan period, lay out the document and write it in ``fmt``."""
    step = progress or (lambda _message: None)
    render = _renderer(fmt)
    step("读取数据")
    data = final_figures(plan, today=today)
    step("编排报告")
    document = build_final_document(data)
    step(f"生成 {fmt.upper()} 文件")
    return GeneratedReport(f"{document.title}.{fmt}", CONTENT_TYPES[fmt], render(document))
