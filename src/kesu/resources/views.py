"""Pages of the 科普资源 registries: the overview, and a list, a record and its form per kind. Thin:
scope through kesu.resources.permissions and selectors (out of scope → 404, a role that never may →
403), write through services and lifecycle, render. The base lifecycle's pages are in views_bases,
service records, photos and evidence in views_records, the Excel buttons and the public directory in
views_exchange."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.audit.models import AuditEntry
from kesu.org.http import posted
from kesu.org.models import Region, RegionLevel, Role, User
from kesu.org.permissions import get_visible_or_404, home_region
from kesu.progress.selectors import HistoryRow, history_rows
from kesu.resources import permissions, selectors, services, views_bases, views_records
from kesu.resources.forms import RecordForm, this_year
from kesu.resources.kinds import KINDS, Kind
from kesu.resources.masking import mask, shown
from kesu.resources.models import (
    ActivityKind,
    ApplicationStatus,
    BaseLevel,
    BaseStatus,
    ExpertiseTag,
)
from kesu.resources.models.bases import OPEN_APPLICATION_STATUSES, STANDING_STATUSES
from kesu.resources.services import LIFECYCLE_FIELDS

PAGE_SIZE = 50
# Lists count their rows exactly up to here; beyond it a page says "more than" and offers 下一页 only,
# so that a province's million activities never cost a full COUNT(*) per page.
EXACT_COUNT_UP_TO = 10_000

# The columns of each list beside the name (attrs of kinds.KINDS, plus `status`).
LIST_COLUMNS = {
    "base": ("level", "status", "region", "host_organisation", "category", "annual_visitors", "next_re_examination_year"),
    "expert": ("region", "field", "title", "organisation", "tags", "phone", "status"),
    "team": ("region", "kind", "host_organisation", "leader_name", "leader_phone", "status"),
    "volunteer": ("region", "team", "skills", "is_senior", "phone", "status"),
    "messenger": ("region", "community", "organisation", "phone", "status"),
    "organisation": ("region", "kind", "members", "contact_name", "contact_phone", "status"),
    "activity": ("region", "kind", "start_date", "organiser", "participants", "online_reach"),
}
EXTRA_HEADERS = {"status": "状态", "region": "所在区划", "next_re_examination_year": "下次复核"}


# --- scope -----------------------------------------------------------------------------------


def kind_or_404(code: str) -> Kind:
    if code not in KINDS:
        raise Http404("没有这类登记册")
    return KINDS[code]


def may_list(user: User, kind: Kind) -> bool:
    """Offices, leaders and statisticians read every registry of their region; a unit reads its own
    bases and activities; experts read none (only their review assignments)."""
    if permissions.reads_registries(user):
        return True
    return user.role == Role.UNIT_REPORTER and bool(user.unit_id) and kind.code in ("base", "activity")


def require_list(user: User, kind: Kind) -> None:
    if not may_list(user, kind):
        raise PermissionDenied(f"当前角色无权查看{kind.label}登记册")


def may_create(user: User, kind: Kind) -> bool:
    if user.role == Role.OFFICE_ADMIN and user.region_id:
        return True
    return user.role == Role.UNIT_REPORTER and bool(user.unit_id) and kind.code in ("base", "activity")


def may_edit(user: User, kind: Kind, record) -> bool:
    if kind.code == "activity":
        return permissions.can_record_activity(user, record.region, record.organiser_id)
    if kind.code == "base":
        return permissions.can_apply_for(user, record)
    return permissions.can_manage(user, record.region)


def record_or_404(user: User, kind: Kind, pk: int):
    return get_visible_or_404(selectors.visible_records(kind.code, user=user), pk=pk)


def scoped_record(request, kind_code: str, pk: int):
    """(kind, record) for a page about one record: missing when out of scope, 403 for a role that
    never reads this registry."""
    kind = kind_or_404(kind_code)
    record = record_or_404(request.user, kind, pk)
    require_list(request.user, kind)
    return kind, record


def detail_url(kind_code: str, pk: int) -> str:
    return reverse("resources:detail", kwargs={"kind": kind_code, "pk": pk})


# --- paging without a full count -------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    has_next: bool
    total: int | None  # None: more than `cap`
    size: int = PAGE_SIZE
    cap: int = EXACT_COUNT_UP_TO

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def last(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.size))

    @property
    def carry(self) -> str:
        """The `n` the pager's links carry: the total, or "more" past the counting cap."""
        return "more" if self.total is None else str(self.total)

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def paged(queryset, params, size: int = PAGE_SIZE) -> Page:
    """The page `params["page"]` of `queryset`, LIMIT/OFFSET with one row more to know whether a next
    page exists. Page 1 counts (bounded); later pages take the total their links carry in `n`, which
    only labels the pager, so that paging through a large list never counts again."""
    number_text, known = str(params.get("page", "")), str(params.get("n", ""))
    number = int(number_text) if number_text.isdigit() and int(number_text) > 0 else 1
    offset = (number - 1) * size
    rows = list(queryset[offset:offset + size + 1])
    has_next = len(rows) > size
    if number == 1 and not has_next:
        total = len(rows)
    elif number > 1 and known.isdigit() and int(known) <= EXACT_COUNT_UP_TO:
        total = max(int(known), offset + len(rows[:size]))
    elif number > 1 and known == "more":
        total = None
    else:
        # Bounded: the database stops counting at the cap.
        counted = queryset.order_by()[:EXACT_COUNT_UP_TO + 1].count()
        total = counted if counted <= EXACT_COUNT_UP_TO else None
    return Page(rows[:size], number, has_next, total, size, EXACT_COUNT_UP_TO)


