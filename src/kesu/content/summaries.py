"""Typed figures of the content library for readers above it: one region's subtree, one year (the
annual evaluation report) or a plan's period (the final evaluation), as frozen dataclasses.

Reach is counted as kesu.content.feeds counts it for 科普统计 (a publication's own reach where it
was published, a recipient's reach where the recipient works, in the year the push was sent), so the
report and the indicators page agree. `items_published` is different on purpose: the report counts
an item once however many regions of the subtree put it out, while the statistics credit each
region that did (a city's figure there can be higher).

Four queries whatever the size of the library: one row of scalar sub-selects, the year's
publications grouped by channel, the review rounds behind the year's approvals, and the year's
emergencies with their first publication.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, F, Func, IntegerField, Min, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kesu.content.models import (
    Channel,
    EmergencyEvent,
    Publication,
    Push,
    PushRecipient,
    ReviewRound,
    RoundStatus,
    Rumour,
)
from kesu.org.models import Region

HOUR = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class ChannelLine:
    channel: str  # Channel value
    label: str
    publications: int  # entries of the distribution log
    items: int  # distinct items among them
    reach: int  # the reach recorded for the channel itself (pushes' recipients are in `push_reach`)


@dataclass(frozen=True)
class EmergencyLine:
    title: str
    event_type: str  # EventType label
    level: str  # EmergencyLevel label
    region_name: str
    started_at: datetime.datetime
    closed_at: datetime.datetime | None
    distribute_within_hours: int
    publications: int  # the event's entries in the distribution log (pushes included)
    first_published_at: datetime.datetime | None

    @property
    def hours_to_first_publication(self) -> float | None:
        if self.first_published_at is None:
            return None
        return max(0.0, (self.first_published_at - self.started_at) / HOUR)

    @property
    def within_deadline(self) -> bool | None:
        """Whether the first content went out within the event's hours; None while nothing went out."""
        hours = self.hours_to_first_publication
        return None if hours is None else hours <= self.distribute_within_hours


@dataclass(frozen=True)
class ContentYear:
    region_name: str
    year: int
    items_approved: int  # distinct items of the subtree whose review approved them during the year
    items_published: int  # distinct items with a publication in the subtree during the year
    publications: int
    by_channel: tuple[ChannelLine, ...]  # every channel, in Channel order
    publication_reach: int
    push_reach: int  # reported by recipients in the subtree, of pushes sent during the year
    pushes: int  # sent from the subtree during the year
    recipients: int  # of those pushes
    acknowledged: int
    median_hours_to_approval: float | None  # submission → approval, over the year's approvals
    approvals_timed: int  # approvals behind the median
    rumours_recorded: int  # first seen during the year
    rumours_rebutted: int  # rebutted during the year
    emergencies: tuple[EmergencyLine, ...]  # started during the year, first first

    @property
    def reach(self) -> int:
        return self.publication_reach + self.push_reach

    @property
    def acknowledgement_rate(self) -> float | None:
        """Share (0–1) of push recipients who acknowledged; None without recipients."""
        return self.acknowledged / self.recipients if self.recipients else None

    @property
    def emergencies_within_deadline(self) -> int:
        return sum(1 for e in self.emergencies if e.within_deadline)

    @property
    def is_empty(self) -> bool:
        return not (self.items_approved or self.publications or self.pushes or self.push_reach
                    or self.rumours_recorded or self.rumours_rebutted or self.emergencies)


def _aggregate(queryset: QuerySet, function: str, field: str = "pk", *, distinct: bool = False) -> Coalesce:
    """An aggregate over the whole queryset as a scalar sub-select. A Func rather than Count keeps
    Django from adding a GROUP BY, so the sub-select returns exactly one row."""
    template = "%(function)s(DISTINCT %(expressions)s)" if distinct else "%(function)s(%(expressions)s)"
    aggregate = Func(F(field), function=function, template=template, output_field=IntegerField())
    return Coalesce(Subquery(queryset.order_by().annotate(_v=aggregate).values("_v")), Value(0))


