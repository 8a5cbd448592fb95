"""Request and response bodies of the 科普内容 endpoints (kesu.api.content_endpoints), documented in
Chinese. Regions, topics and audiences travel as their codes (区划代码, kesu.content.models.Topic and
Audience codes); objects as their ids."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from kesu.api.resources_schemas import choices_text
from kesu.content.models import (
    Channel,
    ContentKind,
    ContentSource,
    ContentStatus,
    EmergencyLevel,
    EmergencyStatus,
    EventType,
    Licence,
    RoundStatus,
    RumourStatus,
    Spread,
    TimelineKind,
    Verdict,
)


class ContentErrorOut(Schema):
    detail: str = Field(..., description="错误说明")
    field: str = Field("", description="出错的字段（请求体中的字段名），无法对应到字段时为空")


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500，默认 50）")
    offset: int = Field(0, ge=0, description="跳过的条数")


# --- content ----------------------------------------------------------------------------------------


class ContentFilter(PageIn):
    status: ContentStatus | None = Field(None, description="状态：" + choices_text(ContentStatus))
    topic: str | None = Field(None, description="主题代码（如 health、disaster）")
    audience: str | None = Field(None, description="受众代码（如 youth、farmers）")
    kind: ContentKind | None = Field(None, description="类型：" + choices_text(ContentKind))
    region: str | None = Field(None, description="区划代码：只列出该区划及其下级的内容")
    q: str | None = Field(None, description="在标题和摘要中查找")


class ContentOut(Schema):
    id: int = Field(..., description="内容编号")
    title: str = Field(..., description="标题")
    summary: str = Field(..., description="摘要")
    kind: str = Field(..., description="类型：" + choices_text(ContentKind))
    status: str = Field(..., description="状态（随最新版本）：" + choices_text(ContentStatus))
    region: str = Field(..., description="所属区划代码")
    region_name: str = Field(..., description="所属区划名称")
    topics: list[str] = Field(..., description="主题代码")
    audiences: list[str] = Field(..., description="受众代码")
    source: str = Field(..., description="来源：" + choices_text(ContentSource))
    is_rebuttal: bool = Field(..., description="是否辟谣内容")
    emergency_id: int | None = Field(None, description="应急事件编号（应急期间编写的内容）")
    current_version: int | None = Field(None, description="最新版本号")
    approved_version: int | None = Field(
        None, description="已通过科学性审查、对外发布的版本号；尚未通过为空")
    valid_from: datetime.date | None = Field(None, description="生效日期")
    expires_on: datetime.date | None = Field(None, description="失效日期")
    season_start_month: int | None = Field(None, description="适用起始月（季节性内容）")
    season_end_month: int | None = Field(None, description="适用截止月（季节性内容）")
    is_current: bool = Field(..., description="今天能否发布、推送：已通过审查、未撤下、在有效期和适用月份内")
    updated_at: datetime.datetime = Field(..., description="最后修改时间")


class ContentPage(Schema):
    count: int = Field(..., description="符合条件的内容总数")
    items: list[ContentOut] = Field(..., description="本页内容")


class ContentDetailOut(ContentOut):
    source_unit_id: int | None = Field(None, description="提供单位编号（来源为成员单位提供时）")
    source_name: str = Field(..., description="外部资源名称或出处")
    source_url: str = Field(..., description="外部资源地址")
    licence: str = Field(..., description="授权方式：" + choices_text(Licence))
    body_html: str = Field(..., description="最新版本的正文（已净化的 HTML）")
    broadcast_text: str = Field(..., description="最新版本的广播/短信文本（不超过 70 字）")
    file_name: str = Field(..., description="最新版本的文件名（图片、视频、音频、海报类）")
    first_published_at: datetime.datetime | None = Field(None, description="首次发布时间")
    created_at: datetime.datetime = Field(..., description="创建时间")


class ContentIn(Schema):
    region: str | None = Field(None, description="所属区划代码；不填为本账号所在区划")
    kind: str = Field(ContentKind.ARTICLE, description="类型：" + choices_text(ContentKind)
                      + "。本接口不接收文件：图片、视频、音频、海报类须在网页上传文件")
    title: str = Field(..., description="标题（不超过 120 字）")
    topics: list[str] = Field(..., description="主题代码，至少一个")
    summary: str = Field("", description="摘要（不超过 300 字）")
    body_html: str = Field("", description="正文 HTML（保存时净化，去除脚本等不安全内容）")
    audiences: list[str] = Field([], description="受众代码")
    source: str = Field(ContentSource.OWN, description="来源：" + choices_text(ContentSource)
                        + "。成员单位填报员登记的内容一律为成员单位提供")
    source_unit_id: int | None = Field(None, description="提供单位编号（来源为成员单位提供时必填）")
    source_name: str = Field("", description="外部资源名称或出处（引用外部资源时与地址至少填一项）")
    source_url: str = Field("", description="外部资源地址（http:// 或 https://）")
    licence: str = Field(Licence.OWN, description="授权方式：" + choices_text(Licence))
    valid_from: datetime.date | None = Field(None, description="生效日期")
    expires_on: datetime.date | None = Field(None, description="失效日期")
    season_start_month: int | None = Field(None, description="适用起始月（1–12，与截止月同时填写）")
    season_end_month: int | None = Field(None, description="适用截止月（1–12，可跨年，如 11 至 3 月）")
    broadcast_text: str = Field("", description="广播/短信文本（不超过 70 字）")


class ContentPatchIn(Schema):
    """Only the fields sent change; a change of title, summary, body or broadcast text makes a new version."""

    note: str = Field("", description="修改说明（记入新版本）")
    title: str | None = Field(None, description="标题")
    summary: str | None = Field(None, description="摘要")
    body_html: str | None = Field(None, description="正文 HTML")
    broadcast_text: str | None = Field(None, description="广播/短信文本（不超过 70 字）")
    topics: list[str] | None = Field(None, description="主题代码")
    audiences: list[str] | None = Field(None, description="受众代码")
    source: str | None = Field(None, description="来源")
    source_unit_id: int | None = Field(None, description="提供单位编号")
    source_name: str | None = Field(None, description="外部资源名称或出处")
    source_url: str | None = Field(None, description="外部资源地址")
    licence: str | None = Field(None, description="授权方式")
    valid_from: datetime.date | None = Field(None, description="生效日期")
    expires_on: datetime.date | None = Field(None, description="失效日期")
    season_start_month: int | None = Field(None, description="适用起始月")
    season_end_month: int | None = Field(None, description="适用截止月")


class WithdrawIn(Schema):
    reason: str = Field("", description="撤下原因（必填）")


class VersionOut(Schema):
    number: int = Field(..., description="版本号")
    title: str = Field(..., description="标题")
    summary: str = Field(..., description="摘要")
    body_html: str = Field(..., description="正文 HTML")
    broadcast_text: str = Field(..., description="广播/短信文本")
    file_name: str = Field(..., description="原文件名")
    file_type: str = Field(..., description="文件格式")
    file_size: int | None = Field(None, description="文件大小（字节）")
    file_sha256: str = Field(..., description="文件的 SHA-256")
    note: str = Field(..., description="修改说明")
    created_by: str = Field(..., description="修改人")
    created_at: datetime.datetime = Field(..., description="保存时间")
    is_approved: bool = Field(..., description="是否为已通过、对外发布的版本")


class ReviewOut(Schema):
    id: int = Field(..., description="审查意见编号（专家提交结论时使用）")
    expert_id: int = Field(..., description="专家编号")
    expert_name: str = Field(..., description="专家姓名")
    verdict: str = Field(..., description="结论：" + choices_text(Verdict))
    comments: str = Field(..., description="审查意见")
    assigned_at: datetime.datetime = Field(..., description="分配时间")
    decided_at: datetime.datetime | None = Field(None, description="提交时间")


class RoundOut(Schema):
    id: int = Field(..., description="审查轮次编号")
    version: int = Field(..., description="受审版本号")
    required: int = Field(..., description="所需专家数")
    fast_track: bool = Field(..., description="是否应急快审")
    status: str = Field(..., description="结论：" + choices_text(RoundStatus))
    opened_at: datetime.datetime = Field(..., description="开始时间")
    due_at: datetime.datetime = Field(..., description="审查期限")
    closed_at: datetime.datetime | None = Field(None, description="结束时间")
    reviews: list[ReviewOut] = Field(..., description="各专家的审查意见")


# Bodies of writes on one object have no required fields: the object's scope is checked first (404),
# then the service names what is missing (400).
class VerdictIn(Schema):
    verdict: str = Field("", description="结论：approve 通过 / revise 修改后再审 / reject 不通过")
    comments: str = Field("", description="审查意见（结论不是通过时必填）")


# --- distribution -----------------------------------------------------------------------------------


class PublicationOut(Schema):
    id: int = Field(..., description="发布记录编号")
    version: int = Field(..., description="发出的版本号")
    channel: str = Field(..., description="渠道：" + choices_text(Channel))
    region: str = Field(..., description="发布区划代码")
    region_name: str = Field(..., description="发布区划名称")
    published_at: datetime.datetime = Field(..., description="发布时间")
    published_by: str = Field(..., description="发布人")
    reach: int | None = Field(None, description="传播人次（推送为各对象反馈之和）")
    note: str = Field(..., description="说明")
    emergency_id: int | None = Field(None, description="应急事件编号")
    push_id: int | None = Field(None, description="精准推送编号（渠道为精准推送时）")


class PublishIn(Schema):
    channel: str = Field("", description="渠道：" + " / ".join(
        f"{value} {label}" for value, label in Channel.choices if value != Channel.PUSH)
        + "（精准推送请用 /pushes）")
    region: str | None = Field(None, description="发布区划代码；不填为本纲要办所在区划")
    reach: int | None = Field(None, description="传播人次（阅读量、播出覆盖人数等）")
    note: str = Field("", description="说明")


class PushIn(Schema):
    regions: list[str] = Field([], description="推送区划代码；不填为本纲要办所在区划")
    audiences: list[str] = Field([], description="受众代码：向服务这些受众的单位和信息员推送")
    message: str = Field("", description="推送说明")
    unit_ids: list[int] | None = Field(
        None, description="推送单位编号；与 messenger_ids 都不填时由科素按受众、主题和订阅提出推送对象")
    messenger_ids: list[int] | None = Field(None, description="推送科普信息员编号")
    due_at: datetime.datetime | None = Field(None, description="完成时限（应急推送默认按事件的转发时限）")


class RecipientOut(Schema):
    id: int = Field(..., description="推送对象编号（签收、反馈时使用）")
    unit_id: int | None = Field(None, description="单位编号")
    unit_name: str = Field("", description="单位名称")
    messenger_id: int | None = Field(None, description="科普信息员编号")
    messenger_name: str = Field("", description="科普信息员姓名")
    reason: str = Field(..., description="推送依据")
    acknowledged_at: datetime.datetime | None = Field(None, description="签收时间")
    reach: int | None = Field(None, description="反馈的传播人次")
    reach_note: str = Field(..., description="传播情况")
    reported_at: datetime.datetime | None = Field(None, description="反馈时间")


class PushOut(Schema):
    id: int = Field(..., description="推送编号")
    content_id: int = Field(..., description="内容编号")
    title: str = Field(..., description="内容标题")
    version: int = Field(..., description="推送的版本号")
    message: str = Field(..., description="推送说明")
    regions: list[str] = Field(..., description="推送区划代码")
    audiences: list[str] = Field(..., description="受众代码")
    sent_at: datetime.datetime = Field(..., description="推送时间")
    sent_by: str = Field(..., description="推送人")
    due_at: datetime.datetime | None = Field(None, description="完成时限")
    emergency_id: int | None = Field(None, description="应急事件编号")
    recipients: list[RecipientOut] = Field(
        ..., description="推送对象（成员单位填报员只看到本单位）")
    acknowledged: int = Field(..., description="已签收的对象数（上列对象中）")
    reach: int = Field(..., description="反馈的传播人次合计（上列对象中）")


class ReachIn(Schema):
    reach: int | None = Field(None, description="传播人次（必填，不小于 0）")
    note: str = Field("", description="传播情况说明")


# --- rumours ----------------------------------------------------------------------------------------


class RumourFilter(PageIn):
    status: RumourStatus | None = Field(None, description="状态：" + choices_text(RumourStatus))
    topic: str | None = Field(None, description="主题代码")


class RumourOut(Schema):
    id: int = Field(..., description="谣言编号")
    claim: str = Field(..., description="谣言内容")
    region: str = Field(..., description="所属区划代码")
    region_name: str = Field(..., description="所属区划名称")
    topic: str = Field(..., description="主题代码")
    topic_name: str = Field(..., description="主题名称")
    first_seen: datetime.date = Field(..., description="首次发现日期")
    where_seen: str = Field(..., description="发现渠道")
    spread: str = Field(..., description="传播范围：" + choices_text(Spread))
    status: str = Field(..., description="状态：" + choices_text(RumourStatus))
    rebuttal_id: int | None = Field(None, description="辟谣内容编号（见 /api/content/{content_id}）")
    rebuttal_status: str | None = Field(None, description="辟谣内容的状态")
    rebutted_at: datetime.datetime | None = Field(None, description="辟谣时间（辟谣内容通过审查时）")
    closed_at: datetime.datetime | None = Field(None, description="结束跟踪时间")
    closing_note: str = Field(..., description="结束说明")


class RumourPage(Schema):
    count: int = Field(..., description="符合条件的谣言总数")
    items: list[RumourOut] = Field(..., description="本页谣言")


class RumourIn(Schema):
    region: str | None = Field(None, description="所属区划代码；不填为本纲要办所在区划")
    claim: str = Field(..., description="谣言内容（不超过 300 字）")
    topic: str = Field(..., description="主题代码")
    first_seen: datetime.date = Field(..., description="首次发现日期（不晚于今天）")
    where_seen: str = Field("", description="发现渠道")
    spread: str = Field(Spread.LOW, description="传播范围：" + choices_text(Spread))


class RebuttalIn(Schema):
    title: str = Field("", description="辟谣内容标题（必填）")
    body_html: str = Field("", description="正文 HTML（必填）")
    summary: str = Field("", description="摘要")
    broadcast_text: str = Field("", description="广播/短信文本（不超过 70 字）")


class CloseRumourIn(Schema):
    note: str = Field("", description="结束说明（尚未辟谣即结束时必填）")


# --- emergencies ------------------------------------------------------------------------------------


class EmergencyFilter(PageIn):
    status: EmergencyStatus | None = Field(None, description="状态：" + choices_text(EmergencyStatus))


class EmergencyOut(Schema):
    id: int = Field(..., description="应急事件编号")
    title: str = Field(..., description="事件名称")
    event_type: str = Field(..., description="事件类型：" + choices_text(EventType))
    level: str = Field(..., description="响应级别：" + choices_text(EmergencyLevel))
    status: str = Field(..., description="状态：" + choices_text(EmergencyStatus))
    region: str = Field(..., description="启动区划代码")
    region_name: str = Field(..., description="启动区划名称")
    affected_regions: list[str] = Field(..., description="影响区划代码")
    started_at: datetime.datetime = Field(..., description="启动时间")
    closed_at: datetime.datetime | None = Field(None, description="结束时间")
    distribute_within_hours: int = Field(..., description="转发时限（小时）")


class EmergencyPage(Schema):
    count: int = Field(..., description="符合条件的应急事件总数")
    items: list[EmergencyOut] = Field(..., description="本页应急事件")


class TimelineOut(Schema):
    at: datetime.datetime = Field(..., description="时间")
    kind: str = Field(..., description="事项：" + choices_text(TimelineKind))
    text: str = Field(..., description="内容")
    content_id: int | None = Field(None, description="相关内容编号")
    region: str | None = Field(None, description="相关区划代码")
    actor_name: str = Field(..., description="操作人")


class EmergencyDetailOut(EmergencyOut):
    description: str = Field(..., description="事件说明")
    push_ids: list[int] = Field(..., description="本事件的精准推送编号（见 /api/content/pushes/{push_id}）")
    timeline: list[TimelineOut] = Field(..., description="时间线，按时间先后")


class EmergencyIn(Schema):
    region: str | None = Field(None, description="启动区划代码；不填为本纲要办所在区划")
    event_type: str = Field(..., description="事件类型：" + choices_text(EventType))
    title: str = Field(..., description="事件名称")
    level: str = Field(EmergencyLevel.IV, description="响应级别：" + choices_text(EmergencyLevel))
    affected_regions: list[str] = Field(..., description="影响区划代码（须在启动区划范围内）")
    started_at: datetime.datetime | None = Field(None, description="启动时间；不填为现在")
    distribute_within_hours: int = Field(6, description="转发时限（1–72 小时）")
    description: str = Field("", description="事件说明")


class NoteIn(Schema):
    text: str = Field("", description="工作记录（不超过 280 字）")


class CloseEmergencyIn(Schema):
    closed_at: datetime.datetime | None = Field(None, description="结束时间；不填为现在")