# --- what a row shows ------------------------------------------------------------------------


def sees_personal(user: User) -> bool:
    return permissions.sees_personal_data(user)


def list_headers(kind: Kind) -> list[str]:
    headers = []
    for attr in LIST_COLUMNS[kind.code]:
        headers.append(EXTRA_HEADERS.get(attr) or kind.field_label(attr))
    return headers


def status_text(kind: Kind, record) -> str:
    if kind.code == "base":
        return record.get_status_display()
    if hasattr(record, "is_active"):
        return "在册" if record.is_active else "已停用"
    return ""


def list_cells(kind: Kind, record, *, personal: bool) -> list:
    """The list's cells, read as selectors.row reads them (one meaning per column) but only for the
    columns the list shows."""
    cells = []
    for attr in LIST_COLUMNS[kind.code]:
        if attr == "region":
            value = record.region.name
        elif attr == "status":
            value = status_text(kind, record)
        elif attr == "next_re_examination_year":
            value = record.next_re_examination_year if record.is_standing else ""
        elif attr == "tags":
            value = "、".join(tag.name for tag in record.tags.all())
        elif attr == "team":
            value = record.team.name if record.team_id else ""
        elif attr == "organiser":
            value = record.organiser.name if record.organiser_id else record.organiser_name
        elif attr in PERSONAL_ATTRS:
            value = shown(getattr(record, attr), whole=personal)
        elif record._meta.get_field(attr).choices:
            value = getattr(record, f"get_{attr}_display")()
        else:
            value = getattr(record, attr)
        cells.append(shown_value(value))
    return cells


