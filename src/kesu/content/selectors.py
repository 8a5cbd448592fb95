"""Read-only queries over the content library and its review, for pages and for readers above
(kesu.evaluation, kesu.api). Other features append their functions below their own heading."""

from __future__ import annotations

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
    if filters.region:
        region = Region.objects.filter(code=filters.region).first()
        items = items.filter(region__path__startswith=region.path) if region else items.none()
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
