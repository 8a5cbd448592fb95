"""The /api/ endpoints of 科普内容 (kesu.content): the library and its scientific review, publication
and targeted push, rumours and their rebuttals, emergency events. Reads come from
kesu.api.content_selectors (kesu.content.permissions querysets: an object out of scope is 404);
writes go only through the kesu.content services the pages call, which check the role (403),
lock the rows and write the audit.

`install(api)` mounts the router and maps ContentError to 400 with the field it names.
"""

from __future__ import annotations

import functools

from django.http import HttpResponse
from ninja import Query, Router, Status

from kesu.api import content_selectors as selectors
from kesu.api.content_schemas import (
    CloseEmergencyIn,
    CloseRumourIn,
    ContentDetailOut,
    ContentErrorOut,
    ContentFilter,
    ContentIn,
    ContentPage,
    ContentPatchIn,
    EmergencyDetailOut,
    EmergencyFilter,
    EmergencyIn,
    EmergencyPage,
    NoteIn,
    PublicationOut,
    PublishIn,
    PushIn,
    PushOut,
    ReachIn,
    RebuttalIn,
    RecipientOut,
    RoundOut,
    RumourFilter,
    RumourIn,
    RumourOut,
    RumourPage,
    VerdictIn,
    VersionOut,
    WithdrawIn,
)
from kesu.api.schemas import ErrorOut
from kesu.content import authoring, debunking, distributing, emergency, reviewing
from kesu.content.aftermath import after_action_docx
from kesu.content.errors import ContentError

router = Router()

CONTENT_TAGS = ["科普内容"]
REVIEW_TAGS = ["科学性审查"]
RUMOUR_TAGS = ["科学辟谣"]
EMERGENCY_TAGS = ["应急科普"]
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 400: ContentErrorOut}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The services name model fields; the request bodies name some of them differently.
FIELD_NAMES = {"source_unit": "source_unit_id", "units": "unit_ids", "messengers": "messenger_ids", "upload": "kind"}


def _refused(api, request, exc: ContentError):
    field = FIELD_NAMES.get(exc.field, exc.field)
    return api.create_response(request, {"detail": exc.message, "field": field}, status=400)


def install(api) -> None:
    api.add_exception_handler(ContentError, functools.partial(_refused, api))
    api.add_router("", router)


# --- content ----------------------------------------------------------------------------------------


def _detail(request, content_id: int) -> dict:
    return selectors.content_detail(user=request.auth, content_id=content_id)


@router.get("/content", response={200: ContentPage, **READ_ERRORS}, operation_id="list_content",
            tags=CONTENT_TAGS, summary="可见的科普内容（可筛选，分页）",
            description="纲要办、领导和统计人员看到本区划及下级的内容和上级已通过审查的内容；成员单位填报员看到"
                        "本单位提供的和推送给本单位的内容；专家看到指派给本人审查的内容。")
def list_content(request, filters: Query[ContentFilter]):
    count, items = selectors.content_page(user=request.auth, filters=filters)
    return {"count": count, "items": items}


@router.post("/content", response={201: ContentDetailOut, **WRITE_ERRORS}, operation_id="create_content",
             tags=CONTENT_TAGS, summary="新建科普内容（草稿，第 1 版）",
             description="正文以 body_html 提交。本接口不上传文件：图片、视频、音频、海报类内容须在网页上传文件，"
                         "以本接口新建会返回 400。纲要办管理员在本区划及下级登记；成员单位填报员以本单位名义提供"
                         "（来源为“成员单位提供”）。取值有误时返回 400，field 指出出错的字段。")
def create_content(request, payload: ContentIn):
    data = payload.model_dump()
    region = selectors.region_by_code(data.pop("region"), user=request.auth, field="region")
    unit = selectors.source_unit(request.auth, data.pop("source_unit_id"))
    item = authoring.create_item(actor=request.auth, region=region, source_unit=unit, **data)
    return Status(201, _detail(request, item.pk))


@router.get("/content/{content_id}", response={200: ContentDetailOut, **READ_ERRORS}, operation_id="get_content",
            tags=CONTENT_TAGS, summary="科普内容详情（最新版本和已通过版本号、主题、受众、有效期）")
def get_content(request, content_id: int):
    return _detail(request, content_id)


@router.patch("/content/{content_id}", response={200: ContentDetailOut, **WRITE_ERRORS},
              operation_id="revise_content", tags=CONTENT_TAGS, summary="修改科普内容",
              description="只修改请求中给出的字段。修改标题、摘要、正文或广播文本形成新版本（回到草稿，须重新提交"
                          "审查；已通过的版本继续对外发布）；只改主题、受众、来源、有效期等不形成新版本。"
                          "审查中的内容不能修改正文。")
