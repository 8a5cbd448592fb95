"""The /api/resources/ endpoints: the registries (list, detail, create for each kind in
kesu.resources.kinds.KINDS) and the outreach bases' lifecycle (apply → screen → panel → scores →
recognise / decline; annual reports; re-examination). Reads come from kesu.api.resources_selectors,
writes from kesu.resources.services and kesu.resources.lifecycle, the functions the pages call.

`install(api)` mounts the router and maps the registries' refusals to HTTP statuses
(RESOURCE_REFUSAL_STATUS); PermissionDenied (403) and Http404 are the API's own handlers.
"""

import functools

from django.utils import timezone
from ninja import Path, Query, Router, Status

from kesu.api import resources_selectors as selectors
from kesu.api.resources_schemas import (
    DETAIL_SCHEMAS,
    FILTER_SCHEMAS,
    INPUT_SCHEMAS,
    PATH_SCHEMAS,
    AnnualReportIn,
    AnnualReportOut,
    ApplicationOut,
    ApplyIn,
    AssignmentOut,
    AssignmentPage,
    DeclineIn,
    PageIn,
    PanelIn,
    RecogniseIn,
    RecordErrorOut,
    ReExaminationIn,
    ReExaminationOut,
    ResourcePage,
    ScoresIn,
    ScreenIn,
    api_field,
    api_name,
)
from kesu.api.schemas import ErrorOut
from kesu.resources import lifecycle, permissions, services
from kesu.resources.kinds import KINDS, Kind
from kesu.resources.lifecycle import LifecycleError
from kesu.resources.selectors import Filters

router = Router()

# The first class a refusal is an instance of decides (subclasses first). A record the register
# already holds and a transition out of order are conflicts with the stored state (409); a value the
# register cannot take is the request's fault (400).
RESOURCE_REFUSAL_STATUS = (
    (services.DuplicateRecord, 409),
    (services.RecordError, 400),
    (LifecycleError, 409),
)

READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 400: RecordErrorOut, 409: RecordErrorOut}
LIFECYCLE_TAGS = ["科普教育基地认定"]
LINKS = {"base_ids": "bases", "expert_ids": "experts", "team_ids": "teams", "task_ids": "tasks"}


def _refused(api, request, exc):
    status = next(code for kind, code in RESOURCE_REFUSAL_STATUS if isinstance(exc, kind))
    return api.create_response(request, {"detail": str(exc), "field": getattr(exc, "field", "")}, status=status)


def install(api) -> None:
    api.add_exception_handler(LifecycleError, functools.partial(_refused, api))
    api.add_router("/resources", router)


# --- registries ----------------------------------------------------------------------------------


def _filters(query) -> Filters:
    data = query.model_dump(mode="json", exclude={"limit", "offset"})
    return Filters(**{name: value for name, value in data.items() if value is not None})


def _check_ids(user, reference: str, ids, field: str, label: str) -> None:
    if reference in ("unit", "applicant_unit") and user.is_unit_reporter:
        return  # the service allows a unit reporter no unit but their own, and says so (403)
    missing = selectors.unknown_ids(selectors.reference_scope(user, reference), ids)
    if missing:
        raise services.RecordError(
            f"{label}编号{'、'.join(map(str, missing))}不存在或不在权限范围内", field
        )


def _values(user, kind: Kind, payload) -> tuple[dict, list | None, dict]:
    """The body as save_record's model field values, tags and links; references are checked against
    what the user may see (a refusal names the field)."""
    data = payload.model_dump(exclude_unset=True)
    values, tags = {}, None
    for column in kind.columns:
        name = api_name(kind, column)
        if name not in data or data[name] is None:
            continue  # absent: the model's default
        value = data[name]
        if column.value == "region":
            values["region"] = selectors.region_by_code(value)
            if values["region"] is None:
                raise services.RecordError(f"区划代码“{value}”不存在", "region")
        elif column.value == "tags":
            tags = value
        elif column.value == "audiences":
            values["audiences"] = ",".join(audience.value for audience in value)
        elif column.value in ("team", "unit"):
            _check_ids(user, column.value, [value], name, column.header)
            values[f"{column.attr}_id"] = value
        elif isinstance(column.value, type):
            values[column.attr] = value.value
        else:
            values[column.attr] = value
    if kind.code == "base":
        unit_id = data.get("applicant_unit_id")
        if unit_id is not None:
            _check_ids(user, "applicant_unit", [unit_id], "applicant_unit_id", "申报单位")
        values["applicant_unit_id"] = unit_id if unit_id is not None else (
            user.unit_id if user.is_unit_reporter else None
        )
    links = {}
    if kind.code == "activity":
        if "organiser_id" not in values and user.is_unit_reporter:
            values["organiser_id"] = user.unit_id
        if data.get("organiser_name"):
            values["organiser_name"] = data["organiser_name"]
        # A one-day activity needs no end date.
        values.setdefault("end_date", values.get("start_date"))
        for name, link in LINKS.items():
            if data.get(name):
                _check_ids(user, link, data[name], name, kind.field_label(link))
                links[link] = data[name]
    return values, tags, links


