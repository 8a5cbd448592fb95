"""What the content library counts for 科普统计 (kesu.indicators.feeds): four data elements, each a
GROUP BY over one year of records by the region the record is located in. feed_sync adds them up the
region tree, as it does the registries' counts (kesu.resources.feeds).

Which group of the national statistics each element belongs to (the yaml's `group`):

* 科普内容发布条数 and 科普内容传播人次 are 传媒 (media): they count pieces put out through channels
  and the people those channels reached, the same kind of figure as the books, periodicals and
  accounts already in that group.
* 科学辟谣条数 is 传媒 as well: a rebuttal is a piece of content written, reviewed and published
  through the library like any other, and it is counted in 条 as the pieces are. What it answers (a
  rumour) does not make it an event.
* 应急科普响应次数 is 活动 (activities): a response is something the office organises over hours or
  days — experts on standby, pushes with deadlines, reach reported back — counted in 次 like
  lectures and exhibitions, not a piece of content.

Where each record is located:

* a publication at its `region` (the region whose office put it out); an item published by two
  counties counts once in each, since each reached its own people. Distinct within a region: an
  item sent out by three channels in one county is one item there;
* a push recipient's reach at the recipient's region (the unit's or the messenger's), in the year
  the push was sent, since the people it counts live where the recipient works;
* a rumour at its `region`, in the year of its rebuttal; an emergency at the region that started it,
  in the year it started.

All times are read in the project's time zone (Django's __year lookups), so a push sent at 00:30 on
1 January Beijing time belongs to the new year.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from kesu.content import clock
from kesu.content.models import EmergencyEvent, Publication, PushRecipient, Rumour
from kesu.indicators import feeds as indicator_feeds

log = logging.getLogger(__name__)

Counts = dict[tuple[int, str | None], float]

ITEMS_PUBLISHED = "content_items_published"
REACH = "content_reach"
RUMOURS_REBUTTED = "rumours_rebutted"
EMERGENCY_RESPONSES = "emergency_outreach_responses"
ELEMENTS = (ITEMS_PUBLISHED, REACH, RUMOURS_REBUTTED, EMERGENCY_RESPONSES)

LIBRARY = "科普内容发布记录"
RUMOURS = "科学辟谣台账"
EMERGENCIES = "应急科普事件记录"

# The pages behind the numbers (kesu.content.urls): plain paths, so that the figures link to the
# right list whether or not the views are mounted yet.
LIBRARY_PATH = "/content/"
RUMOURS_PATH = "/content/rumours/"
EMERGENCIES_PATH = "/content/emergency/"


def _grouped(rows) -> Counts:
    return {(region_id, None): float(value) for region_id, value in rows if value}


def items_published(year: int) -> Counts:
    rows = (
        Publication.objects.filter(published_at__year=year).order_by().values("region_id")
        .annotate(n=Count("item_id", distinct=True)).values_list("region_id", "n")
    )
    return _grouped(rows)


def reach(year: int) -> Counts:
    counts: Counts = defaultdict(float)
    published = (
        Publication.objects.filter(published_at__year=year, reach__isnull=False).order_by().values("region_id")
        .annotate(n=Sum("reach")).values_list("region_id", "n")
    )
    # A unit or a messenger always has a region (the check constraint makes one of them set).
    pushed = (
        PushRecipient.objects.filter(push__sent_at__year=year, reach__isnull=False).order_by()
        .annotate(located=Coalesce("unit__region_id", "messenger__region_id")).values("located")
        .annotate(n=Sum("reach")).values_list("located", "n")
    )
    for rows in (published, pushed):
        for region_id, value in rows:
            if value:
                counts[(region_id, None)] += float(value)
    return dict(counts)


def rumours_rebutted(year: int) -> Counts:
    rows = (
        Rumour.objects.filter(rebutted_at__year=year).order_by().values("region_id")
        .annotate(n=Count("id")).values_list("region_id", "n")
    )
    return _grouped(rows)


def emergency_responses(year: int) -> Counts:
    rows = (
        EmergencyEvent.objects.filter(started_at__year=year).order_by().values("region_id")
        .annotate(n=Count("id")).values_list("region_id", "n")
    )
    return _grouped(rows)


def _url(path: str, **params):
    def build(region_code: str, year: int, option_code: str | None) -> str:
        query = {"region": region_code}
        if year:
            query["year"] = year
        return path + "?" + urlencode({**query, **params})

    return build


def all_feeds() -> tuple[indicator_feeds.Feed, ...]:
    feed = indicator_feeds.Feed
    return (
        feed(ITEMS_PUBLISHED, LIBRARY, items_published, _url(LIBRARY_PATH, published="1")),
        feed(REACH, LIBRARY, reach, _url(LIBRARY_PATH, published="1")),
        feed(RUMOURS_REBUTTED, RUMOURS, rumours_rebutted, _url(RUMOURS_PATH, status="rebutted")),
        feed(EMERGENCY_RESPONSES, EMERGENCIES, emergency_responses, _url(EMERGENCIES_PATH)),
    )


def register_all() -> None:
    for feed in all_feeds():
        indicator_feeds.register_feed(feed)


def sync(*, actor, year: int, element_codes: Iterable[str] | None = None):
    """Recount the content elements (all, or `element_codes`) for `year`."""
    from kesu.indicators.feed_sync import sync_feeds

    codes = [code for code in (element_codes or ELEMENTS) if indicator_feeds.feed_for(code)]
    return sync_feeds(actor=actor, year=year, element_codes=codes)


# Years asked for inside `deferred()`; None outside it.
_deferred: ContextVar[set[int] | None] = ContextVar("kesu_content_feed_deferred", default=None)


@contextmanager
def deferred():
    """Hold the recounts the writes inside the block ask for and ask once at its end, so that a demo
    or an import of hundreds of acts recounts once. Nothing is asked for if the block raises (its
    writes are being rolled back)."""
    if _deferred.get() is not None:  # an outer block asks for these
        yield
        return
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending:
        sync_after_commit(*pending)


class _Recount:
    """The one recount queued on a transaction: later writes in the same transaction add their years
    to it instead of queueing another, so a transaction recounts once however many acts it holds."""

    def __init__(self, years: set[int]):
        self.years = years
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        for year in sorted(self.years):
            try:
                sync(actor=None, year=year)
            except Exception:  # the content write has committed; report, never undo it
                log.exception("科普内容同步到科普统计失败（%s年）", year)


def _queued() -> _Recount | None:
    # Django drops a callback whose savepoint rolls back; a recount still listed is still to run.
    for entry in transaction.get_connection().run_on_commit:
        if isinstance(entry[1], _Recount) and not entry[1].ran:
            return entry[1]
    return None


def year_of(moment: datetime.datetime | None) -> int:
    """The year `moment` falls in, in the project's time zone (as the feeds' __year lookups read it)."""
    return timezone.localtime(moment).year if moment is not None else clock.today().year


def sync_after_commit(*years: int) -> None:
    """For the services: after the caller's transaction commits, recount the content elements for
    the current year and for `years` (a late reach report on last year's push changes last year).
    One recount per transaction. Cells of a region whose year is submitted or accepted stay as they
    are (kesu.indicators.feed_sync counts them as frozen). A failed recount leaves the write
    standing; the next write, or `sync()`, repairs it."""
    wanted = {clock.today().year, *years}
    pending = _deferred.get()
    if pending is not None:
        pending.update(wanted)
        return
    queued = _queued() if transaction.get_connection().in_atomic_block else None
    if queued is not None:
        queued.years.update(wanted)
        return
    transaction.on_commit(_Recount(wanted))
