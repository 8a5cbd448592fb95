"""The /api/ endpoints: thin functions over kesu.api.selectors (reads) and kesu.progress.services
(writes: the same functions the pages call, so the rules, row locks, revision checks and audit are
the web's). Objects out of scope are 404 (kesu.org.permissions); the services' refusals become HTTP
statuses in one table below (REFUSAL_STATUS)."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema, Status, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from kesu.api import cascade_endpoints, content_endpoints, resources_endpoints, selectors
from kesu.api.schemas import (
    ErrorOut,
    PlanDetailOut,
    PlanOut,
    ReportDetailOut,
    ReportDraftIn,
    ReportOut,
    TaskDetailOut,
    TaskPage,
    TaskStatusOut,
    TaskStatusPage,
    TransitionIn,
    UnitDetailOut,
    UnitOut,
    task_status_out,
)
from kesu.api.tokens import user_for_token
from kesu.caching import fragments
from kesu.planning.models import Task
from kesu.progress import services
from kesu.progress.models import ReportStatus
from kesu.supervision.page_cache import plan_status_key


class BearerToken(HttpBearer):
    """Authorization: Bearer <token>, a token made with `kesu tokens create USERNAME`."""

    def authenticate(self, request, token: str):
        user = user_for_token(token.strip())
        if user is not None:
            # The audit middleware saw an anonymous session; the token's owner is the actor.
            request.user = user
        return user


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=500, description="每页条数（1–500，默认 50）")
        offset: int = Field(0, ge=0, description="跳过的条数")


api = NinjaAPI(
    title="科素 kesu 数据接口",
    version="1",
    description=(
        "全民科学素质行动实施方案、任务、责任单位与进度报告的数据接口。"
        "以 `Authorization: Bearer <令牌>` 认证（令牌由 `kesu tokens create 用户名` 生成）；"
        "权限与网页一致：单位填报员只能看到本单位承担的任务和本单位的报告，领导只读。"
        "错误以 JSON `{\"detail\": \"…\"}` 返回：400 请求有误，401 未认证，403 角色无权，"
        "404 对象不存在或不在权限范围内，409 修订号过期或重复报送。"
    ),
    urls_namespace="api",
    auth=BearerToken(),
    # validatorUrl=None: Swagger UI would otherwise send the document to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "对象不存在或无权查看 / not found"}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作 / forbidden"}, status=403)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = api.create_response(
        request, {"detail": "未认证：请提供有效的令牌 Authorization: Bearer <令牌> / authentication required"},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="kesu"'
    return response


@api.exception_handler(ValidationError)
def _invalid_request(request, exc):
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', '')}" for error in exc.errors
    )
    return api.create_response(request, {"detail": f"请求有误 / invalid request: {problems}"}, status=400)


@api.exception_handler(DjangoValidationError)
def _invalid_data(request, exc):
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=400)


# The one map from the workflow's refusals to HTTP statuses: the first class the error is an instance
# of decides (subclasses before ReportError).
REFUSAL_STATUS = (
    (services.ReportPermissionError, 403),
    (services.StaleReportError, 409),
    (services.IllegalTransitionError, 409),
    (services.ReportError, 400),
)


@api.exception_handler(services.ReportError)
def _refused(request, exc):
    status = next(code for kind, code in REFUSAL_STATUS if isinstance(exc, kind))
    return api.create_response(request, {"detail": str(exc)}, status=status)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# 科普资源 (/api/resources/...) and its refusals' statuses live in their own module.
resources_endpoints.install(api)
# 上下联动 (/api/plans/{id}/links, /api/links/...): a plan's parent and its tasks' links.
cascade_endpoints.install(api)
# 科普内容 (/api/content/..., /api/rumours/..., /api/emergencies/...): the library, its review and
# distribution, rumours and emergency events.
content_endpoints.install(api)


# --- plans ---------------------------------------------------------------------------------------


@api.get("/plans", response={200: list[PlanOut], **ERRORS}, operation_id="list_plans", tags=["实施方案"],
         summary="可见的实施方案")
@paginate(Pagination)
def list_plans(request):
    return selectors.plan_list(user=request.auth)


@api.get("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS}, operation_id="get_plan",
         tags=["实施方案"], summary="实施方案详情（章节、填报周期）")
def get_plan(request, plan_id: int):
    return selectors.plan_detail(user=request.auth, plan_id=plan_id)


class TaskFilter(Schema):
    unit: int | None = Field(None, description="只列出该单位承担（牵头或参与）的任务")
    group: int | None = Field(None, description="只列出该提升行动或重点工程（章节编号）下的任务")
    status: Literal["green", "amber", "red"] | None = Field(
        None, description="只列出该灯色的任务：green 绿灯 / amber 黄灯 / red 红灯"
    )
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500，默认 50）")
    offset: int = Field(0, ge=0, description="跳过的条数")


@api.get("/plans/{plan_id}/tasks", response={200: TaskPage, **ERRORS}, operation_id="list_plan_tasks",
         tags=["任务"], summary="方案的任务及灯色（可按责任单位、状态、分组筛选）")
def list_plan_tasks(request, plan_id: int, filters: Query[TaskFilter]):
    count, rows = selectors.task_status_page(
        user=request.auth, plan_id=plan_id, offset=filters.offset, limit=filters.limit,
        unit_id=filters.unit, group_id=filters.group, colour=filters.status,
    )
    items = []
    for task, status, _ in rows:
        task.status = status.key
        items.append(task)
    return {"count": count, "items": items}


@api.get("/plans/{plan_id}/statuses", response={200: TaskStatusPage, **ERRORS}, operation_id="list_plan_statuses",
         tags=["任务"], summary="方案全部任务的状态（红黄绿灯）及原因，分页")
def list_plan_statuses(request, plan_id: int, filters: Query[TaskFilter]):
    user = request.auth
    plan = selectors.visible_plan(user=user, plan_id=plan_id)
    today = timezone.localdate()
    # Polled by dashboards elsewhere: the serialised page is kept until the plan's data, the day or the
    # thresholds change (kesu.supervision.page_cache), per viewpoint and query.
    key = ("api:statuses", *plan_status_key(plan, today), selectors.status_viewpoint(user),
           tuple(filters.model_dump().items()))

    def serialised_page():
        count, rows = selectors.task_status_page(
            user=user, plan_id=plan_id, offset=filters.offset, limit=filters.limit,
            unit_id=filters.unit, group_id=filters.group, colour=filters.status, today=today,
        )
        page = TaskStatusPage.model_validate({"count": count, "items": [task_status_out(*row) for row in rows]})
        return api.renderer.render(request, page.model_dump(), response_status=200)

    return HttpResponse(fragments.get_or_compute(key, serialised_page), content_type=api.get_content_type())


@api.get("/tasks/{task_id}", response={200: TaskDetailOut, **ERRORS}, operation_id="get_task", tags=["任务"],
         summary="任务详情（量化目标、责任单位、最近报告、灯色）")
def get_task(request, task_id: int):
    task = selectors.task_detail(user=request.auth, task_id=task_id)
    task.latest_reports = selectors.latest_reports_for_task(user=request.auth, task=task)
    [(_, status, _)] = selectors.statuses_for(user=request.auth, tasks=Task.objects.filter(pk=task.pk))
    task.status = status.key
    return task


@api.get("/tasks/{task_id}/status", response={200: TaskStatusOut, **ERRORS}, operation_id="get_task_status",
         tags=["任务"], summary="任务状态（红黄绿灯）及原因")
def get_task_status(request, task_id: int):
    task = selectors.task_detail(user=request.auth, task_id=task_id)
    [row] = selectors.statuses_for(user=request.auth, tasks=Task.objects.filter(pk=task.pk))
    return task_status_out(*row)


# --- units ---------------------------------------------------------------------------------------


@api.get("/units", response={200: list[UnitOut], **ERRORS}, operation_id="list_units", tags=["责任单位"],
         summary="可见的单位")
@paginate(Pagination)
def list_units(request):
    return selectors.unit_list(user=request.auth)


@api.get("/units/{unit_id}", response={200: UnitDetailOut, **ERRORS}, operation_id="get_unit",
         tags=["责任单位"], summary="单位详情")
def get_unit(request, unit_id: int):
    return selectors.unit_detail(user=request.auth, unit_id=unit_id)


# --- reports -------------------------------------------------------------------------------------


class ReportFilter(Schema):
    plan: int | None = Field(None, description="实施方案编号")
    task: int | None = Field(None, description="任务编号")
    unit: int | None = Field(None, description="填报单位编号")
    period: int | None = Field(None, description="填报周期编号")
    status: ReportStatus | None = Field(None, description="状态")


@api.get("/reports", response={200: list[ReportOut], **ERRORS}, operation_id="list_reports",
         tags=["进度报告"], summary="可见的进度报告（可筛选）")
@paginate(Pagination)
def list_reports(request, filters: Query[ReportFilter]):
    return selectors.report_list(
        user=request.auth, plan_id=filters.plan, task_id=filters.task, unit_id=filters.unit,
        period_id=filters.period, status=filters.status,
    )


@api.get("/reports/{report_id}", response={200: ReportDetailOut, **ERRORS}, operation_id="get_report",
         tags=["进度报告"], summary="进度报告详情（完成值、审核记录）")
def get_report(request, report_id: int):
    return selectors.report_detail(user=request.auth, report_id=report_id)


@api.post("/reports", response={200: ReportDetailOut, 201: ReportDetailOut, **WRITE_ERRORS},
          operation_id="save_report_draft", tags=["进度报告"],
          summary="新建或修改进度报告草稿（含量化目标完成值）",
          description="同一任务、单位、周期只有一份报告：已存在时修改它（须回传 expected_revision），"
                      "否则新建（201）。只有该单位的填报员可以填报；已报送或已通过的报告不能修改（409）。")
def save_draft(request, payload: ReportDraftIn):
    task, period = selectors.task_and_period_in_scope(
        user=request.auth, task_id=payload.task_id, period_id=payload.period_id
    )
    report = services.save_draft(
        actor=request.auth,
        task=task,
        period=period,
        expected_revision=payload.expected_revision,
        narrative=payload.narrative,
        self_assessment=payload.self_assessment,
        figures={figure.target_id: figure.value for figure in payload.figures},
        figure_notes={figure.target_id: figure.note for figure in payload.figures},
        confirm_large=payload.confirm_large,
    )
    # Revision 0 is "no report yet": the service refuses it (409) once one exists.
    created = payload.expected_revision == 0
    return Status(201 if created else 200, selectors.report_detail(user=request.auth, report_id=report.pk))


@api.post("/reports/{report_id}/submit", response={200: ReportDetailOut, **WRITE_ERRORS},
          operation_id="submit_report", tags=["进度报告"], summary="报送进度报告（填报员）")
def submit(request, report_id: int, payload: TransitionIn):
    report = selectors.report_in_scope(user=request.auth, report_id=report_id)
    services.submit_report(actor=request.auth, report=report, expected_revision=payload.expected_revision)
    return selectors.report_detail(user=request.auth, report_id=report_id)


@api.post("/reports/{report_id}/return", response={200: ReportDetailOut, **WRITE_ERRORS},
          operation_id="return_report", tags=["进度报告"], summary="退回进度报告（纲要办，须填写意见）")
def return_(request, report_id: int, payload: TransitionIn):
    report = selectors.report_in_scope(user=request.auth, report_id=report_id)
    services.return_report(
        actor=request.auth, report=report, expected_revision=payload.expected_revision, comment=payload.comment
    )
    return selectors.report_detail(user=request.auth, report_id=report_id)


@api.post("/reports/{report_id}/accept", response={200: ReportDetailOut, **WRITE_ERRORS},
          operation_id="accept_report", tags=["进度报告"], summary="审核通过进度报告（纲要办）")
def accept(request, report_id: int, payload: TransitionIn):
    report = selectors.report_in_scope(user=request.auth, report_id=report_id)
    services.accept_report(
        actor=request.auth, report=report, expected_revision=payload.expected_revision, comment=payload.comment
    )
    return selectors.report_detail(user=request.auth, report_id=report_id)
