"""Request and response bodies of the resources endpoints (科普资源登记册), documented in Chinese.

The per-kind bodies are built from kesu.resources.kinds.KINDS, the table the Excel template, import,
export and list pages read, so a column means the same thing in the API as everywhere else. A few
column names change on the way to JSON: `kind` becomes `<registry>_kind` (the list's `kind` is the
registry), and references become ids (`team` → `team_id`, `organiser` → `organiser_id`).
"""

import datetime
import enum
from typing import Literal

from ninja import Field, Schema
from pydantic import create_model

from kesu.resources.kinds import KINDS, Column, Kind
from kesu.resources.models import (
    ActivityKind,
    ApplicationStatus,
    Audience,
    BaseLevel,
    BaseStatus,
    ReExaminationOutcome,
)

# A base's standing is the lifecycle's to write (apply → … → recognise), never the create body's.
LIFECYCLE_OWNED = {"level", "recognised_year", "plaque_number"}
REFERENCE_NAMES = {"team": "team_id", "unit": "organiser_id"}


def choices_text(choices) -> str:
    return " / ".join(f"{value} {label}" for value, label in choices.choices)


def api_name(kind: Kind, column: Column) -> str:
    """The JSON name of a column (see the module docstring)."""
    if column.attr == "kind":
        return f"{kind.code}_kind"
    return REFERENCE_NAMES.get(column.value, column.attr) if isinstance(column.value, str) else column.attr


def api_field(kind: Kind, model_field: str) -> str:
    """The JSON name for a field a service names in a refusal (a model field name)."""
    bare = model_field.removesuffix("_id")
    for column in kind.columns:
        if column.attr == bare:
            return api_name(kind, column)
    return model_field


class RecordErrorOut(Schema):
    detail: str = Field(..., description="错误说明")
    field: str = Field("", description="出错的字段（请求体中的字段名），无法对应到字段时为空")


# --- lists ---------------------------------------------------------------------------------------


class ResourceOut(Schema):
    id: int = Field(..., description="登记编号")
    name: str = Field(..., description="名称或姓名")
    kind: str = Field(..., description="登记册：" + " / ".join(f"{k.code} {k.label}" for k in KINDS))
    region: str = Field(..., description="所在区划代码")
    region_name: str = Field(..., description="所在区划名称")
    status: str = Field(
        ...,
        description="状态。基地：" + choices_text(BaseStatus)
        + "；活动：recorded 已登记；其他：active 在册 / inactive 已停用",
    )
    level: str | None = Field(None, description="基地的认定级别（尚未认定为空）：" + choices_text(BaseLevel))
    activity_kind: str | None = Field(None, description="活动类型（仅活动）")
    start_date: datetime.date | None = Field(None, description="开始日期（仅活动）")
    participants: int | None = Field(None, description="参与人次（仅活动）")


class ResourcePage(Schema):
    count: int = Field(..., description="符合条件的记录总数")
    items: list[ResourceOut] = Field(..., description="本页记录")


# Internal key → (query parameter, type, field). A kind's filter offers only the parameters that mean
# something for it; `status` and `kind` differ in meaning between kinds, hence two keys each.
_FILTER_FIELDS = {
    "region": ("region", str, Field("", description="区划代码：该区划及其下级区划")),
    "q": ("q", str, Field("", description="名称（姓名）包含")),
    "year": ("year", int | None, Field(None, description="年度（活动按开始日期；基地配合 standing、recognised_in 使用）")),
    "level": ("level", BaseLevel | None, Field(None, description="认定级别：" + choices_text(BaseLevel))),
    "base_status": ("status", BaseStatus | None, Field(None, description="状态：" + choices_text(BaseStatus))),
    "active_status": ("status", Literal["active", "inactive"] | None,
                      Field(None, description="active 在册 / inactive 已停用")),
    "standing": ("standing", bool, Field(False, description="只列已认定且未撤销的基地（给出 year 时为该年末的情况）")),
    "recognised_in": ("recognised_in", bool, Field(False, description="只列在 year 年认定的基地（须同时给出 year）")),
    "activity_kind": ("kind", ActivityKind | None, Field(None, description="活动类型：" + choices_text(ActivityKind))),
    "emergency": ("emergency", bool, Field(False, description="只列应急科普专家")),
    "tag": ("tag", str, Field("", description="专长代码")),
    "limit": ("limit", int, Field(50, ge=1, le=500, description="每页条数（1–500，默认 50）")),
    "offset": ("offset", int, Field(0, ge=0, description="跳过的条数")),
}
_FILTERS_OF = {
    "base": ("base_status", "level", "year", "standing", "recognised_in"),
    "activity": ("year", "activity_kind"),
    "expert": ("active_status", "emergency", "tag"),
}


