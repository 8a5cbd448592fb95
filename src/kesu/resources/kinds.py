"""The registry kinds and their columns: one table read by the Excel template, import and export, the
CLI, the API and the list pages, so that a column has one header and one meaning everywhere.

A column's `value` says how a cell is read: text, int, float, date, bool, a choice class (label or
code accepted), or one of the references resolved against the database — region (区划代码), unit
(主办单位 by name in the region's scope), team (队伍名称 in the region), tags (专长, 、-separated),
audiences (面向人群, 、-separated) and level (a base's recognised level, with 认定年度).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from kesu.resources.models import (
    Activity,
    ActivityKind,
    Availability,
    BaseCategory,
    BaseLevel,
    BaseStatus,
    Expert,
    Messenger,
    Organisation,
    OrganisationKind,
    OutreachBase,
    TeamKind,
    Volunteer,
    VolunteerTeam,
)


@dataclass(frozen=True)
class Column:
    header: str
    attr: str  # model field, or the reference name for region/unit/team/tags/audiences/level
    value: object = "text"  # "text" | "int" | "float" | "date" | "bool" | a TextChoices class | reference
    required: bool = False
    personal: bool = False  # phone and ID numbers: office admins only, masked in exports unless asked


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    identity: tuple[str, ...] = ("region", "name")
    has_level: bool = False
    status_field: str = "is_active"

    def field_label(self, attr: str) -> str:
        for column in self.columns:
            if column.attr == attr or column.attr == attr.removesuffix("_id"):
                return column.header
        try:
            return str(self.model._meta.get_field(attr).verbose_name)
        except Exception:
            return attr

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)


REGION = Column("区划代码", "region", "region", required=True)

BASE = Kind("base", "科普教育基地", OutreachBase, (
    Column("名称", "name", required=True),
    Column("级别", "level", "level", required=True),
    REGION,
    Column("依托单位", "host_organisation", required=True),
    Column("展教面积(平方米)", "exhibition_area", "float", required=True),
    Column("年接待人次", "annual_visitors", "int", required=True),
    Column("年开放天数", "open_days", "int", required=True),
    Column("类别", "category", BaseCategory),
    Column("认定年度", "recognised_year", "int"),
    Column("牌匾编号", "plaque_number"),
    Column("地址", "address"),
    Column("工作人员数", "staff", "int"),
    Column("讲解员数", "guides", "int"),
    Column("联系人", "contact_name"),
    Column("联系电话", "contact_phone", personal=True),
    Column("简介", "description"),
), has_level=True, status_field="status")

EXPERT = Kind("expert", "科普专家", Expert, (
    Column("姓名", "name", required=True),
    REGION,
    Column("学科领域", "field"),
    Column("职称", "title"),
    Column("工作单位", "organisation"),
    Column("专长", "tags", "tags"),
    Column("可邀请情况", "availability", Availability),
    Column("讲师团成员", "is_lecturer", "bool"),
    Column("应急科普专家", "is_emergency", "bool"),
    Column("联系电话", "phone", personal=True),
    Column("身份证号", "id_number", personal=True),
))

TEAM = Kind("team", "科技志愿服务队", VolunteerTeam, (
    Column("队伍名称", "name", required=True),
    REGION,
    Column("类型", "kind", TeamKind),
    Column("依托单位", "host_organisation"),
    Column("负责人", "leader_name"),
    Column("负责人电话", "leader_phone", personal=True),
    Column("成立年份", "founded_year", "int"),
))

VOLUNTEER = Kind("volunteer", "科普志愿者", Volunteer, (
    Column("姓名", "name", required=True),
    REGION,
    Column("所属队伍", "team", "team"),
    Column("专长", "skills"),
    Column("银龄志愿者", "is_senior", "bool"),
    Column("注册日期", "registered_on", "date"),
    Column("联系电话", "phone", personal=True),
    Column("身份证号", "id_number", personal=True),
))

MESSENGER = Kind("messenger", "科普信息员", Messenger, (
    Column("姓名", "name", required=True),
    REGION,
    Column("村（社区）", "community", required=True),
    Column("工作单位", "organisation"),
    Column("聘任日期", "since", "date"),
    Column("联系电话", "phone", personal=True),
    Column("身份证号", "id_number", personal=True),
))

ORGANISATION = Kind("organisation", "科普组织", Organisation, (
    Column("名称", "name", required=True),
    REGION,
    Column("类型", "kind", OrganisationKind),
    Column("会员数", "members", "int"),
    Column("联系人", "contact_name"),
    Column("联系电话", "contact_phone", personal=True),
))

ACTIVITY = Kind("activity", "科普活动", Activity, (
    Column("活动名称", "name", required=True),
    REGION,
    Column("活动类型", "kind", ActivityKind, required=True),
    Column("开始日期", "start_date", "date", required=True),
    Column("结束日期", "end_date", "date"),
    Column("主办单位", "organiser", "unit"),
    Column("地点", "place"),
    Column("面向人群", "audiences", "audiences"),
    Column("参与人次", "participants", "int"),
    Column("线上传播人次", "online_reach", "int"),
    Column("活动简介", "description"),
), identity=("region", "name", "start_date"), status_field="")


@dataclass(frozen=True)
class Kinds:
    by_code: dict[str, Kind] = field(default_factory=dict)

    def __getitem__(self, code: str) -> Kind:
        try:
            return self.by_code[code]
        except KeyError:
            raise KeyError(f"未知的登记册类型“{code}”（可选：{'、'.join(self.by_code)}）") from None

    def __iter__(self):
        return iter(self.by_code.values())

    def __contains__(self, code: str) -> bool:
        return code in self.by_code

    def for_model(self, model: type) -> Kind:
        return next(kind for kind in self.by_code.values() if kind.model is model)


KINDS = Kinds({kind.code: kind for kind in (BASE, EXPERT, TEAM, VOLUNTEER, MESSENGER, ORGANISATION, ACTIVITY)})

# Shown for a base in lists and the directory; the level only while it stands.
STATUS_LABELS = dict(BaseStatus.choices)
LEVEL_LABELS = dict(BaseLevel.choices)