def _within(region: Region, *fields: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__path__startswith": region.path})
    return condition


def _years(field: str, first: int, last: int) -> Q:
    return Q(**{f"{field}__year__gte": first, f"{field}__year__lte": last})


def _scalars(region: Region, first: int, last: int) -> dict:
    publications = Publication.objects.filter(_within(region, "region"), _years("published_at", first, last))
    pushes = Push.objects.filter(_within(region, "publication__region"), _years("sent_at", first, last))
    recipients = PushRecipient.objects.filter(push__in=pushes)
    reached = PushRecipient.objects.filter(_within(region, "unit__region", "messenger__region"),
                                           _years("push__sent_at", first, last))
    approved = ReviewRound.objects.filter(_within(region, "item__region"), _years("closed_at", first, last),
                                          status=RoundStatus.APPROVED)
    rumours = Rumour.objects.filter(_within(region, "region"))
    columns = {
        "items_approved": _aggregate(approved, "COUNT", "item_id", distinct=True),
        "items_published": _aggregate(publications, "COUNT", "item_id", distinct=True),
        "publications": _aggregate(publications, "COUNT"),
        "publication_reach": _aggregate(publications, "SUM", "reach"),
        "push_reach": _aggregate(reached, "SUM", "reach"),
        "pushes": _aggregate(pushes, "COUNT"),
        "recipients": _aggregate(recipients, "COUNT"),
        "acknowledged": _aggregate(recipients.filter(acknowledged_at__isnull=False), "COUNT"),
        "rumours_recorded": _aggregate(rumours.filter(_years("first_seen", first, last)), "COUNT"),
        "rumours_rebutted": _aggregate(rumours.filter(_years("rebutted_at", first, last)), "COUNT"),
    }
    return Region.objects.filter(pk=region.pk).annotate(**columns).values(*columns).get()


def _channel_lines(region: Region, year: int) -> tuple[ChannelLine, ...]:
    rows = (
        Publication.objects.filter(_within(region, "region"), published_at__year=year).order_by()
        .values("channel").annotate(n=Count("pk"), items=Count("item_id", distinct=True),
                                    reach=Coalesce(Sum("reach"), 0))
    )
    found = {row["channel"]: row for row in rows}
    empty = {"n": 0, "items": 0, "reach": 0}
    return tuple(
        ChannelLine(code, label, found.get(code, empty)["n"], found.get(code, empty)["items"],
                    found.get(code, empty)["reach"])
        for code, label in Channel.choices
    )


def _approval_hours(region: Region, year: int) -> list[float]:
    """Hours from submission to approval for each approval of the year. A submission opens a round;
    a 'revise' verdict sends the item back and the author's next version opens the next round of the
    same submission, so the clock runs from the first round after the previous approval, rejection or
    withdrawal of the submission."""
    approved_items = ReviewRound.objects.filter(
        _within(region, "item__region"), status=RoundStatus.APPROVED, closed_at__year=year,
    ).values("item_id")
    rows = (
        ReviewRound.objects.filter(item_id__in=approved_items).order_by("item_id", "opened_at", "id")
        .values_list("item_id", "opened_at", "closed_at", "status")
    )
    hours: list[float] = []
    item = started = None
    for item_id, opened_at, closed_at, status in rows:
        if item_id != item:
            item, started = item_id, None
        if started is None:
            started = opened_at
        if status == RoundStatus.APPROVED and closed_at is not None:
            if timezone.localtime(closed_at).year == year:
                hours.append(max(0.0, (closed_at - started) / HOUR))
            started = None
        elif status in (RoundStatus.REJECTED, RoundStatus.CANCELLED):
            started = None
    return hours


def _emergency_lines(region: Region, first: int, last: int) -> tuple[EmergencyLine, ...]:
    events = (
        EmergencyEvent.objects.filter(_within(region, "region"), _years("started_at", first, last))
        .select_related("region")
        .annotate(first_published=Min("publications__published_at"),
                  publication_count=Count("publications", distinct=True))
        .order_by("started_at", "id")
    )
    return tuple(
        EmergencyLine(
            title=e.title, event_type=e.get_event_type_display(), level=e.get_level_display(),
            region_name=e.region.name, started_at=e.started_at, closed_at=e.closed_at,
            distribute_within_hours=e.distribute_within_hours, publications=e.publication_count,
            first_published_at=e.first_published,
        )
        for e in events
    )


def content_year(region: Region, year: int) -> ContentYear:
    scalars = _scalars(region, year, year)
    by_channel = _channel_lines(region, year)
    hours = _approval_hours(region, year)
    return ContentYear(
        region_name=region.name, year=year,
        items_approved=scalars["items_approved"], items_published=scalars["items_published"],
        publications=sum(line.publications for line in by_channel), by_channel=by_channel,
        publication_reach=scalars["publication_reach"], push_reach=scalars["push_reach"],
        pushes=scalars["pushes"], recipients=scalars["recipients"], acknowledged=scalars["acknowledged"],
        median_hours_to_approval=statistics.median(hours) if hours else None, approvals_timed=len(hours),
        rumours_recorded=scalars["rumours_recorded"], rumours_rebutted=scalars["rumours_rebutted"],
        emergencies=_emergency_lines(region, year, year),
    )


@dataclass(frozen=True)
class ContentPeriod:
    """The content work of a region's subtree over the years of a plan (the final evaluation). An item
    approved or published in several years counts once."""

    region_name: str
    first_year: int
    last_year: int
    items_approved: int
    items_published: int
    publications: int
    reach: int  # publications' own reach and push recipients' reports, as ContentYear.reach
    pushes: int
    rumours_rebutted: int
    emergencies: tuple[EmergencyLine, ...]

    @property
    def emergencies_within_deadline(self) -> int:
        return sum(1 for e in self.emergencies if e.within_deadline)

    @property
    def is_empty(self) -> bool:
        return not (self.items_approved or self.publications or self.pushes or self.rumours_rebutted
                    or self.emergencies)


def content_period(region: Region, first: int, last: int) -> ContentPeriod:
    """Two queries, however many years: the scalars and the emergencies over `first`..`last`."""
    scalars = _scalars(region, first, last)
    return ContentPeriod(
        region_name=region.name, first_year=first, last_year=last, items_approved=scalars["items_approved"],
        items_published=scalars["items_published"], publications=scalars["publications"],
        reach=scalars["publication_reach"] + scalars["push_reach"], pushes=scalars["pushes"],
        rumours_rebutted=scalars["rumours_rebutted"], emergencies=_emergency_lines(region, first, last),
    )