def revise_content(request, content_id: int, payload: ContentPatchIn):
    item = selectors.item_in_scope(user=request.auth, content_id=content_id)
    changed = payload.model_dump(exclude_unset=True)
    note = changed.pop("note", "") or ""
    if "source_unit_id" in changed:
        changed["source_unit"] = selectors.source_unit(request.auth, changed.pop("source_unit_id"))
    for name in ("topics", "source", "licence"):
        if name in changed and changed[name] is None:
            del changed[name]  # no value is not a value these fields can take: null leaves them as they are
    for name in ("title", "summary", "body_html", "broadcast_text", "source_name", "source_url", "audiences"):
        if name in changed and changed[name] is None:
            changed[name] = [] if name == "audiences" else ""
    authoring.revise_item(actor=request.auth, item=item, note=note, **changed)
    return _detail(request, content_id)


@router.post("/content/{content_id}/submit", response={200: ContentDetailOut, **WRITE_ERRORS},
             operation_id="submit_content", tags=REVIEW_TAGS, summary="提交科学性审查",
             description="为最新版本开启审查轮次，按审查规则指派可选专家（应急期间快审）。")
def submit_content(request, content_id: int):
    item = selectors.item_in_scope(user=request.auth, content_id=content_id)
    authoring.submit_item(actor=request.auth, item=item)
    return _detail(request, content_id)


@router.post("/content/{content_id}/withdraw", response={200: ContentDetailOut, **WRITE_ERRORS},
             operation_id="withdraw_content", tags=CONTENT_TAGS, summary="撤下科普内容（须填写原因）",
             description="撤下后所有渠道不再发布、推送该内容，也不能再修改。")
def withdraw_content(request, content_id: int, payload: WithdrawIn):
    item = selectors.item_in_scope(user=request.auth, content_id=content_id)
    authoring.withdraw_item(actor=request.auth, item=item, reason=payload.reason)
    return _detail(request, content_id)


@router.get("/content/{content_id}/versions", response={200: list[VersionOut], **READ_ERRORS},
            operation_id="list_content_versions", tags=CONTENT_TAGS, summary="内容的各版本（保存后不再改变）")
def list_versions(request, content_id: int):
    return selectors.versions(selectors.item_in_scope(user=request.auth, content_id=content_id))


# --- scientific review ------------------------------------------------------------------------------


@router.get("/content/{content_id}/reviews", response={200: list[RoundOut], **READ_ERRORS},
            operation_id="list_content_reviews", tags=REVIEW_TAGS, summary="审查轮次和专家意见（最近的在前）")
def list_reviews(request, content_id: int):
    return selectors.rounds(selectors.item_in_scope(user=request.auth, content_id=content_id))


@router.post("/content/{content_id}/reviews/{review_id}/verdict", response={200: list[RoundOut], **WRITE_ERRORS},
             operation_id="give_content_verdict", tags=REVIEW_TAGS, summary="提交审查结论（被指派的专家）",
             description="只有被指派的专家本人可以提交，且每轮只能提交一次；结论不是通过时须填写审查意见。"
                         "全部所需专家通过后，该版本成为对外发布的版本。")
def give_verdict(request, content_id: int, review_id: int, payload: VerdictIn):
    item = selectors.item_in_scope(user=request.auth, content_id=content_id)
    review = selectors.review_in_scope(item=item, review_id=review_id)
    reviewing.give_verdict(actor=request.auth, review=review, verdict=payload.verdict, comments=payload.comments)
    return selectors.rounds(item)


# --- publication and targeted push ------------------------------------------------------------------


@router.get("/content/{content_id}/publications", response={200: list[PublicationOut], **READ_ERRORS},
            operation_id="list_content_publications", tags=CONTENT_TAGS, summary="发布记录（各渠道，含精准推送）")
def list_publications(request, content_id: int):
    return selectors.publications(selectors.item_in_scope(user=request.auth, content_id=content_id))


@router.post("/content/{content_id}/publications", response={201: PublicationOut, **WRITE_ERRORS},
             operation_id="publish_content", tags=CONTENT_TAGS, summary="登记发布（科素公开页、公众号、海报、广播等）",
             description="纲要办管理员在本区划及下级发布；只发出已通过审查的版本。未通过审查、已撤下、不在有效期"
                         "或适用月份内的内容返回 400；应急广播/短信须有广播文本。")
def publish_content(request, content_id: int, payload: PublishIn):
    item = selectors.item_in_scope(user=request.auth, content_id=content_id)
    region = selectors.region_by_code(payload.region, user=request.auth, field="region")
    publication = distributing.publish(actor=request.auth, item=item, channel=payload.channel, region=region,
                                       reach=payload.reach, note=payload.note)
    [row] = [row for row in selectors.publications(item) if row["id"] == publication.pk]
    return Status(201, row)


