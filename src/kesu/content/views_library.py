"""The content library pages: list, new, edit, detail, versions, and the submit / withdraw / assign
actions. Views scope through kesu.content.permissions and leave every rule to the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.content import authoring, permissions, reviewing, selectors
from kesu.content.errors import ContentError
from kesu.content.forms import ItemForm, WithdrawForm
from kesu.content.models import Audience, ContentKind, ContentStatus, ContentVersion, EmergencyStatus, Topic
from kesu.content.sanitising import clean_html
from kesu.org.http import posted, posted_files
from kesu.org.models import Region, Role, Unit
from kesu.org.permissions import home_region
from kesu.resources.models import Expert
from kesu.resources.views import paged

LIBRARY_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN, Role.UNIT_REPORTER)


def _require_library(user) -> None:
    if user.role not in LIBRARY_ROLES:
        raise PermissionDenied("当前账号没有科普内容库")


def _item_or_404(user, pk: int):
    return get_object_or_404(permissions.visible_items(user).select_related("region", "current_version"), pk=pk)


def _units_for(user):
    if user.role == Role.UNIT_REPORTER:
        return Unit.objects.filter(pk=user.unit_id)
    if user.region_id:
        return Unit.objects.filter(region__path__startswith=user.region.path).select_related("region").order_by(
            "region__code", "name")
    return Unit.objects.none()


def _regions_for(user):
    region = home_region(user)
    if region is None:
        return Region.objects.none()
    if user.role == Role.UNIT_REPORTER:
        return Region.objects.filter(pk=region.pk)
    return Region.objects.filter(path__startswith=region.path).order_by("path")[:300]


def _apply_error(form, error: ContentError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@login_required
@require_GET
def library(request):
    user = request.user
    _require_library(user)
    filters = selectors.LibraryFilters.from_params(request.GET)
    page = paged(selectors.library_items(user, filters).prefetch_related("topics"), request.GET)
    tabs = selectors.status_counts(user, filters)
    return render(request, "content/library_list.html", {
        "page": page, "filters": filters, "tabs": tabs,
        "topics": Topic.objects.all(), "audiences": Audience.objects.all(), "kinds": ContentKind.choices,
        "may_create": user.role == Role.OFFICE_ADMIN or (user.role == Role.UNIT_REPORTER and user.unit_id),
        "total_all": sum(count for _, _, count in tabs),
        "region": selectors.region_by_code(filters.region),
    })


def _initial(item):
    version = item.current_version
    return {
        "kind": item.kind, "title": version.title, "summary": version.summary, "body_html": version.body_html,
        "broadcast_text": version.broadcast_text, "topics": list(item.topics.all()),
        "audiences": list(item.audiences.all()), "source": item.source, "source_unit": item.source_unit,
        "source_name": item.source_name, "source_url": item.source_url, "licence": item.licence,
        "valid_from": item.valid_from, "expires_on": item.expires_on,
        "season_start_month": item.season_start_month, "season_end_month": item.season_end_month,
    }


FORM_FIELDS = (
    "title", "summary", "body_html", "broadcast_text", "topics", "audiences", "source", "source_unit",
    "source_name", "source_url", "licence", "valid_from", "expires_on", "season_start_month", "season_end_month",
)


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request):
    user = request.user
    regions = list(_regions_for(user))
    if not regions or not permissions.can_author(user, regions[0]):
        raise PermissionDenied("当前账号无权登记科普内容")
    initial = {"source": "unit", "source_unit": user.unit} if user.role == Role.UNIT_REPORTER else {}
    form = ItemForm(posted(request), posted_files(request), units=_units_for(user), initial=initial)
    chosen = regions[0]
    event = _emergency_for(user, request.POST.get("emergency") or request.GET.get("emergency"))
    if event is not None:
        chosen = next((region for region in regions if region.pk == event.region_id), chosen)
    if request.method == "POST":
        code = request.POST.get("region", "")
        chosen = next((region for region in regions if region.code == code), chosen)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = authoring.create_item(
                    actor=user, region=chosen, kind=data["kind"], upload=data.get("upload"), emergency=event,
                    **{name: data[name] for name in FORM_FIELDS},
                )
            except ContentError as error:
                _apply_error(form, error)
            else:
                messages.success(request, f"已保存《{item.title}》第 1 版（草稿），提交审查后方可发布。")
                return redirect("content:item", item.pk)
    return render(request, "content/library_form.html",
                  {"form": form, "regions": regions, "chosen": chosen, "emergency": event})


def _emergency_for(user, raw: str | None):
    """The active event new content is written for (the event page's 新建应急内容), within the user's
    scope; such content goes on the fast-track review."""
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise Http404("没有该应急事件") from None
    return get_object_or_404(
        permissions.visible_emergencies(user).filter(status=EmergencyStatus.ACTIVE), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    user = request.user
    item = _item_or_404(user, pk)
    permissions.require_edit(user, item)
    form = ItemForm(posted(request), posted_files(request), units=_units_for(user), editing=True,
                    initial=_initial(item))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = {name: data[name] for name in FORM_FIELDS}
        if data.get("upload"):
            changed["upload"] = data["upload"]
        try:
            before = item.current_version_id
            version = authoring.revise_item(actor=user, item=item, note=data.get("note", ""), **changed)
        except ContentError as error:
            _apply_error(form, error)
        else:
            if version.pk != before:
                messages.success(request, f"已保存为第 {version.number} 版，需重新提交科学性审查。")
            else:
                messages.success(request, "已保存（未改动正文，不产生新版本）。")
            return redirect("content:item", item.pk)
    return render(request, "content/library_form.html", {"form": form, "item": item})


@login_required
@require_GET
def item_detail(request, pk: int):
    user = request.user
    item = _item_or_404(user, pk)
    rounds = selectors.rounds_of(item)
    current = next((r for r in rounds if r.status == "open"), None)
    may_manage = permissions.can_manage(user, item)
    context = {
        "item": item, "version": item.current_version, "approved": item.approved_version,
        "body": mark_safe(clean_html(item.current_version.body_html)) if item.current_version else "",
        "versions": item.versions.select_related("created_by").order_by("-number"),
        "rounds": rounds, "open_round": current, "now": timezone.now(),
        "may_edit": permissions.can_edit(user, item) and item.status != ContentStatus.UNDER_REVIEW,
        "may_submit": authoring.may_submit(user, item),
        "may_withdraw": permissions.can_edit(user, item),
        "withdraw_form": WithdrawForm(),
        "history": selectors.item_history(item),
    }
    if current is not None:
        context["missing"] = reviewing.missing_reviewers(current)
        context["overdue"] = reviewing.is_overdue(current)
        if may_manage:
            assigned = {review.expert_id for review in current.reviews.all()}
            context["candidates"] = [e for e in reviewing.candidate_reviewers(item)[:100] if e.pk not in assigned]
            context["may_assign"] = True
    return render(request, "content/library_detail.html", context)


@login_required
@require_GET
def version_detail(request, pk: int, number: int):
    item = _item_or_404(request.user, pk)
    version = get_object_or_404(ContentVersion, item=item, number=number)
    return render(request, "content/library_version.html", {
        "item": item, "version": version, "body": mark_safe(clean_html(version.body_html)),
    })


@login_required
@require_POST
def item_submit(request, pk: int):
    item = _item_or_404(request.user, pk)
    try:
        round_ = authoring.submit_item(actor=request.user, item=item)
    except ContentError as error:
        messages.error(request, error.message)
    else:
        if reviewing.missing_reviewers(round_):
            messages.warning(request, f"已提交审查，但可选专家不足（还差 {reviewing.missing_reviewers(round_)} 位），"
                                      "需纲要办指派审查专家。")
        else:
            names = "、".join(review.expert.name for review in round_.reviews.select_related("expert"))
            messages.success(request, f"已提交科学性审查，审查专家：{names}。")
    return redirect("content:item", item.pk)


@login_required
@require_POST
def item_withdraw(request, pk: int):
    item = _item_or_404(request.user, pk)
    try:
        authoring.withdraw_item(actor=request.user, item=item, reason=request.POST.get("reason", ""))
    except ContentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已撤下，该内容不再向任何渠道提供。")
    return redirect("content:item", item.pk)


@login_required
@require_POST
def item_assign(request, pk: int):
    item = _item_or_404(request.user, pk)
    permissions.require_manage(request.user, item.region)
    round_ = selectors.open_round(item)
    if round_ is None:
        messages.error(request, "该内容没有进行中的审查")
        return redirect("content:item", item.pk)
    ids = [value for value in request.POST.getlist("experts") if value.isdigit()]
    experts = list(Expert.objects.filter(pk__in=ids))
    try:
        reviewing.assign_reviewers(actor=request.user, round=round_, experts=experts)
    except ContentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已指派审查专家：{'、'.join(e.name for e in experts)}。")
    return redirect("content:item", item.pk)
