"""Writing content: create an item, revise it (a content change makes the next immutable version,
a metadata change is only audited), submit it for scientific review, withdraw it.

An approved item stays public while its next version is written and reviewed: `approved_version`
changes only when a later version passes review (kesu.content.reviewing).
"""

from __future__ import annotations

from django.db.models import Max

from kesu.audit.models import AuditAction
from kesu.audit.registry import record
from kesu.content import clock, permissions
from kesu.content.errors import ContentError, service
from kesu.content.files import check_upload
from kesu.content.models import (
    Audience,
    ContentItem,
    ContentKind,
    ContentSource,
    ContentStatus,
    ContentVersion,
    EmergencyStatus,
    Licence,
    ReviewRound,
    RoundStatus,
    TimelineKind,
)
from kesu.content.models.library import BROADCAST_MAX_CHARS
from kesu.content.sanitising import clean_html
from kesu.content.timeline import note as timeline_note
from kesu.org.models import Role

CONTENT_FIELDS = ("title", "summary", "body_html", "broadcast_text")
META_FIELDS = (
    "source", "source_unit", "source_name", "source_url", "licence", "valid_from", "expires_on",
    "season_start_month", "season_end_month",
)
M2M_FIELDS = ("topics", "audiences")
FILE_KINDS = (ContentKind.IMAGE, ContentKind.VIDEO, ContentKind.AUDIO, ContentKind.POSTER)


def _topics(values):
    from kesu.content.models import Topic

    values = list(values or ())
    codes = [value for value in values if isinstance(value, str)]
    found = [value for value in values if not isinstance(value, str)] + list(Topic.objects.filter(code__in=codes))
    missing = set(codes) - {topic.code for topic in found}
    if missing:
        raise ContentError(f"未知的主题：{'、'.join(sorted(missing))}", field="topics")
    return found


def _audiences(values):
    values = list(values or ())
    codes = [value for value in values if isinstance(value, str)]
    found = [value for value in values if not isinstance(value, str)] + list(Audience.objects.filter(code__in=codes))
    missing = set(codes) - {audience.code for audience in found}
    if missing:
        raise ContentError(f"未知的受众：{'、'.join(sorted(missing))}", field="audiences")
    return found


def _validate(actor, region, state: dict, *, has_file: bool) -> None:
    """Refuse `state` (every field of the item as it would be) with the first problem found."""
    if not (state["title"] or "").strip():
        raise ContentError("请填写标题", field="title")
    if not state["topics"]:
        raise ContentError("请至少选择一个主题", field="topics")
    kind = state["kind"]
    if kind not in ContentKind.values:
        raise ContentError(f"未知的内容类型：{kind}", field="kind")
    if kind in FILE_KINDS and not has_file:
        raise ContentError(f"{ContentKind(kind).label}类内容须上传文件", field="upload")
    if kind == ContentKind.ARTICLE and not clean_html(state["body_html"]):
        raise ContentError("图文内容须填写正文", field="body_html")
    source = state["source"]
    if source not in ContentSource.values:
        raise ContentError(f"未知的来源：{source}", field="source")
    if state["licence"] not in Licence.values:
        raise ContentError(f"未知的授权方式：{state['licence']}", field="licence")
    if actor.role == Role.UNIT_REPORTER:
        if source != ContentSource.UNIT:
            raise ContentError("成员单位登记的内容来源须为“成员单位提供”", field="source")
        if state["source_unit"] is None or state["source_unit"].pk != actor.unit_id:
            raise ContentError("成员单位只能以本单位名义提供内容", field="source_unit")
    if source == ContentSource.UNIT and state["source_unit"] is None:
        raise ContentError("来源为成员单位提供时，请选择提供单位", field="source_unit")
    if source == ContentSource.UNIT and state["source_unit"].region_id != region.pk and not (
        state["source_unit"].region.is_within(region) or region.is_within(state["source_unit"].region)
    ):
        raise ContentError(f"提供单位“{state['source_unit']}”不属于{region.name}", field="source_unit")
    if source == ContentSource.EXTERNAL and not (state["source_name"].strip() or state["source_url"].strip()):
        raise ContentError("引用外部资源时，请填写资源名称或地址", field="source_name")
    url = state["source_url"].strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ContentError("资源地址须以 http:// 或 https:// 开头", field="source_url")
    start, end = state["valid_from"], state["expires_on"]
    if start and end and end < start:
        raise ContentError(f"失效日期（{end}）不能早于生效日期（{start}）", field="expires_on")
    months = (state["season_start_month"], state["season_end_month"])
    if (months[0] is None) != (months[1] is None):
        raise ContentError("适用月份须同时填写起始月和截止月，或都不填", field="season_start_month")
    for month in months:
        if month is not None and not 1 <= int(month) <= 12:
            raise ContentError(f"适用月份须在 1 至 12 之间（填写的是 {month}）", field="season_start_month")
    count = len(state["broadcast_text"] or "")
    if count > BROADCAST_MAX_CHARS:
        raise ContentError(
            f"广播/短信文本不能超过 {BROADCAST_MAX_CHARS} 个字（现为 {count} 个字）", field="broadcast_text"
        )
    if len(state["summary"] or "") > 300:
        raise ContentError(f"摘要不能超过 300 个字（现为 {len(state['summary'])} 个字）", field="summary")
    if len(state["title"]) > 120:
        raise ContentError(f"标题不能超过 120 个字（现为 {len(state['title'])} 个字）", field="title")


