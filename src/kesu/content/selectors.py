"""Read-only queries over the content library and its review, for pages and for readers above
(kesu.evaluation, kesu.api). Other features append their functions below their own heading."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kesu.audit.display import history_rows
from kesu.audit.models import AuditEntry
from kesu.content import permissions
from kesu.content.models import (
    ContentItem,
    ContentReview,
    ContentStatus,
    ReviewRound,
    RoundStatus,
    Verdict,
)
from kesu.org.models import Region

# --- library and scientific review (LIB) -----------------------------------------------------


@dataclass(frozen=True)
class LibraryFilters:
    status: str = ""
    topic: str = ""
    audience: str = ""
    kind: str = ""
    region: str = ""
    q: str = ""
    year: str = ""
    published: str = ""

    @property
    def active(self) -> bool:
        return bool(self.region or self.year or self.published)

    @classmethod
    def from_params(cls, params) -> LibraryFilters:
        return cls(**{name: str(params.get(name, "")).strip()[:60] for name in cls.__dataclass_fields__})


def library_items(user, filters: LibraryFilters, *, with_status: bool = True) -> QuerySet[ContentItem]:
    items = permissions.visible_items(user)
    if with_status and filters.status:
        items = items.filter(status=filters.status)
    if filters.topic:
        items = items.filter(topics__code=filters.topic)
    if filters.audience:
        items = items.filter(audiences__code=filters.audience)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    region = Region.objects.filter(code=filters.region).first() if filters.region else None
    if filters.region and region is None:
        items = items.none()
    year = year_of(filters.year)
    if filters.published == "1":
        # As the indicator counts: items published (a Publication) in the year within the region's subtree,
        # wherever the item itself was registered; one filter() so both conditions hold for one publication.
        condition = {}
        if region is not None:
            condition["publications__region__path__startswith"] = region.path
        if year:
            condition["publications__published_at__year"] = year
        items = items.filter(publications__isnull=False, **condition)
    else:
        if region is not None:
            items = items.filter(region__path__startswith=region.path)
        if year:
            items = items.filter(created_at__year=year)
    if filters.q:
        items = items.filter(Q(title__icontains=filters.q) | Q(summary__icontains=filters.q))
    return items.select_related("region", "source_unit").distinct()


def status_counts(user, filters: LibraryFilters) -> list[tuple[str, str, int]]:
    """(status, label, count) for the tabs, counted under every filter but the status itself."""
    counts = dict(
        library_items(user, filters, with_status=False).order_by().values_list("status").annotate(n=Count("pk", distinct=True))
    )
    return [(value, label, counts.get(value, 0)) for value, label in ContentStatus.choices]


def rounds_of(item: ContentItem) -> list[ReviewRound]:
    return list(
        item.rounds.select_related("version").prefetch_related("reviews__expert").order_by("-opened_at", "-id")
    )


def open_round(item: ContentItem) -> ReviewRound | None:
    return item.rounds.filter(status=RoundStatus.OPEN).select_related("version").first()


def expert_queue(user) -> list[ContentReview]:
    """The signed-in expert's reviews: pending ones of open rounds first (soonest due first), then the rest."""
    expert = getattr(user, "expert_profile", None)
    if expert is None:
        return []
    reviews = list(
        ContentReview.objects.filter(expert=expert)
        .select_related("round__item__region", "round__version")
        .order_by("-assigned_at", "-id")[:200]
    )

    def pending(review):
        return review.verdict == Verdict.PENDING and review.round.status == RoundStatus.OPEN

    return sorted(reviews, key=lambda r: (not pending(r), r.round.due_at if pending(r) else timezone.now()))


