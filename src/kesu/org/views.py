"""The office's pages for its units, users and regions (单位管理, 用户管理, 区划导入)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kesu.org import selectors, services
from kesu.org.forms import MergeForm, PasswordResetForm, RegionCSVForm, UnitForm, UserCreateForm
from kesu.org.http import posted, posted_files
from kesu.org.models import Role, Unit, UnitAlias, User
from kesu.org.permissions import can_administer, get_visible_or_404, require_role


def _office_region(request):
    """The region the office admin is working on: ?region=CODE within its subtree, else its own."""
    require_role(request.user, Role.OFFICE_ADMIN)
    regions = selectors.administrable_regions(request.user)
    code = request.GET.get("region") or request.POST.get("region_code")
    if code:
        return get_visible_or_404(regions, code=code), regions
    return request.user.region, regions


def _administered_unit(request, unit_id: int) -> Unit:
    require_role(request.user, Role.OFFICE_ADMIN)
    unit = get_visible_or_404(Unit.objects.select_related("region"), pk=unit_id)
    if not can_administer(request.user, unit.region):
        raise Http404("对象不存在或无权查看")
    return unit


def _split_aliases(text: str) -> list[str]:
    return [a for a in (p.strip() for p in re.split(r"[\n、,，;；]+", text or "")) if a]


@login_required
def unit_list(request):
    region, regions = _office_region(request)
    form = UnitForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(
                actor=request.user, region=region, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
                is_office=form.cleaned_data["is_office"], aliases=_split_aliases(form.cleaned_data["aliases"]),
            )
        except services.OrgError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已添加单位“{unit.name}”")
            return redirect(f"{request.path}?region={region.code}")
    units = selectors.units_with_counts(region)
    return render(request, "org/unit_list.html", {
        "region": region, "regions": regions, "units": units, "form": form,
    })


@login_required
def unit_edit(request, unit_id: int):
    unit = _administered_unit(request, unit_id)
    initial = {"name": unit.name, "kind": unit.kind, "is_office": unit.is_office, "is_active": unit.is_active}
    form = UnitForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(
                actor=request.user, unit=unit, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
                is_office=form.cleaned_data["is_office"], is_active=form.cleaned_data["is_active"],
            )
            for alias in _split_aliases(form.cleaned_data["aliases"]):
                services.add_alias(actor=request.user, unit=unit, alias=alias)
        except services.OrgError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存单位“{unit.name}”")
            return redirect("org:unit_edit", unit_id=unit.pk)
    return render(request, "org/unit_edit.html", {
        "unit": unit, "form": form, "aliases": unit.aliases.all(), "merge_form": MergeForm(source=unit),
    })


@login_required
@require_POST
def alias_delete(request, unit_id: int, alias_id: int):
    unit = _administered_unit(request, unit_id)
    alias = get_visible_or_404(UnitAlias.objects.filter(unit=unit), pk=alias_id)
    services.remove_alias(actor=request.user, alias=alias)
    messages.success(request, f"已删除别名“{alias.alias}”")
    return redirect("org:unit_edit", unit_id=unit.pk)


@login_required
@require_POST
def unit_merge(request, unit_id: int):
    source = _administered_unit(request, unit_id)
    form = MergeForm(request.POST, source=source)
    if not form.is_valid():
        messages.error(request, "请选择要并入的单位")
        return redirect("org:unit_edit", unit_id=source.pk)
    source_name = source.name
    try:
        result = services.merge_units(actor=request.user, source=source, target=form.cleaned_data["target"])
    except services.OrgError as exc:
        messages.error(request, str(exc))
        return redirect("org:unit_edit", unit_id=source.pk)
    moved = "，".join(f"{k} {v} 条" for k, v in result.moved.items()) or "无关联记录"
    messages.success(request, f"已将“{source_name}”并入“{result.target.name}”（{moved}），原名称保留为别名")
    return redirect("org:unit_edit", unit_id=result.target.pk)


@login_required
def user_list(request):
    region, regions = _office_region(request)
    units = selectors.visible_units_for_admin(request.user)
    form = UserCreateForm(posted(request), regions=regions, units=units, initial={"region": region})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor=request.user, username=data["username"], password=data["password"], role=data["role"],
                region=data["region"], unit=data["unit"], display_name=data["display_name"], phone=data["phone"],
            )
        except services.OrgError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已创建用户“{user.username}”（{user.get_role_display()}）")
            return redirect(f"{request.path}?region={region.code}")
    return render(request, "org/user_list.html", {
        "region": region, "regions": regions, "users": selectors.users_in_region(region), "form": form,
        "reset_form": PasswordResetForm(),
    })


def _administered_user(request, user_id: int) -> User:
    require_role(request.user, Role.OFFICE_ADMIN)
    target = get_visible_or_404(User.objects.select_related("region", "unit__region"), pk=user_id)
    scope = target.unit.region if target.unit_id else target.region
    if scope is None or not can_administer(request.user, scope):
        raise Http404("对象不存在或无权查看")
    return target


@login_required
@require_POST
def user_reset_password(request, user_id: int):
    target = _administered_user(request, user_id)
    form = PasswordResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "新密码至少8位")
    else:
        try:
            services.reset_password(actor=request.user, user=target, new_password=form.cleaned_data["password"])
        except services.OrgError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已重置“{target.username}”的密码")
    return redirect("org:user_list")


@login_required
@require_POST
def user_toggle_active(request, user_id: int):
    target = _administered_user(request, user_id)
    try:
        services.set_user_active(actor=request.user, user=target, active=not target.is_active)
    except services.OrgError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{'启用' if target.is_active else '停用'}“{target.username}”")
    return redirect("org:user_list")


@login_required
def region_import(request):
    require_role(request.user, Role.OFFICE_ADMIN)
    form = RegionCSVForm(posted(request), posted_files(request))
    problems: list[str] = []
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            problems = ["文件超过 2 MB，行政区划 CSV 不应这么大"]
        else:
            try:
                result = services.import_regions_csv(actor=request.user, source=upload.read())
            except services.RegionImportError as exc:
                problems = exc.problems
            except services.OrgError as exc:
                problems = [str(exc)]
    return render(request, "org/region_import.html", {"form": form, "problems": problems, "result": result})