def _filter_schema(kind: Kind) -> type[Schema]:
    keys = ("region", "q", *_FILTERS_OF.get(kind.code, ("active_status",)), "limit", "offset")
    fields = {_FILTER_FIELDS[key][0]: _FILTER_FIELDS[key][1:] for key in keys}
    return create_model(f"Resource{kind.code.title()}Filter", __base__=Schema, **fields)


# --- one record ----------------------------------------------------------------------------------


class ApplicationBriefOut(Schema):
    id: int = Field(..., description="申报编号")
    level: str = Field(..., description="申报级别：" + choices_text(BaseLevel))
    year: int = Field(..., description="申报年度")
    status: str = Field(..., description="申报状态：" + choices_text(ApplicationStatus))
    recorded: bool = Field(..., description="据已有名录登记的认定（未经本系统评审）")


class AnnualReportOut(Schema):
    id: int = Field(..., description="年报编号")
    base_id: int = Field(..., description="基地编号")
    year: int = Field(..., description="年度")
    visitors: int = Field(..., description="接待人次")
    activities: int = Field(..., description="开展活动次数")
    open_days: int = Field(..., description="开放天数")
    summary: str = Field(..., description="工作总结")


class ReExaminationOut(Schema):
    id: int = Field(..., description="复核编号")
    base_id: int = Field(..., description="基地编号")
    year: int = Field(..., description="复核年度")
    outcome: str = Field(..., description="结论：" + choices_text(ReExaminationOutcome))
    comment: str = Field(..., description="复核意见")
    rectify_by: datetime.date | None = Field(None, description="整改期限")
    decided_at: datetime.datetime = Field(..., description="复核时间")
    base_status: str = Field(..., description="复核后基地的状态：" + choices_text(BaseStatus))

    @staticmethod
    def resolve_base_status(done) -> str:
        return done.base.status


class BaseExtraOut(ResourceOut):
    applicant_unit_id: int | None = Field(None, description="申报单位编号")
    valid_until: int | None = Field(None, description="认定有效期至（年）")
    next_re_examination_year: int | None = Field(None, description="下次复核年度")
    rectify_by: datetime.date | None = Field(None, description="整改期限（限期整改中）")
    revoked_year: int | None = Field(None, description="撤销年度")
    applications: list[ApplicationBriefOut] = Field(..., description="历次申报，最近的在前")
    annual_reports: list[AnnualReportOut] = Field(..., description="年报，最近的在前")
    re_examinations: list[ReExaminationOut] = Field(..., description="复核记录，最近的在前")


class ActivityExtraOut(ResourceOut):
    year: int = Field(..., description="年度（按开始日期）")
    base_ids: list[int] = Field(..., description="依托基地编号")
    expert_ids: list[int] = Field(..., description="参与专家编号")
    team_ids: list[int] = Field(..., description="参与队伍编号")
    task_ids: list[int] = Field(..., description="对应方案任务编号")


def _type_of(column: Column, *, output: bool):
    """The column's JSON type, without None (the caller decides whether it may be missing)."""
    value = column.value
    if isinstance(value, type) and issubclass(value, enum.Enum):
        return str if output else value
    return {
        "int": int, "float": float, "date": datetime.date, "bool": bool, "tags": list[str],
        "audiences": list[str] if output else list[Audience], "team": int, "unit": int,
    }.get(value, str)


