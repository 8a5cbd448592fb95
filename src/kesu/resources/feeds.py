"""What the registries count for 科普统计 (kesu.indicators.feeds): one Feed per data element, each a
GROUP BY over one registry for a year, by the region the records are located in. Indicators add
those up the region tree and store them (feed_sync); a region with registry records for an element
takes the registry's figure instead of a typed one.

Stocks with a history in the records (bases by level from their recognitions and revocations,
volunteers by registration date, teams by founding year, messengers by appointment date) are
counted as at the end of the year asked. Experts carry no dates: they are counted for the current
year only (`HISTORICAL` says which feeds may be re-run for past years).
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
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from kesu.indicators import feeds as indicator_feeds
from kesu.org.models import Region
from kesu.resources.models import (
    Activity,
    ActivityKind,
    ApplicationStatus,
    BaseAnnualReport,
    BaseApplication,
    BaseLevel,
    Expert,
    Messenger,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)

log = logging.getLogger(__name__)

# The option codes of the national category base_level, by base level.
LEVEL_OPTION = {
    BaseLevel.COUNTY: "county", BaseLevel.CITY: "municipal",
    BaseLevel.PROVINCE: "provincial", BaseLevel.NATIONAL: "national",
}
OPTION_LEVEL = {option: level for level, option in LEVEL_OPTION.items()}

Counts = dict[tuple[int, str | None], float]


def _grouped(queryset, measure) -> Counts:
    rows = queryset.order_by().values("region_id").annotate(value=measure).values_list("region_id", "value")
    return {(region_id, None): float(value) for region_id, value in rows if value}


# Set by sync() for the length of one recount: both base feeds read the standing bases of a year,
# and the scan over every recognition is the dearest part of a recount at national scale.
_standing_memo: ContextVar[dict[int, dict] | None] = ContextVar("kesu_resources_standing", default=None)


def _standing(year: int, within: Region | None = None) -> dict[int, tuple[int, str, float]]:
    """{base_id: (region_id, level, exhibition area)} for the bases standing at the end of `year`
    (in `within`'s subtree when given: the evaluation report's one region)."""
    memo = _standing_memo.get() if within is None else None
    if memo is not None and year in memo:
        return memo[year]
    latest: dict[int, tuple[int, int, str, float]] = {}
    rows = (
        BaseApplication.objects.filter(status=ApplicationStatus.RECOGNISED, year__lte=year)
        .filter(Q(base__revoked_year__isnull=True) | Q(base__revoked_year__gt=year))
    )
    if within is not None:
        rows = rows.filter(base__region__path__startswith=within.path)
    rows = rows.values_list("base_id", "base__region_id", "year", "level", "base__exhibition_area")
    for base_id, region_id, recognised, level, area in rows.iterator(chunk_size=20000):
        held = latest.get(base_id)
        if held is None or (recognised, BaseLevel.rank(level)) > (held[1], BaseLevel.rank(held[2])):
            latest[base_id] = (region_id, recognised, level, area)
    standing = {base_id: (region_id, level, area) for base_id, (region_id, _, level, area) in latest.items()}
    if memo is not None:
        memo[year] = standing
    return standing


def standing_bases(year: int, within: Region | None = None) -> dict[int, tuple[int, str]]:
    """{base_id: (region_id, level)} for the bases standing at the end of `year`: the level of their
    latest recognition up to that year, unless revoked by then."""
    return {base_id: (region_id, level) for base_id, (region_id, level, _) in _standing(year, within).items()}


def bases_by_level(year: int) -> Counts:
    counts: Counts = defaultdict(float)
    for region_id, level, _ in _standing(year).values():
        counts[(region_id, LEVEL_OPTION[level])] += 1
    return dict(counts)


def new_bases_by_level(year: int) -> Counts:
    rows = (
        BaseApplication.objects.filter(status=ApplicationStatus.RECOGNISED, year=year)
        .order_by().values("base__region_id", "level").annotate(n=Count("id"))
        .values_list("base__region_id", "level", "n")
    )
    return {(region_id, LEVEL_OPTION[level]): float(n) for region_id, level, n in rows}


def base_area(year: int) -> Counts:
    counts: Counts = defaultdict(float)
    for region_id, _, area in _standing(year).values():
        counts[(region_id, None)] += area
    return {key: value for key, value in counts.items() if value}


def base_visitors(year: int) -> Counts:
    rows = (
        BaseAnnualReport.objects.filter(year=year).order_by().values("base__region_id")
        .annotate(n=Sum("visitors")).values_list("base__region_id", "n")
    )
    return {(region_id, None): float(n) for region_id, n in rows if n}


def experts(year: int) -> Counts:
    return _grouped(Expert.objects.filter(is_active=True), Count("id"))


def emergency_experts(year: int) -> Counts:
    return _grouped(Expert.objects.filter(is_active=True, is_emergency=True), Count("id"))


def volunteers(year: int) -> Counts:
    registered = Q(registered_on__isnull=True) | Q(registered_on__lte=datetime.date(year, 12, 31))
    return _grouped(Volunteer.objects.filter(registered, is_active=True), Count("id"))


def teams(year: int) -> Counts:
    founded = Q(founded_year__isnull=True) | Q(founded_year__lte=year)
    return _grouped(VolunteerTeam.objects.filter(founded, is_active=True), Count("id"))


def volunteer_hours(year: int) -> Counts:
    rows = (
        ServiceRecord.objects.filter(date__year=year).order_by().values("volunteer__region_id")
        .annotate(n=Sum("hours")).values_list("volunteer__region_id", "n")
    )
    return {(region_id, None): float(n) for region_id, n in rows if n}


def messengers(year: int) -> Counts:
    since = Q(since__isnull=True) | Q(since__lte=datetime.date(year, 12, 31))
    return _grouped(Messenger.objects.filter(since, is_active=True), Count("id"))


def _activities(year: int, kinds: Iterable[str] | None, measure) -> Counts:
    queryset = Activity.objects.filter(year=year)
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    return _grouped(queryset, measure)


def _activity_feed(kinds, measure):
    return lambda year: _activities(year, kinds, measure)


def _url(registry: str, **params):
    def build(region_code: str, year: int, option_code: str | None) -> str:
        query = {"region": region_code, **params}
        if year:
            query["year"] = year
        if option_code in OPTION_LEVEL:
            query["level"] = OPTION_LEVEL[option_code]
        return reverse("resources:list", kwargs={"kind": registry}) + "?" + urlencode(query)

    return build


BASES = "科普教育基地登记册"
PEOPLE = "科普专家库"
VOLUNTEERS = "科技志愿服务登记册"
MESSENGERS = "科普信息员登记册"
ACTIVITIES = "科普活动登记册"

COUNT = Count("id")
PARTICIPANTS = Sum("participants")


def all_feeds() -> tuple[indicator_feeds.Feed, ...]:
    feed = indicator_feeds.Feed
    activity = _url("activity")
    return (
        feed("outreach_bases", BASES, bases_by_level, _url("base", standing="1")),
        feed("new_outreach_bases", BASES, new_bases_by_level, _url("base", recognised_in="1")),
        feed("outreach_base_area", BASES, base_area, _url("base", standing="1")),
        feed("outreach_base_visitors", BASES, base_visitors, _url("base", standing="1")),
        feed("outreach_experts", PEOPLE, experts, _url("expert")),
        feed("emergency_experts", PEOPLE, emergency_experts, _url("expert", emergency="1")),
        feed("registered_volunteers", VOLUNTEERS, volunteers, _url("volunteer")),
        feed("volunteer_teams", VOLUNTEERS, teams, _url("team")),
        feed("volunteer_hours", VOLUNTEERS, volunteer_hours, _url("volunteer")),
        feed("science_messengers", MESSENGERS, messengers, _url("messenger")),
        feed("outreach_activities", ACTIVITIES, _activity_feed(None, COUNT), activity),
        feed("outreach_activity_participants", ACTIVITIES, _activity_feed(None, PARTICIPANTS), activity),
        feed("outreach_activity_online_reach", ACTIVITIES, _activity_feed(None, Sum("online_reach")), activity),
        feed("lectures", ACTIVITIES, _activity_feed([ActivityKind.LECTURE], COUNT), _url("activity", kind="lecture")),
        feed("lecture_attendance", ACTIVITIES, _activity_feed([ActivityKind.LECTURE], PARTICIPANTS),
             _url("activity", kind="lecture")),
        feed("exhibitions", ACTIVITIES, _activity_feed([ActivityKind.EXHIBITION], COUNT),
             _url("activity", kind="exhibition")),
        feed("exhibition_visitors", ACTIVITIES, _activity_feed([ActivityKind.EXHIBITION], PARTICIPANTS),
             _url("activity", kind="exhibition")),
        feed("competitions", ACTIVITIES, _activity_feed([ActivityKind.COMPETITION], COUNT),
             _url("activity", kind="competition")),
        feed("competition_participants", ACTIVITIES, _activity_feed([ActivityKind.COMPETITION], PARTICIPANTS),
             _url("activity", kind="competition")),
        feed("science_week_events", ACTIVITIES, _activity_feed([ActivityKind.SCIENCE_WEEK], COUNT),
             _url("activity", kind="science_week")),
        feed("science_week_participants", ACTIVITIES, _activity_feed([ActivityKind.SCIENCE_WEEK], PARTICIPANTS),
             _url("activity", kind="science_week")),
    )


# Feeds whose past years can be recounted from the records (everything but the expert counts).
CURRENT_ONLY = frozenset({"outreach_experts", "emergency_experts"})

# Which elements a write to each registry kind can change.
ELEMENTS_BY_KIND = {
    "base": ("outreach_bases", "new_outreach_bases", "outreach_base_area", "outreach_base_visitors"),
    "expert": ("outreach_experts", "emergency_experts"),
    "volunteer": ("registered_volunteers", "volunteer_hours"),
    "team": ("volunteer_teams",),
    "messenger": ("science_messengers",),
    "organisation": (),
    "activity": ("outreach_activities", "outreach_activity_participants", "outreach_activity_online_reach",
                 "lectures", "lecture_attendance", "exhibitions", "exhibition_visitors", "competitions",
                 "competition_participants", "science_week_events", "science_week_participants"),
}


def register_all() -> None:
    for feed in all_feeds():
        indicator_feeds.register_feed(feed)


def sync(*, actor, year: int, kinds: Iterable[str] | None = None):
    """Recount the elements the given registry kinds feed (all by default) for `year`."""
    from kesu.indicators.feed_sync import sync_feeds

    codes = [code for kind in (kinds or ELEMENTS_BY_KIND) for code in ELEMENTS_BY_KIND[kind]]
    if year != timezone.localdate().year:
        codes = [code for code in codes if code not in CURRENT_ONLY]
    token = _standing_memo.set({})
    try:
        return sync_feeds(actor=actor, year=year, element_codes=[c for c in codes if indicator_feeds.feed_for(c)])
    finally:
        _standing_memo.reset(token)


# Recounts asked for inside `batched()`, by kind; None outside a batch.
_batch: ContextVar[dict[str, set[int]] | None] = ContextVar("kesu_resources_feed_batch", default=None)


@contextmanager
def batched():
    """Gather the recounts the writes inside the block ask for and ask once per kind at its end, so
    that a 3,000-row import recounts once rather than 3,000 times. Nothing is asked for if the block
    raises (its writes are being rolled back)."""
    if _batch.get() is not None:  # an outer batch asks for these
        yield
        return
    pending: dict[str, set[int]] = {}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for kind, years in pending.items():
        sync_after_commit(kind, years)


def sync_after_commit(kind: str, years: set[int]) -> None:
    """After the caller's transaction commits, recount what `kind` feeds for the current year and
    for `years` (an activity's own year). A failed recount leaves the registry write standing; the
    next write or `kesu resources sync` brings the figures in line."""
    if not ELEMENTS_BY_KIND.get(kind):
        return
    pending = _batch.get()
    if pending is not None:
        pending.setdefault(kind, set()).update(years)
        return
    wanted = {timezone.localdate().year, *years}

    def run():
        for year in sorted(wanted):
            try:
                sync(actor=None, year=year, kinds=[kind])
            except Exception:  # the registry write has committed; report, never undo it
                log.exception("科普资源登记册同步到科普统计失败（%s，%s年）", kind, year)

    transaction.on_commit(run)
