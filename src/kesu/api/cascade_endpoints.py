"""The /api/ endpoints of 上下联动 (kesu.cascade): a plan's parent and its tasks' links to the parent
plan's tasks or the national 纲要's headings. Reads go through kesu.cascade.selectors, writes through
kesu.cascade.services (the functions the cascade page calls: office check, row lock, audit inside).

Scope is the pages': a plan, task or link outside the user's region is 404; reading is for the
office, leaders and statisticians (the cascade page's readers), writing for the office of the plan's
region or above (403 otherwise). Coverage and consistency reads are in kesu.api.cascade_reports.
`install(api)` mounts the router and maps CascadeError to 400.
"""

from __future__ import annotations

import functools

from ninja import Field, Router, Schema, Status

from kesu.api import selectors as api_selectors
from kesu.api.schemas import ErrorOut
from kesu.cascade import selectors, services
from kesu.cascade.models import TaskLink
from kesu.org.models import Role
from kesu.org.permissions import get_visible_or_404, require_role
from kesu.planning.models import Task
from kesu.planning.selectors import visible_tasks

router = Router(tags=["上下联动"])

READERS = (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _refused(api, request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=400)


def install(api) -> None:
    # Coverage and consistency reads hang on this router; importing the module registers them.
    from kesu.api import cascade_reports  # noqa: F401

    api.add_exception_handler(services.CascadeError, functools.partial(_refused, api))
    api.add_router("", router)


# --- schemas -------------------------------------------------------------------------------------


class LinkOut(Schema):
    id: int = Field(..., description="对应编号（确认、删除时使用）")
    parent: str = Field(..., description="上级任务的序号，或国家纲要条目代码（如 A1、P3）")
    parent_task_id: int | None = Field(None, description="上级任务编号；对应国家纲要条目时为空")
    title: str = Field(..., description="上级任务或国家纲要条目的名称")
    score: float | None = Field(None, description="文本相似度（0–1）；人工更正的对应可能为空")
    state: str = Field(..., description="状态：proposed 建议 / confirmed 已确认")


class TaskLinksOut(Schema):
    id: int = Field(..., description="任务编号")
    code: str = Field(..., description="任务序号")
    title: str = Field(..., description="任务名称")
    links: list[LinkOut] = Field(..., description="该任务的对应，已确认的在前，其后按相似度从高到低")


class ParentOut(Schema):
    plan_id: int | None = Field(None, description="上级方案编号；上级为国家纲要时为空")
    title: str = Field(..., description="上级方案或国家纲要的标题")
    national: bool = Field(..., description="上级是否为国家纲要")
    version: str = Field(..., description="上级方案的版本号，或国家纲要数据文件的版本")


class ParentIn(Schema):
    national: bool = Field(False, description="true：以国家纲要为上级")
    parent_plan_id: int | None = Field(
        None, description="上级方案编号：须为本地区上级地区的现行方案；与 national 二者选一")


class ProposalOut(Schema):
    tasks: int = Field(..., description="参与对应的任务数")
    created: int = Field(..., description="新生成的对应建议数")
    kept_confirmed: int = Field(..., description="保留不变的已确认对应数")


class CorrectIn(Schema):
    parent_task_id: int | None = Field(None, description="上级方案中的任务编号")
    national_code: str | None = Field(None, description="国家纲要条目代码；与 parent_task_id 二者选一")


def _link_out(view: selectors.LinkView) -> dict:
    return {"id": view.id, "parent": view.parent, "parent_task_id": view.parent_task_id, "title": view.title,
            "score": None if view.score is None else round(view.score, 4),
            "state": "confirmed" if view.confirmed else "proposed"}


def _rows(user, plan) -> list[dict]:
    return [{"id": row.task_id, "code": row.code, "title": row.title, "links": [_link_out(v) for v in row.links]}
            for row in selectors.visible_links(user, plan)]


def readable_plan(user, plan_id: int):
    require_role(user, *READERS)
    return api_selectors.visible_plan(user=user, plan_id=plan_id)


def _task_links(user, task_id: int) -> dict:
    """One task's row of the links listing (as GET /plans/{id}/links gives it)."""
    task = Task.objects.select_related("plan").get(pk=task_id)
    return next(row for row in _rows(user, task.plan) if row["id"] == task_id)


def _link_in_scope(user, link_id: int) -> TaskLink:
    require_role(user, Role.OFFICE_ADMIN)
    return get_visible_or_404(TaskLink.objects.filter(task__in=visible_tasks(user)), pk=link_id)


# --- endpoints -----------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/parent", response={200: ParentOut | None, **ERRORS}, operation_id="get_plan_parent",
            summary="方案的上级（上级方案或国家纲要）；未设定时为 null")
