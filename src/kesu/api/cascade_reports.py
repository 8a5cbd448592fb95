"""The /api/ reads of 上下联动's coverage (kesu.cascade.coverage) and target consistency
(kesu.cascade.consistency): the frozen dataclasses of those selectors as JSON, under the scope of the
cascade page (readers: office, leaders, statisticians; another region's plan is 404). Mounted on the
router of kesu.api.cascade_endpoints."""

from __future__ import annotations

from ninja import Field, Schema

from kesu.api.cascade_endpoints import ERRORS, readable_plan, router
from kesu.cascade import consistency, coverage


class ChildPlanOut(Schema):
    plan_id: int = Field(..., description="下级方案编号")
    region: str = Field(..., description="下级方案所属地区")
    title: str = Field(..., description="下级方案标题")
    covered: int = Field(..., description="已覆盖的本方案任务数")
    proposed: int = Field(..., description="待确认（仅有较强的对应建议）的任务数")
    missing: int = Field(..., description="未覆盖的任务数")


class CellOut(Schema):
    plan_id: int = Field(..., description="下级方案编号")
    cover: str = Field(..., description="covered 已覆盖 / proposed 待确认 / missing 未覆盖")
    child_tasks: list[str] = Field(..., description="起作用的下级任务序号")


class MatrixRowOut(Schema):
    task_id: int = Field(..., description="本方案任务编号")
    code: str = Field(..., description="任务序号")
    title: str = Field(..., description="任务名称")
    cells: list[CellOut] = Field(..., description="各下级方案对该任务的覆盖，顺序同 children")


class CoverageOut(Schema):
    threshold: float = Field(..., description="对应建议计为“待确认”的最低相似度")
    children: list[ChildPlanOut] = Field(..., description="以本方案为上级的下级方案（有权查看的）")
    rows: list[MatrixRowOut] = Field(..., description="本方案任务 × 下级方案的覆盖矩阵")


class HeadingCoverOut(Schema):
    code: str = Field(..., description="国家纲要条目代码")
    title: str = Field(..., description="条目名称")
    cover: str = Field(..., description="covered 已覆盖 / proposed 待确认 / missing 未覆盖")
    tasks: list[str] = Field(..., description="覆盖该条目的本方案任务序号")


class NationalCoverageOut(Schema):
    has_parent: bool = Field(..., description="是否已设定上级")
    source: str = Field(..., description="判断依据的说明")
    through_plans: list[str] = Field(..., description="经由的上级方案标题（直接对应国家纲要时为空）")
    headings: list[HeadingCoverOut] = Field(..., description="国家纲要各条目的覆盖情况")


class HeadlineOut(Schema):
    plan_id: int | None = Field(None, description="方案编号；国家纲要为空")
    region: str = Field(..., description="地区")
    title: str = Field(..., description="方案标题")
    indicator: str = Field(..., description="总体目标指标")
    value: float | None = Field(None, description="目标值")
    unit: str = Field(..., description="单位")
    year: int | None = Field(None, description="目标年")


class HeadlineCheckOut(Schema):
    plan: HeadlineOut = Field(..., description="被比较的方案")
    parent: HeadlineOut | None = Field(None, description="其上级方案")
    national: HeadlineOut | None = Field(None, description="国家纲要同年目标")
    versus_parent: str = Field(..., description="与上级相比：一致 / 低于上级 / 不可比 / 空（无从比较）")
    versus_national: str = Field(..., description="与国家纲要相比，取值同上")


class ChildTargetOut(Schema):
    region: str = Field(..., description="下级地区")
    plan_id: int = Field(..., description="下级方案编号")
    task_code: str = Field(..., description="下级任务序号")
    text: str = Field(..., description="下级目标原文")
    value: float | None = Field(None, description="换算到上级目标单位的值；不可比时为空")
    unit: str = Field(..., description="单位")
    verdict: str = Field(..., description="逐一比较时该下级的结论；合计比较时为空")