@router.post("/content/{content_id}/pushes", response={201: PushOut, **WRITE_ERRORS},
             operation_id="push_content", tags=CONTENT_TAGS, summary="精准推送（推送对象可由科素提出）",
             description="向所选区划内服务所选受众的成员单位和科普信息员推送已通过审查的版本。unit_ids 与 "
                         "messenger_ids 都不填时，由科素按方案中承担该受众提升行动的单位、内容主题的订阅和"
                         "信息员所在社区提出推送对象；给出时须都在所选区划内。")
def push_content(request, content_id: int, payload: PushIn):
    item = selectors.item_in_scope(user=request.auth, content_id=content_id)
    if payload.regions:
        regions = selectors.regions_by_codes(payload.regions, field="regions")
    else:
        regions = [selectors.region_by_code(None, user=request.auth, field="regions")]
    units = messengers = None
    if payload.unit_ids is not None or payload.messenger_ids is not None:
        units = selectors.push_units(request.auth, payload.unit_ids or [])
        messengers = selectors.push_messengers(request.auth, payload.messenger_ids or [])
    push = distributing.push_item(
        actor=request.auth, item=item, regions=regions, audiences=selectors.audiences_by_codes(payload.audiences),
        message=payload.message, units=units, messengers=messengers, due_at=payload.due_at,
    )
    return Status(201, selectors.push_detail(user=request.auth, push_id=push.pk))


@router.get("/content/pushes/{push_id}", response={200: PushOut, **READ_ERRORS}, operation_id="get_push",
            tags=CONTENT_TAGS, summary="推送详情（推送对象、签收、传播人次）",
            description="成员单位填报员只看到推送给本单位的记录。")
def get_push(request, push_id: int):
    return selectors.push_detail(user=request.auth, push_id=push_id)


@router.post("/content/pushes/recipients/{recipient_id}/acknowledge", response={200: RecipientOut, **WRITE_ERRORS},
             operation_id="acknowledge_push", tags=CONTENT_TAGS, summary="签收推送（被推送单位的填报员）",
             description="推送给单位的由该单位的填报员签收；推送给科普信息员的由其所在区划的纲要办代为登记。")
def acknowledge(request, recipient_id: int):
    recipient = selectors.recipient_in_scope(user=request.auth, recipient_id=recipient_id)
    recipient = distributing.acknowledge(actor=request.auth, recipient=recipient)
    return _recipient(request, recipient.pk)


@router.post("/content/pushes/recipients/{recipient_id}/reach", response={200: RecipientOut, **WRITE_ERRORS},
             operation_id="report_push_reach", tags=CONTENT_TAGS, summary="反馈传播人次（被推送单位的填报员）",
             description="反馈即视为签收；再次反馈覆盖上次的数字。")
def report_reach(request, recipient_id: int, payload: ReachIn):
    recipient = selectors.recipient_in_scope(user=request.auth, recipient_id=recipient_id)
    recipient = distributing.report_reach(actor=request.auth, recipient=recipient, reach=payload.reach,
                                          note=payload.note)
    return _recipient(request, recipient.pk)


def _recipient(request, recipient_id: int) -> dict:
    recipient = selectors.recipient_in_scope(user=request.auth, recipient_id=recipient_id)
    push = selectors.push_detail(user=request.auth, push_id=recipient.push_id)
    return next(row for row in push["recipients"] if row["id"] == recipient_id)


# --- rumours ----------------------------------------------------------------------------------------


@router.get("/rumours", response={200: RumourPage, **READ_ERRORS}, operation_id="list_rumours", tags=RUMOUR_TAGS,
            summary="本区划及下级登记的谣言（可筛选，分页）")
def list_rumours(request, filters: Query[RumourFilter]):
    count, items = selectors.rumour_page(user=request.auth, filters=filters)
    return {"count": count, "items": items}


@router.post("/rumours", response={201: RumourOut, **WRITE_ERRORS}, operation_id="record_rumour", tags=RUMOUR_TAGS,
             summary="登记谣言（纲要办管理员）")
def record_rumour(request, payload: RumourIn):
    region = selectors.region_by_code(payload.region, user=request.auth, field="region")
    rumour = debunking.record_rumour(
        actor=request.auth, region=region, claim=payload.claim, topic=selectors.topic_by_code(payload.topic),
        first_seen=payload.first_seen, where_seen=payload.where_seen, spread=payload.spread,
    )
    return Status(201, selectors.rumour_detail(user=request.auth, rumour_id=rumour.pk))


@router.get("/rumours/{rumour_id}", response={200: RumourOut, **READ_ERRORS}, operation_id="get_rumour",
            tags=RUMOUR_TAGS, summary="谣言详情（含辟谣内容及其状态）")
def get_rumour(request, rumour_id: int):
    return selectors.rumour_detail(user=request.auth, rumour_id=rumour_id)