def _description(column: Column, *, output: bool) -> str:
    text = column.header
    if isinstance(column.value, type) and issubclass(column.value, enum.Enum):
        text += "：" + choices_text(column.value)
    elif column.value == "tags":
        text += "（专长名称，取自专长领域目录）"
    elif column.value == "audiences":
        text += "：" + choices_text(Audience)
    elif column.value == "team":
        text = "所属队伍编号"
    elif column.value == "unit":
        text = "主办单位编号（单位名录中的单位）"
    elif column.value == "region":
        text += "（GB/T 2260）"
    if column.personal:
        text += "。个人信息：仅纲要办管理员可见全文，其他角色看到的是打码后的值" if output else "。个人信息"
    if not output and column.required:
        text += "（必填）"
    return text


def _detail_schema(kind: Kind) -> type[Schema]:
    fields = {}
    for column in kind.columns:
        if column.value in ("region", "level"):  # in ResourceOut already: region, region_name, level
            continue
        kind_of = _type_of(column, output=True)
        if column.value in ("int", "float", "date", "team", "unit"):
            kind_of = kind_of | None
        fields[api_name(kind, column)] = (kind_of, Field(..., description=_description(column, output=True)))
    if kind.code == "volunteer":
        fields["team_name"] = (str, Field("", description="所属队伍名称"))
    if kind.code == "activity":
        fields["organiser_name"] = (str, Field("", description="主办单位名称"))
    base = {"base": BaseExtraOut, "activity": ActivityExtraOut}.get(kind.code, ResourceOut)
    return create_model(f"Resource{kind.code.title()}Out", __base__=base, **fields)


def _input_schema(kind: Kind) -> type[Schema]:
    fields = {}
    for column in kind.columns:
        if kind.code == "base" and column.attr in LIFECYCLE_OWNED:
            continue
        kind_of = _type_of(column, output=False)
        constraints = {"ge": 0} if column.value in ("int", "float") else {}
        if column.required:
            default = ...
        elif column.value in ("bool", "text"):
            default = {"bool": False, "text": ""}[column.value]
        else:  # absent: the model's default
            default, kind_of = None, kind_of | None
        fields[api_name(kind, column)] = (
            kind_of, Field(default, description=_description(column, output=False), **constraints)
        )
    if kind.code == "base":
        fields["applicant_unit_id"] = (int | None, Field(
            None, description="申报单位编号；单位填报员登记时省略，即为本单位"))
    if kind.code == "activity":
        fields["organiser_id"] = (int | None, Field(
            None, description="主办单位编号（单位名录中的单位）；单位填报员登记时省略，即为本单位"))
        fields["organiser_name"] = (str, Field("", description="主办单位名称（不在单位名录中时填写）"))
        for link, label in (("base_ids", "依托基地"), ("expert_ids", "参与专家"), ("team_ids", "参与队伍"),
                            ("task_ids", "对应方案任务")):
            fields[link] = (list[int] | None, Field(None, description=f"{label}编号"))
    return create_model(f"Resource{kind.code.title()}In", __base__=Schema, **fields)


def _path_schema(kind: Kind) -> type[Schema]:
    return create_model(f"Resource{kind.code.title()}Path", __base__=Schema,
                        **{f"{kind.code}_id": (int, Field(..., description=f"{kind.label}编号"))})


PATH_SCHEMAS = {kind.code: _path_schema(kind) for kind in KINDS}
FILTER_SCHEMAS = {kind.code: _filter_schema(kind) for kind in KINDS}
DETAIL_SCHEMAS = {kind.code: _detail_schema(kind) for kind in KINDS}
INPUT_SCHEMAS = {kind.code: _input_schema(kind) for kind in KINDS}


# --- the base lifecycle --------------------------------------------------------------------------