def _saved(user, kind: Kind, payload):
    try:
        values, tags, links = _values(user, kind, payload)
        return services.save_record(actor=user, kind=kind.code, values=values, tags=tags, links=links)
    except services.RecordError as exc:
        exc.field = api_field(kind, exc.field) if exc.field else ""
        raise
    except LifecycleError as exc:
        # The base's figures are checked by the lifecycle's rule: a bad value here, not a conflict.
        raise services.RecordError(str(exc)) from exc


def _register(kind: Kind) -> None:
    tags = [f"科普资源·{kind.label}"]
    detail_schema = DETAIL_SCHEMAS[kind.code]
    filter_schema = FILTER_SCHEMAS[kind.code]
    input_schema = INPUT_SCHEMAS[kind.code]
    path_schema = PATH_SCHEMAS[kind.code]  # {base_id}, {expert_id}, …: one name per kind, as in the lifecycle paths

    @router.get(f"/{kind.code}", response={200: ResourcePage, **READ_ERRORS}, operation_id=f"list_{kind.code}_records",
                tags=tags, summary=f"{kind.label}登记册（可筛选，分页）")
    def list_records(request, filters: Query[filter_schema]):
        count, items = selectors.resource_page(
            user=request.auth, kind=kind.code, filters=_filters(filters), offset=filters.offset, limit=filters.limit,
        )
        return {"count": count, "items": items}

    @router.get(f"/{kind.code}/{{{kind.code}_id}}", response={200: detail_schema, **READ_ERRORS},
                operation_id=f"get_{kind.code}_record", tags=tags, summary=f"{kind.label}详情")
    def get_record(request, path: Path[path_schema]):
        return selectors.resource_detail(user=request.auth, kind=kind.code, pk=getattr(path, f"{kind.code}_id"))

    @router.post(f"/{kind.code}", response={201: detail_schema, **WRITE_ERRORS},
                 operation_id=f"create_{kind.code}_record", tags=tags, summary=f"登记{kind.label}",
                 description="与登记册网页、Excel 导入同一规则：同一区划内同名（活动还须同一开始日期）的记录"
                             "已登记时返回 409；取值有误时返回 400，field 指出出错的字段。")
    def create_record(request, payload: input_schema):
        record = _saved(request.auth, kind, payload)
        return Status(201, selectors.resource_detail(user=request.auth, kind=kind.code, pk=record.pk))


for _kind in KINDS:
    _register(_kind)


# --- the base lifecycle --------------------------------------------------------------------------


def _application(request, application_id: int) -> dict:
    return selectors.application_detail(user=request.auth, application_id=application_id)


@router.get("/applications/{application_id}", response={200: ApplicationOut, **READ_ERRORS},
            operation_id="get_base_application", tags=LIFECYCLE_TAGS, summary="基地申报详情（评审指标、评审分工）")
def get_application(request, application_id: int):
    return _application(request, application_id)


@router.post("/base/{base_id}/applications", response={201: ApplicationOut, **WRITE_ERRORS},
             operation_id="apply_for_base", tags=LIFECYCLE_TAGS, summary="申报（首次认定或晋级）",
             description="申报单位的填报员或所在地纲要办管理员办理；已有申报在办或级别不高于现有级别时返回 409。")
def apply(request, base_id: int, payload: ApplyIn):
    base = selectors.base_in_scope(user=request.auth, base_id=base_id)
    application = lifecycle.apply(actor=request.auth, base=base, level=payload.level,
                                  year=payload.year or timezone.localdate().year)
    return Status(201, _application(request, application.pk))


@router.post("/applications/{application_id}/screen", response={200: ApplicationOut, **WRITE_ERRORS},
             operation_id="screen_base_application", tags=LIFECYCLE_TAGS, summary="初审（通过或退回）")
def screen(request, application_id: int, payload: ScreenIn):
    application = selectors.application_in_scope(user=request.auth, application_id=application_id)
    lifecycle.screen(actor=request.auth, application=application, passed=payload.passed, comment=payload.comment)
    return _application(request, application_id)


@router.post("/applications/{application_id}/resubmit", response={200: ApplicationOut, **WRITE_ERRORS},
             operation_id="resubmit_base_application", tags=LIFECYCLE_TAGS, summary="初审退回后重新提交")