def shown_value(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    return value


def detail_fields(kind: Kind, record, *, personal: bool) -> list[tuple[str, object]]:
    flat = selectors.row(kind.code, record, personal=personal)
    flat["区划代码"] = f"{record.region.name}（{record.region.code}）"
    # A base's standing has its own card on the page.
    standing = {kind.field_label(name) for name in LIFECYCLE_FIELDS} if kind.code == "base" else set()
    return [(header, shown_value(value)) for header, value in flat.items() if header not in standing]


PERSONAL_ATTRS = frozenset(column.attr for kind in KINDS for column in kind.columns if column.personal)
PERSONAL_LABELS = frozenset(
    str(kind.model._meta.get_field(column.attr).verbose_name)
    for kind in KINDS for column in kind.columns if column.personal
)


def masked_history(entries: list[AuditEntry], *, personal: bool) -> list[HistoryRow]:
    rows = history_rows(entries)
    if personal:
        return rows
    return [
        HistoryRow(row.entry, [
            (label, mask(str(before or "")), mask(str(after or ""))) if label in PERSONAL_LABELS else (label, before, after)
            for label, before, after in row.changes
        ])
        for row in rows
    ]


def audit_trail(records, *, personal: bool, limit: int = 50) -> list[HistoryRow]:
    """The audit entries of `records` (model instances, any mix), newest first."""
    condition = Q(pk__in=[])
    by_model: dict[str, list[str]] = {}
    for record in records:
        by_model.setdefault(record._meta.label, []).append(str(record.pk))
    for label, ids in by_model.items():
        condition |= Q(model=label, object_id__in=ids)
    entries = list(AuditEntry.objects.filter(condition).order_by("-at", "-id")[:limit])
    return masked_history(entries, personal=personal)


def region_codes(user: User, limit: int = 300) -> list[Region]:
    """Regions offered in the region fields' suggestion list: the user's own and those under it."""
    home = home_region(user)
    if home is None:
        return []
    return list(home.subtree().exclude(level=RegionLevel.TOWNSHIP).only("code", "name").order_by("code")[:limit])


# --- overview --------------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    user = request.user
    if not (permissions.reads_registries(user) or may_list(user, KINDS["activity"])):
        raise PermissionDenied("当前角色无权查看科普资源登记册")
    year = this_year()
    kinds = [kind for kind in KINDS if may_list(user, kind)]
    counts = []
    for kind in kinds:
        queryset = selectors.visible_records(kind.code, user=user, filters=selectors.Filters(year=year))
        if kind.code == "base":
            queryset = queryset.filter(status__in=STANDING_STATUSES)
        elif hasattr(kind.model, "is_active"):
            queryset = queryset.filter(is_active=True)
        counted = queryset.order_by()[:EXACT_COUNT_UP_TO + 1].count()
        counts.append({"kind": kind, "count": counted, "more": counted > EXACT_COUNT_UP_TO,
                       "note": {"base": "已认定", "activity": f"{year}年"}.get(kind.code, "在册")})
    region = home_region(user)
    levels = []
    if permissions.reads_registries(user) and region is not None:
        level_counts = selectors.level_counts(region)
        levels = [(BaseLevel(level).label, level, level_counts[level]) for level in reversed(list(level_counts))]
    bases = permissions.visible_bases(user)
    due = (bases.filter(status__in=STANDING_STATUSES, next_re_examination_year__lte=year)
           .select_related("region").order_by("next_re_examination_year", "region__code", "name"))
    open_applications = (
        permissions.visible_applications(user).filter(status__in=[s.value for s in OPEN_APPLICATION_STATUSES])
        .select_related("base__region").order_by("status", "-year", "id")
    )
    stages = dict(open_applications.order_by().values_list("status").annotate(n=Count("id")))
    due_rows = list(due[:51])
    return render(request, "resources/index.html", {
        "year": year, "region": region, "kinds": kinds, "counts": counts, "levels": levels,
        "due": due_rows[:50], "due_more": len(due_rows) > 50,
        "stages": [(label, stages.get(value, 0)) for value, label in ApplicationStatus.choices
                   if value in OPEN_APPLICATION_STATUSES],
        "open_applications": list(open_applications[:50]),
        "may_review": user.role in (Role.OFFICE_ADMIN, Role.EXPERT),
    })


# --- list, detail, forms ---------------------------------------------------------------------


def _filter_options(kind: Kind) -> dict:
    options = {}
    if kind.code == "base":
        options = {"levels": BaseLevel.choices, "statuses": BaseStatus.choices}
    elif kind.code == "activity":
        options = {"activity_kinds": ActivityKind.choices}
    elif kind.code == "expert":
        options = {"tags": list(ExpertiseTag.objects.values_list("code", "name"))}
    return options


@login_required
@require_GET
def record_list(request, kind: str):
    spec = kind_or_404(kind)
    require_list(request.user, spec)
    filters = selectors.Filters.from_query(request.GET)
    queryset = selectors.prefetched(kind, selectors.visible_records(kind, user=request.user, filters=filters))
    page = paged(queryset, request.GET)
    personal = sees_personal(request.user)
    rows = [{"name": r.name, "url": detail_url(kind, r.pk), "muted": getattr(r, "is_active", True) is False,
             "cells": list_cells(spec, r, personal=personal)} for r in page.rows]
    context = {
        "kind": spec, "kinds": [k for k in KINDS if may_list(request.user, k)], "filters": filters,
        "headers": list_headers(spec), "rows": rows, "page": page, "may_create": may_create(request.user, spec),
        "may_import": request.user.role == Role.OFFICE_ADMIN and bool(request.user.region_id),
        "sees_personal": personal, **_filter_options(spec),
    }
    # A history restore (back button after hx-push-url) needs the whole page, not the rows.
    rows_only = request.htmx and not request.htmx.history_restore_request
    response = render(request, "resources/_list_rows.html" if rows_only else "resources/list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def record_detail(request, kind: str, pk: int):
    spec, record = scoped_record(request, kind, pk)
    personal = sees_personal(request.user)
    context = {
        "kind": spec, "record": record, "fields": detail_fields(spec, record, personal=personal),
        "may_edit": may_edit(request.user, spec, record), "status": status_text(spec, record),
        "may_set_active": hasattr(record, "is_active") and permissions.can_manage(request.user, record.region),
    }
    if spec.code == "base":
        extra = views_bases.base_context(request, record)
    else:
        extra = views_records.detail_context(request, spec, record)
    context["history"] = audit_trail([record, *extra.pop("audited")], personal=personal)
    context.update(extra)
    return render(request, f"resources/detail_{spec.code}.html" if spec.code in ("base", "activity", "volunteer")
                  else "resources/detail.html", context)


def _record_form_page(request, spec: Kind, form: RecordForm, instance):
    if request.method == "POST" and form.is_valid():
        try:
            record = services.save_record(actor=request.user, kind=spec.code, values=form.values(),
                                          instance=instance, tags=form.tags())
        except services.RecordError as exc:
            field = exc.field.removesuffix("_id") if exc.field else None
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            messages.success(request, f"已保存{spec.label}“{record.name}”")
            return redirect(detail_url(spec.code, record.pk))
    status = 400 if request.method == "POST" else 200
    return render(request, "resources/form.html", {
        "kind": spec, "form": form, "record": instance, "regions": region_codes(request.user),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request, kind: str):
    spec = kind_or_404(kind)
    if not may_create(request.user, spec):
        raise PermissionDenied(f"当前角色不能登记{spec.label}")
    form = RecordForm(posted(request), kind=spec, user=request.user)
    try:
        return _record_form_page(request, spec, form, None)
    except PermissionDenied as exc:
        # The region or unit chosen is outside what this user may record: say so on the form.
        form.add_error(None, str(exc) or "无权在该区划登记")
        return render(request, "resources/form.html", {"kind": spec, "form": form, "record": None,
                                                       "regions": region_codes(request.user)}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, kind: str, pk: int):
    spec, record = scoped_record(request, kind, pk)
    if not may_edit(request.user, spec, record):
        raise PermissionDenied(f"当前账号不能修改该{spec.label}")
    form = RecordForm(posted(request), kind=spec, user=request.user, instance=record)
    try:
        return _record_form_page(request, spec, form, record)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or "无权修改")
        return render(request, "resources/form.html", {"kind": spec, "form": form, "record": record,
                                                       "regions": region_codes(request.user)}, status=403)


@login_required
@require_POST
def record_set_active(request, kind: str, pk: int):
    spec, record = scoped_record(request, kind, pk)
    if not hasattr(record, "is_active"):
        raise Http404("该登记册没有停用操作")
    permissions.require_manage(request.user, record.region)
    active = request.POST.get("active") == "1"
    services.set_active(actor=request.user, record=record, active=active)
    messages.success(request, f"{'已恢复' if active else '已停用'}{spec.label}“{record.name}”" +
                     ("" if active else "：历史记录保留，不再计入统计"))
    return redirect(detail_url(kind, pk))