class TargetCheckOut(Schema):
    task_id: int = Field(..., description="本方案任务编号")
    task_code: str = Field(..., description="任务序号")
    task_title: str = Field(..., description="任务名称")
    text: str = Field(..., description="目标原文")
    value: float = Field(..., description="目标值")
    unit: str = Field(..., description="单位")
    kind: str = Field(..., description="目标类别：yearly 每年 / cumulative 累计 / level 达到 / ceiling 不超过")
    rule: str = Field(..., description="比较规则")
    total: float | None = Field(None, description="下级目标合计（合计比较时）")
    verdict: str = Field(..., description="结论：一致 / 低于上级 / 高于上级上限 / 不可比 / 下级未设目标")
    children: list[ChildTargetOut] = Field(..., description="已确认对应的下级任务的目标")


class ConsistencyOut(Schema):
    headlines: list[HeadlineCheckOut] = Field(..., description="本方案及各下级方案的总体目标比较")
    targets: list[TargetCheckOut] = Field(..., description="本方案量化目标与下级目标的比较（仅限已确认的对应）")


def _headline(headline) -> dict | None:
    if headline is None:
        return None
    return {"plan_id": headline.plan_id, "region": headline.region, "title": headline.title,
            "indicator": headline.indicator, "value": headline.value, "unit": headline.unit, "year": headline.year}


@router.get("/plans/{plan_id}/coverage", response={200: CoverageOut, **ERRORS}, operation_id="get_plan_coverage",
            summary="覆盖矩阵：本方案任务 × 以本方案为上级的下级方案")
def plan_coverage(request, plan_id: int):
    matrix = coverage.task_matrix(request.auth, readable_plan(request.auth, plan_id))
    return {
        "threshold": matrix.threshold,
        "children": [{"plan_id": c.child.plan_id, "region": c.child.region, "title": c.child.title,
                      "covered": c.covered, "proposed": c.proposed, "missing": c.missing} for c in matrix.counts],
        "rows": [{"task_id": row.task_id, "code": row.code, "title": row.title,
                  "cells": [{"plan_id": child.plan_id, "cover": cell.cover.css, "child_tasks": list(cell.child_tasks)}
                            for child, cell in zip(matrix.children, row.cells, strict=True)]}
                 for row in matrix.rows],
    }


@router.get("/plans/{plan_id}/coverage/national", response={200: NationalCoverageOut, **ERRORS},
            operation_id="get_plan_national_coverage", summary="本方案对国家纲要各条目的覆盖（直接或经上级方案）")
def plan_national_coverage(request, plan_id: int):
    found = coverage.national_coverage(request.auth, readable_plan(request.auth, plan_id))
    return {"has_parent": found.has_parent, "source": found.source, "through_plans": list(found.through_plans),
            "headings": [{"code": h.code, "title": h.title, "cover": h.cover.css, "tasks": list(h.tasks)}
                         for h in found.headings]}


@router.get("/plans/{plan_id}/consistency", response={200: ConsistencyOut, **ERRORS},
            operation_id="get_plan_consistency", summary="目标一致性：总体目标与量化目标的上下级比较")
def plan_consistency(request, plan_id: int):
    plan = readable_plan(request.auth, plan_id)
    headlines = [{"plan": _headline(c.plan), "parent": _headline(c.parent), "national": _headline(c.national),
                  "versus_parent": c.versus_parent, "versus_national": c.versus_national}
                 for c in consistency.headline_checks(request.auth, plan)]
    targets = [{"task_id": c.task_id, "task_code": c.task_code, "task_title": c.task_title, "text": c.text,
                "value": c.value, "unit": c.unit, "kind": str(c.kind), "rule": c.rule, "total": c.total,
                "verdict": c.verdict,
                "children": [{"region": t.region, "plan_id": t.plan_id, "task_code": t.task_code, "text": t.text,
                              "value": t.value, "unit": t.unit, "verdict": t.verdict} for t in c.children]}
               for c in consistency.target_checks(request.auth, plan)]
    return {"headlines": headlines, "targets": targets}
