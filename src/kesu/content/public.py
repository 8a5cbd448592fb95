"""The public pages of content (/public/content/): approved items that are current today, each showing
its approved version only, so a newer draft under review never reaches the public; anything else is
missing (404). No login."""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kesu.content.channels import IMAGE_TYPES
from kesu.content.models import Audience, ContentItem, ContentStatus, Topic
from kesu.content.selectors import region_by_code, subtree_and_above
from kesu.org.models import Region
from kesu.resources.views import paged


def current_items(on: datetime.date) -> QuerySet[ContentItem]:
    """ContentItem.is_current(on) as a query: approved, not withdrawn, started, not expired, in season
    (a season may wrap over the new year)."""
    month = on.month
    no_season = Q(season_start_month__isnull=True) | Q(season_end_month__isnull=True)
    plain = Q(season_start_month__lte=F("season_end_month")) & Q(season_start_month__lte=month,
                                                                 season_end_month__gte=month)
    wrapping = Q(season_start_month__gt=F("season_end_month")) & (
        Q(season_start_month__lte=month) | Q(season_end_month__gte=month))
    return (ContentItem.objects.filter(approved_version__isnull=False).exclude(status=ContentStatus.WITHDRAWN)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
            .filter(no_season | plain | wrapping))


@require_GET
def content_list(request):
    items = current_items(timezone.localdate())
    regions = Region.objects.filter(pk__in=items.values("region")).order_by("path")
    topic_code, audience_code = request.GET.get("topic", ""), request.GET.get("audience", "")
    region = region_by_code(request.GET.get("region", ""))
    if region is not None:
        items = items.filter(subtree_and_above(region))
    if topic_code:
        items = items.filter(topics__code=topic_code)
    if audience_code:
        items = items.filter(audiences__code=audience_code)
    items = (items.select_related("approved_version", "region").distinct()
             .order_by(F("first_published_at").desc(nulls_last=True), "-id"))
    page = paged(items, request.GET)
    return render(request, "content/public_list.html", {
        "page": page, "rows": page.rows, "topics": Topic.objects.all(), "audiences": Audience.objects.all(),
        "regions": regions, "region": region,
        "filters": {"topic": topic_code, "audience": audience_code, "region": region.code if region else ""},
    })


def _current(pk) -> ContentItem:
    item = get_object_or_404(ContentItem.objects.select_related("approved_version", "region", "source_unit"), pk=pk)
    if not item.is_current(timezone.localdate()):
        raise Http404
    return item


@require_GET
def content_detail(request, pk):
    item = _current(pk)
    version = item.approved_version
    return render(request, "content/public_detail.html", {
        "item": item, "version": version, "topics": item.topics.all(), "audiences": item.audiences.all(),
        "is_image": bool(version.file) and version.file_type.lower() in IMAGE_TYPES,
    })


@require_GET
def content_file(request, pk):
    """The approved version's image, for the public page and the WeChat fragment's absolute address."""
    version = _current(pk).approved_version
    if not (version.file and version.file_type.lower() in IMAGE_TYPES):
        raise Http404
    try:
        handle = version.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, content_type=version.file_type)