def _attach(version: ContentVersion, upload, kind: str) -> None:
    name, mime = check_upload(kind, upload)
    version.file.save(name, upload, save=False)
    version.file_name, version.file_type = name, mime
    version.file_size, version.file_sha256 = upload.size, upload.kesu_sha256


def _copy_file(version: ContentVersion, previous: ContentVersion | None) -> None:
    # Versions share the stored file until one brings its own: files are never changed in place.
    if previous is not None and previous.file:
        version.file = previous.file.name
        version.file_name, version.file_type = previous.file_name, previous.file_type
        version.file_size, version.file_sha256 = previous.file_size, previous.file_sha256


def _in_emergency(emergency) -> bool:
    return emergency is not None and emergency.status == EmergencyStatus.ACTIVE


@service
def create_item(
    *, actor, region, kind, title, topics, summary="", body_html="", audiences=(), source="own", source_unit=None,
    source_name="", source_url="", licence="own", valid_from=None, expires_on=None, season_start_month=None,
    season_end_month=None, broadcast_text="", upload=None, emergency=None, is_rebuttal=False,
) -> ContentItem:
    permissions.require_author(actor, region)
    if actor.role == Role.UNIT_REPORTER and source_unit is None:
        source, source_unit = ContentSource.UNIT, actor.unit
    state = {
        "kind": kind, "title": (title or "").strip(), "summary": (summary or "").strip(), "body_html": body_html or "",
        "topics": _topics(topics), "audiences": _audiences(audiences), "source": source, "source_unit": source_unit,
        "source_name": source_name or "", "source_url": source_url or "", "licence": licence,
        "valid_from": valid_from, "expires_on": expires_on, "season_start_month": season_start_month,
        "season_end_month": season_end_month, "broadcast_text": (broadcast_text or "").strip(),
    }
    _validate(actor, region, state, has_file=upload is not None)
    item = ContentItem.objects.create(
        region=region, kind=kind, author=actor, emergency=emergency, is_rebuttal=is_rebuttal,
        **{name: state[name] for name in ("title", "summary", *META_FIELDS)},
    )
    item.topics.set(state["topics"])
    item.audiences.set(state["audiences"])
    version = ContentVersion(
        item=item, number=1, title=state["title"], summary=state["summary"], body_html=clean_html(state["body_html"]),
        broadcast_text=state["broadcast_text"], created_by=actor, note="初稿",
    )
    if upload is not None:
        _attach(version, upload, kind)
    version.save()
    item.current_version = version
    item.save(update_fields=["current_version", "updated_at"])
    if _in_emergency(emergency):
        timeline_note(emergency, TimelineKind.DRAFTED, f"新建应急科普内容《{item.title}》", item=item, region=region)
    return item


def _locked(item: ContentItem) -> ContentItem:
    return ContentItem.objects.select_for_update().get(pk=item.pk)


