"""科学辟谣: the rumours an office watches and the rebuttals it publishes.

A rumour is recorded while it is watched (monitoring). Its rebuttal is ordinary content written with
kesu.content.authoring (flagged `is_rebuttal`, on the rumour's topic) and goes through the normal
scientific review; when the review approves it, kesu.content.reviewing calls `rebuttal_approved` and
the rumour counts as rebutted. Closing ends the watch: from monitoring (with a note saying why no
rebuttal was needed) or after the rebuttal.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied

from kesu.content import clock, feeds
from kesu.content.errors import ContentError, service
from kesu.content.models import ContentItem, ContentStatus, Rumour, RumourStatus, Spread, Topic
from kesu.content.permissions import require_manage

CLAIM_MAX = 300
WHERE_MAX = 200
NOTE_MAX = 200
EDITABLE_FIELDS = ("claim", "where_seen", "first_seen", "spread", "topic")


def _clean_claim(claim) -> str:
    claim = (claim or "").strip()
    if not claim:
        raise ContentError("请填写谣言内容", field="claim")
    if len(claim) > CLAIM_MAX:
        raise ContentError(f"谣言内容不能超过{CLAIM_MAX}字（当前{len(claim)}字）", field="claim")
    return claim


def _clean_first_seen(first_seen) -> datetime.date:
    if isinstance(first_seen, str):
        try:
            first_seen = datetime.date.fromisoformat(first_seen.strip())
        except ValueError:
            raise ContentError("首次发现日期格式应为 YYYY-MM-DD", field="first_seen") from None
    if not isinstance(first_seen, datetime.date):
        raise ContentError("请填写首次发现日期", field="first_seen")
    if first_seen > clock.today():
        raise ContentError("首次发现日期不能晚于今天", field="first_seen")
    return first_seen


def _clean_spread(spread) -> str:
    if spread not in Spread.values:
        raise ContentError("请选择传播范围", field="spread")
    return spread


def _clean_topic(topic) -> Topic:
    if not isinstance(topic, Topic):
        raise ContentError("请选择谣言涉及的主题", field="topic")
    return topic


def _clean_where(where_seen) -> str:
    where_seen = (where_seen or "").strip()
    if len(where_seen) > WHERE_MAX:
        raise ContentError(f"发现渠道不能超过{WHERE_MAX}字", field="where_seen")
    return where_seen


def _lock(rumour: Rumour) -> Rumour:
    return Rumour.objects.select_for_update(of=("self",)).select_related("region", "topic", "rebuttal").get(pk=rumour.pk)


@service
def record_rumour(*, actor, region, claim, topic, first_seen, where_seen="", spread=Spread.LOW) -> Rumour:
    """Record a rumour the office of `region` (or above) has seen; it is watched until rebutted or closed."""
    require_manage(actor, region)
    return Rumour.objects.create(
        region=region, claim=_clean_claim(claim), topic=_clean_topic(topic), first_seen=_clean_first_seen(first_seen),
        where_seen=_clean_where(where_seen), spread=_clean_spread(spread), recorded_by=actor,
    )


@service
def edit_rumour(*, actor, rumour, **changed) -> Rumour:
    """Correct the record of a rumour that is still open (its spread grows, a better wording of the claim)."""
    unknown = set(changed) - set(EDITABLE_FIELDS)
    if unknown:
        raise ContentError(f"不能修改字段：{'、'.join(sorted(unknown))}")
    rumour = _lock(rumour)
    require_manage(actor, rumour.region)
    if rumour.status == RumourStatus.CLOSED:
        raise ContentError("该谣言已结束跟踪，不能再修改")
    cleaners = {"claim": _clean_claim, "where_seen": _clean_where, "first_seen": _clean_first_seen,
                "spread": _clean_spread, "topic": _clean_topic}
    for name, value in changed.items():
        setattr(rumour, name, cleaners[name](value))
    rumour.save()
    return rumour


@service
def draft_rebuttal(*, actor, rumour, title, body_html, summary="", broadcast_text="") -> ContentItem:
    """Write the rebuttal of `rumour` as a library item (draft); the office submits it for review as usual."""
    # Imported here: authoring reaches reviewing, whose approval calls back into this module.
    from kesu.content import authoring

    rumour = _lock(rumour)
    require_manage(actor, rumour.region)
    if rumour.status != RumourStatus.MONITORING:
        raise ContentError(f"该谣言状态为“{rumour.get_status_display()}”，不能再起草辟谣内容")
    if rumour.rebuttal_id and rumour.rebuttal.status not in (ContentStatus.WITHDRAWN, ContentStatus.REJECTED):
        raise ContentError(f"该谣言已有辟谣内容《{rumour.rebuttal.title}》，请在其上修改")
    item = authoring.create_item(
        actor=actor, region=rumour.region, kind="article", title=title, topics=[rumour.topic], summary=summary,
        body_html=body_html, broadcast_text=broadcast_text, is_rebuttal=True,
    )
    rumour.rebuttal = item
    rumour.save(update_fields=["rebuttal"])
    return item


def rebuttal_approved(item: ContentItem) -> Rumour | None:
    """Called by kesu.content.reviewing when the review of a rebuttal approves it (inside its transaction,
    as its actor): the rumour now counts as rebutted. A later approved revision keeps the first date."""
    rumour = Rumour.objects.select_for_update().filter(rebuttal=item).first()
    if rumour is None or rumour.status != RumourStatus.MONITORING:
        return rumour
    rumour.status = RumourStatus.REBUTTED
    rumour.rebutted_at = clock.now()
    rumour.save(update_fields=["status", "rebutted_at"])
    feeds.sync_after_commit(feeds.year_of(rumour.rebutted_at))
    return rumour


@service
def close_rumour(*, actor, rumour, note="") -> Rumour:
    """End the watch: after the rebuttal, or without one when the note says why none was needed."""
    rumour = _lock(rumour)
    require_manage(actor, rumour.region)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ContentError(f"结束说明不能超过{NOTE_MAX}字", field="note")
    if rumour.status == RumourStatus.CLOSED:
        raise ContentError("该谣言已结束跟踪")
    if rumour.status == RumourStatus.MONITORING and not note:
        raise ContentError("尚未辟谣即结束跟踪，请在结束说明中写明原因", field="note")
    rumour.status = RumourStatus.CLOSED
    rumour.closed_at = clock.now()
    rumour.closing_note = note
    rumour.save(update_fields=["status", "closed_at", "closing_note"])
    return rumour


def may_manage(user, rumour: Rumour) -> bool:
    try:
        require_manage(user, rumour.region)
    except PermissionDenied:
        return False
    return True