class ApplyIn(Schema):
    level: BaseLevel = Field(..., description="申报级别：" + choices_text(BaseLevel) + "（已认定的基地只能申报更高级别）")
    year: int | None = Field(None, description="申报年度，省略为今年")


class ScreenIn(Schema):
    passed: bool = Field(..., description="初审结论：true 通过 / false 退回")
    comment: str = Field("", description="初审意见（退回时必填）")


class PanelIn(Schema):
    expert_ids: list[int] = Field(..., description="评审专家编号（本地区专家库中在库的专家）")


class RecogniseIn(Schema):
    plaque_number: str = Field(..., description="牌匾编号")
    year: int | None = Field(None, description="认定年度，省略为申报年度")
    comment: str = Field("", description="认定意见")


class DeclineIn(Schema):
    comment: str = Field(..., description="不予认定的理由（必填）")


class ScoreIn(Schema):
    criterion_id: int = Field(..., description="评审指标编号（见申报详情的 criteria）")
    score: float = Field(..., description="得分（0 到该指标满分）")


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(..., description="每项评审指标的得分，须全部填写")
    comment: str = Field("", description="评审意见")


class AnnualReportIn(Schema):
    year: int = Field(..., description="年度")
    visitors: int = Field(..., description="接待人次")
    activities: int = Field(..., description="开展活动次数")
    open_days: int = Field(..., description="开放天数")
    summary: str = Field("", description="工作总结")


class ReExaminationIn(Schema):
    outcome: ReExaminationOutcome = Field(..., description="结论：" + choices_text(ReExaminationOutcome))
    year: int | None = Field(None, description="复核年度，省略为今年")
    comment: str = Field("", description="复核意见（限期整改或撤销时必填）")
    rectify_by: datetime.date | None = Field(None, description="整改期限（限期整改时必填）")


class CriterionOut(Schema):
    id: int = Field(..., description="评审指标编号")
    name: str = Field(..., description="评审指标")
    max_score: float = Field(..., description="满分")


class ScoreOut(Schema):
    criterion_id: int = Field(..., description="评审指标编号")
    score: float = Field(..., description="得分")


class AssignmentOut(Schema):
    id: int = Field(..., description="评审分工编号（评分时用）")
    application_id: int = Field(..., description="申报编号")
    base_name: str = Field(..., description="基地名称")
    expert_id: int = Field(..., description="专家编号")
    expert_name: str = Field(..., description="专家姓名")
    submitted_at: datetime.datetime | None = Field(None, description="评分提交时间，未提交为空")
    comment: str = Field(..., description="评审意见")
    scores: list[ScoreOut] = Field(..., description="各指标得分")


class AssignmentPage(Schema):
    count: int = Field(..., description="评审分工总数")
    items: list[AssignmentOut] = Field(..., description="本页评审分工")


class ApplicationOut(ApplicationBriefOut):
    base_id: int = Field(..., description="基地编号")
    base_name: str = Field(..., description="基地名称")
    base_status: str = Field(..., description="基地状态：" + choices_text(BaseStatus))
    base_level: str | None = Field(None, description="基地当前的认定级别")
    screening_comment: str = Field(..., description="初审意见")
    decision_comment: str = Field(..., description="认定意见")
    plaque_number: str = Field(..., description="牌匾编号（认定后）")
    applied_at: datetime.datetime = Field(..., description="申报时间")
    decided_at: datetime.datetime | None = Field(None, description="认定（不予认定）时间")
    criteria: list[CriterionOut] = Field(..., description="评审指标（安排评审后确定）")
    assignments: list[AssignmentOut] = Field(
        ..., description="评审分工：纲要办管理员看到全部，专家只看到自己的，其他角色为空"
    )
    panel_score: float | None = Field(
        None, description="专家组平均分（百分制），全部专家提交后才有；仅纲要办管理员可见"
    )


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500，默认 50）")
    offset: int = Field(0, ge=0, description="跳过的条数")