def get_parent(request, plan_id: int):
    parent = selectors.parent_of(readable_plan(request.auth, plan_id))
    if parent is None:
        return None
    return {"plan_id": parent.plan_id, "title": parent.title, "national": parent.is_national,
            "version": parent.version}


@router.post("/plans/{plan_id}/parent", response={200: ParentOut, **ERRORS}, operation_id="set_plan_parent",
             summary="设定方案的上级（纲要办）",
             description="更换上级时，原有的任务对应全部删除（它们指向原上级的任务或条目）。")
def set_parent(request, plan_id: int, payload: ParentIn):
    plan = readable_plan(request.auth, plan_id)
    parent_plan = None
    if payload.parent_plan_id is not None:
        # A county's office need not see the city's plan to name it: the candidates are the plans above.
        parent_plan = services.ancestor_plans(plan).filter(pk=payload.parent_plan_id).first()
        if parent_plan is None:
            raise services.CascadeError("上级方案须是本地区上级地区的现行方案")
    services.set_parent(actor=request.auth, plan=plan, parent_plan=parent_plan, national=payload.national)
    return get_parent(request, plan_id)


@router.get("/plans/{plan_id}/links", response={200: list[TaskLinksOut], **ERRORS}, operation_id="list_plan_links",
            summary="方案各项任务与上级任务或国家纲要条目的对应",
            description="与 `kesu plans align -f json` 同形：任务的 id、title 及 links（parent、title、score，"
                        "另有 state 状态和对应编号）；单位填报员无权查看（403）。")
def list_links(request, plan_id: int):
    return _rows(request.auth, readable_plan(request.auth, plan_id))


@router.post("/plans/{plan_id}/links/propose", response={200: ProposalOut, **ERRORS},
             operation_id="propose_plan_links", summary="按文本相似度生成对应建议（纲要办）",
             description="取代此前的建议；已确认的对应保留不变。须先设定上级（否则 400）。")
def propose(request, plan_id: int):
    plan = readable_plan(request.auth, plan_id)
    result = services.propose_links(actor=request.auth, plan=plan)
    return {"tasks": result.tasks, "created": result.created, "kept_confirmed": result.kept_confirmed}


@router.post("/links/{link_id}/confirm", response={200: TaskLinksOut, **ERRORS}, operation_id="confirm_link",
             summary="确认一条对应建议（纲要办）；返回该任务的全部对应")
def confirm(request, link_id: int):
    link = _link_in_scope(request.auth, link_id)
    services.confirm_link(actor=request.auth, link=link)
    return _task_links(request.auth, link.task_id)


@router.post("/tasks/{task_id}/links", response={200: TaskLinksOut, **ERRORS}, operation_id="correct_task_link",
             summary="更正任务的对应：指定上级任务或国家纲要条目（纲要办）；返回该任务的全部对应",
             description="所指定的对应即为已确认；该任务的其他建议删除，已确认的其他对应保留。")
def correct(request, task_id: int, payload: CorrectIn):
    require_role(request.auth, Role.OFFICE_ADMIN)
    task = get_visible_or_404(visible_tasks(request.auth).select_related("plan__region"), pk=task_id)
    parent_task = None
    if payload.parent_task_id is not None:
        # The parent plan is a region above, outside a county office's scope: the service checks that
        # the task belongs to the plan's parent.
        parent_task = Task.objects.filter(pk=payload.parent_task_id).first()
        if parent_task is None:
            raise services.CascadeError("所选上级任务不存在")
    services.correct_link(actor=request.auth, task=task, parent_task=parent_task,
                          national_code=payload.national_code or None)
    return _task_links(request.auth, task_id)


@router.post("/links/{link_id}/remove", response={204: None, **ERRORS}, operation_id="remove_link",
             summary="删除一条对应（纲要办）")
def remove(request, link_id: int):
    link = _link_in_scope(request.auth, link_id)
    services.remove_link(actor=request.auth, link=link)
    return Status(204, None)