def resubmit(request, application_id: int):
    application = selectors.application_in_scope(user=request.auth, application_id=application_id)
    lifecycle.resubmit(actor=request.auth, application=application)
    return _application(request, application_id)


@router.post("/applications/{application_id}/panel", response={200: ApplicationOut, **WRITE_ERRORS},
             operation_id="assign_base_panel", tags=LIFECYCLE_TAGS, summary="安排专家评审（可追加专家）",
             description="由该级别的认定机关（县级基地县级纲要办，依此类推）办理。")
def assign_panel(request, application_id: int, payload: PanelIn):
    application = selectors.application_in_scope(user=request.auth, application_id=application_id)
    experts, missing = selectors.panel_experts(request.auth, payload.expert_ids)
    if missing:
        # Someone who may not hold the review at all learns that first, not which experts exist.
        permissions.require_recognise(request.auth, application.base, application.level)
        raise services.RecordError(
            f"专家编号{'、'.join(map(str, missing))}不在本地区专家库中", "expert_ids"
        )
    lifecycle.assign_panel(actor=request.auth, application=application, experts=experts)
    return _application(request, application_id)


@router.post("/applications/{application_id}/recognise", response={200: ApplicationOut, **WRITE_ERRORS},
             operation_id="recognise_base", tags=LIFECYCLE_TAGS, summary="认定（全部专家提交评分后）")
def recognise(request, application_id: int, payload: RecogniseIn):
    application = selectors.application_in_scope(user=request.auth, application_id=application_id)
    lifecycle.recognise(actor=request.auth, application=application, plaque_number=payload.plaque_number,
                        year=payload.year, comment=payload.comment)
    return _application(request, application_id)


@router.post("/applications/{application_id}/decline", response={200: ApplicationOut, **WRITE_ERRORS},
             operation_id="decline_base_application", tags=LIFECYCLE_TAGS, summary="不予认定（须填写理由）")
def decline(request, application_id: int, payload: DeclineIn):
    application = selectors.application_in_scope(user=request.auth, application_id=application_id)
    lifecycle.decline(actor=request.auth, application=application, comment=payload.comment)
    return _application(request, application_id)


@router.get("/assignments", response={200: AssignmentPage, **READ_ERRORS}, operation_id="list_review_assignments",
            tags=LIFECYCLE_TAGS, summary="评审分工（专家为分配给本人的，未评分的在前）")
def list_assignments(request, page: Query[PageIn]):
    count, items = selectors.assignment_page(user=request.auth, offset=page.offset, limit=page.limit)
    return {"count": count, "items": items}


@router.post("/assignments/{assignment_id}/scores", response={200: AssignmentOut, **WRITE_ERRORS},
             operation_id="submit_review_scores", tags=LIFECYCLE_TAGS, summary="提交评分（每项评审指标）",
             description="评审专家为分配给本人的申报评分；认定机关的管理员可代录纸质评分表。")
def submit_scores(request, assignment_id: int, payload: ScoresIn):
    assignment = selectors.assignment_in_scope(user=request.auth, assignment_id=assignment_id)
    lifecycle.submit_scores(actor=request.auth, assignment=assignment,
                            scores={item.criterion_id: item.score for item in payload.scores},
                            comment=payload.comment)
    return selectors.assignment_detail(user=request.auth, assignment_id=assignment_id)


@router.post("/base/{base_id}/annual-reports", response={201: AnnualReportOut, **WRITE_ERRORS},
             operation_id="file_base_annual_report", tags=LIFECYCLE_TAGS, summary="填报基地年报（同一年度再次填报即修改）")
def file_annual_report(request, base_id: int, payload: AnnualReportIn):
    base = selectors.base_in_scope(user=request.auth, base_id=base_id)
    report = lifecycle.file_annual_report(
        actor=request.auth, base=base, year=payload.year, visitors=payload.visitors,
        activities=payload.activities, open_days=payload.open_days, summary=payload.summary,
    )
    return Status(201, report)


@router.post("/base/{base_id}/re-examinations", response={201: ReExaminationOut, **WRITE_ERRORS},
             operation_id="re_examine_base", tags=LIFECYCLE_TAGS, summary="复核（通过、限期整改或撤销）",
             description="由认定该基地现有级别的纲要办办理。")
def re_examine(request, base_id: int, payload: ReExaminationIn):
    base = selectors.base_in_scope(user=request.auth, base_id=base_id)
    done = lifecycle.re_examine(actor=request.auth, base=base, year=payload.year or timezone.localdate().year,
                                outcome=payload.outcome, comment=payload.comment, rectify_by=payload.rectify_by)
    return Status(201, done)