@service
def revise_item(*, actor, item, note="", **changed) -> ContentVersion | None:
    """Apply `changed` fields (content: title, summary, body_html, broadcast_text, upload; metadata:
    topics, audiences, source…, validity, season). A content change makes the next version and puts
    the item back to draft; metadata changes are audited on the item. Returns the current version."""
    unknown = set(changed) - {*CONTENT_FIELDS, *META_FIELDS, *M2M_FIELDS, "upload"}
    if unknown:
        raise TypeError(f"revise_item: unknown fields {sorted(unknown)}")
    item = _locked(item)
    permissions.require_edit(actor, item)
    current = item.current_version
    upload = changed.pop("upload", None)
    state = {
        "kind": item.kind, "title": current.title, "summary": current.summary, "body_html": current.body_html,
        "broadcast_text": current.broadcast_text, "topics": list(item.topics.all()),
        "audiences": list(item.audiences.all()), **{name: getattr(item, name) for name in META_FIELDS},
    }
    for name, value in changed.items():
        if name == "topics":
            value = _topics(value)
        elif name == "audiences":
            value = _audiences(value)
        elif name in ("title", "summary", "broadcast_text", "source_name", "source_url"):
            value = (value or "").strip()
        elif name == "body_html":
            value = clean_html(value or "")
        state[name] = value
    content_changed = upload is not None or any(
        state[name] != getattr(current, name) for name in CONTENT_FIELDS
    )
    if content_changed and item.status == ContentStatus.UNDER_REVIEW:
        raise ContentError("该内容正在科学性审查中，不能修改正文；待专家给出“修改后再审”意见后再修改")
    _validate(actor, item.region, state, has_file=upload is not None or bool(current.file))
    meta_before = {name: getattr(item, name) for name in META_FIELDS}
    for name in META_FIELDS:
        setattr(item, name, state[name])
    _set_m2m(item, "topics", state["topics"])
    _set_m2m(item, "audiences", state["audiences"])
    if not content_changed:
        if meta_before != {name: getattr(item, name) for name in META_FIELDS}:
            item.save()
        return current
    if item.status == ContentStatus.SUBMITTED:
        # Nobody was reviewing yet: the waiting round is void, the new version is submitted afresh.
        ReviewRound.objects.filter(item=item, status=RoundStatus.OPEN).update(
            status=RoundStatus.CANCELLED, closed_at=clock.now()
        )
    number = (item.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = ContentVersion(
        item=item, number=number, created_by=actor, note=(note or "").strip()[:200],
        **{name: state[name] for name in CONTENT_FIELDS},
    )
    if upload is not None:
        _attach(version, upload, item.kind)
    else:
        _copy_file(version, current)
    version.save()
    item.title, item.summary = version.title, version.summary
    item.current_version, item.status = version, ContentStatus.DRAFT
    item.save()
    return version


def _set_m2m(item: ContentItem, name: str, values) -> None:
    manager = getattr(item, name)
    before = sorted(str(value) for value in manager.all())
    after = sorted(str(value) for value in values)
    if before != after:
        manager.set(values)
        # Many-to-many changes do not pass through the model's save: logged here, under the field's label.
        label = str(item._meta.get_field(name).verbose_name)
        record(AuditAction.UPDATE, item, {label: "、".join(before)}, {label: "、".join(after)})


@service
def submit_item(*, actor, item) -> ReviewRound:
    """Open a review round for the current version and assign experts (kesu.content.reviewing)."""
    from kesu.content import reviewing

    item = _locked(item)
    permissions.require_edit(actor, item)
    if item.status not in (ContentStatus.DRAFT, ContentStatus.REVISE, ContentStatus.REJECTED):
        raise ContentError(f"该内容当前状态为“{item.get_status_display()}”，不能提交审查")
    if item.status in (ContentStatus.REVISE, ContentStatus.REJECTED) and item.rounds.filter(
        version=item.current_version
    ).exists():
        raise ContentError("该版本已审查过，请按专家意见修改后（形成新版本）再提交")
    return reviewing.open_round(actor=actor, item=item)


@service
def withdraw_item(*, actor, item, reason) -> ContentItem:
    """Take the item off every channel for good (a mistake found, the advice outdated)."""
    item = _locked(item)
    permissions.require_edit(actor, item)
    reason = (reason or "").strip()
    if not reason:
        raise ContentError("请填写撤下原因", field="reason")
    now = clock.now()
    for round_ in ReviewRound.objects.select_for_update().filter(item=item, status=RoundStatus.OPEN):
        round_.status, round_.closed_at = RoundStatus.CANCELLED, now
        round_.save(update_fields=["status", "closed_at"])
    item.status = ContentStatus.WITHDRAWN
    item.save()
    record(AuditAction.UPDATE, item, {"撤下原因": ""}, {"撤下原因": reason[:300]})
    return item


def may_submit(user, item: ContentItem) -> bool:
    if not permissions.can_edit(user, item):
        return False
    if item.status == ContentStatus.DRAFT:
        return True
    return item.status in (ContentStatus.REVISE, ContentStatus.REJECTED) and not item.rounds.filter(
        version=item.current_version
    ).exists()