def item_history(item: ContentItem, limit: int = 60):
    condition = Q(model="content.ContentItem", object_id=str(item.pk))
    condition |= Q(model="content.ContentVersion", object_id__in=[str(pk) for pk in item.versions.values_list("pk", flat=True)])
    rounds = list(item.rounds.values_list("pk", flat=True))
    condition |= Q(model="content.ReviewRound", object_id__in=[str(pk) for pk in rounds])
    reviews = ContentReview.objects.filter(round_id__in=rounds).values_list("pk", flat=True)
    condition |= Q(model="content.ContentReview", object_id__in=[str(pk) for pk in reviews])
    return history_rows(AuditEntry.objects.filter(condition).order_by("-at", "-id")[:limit])


def approved_items_in(region: Region) -> QuerySet[ContentItem]:
    """Approved, not withdrawn items of `region`'s subtree (for readers above the content app)."""
    return ContentItem.objects.filter(
        region__path__startswith=region.path, approved_version__isnull=False
    ).exclude(status=ContentStatus.WITHDRAWN)


# --- region scoping of the public pages and the provenance filters (POLISH) ---------------------


def region_by_code(code: str) -> Region | None:
    code = str(code or "").strip()
    return Region.objects.filter(code=code).first() if code.isdigit() else None


def ancestor_codes(region: Region) -> list[str]:
    return [code for code in region.path.strip("/").split("/") if code]


def subtree_and_above(region: Region, field: str = "region") -> Q:
    """Rows of `region`'s subtree and of the regions above it: a county's residents read their county's
    content and the city's and province's as well."""
    return Q(**{f"{field}__path__startswith": region.path}) | Q(**{f"{field}__code__in": ancestor_codes(region)})


def in_subtree_or_above(row_region: Region, region: Region) -> bool:
    return row_region.path.startswith(region.path) or row_region.code in ancestor_codes(region)


def year_of(text) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdigit() and len(text) == 4 else None


# --- an emergency's timeline, acknowledgements folded per push (POLISH) --------------------------

# Acknowledgements and reach reports come one per recipient (hundreds in a typhoon): the timeline keeps
# the office's own steps and folds those into one summary per push.
FOLDED_KINDS = ("acknowledged", "reach")


@dataclass
class PushSummary:
    push: object
    at: object
    title: str
    total: int
    acknowledged: int
    reach: int
    recipients: list
    is_summary = True

    @property
    def text(self) -> str:
        return f"《{self.title}》：已签收 {self.acknowledged}/{self.total}，反馈传播 {self.reach:,} 人次"


def push_summaries(event) -> list[PushSummary]:
    summaries = []
    pushes = (event.pushes.select_related("item")
              .prefetch_related("recipients__unit__region", "recipients__messenger__region").order_by("sent_at", "pk"))
    for push in pushes:
        recipients = list(push.recipients.all())
        summaries.append(PushSummary(
            push=push, at=push.sent_at, title=push.item.title, total=len(recipients),
            acknowledged=sum(1 for r in recipients if r.acknowledged_at), reach=sum(r.reach or 0 for r in recipients),
            recipients=recipients,
        ))
    return summaries


def main_timeline(event) -> list:
    """The event's timeline without acknowledgements and reach reports, each summary placed right
    after its push: rows are TimelineEntry or PushSummary, in time order."""
    entries = list(event.timeline.exclude(kind__in=FOLDED_KINDS).order_by("at", "pk"))
    rows = [(entry.at, float(index), entry) for index, entry in enumerate(entries)]
    used: set[int] = set()
    for summary in push_summaries(event):
        # Right after the push's own line (noted a moment after sent_at), else at the time it was sent.
        place = (summary.at, float(len(entries)))
        for index, entry in enumerate(entries):
            if (entry.kind == "pushed" and entry.item_id == summary.push.item_id and entry.pk not in used
                    and entry.at >= summary.at - datetime.timedelta(minutes=1)):
                used.add(entry.pk)
                place = (entry.at, index + 0.5)
                break
        rows.append((*place, summary))
    return [row for *_, row in sorted(rows, key=lambda row: row[:2])]


def folded_count(event) -> int:
    return event.timeline.filter(kind__in=FOLDED_KINDS).count()