@router.post("/rumours/{rumour_id}/rebuttal", response={201: ContentDetailOut, **WRITE_ERRORS},
             operation_id="draft_rebuttal", tags=RUMOUR_TAGS, summary="起草辟谣内容（草稿，须提交科学性审查）",
             description="辟谣内容是图文类科普内容，主题为谣言的主题；通过审查后谣言即为已辟谣。")
def draft_rebuttal(request, rumour_id: int, payload: RebuttalIn):
    rumour = selectors.rumour_in_scope(user=request.auth, rumour_id=rumour_id)
    item = debunking.draft_rebuttal(actor=request.auth, rumour=rumour, **payload.model_dump())
    return Status(201, _detail(request, item.pk))


@router.post("/rumours/{rumour_id}/close", response={200: RumourOut, **WRITE_ERRORS}, operation_id="close_rumour",
             tags=RUMOUR_TAGS, summary="结束跟踪（尚未辟谣时须写明原因）")
def close_rumour(request, rumour_id: int, payload: CloseRumourIn):
    rumour = selectors.rumour_in_scope(user=request.auth, rumour_id=rumour_id)
    debunking.close_rumour(actor=request.auth, rumour=rumour, note=payload.note)
    return selectors.rumour_detail(user=request.auth, rumour_id=rumour_id)


# --- emergencies ------------------------------------------------------------------------------------


@router.get("/emergencies", response={200: EmergencyPage, **READ_ERRORS}, operation_id="list_emergencies",
            tags=EMERGENCY_TAGS, summary="应急事件（本区划及下级启动的和影响本区划的，分页）")
def list_emergencies(request, filters: Query[EmergencyFilter]):
    count, items = selectors.event_page(user=request.auth, filters=filters)
    return {"count": count, "items": items}


@router.post("/emergencies", response={201: EmergencyDetailOut, **WRITE_ERRORS}, operation_id="start_emergency",
             tags=EMERGENCY_TAGS, summary="启动应急科普响应（纲要办管理员）",
             description="影响区划须在启动区划范围内。启动后点名应急科普专家待命，并把该类事件资源包中的现行内容"
                         "推送到影响区划，限时转发。")
def start_emergency(request, payload: EmergencyIn):
    data = payload.model_dump()
    region = selectors.region_by_code(data.pop("region"), user=request.auth, field="region")
    affected = selectors.regions_by_codes(data.pop("affected_regions"), field="affected_regions")
    event = emergency.start_emergency(actor=request.auth, region=region, affected_regions=affected, **data)
    return Status(201, selectors.event_detail(user=request.auth, emergency_id=event.pk))


@router.get("/emergencies/{emergency_id}", response={200: EmergencyDetailOut, **READ_ERRORS},
            operation_id="get_emergency", tags=EMERGENCY_TAGS, summary="应急事件详情（含时间线）")
def get_emergency(request, emergency_id: int):
    return selectors.event_detail(user=request.auth, emergency_id=emergency_id)


@router.post("/emergencies/{emergency_id}/notes", response={201: EmergencyDetailOut, **WRITE_ERRORS},
             operation_id="add_emergency_note", tags=EMERGENCY_TAGS, summary="添加工作记录（写入时间线）")
def add_note(request, emergency_id: int, payload: NoteIn):
    event = selectors.event_in_scope(user=request.auth, emergency_id=emergency_id)
    emergency.add_note(actor=request.auth, event=event, text=payload.text)
    return Status(201, selectors.event_detail(user=request.auth, emergency_id=emergency_id))


@router.post("/emergencies/{emergency_id}/close", response={200: EmergencyDetailOut, **WRITE_ERRORS},
             operation_id="close_emergency", tags=EMERGENCY_TAGS, summary="结束应急科普响应")
def close_emergency(request, emergency_id: int, payload: CloseEmergencyIn):
    event = selectors.event_in_scope(user=request.auth, emergency_id=emergency_id)
    emergency.close_emergency(actor=request.auth, event=event, closed_at=payload.closed_at)
    return selectors.event_detail(user=request.auth, emergency_id=emergency_id)


@router.get("/emergencies/{emergency_id}/after-action.docx", response=READ_ERRORS,
            operation_id="get_emergency_after_action", tags=EMERGENCY_TAGS, summary="应急科普总结报告（Word 文件）",
            description="按时间线叙述事件经过，统计首发用时、推送签收和传播人次、快审情况。",
            openapi_extra={"responses": {"200": {"description": "Word 文件（.docx）",
                                                 "content": {DOCX: {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}})
def after_action(request, emergency_id: int):
    event = selectors.event_in_scope(user=request.auth, emergency_id=emergency_id)
    response = HttpResponse(after_action_docx(event), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="emergency-{event.pk}-after-action.docx"'
    return response
