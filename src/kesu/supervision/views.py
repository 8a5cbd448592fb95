"""Office pages: dashboard, responsibility matrix, unit page, task page, scorecards and Excel downloads.

Thin views: access through the visible_* selectors, reads through kesu.supervision.selectors and
scorecards, writes through the scorecard services.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from kesu.caching import versions
from kesu.org.models import Role
from kesu.org.permissions import (
    can_administer,
    get_visible_or_404,
    home_region,
    require_office_admin,
    require_role,
    visible_units,
)
from kesu.planning.models import Task
from kesu.planning.selectors import carried_from, carried_into, plan_standing, visible_plans, visible_tasks
from kesu.progress import task_page as progress_task_page
from kesu.supervision import exports, panels
from kesu.supervision.board_cache import PLAN_LIST
from kesu.supervision.page_cache import plan_status_key, render_body
from kesu.supervision.scorecards import (
    MAX_ADJUSTMENT_POINTS,
    WEIGHT_LABELS,
    ScorecardError,
    add_score_adjustment,
    plan_scorecard,
    unit_score_rows,
    update_score_weights,
)
from kesu.supervision.selectors import (
    dashboard_context,
    dashboard_plans,
    load_board,
    matrix_context,
    plan_groups,
    plan_switcher_options,
    unit_context,
)
from kesu.supervision.status import Colour
from kesu.supervision.succession import succession_links

READ_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN)
# A unit reporter sees the page of a task its unit works on (visible_tasks scopes it).
TASK_PAGE_ROLES = (*READ_ROLES, Role.UNIT_REPORTER)
PLAN_PAGES = {"dashboard": "supervision:dashboard", "matrix": "supervision:matrix", "scorecard": "supervision:scorecard"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_for(request, plan_id: int):
    require_role(request.user, *READ_ROLES)
    return get_visible_or_404(visible_plans(request.user).select_related("region").defer("parsed"), pk=plan_id)


def _plan_header(request, plan, page: str) -> tuple[SafeString, dict[str, bool]]:
    """Title, plan switcher and tabs, with the flags of the tabs higher apps show only for some plans
    (kesu.supervision.panels). The switcher lists the current plans of the viewer's region and
    the regions under it (every role with these pages sees that subtree): cached under the tokens of
    the plan list and of the org tree (region names), the viewer's region and the plan shown."""
    region = home_region(request.user)
    scopes = panels.tab_scopes()
    plan_list, org, *scope_tokens = versions.tokens(PLAN_LIST, versions.REGIONS, *scopes)
    tabs = panels.tab_flags(plan, dict(zip(scopes, scope_tokens, strict=True)), plan_list)
    # The year decides whether the 总结评估 tab shows (from the plan's last year on).
    this_year = timezone.localdate().year
    # The plans before and after this one (succession) come with the plan list's token; only the
    # region's office is offered to link them.
    administers = can_administer(request.user, plan.region)
    key = ("progress:plan_header", page, plan.pk, plan.data_version, plan_list, org,
           region and (region.pk, region.path), this_year, administers, tuple(sorted(tabs.items())))
    return render_body(key, "supervision/plan_header.html", lambda: {
        "plan": plan, "page": page, "plan_options": plan_switcher_options(request.user, plan),
        "succession": succession_links(plan), "can_administer": administers,
        "final_available": bool(plan.period_start and plan.period_end and plan.period_end <= this_year),
        "tabs": tabs,
    }), tabs


def _plan_page_context(request, plan, page: str) -> dict:
    header, tabs = _plan_header(request, plan, page)
    return {
        "plan": plan,
        "page": page,
        "plan_header": header,
        "tabs": tabs,
        "can_administer": can_administer(request.user, plan.region),
    }


@login_required
@require_GET
def plan_default(request, page: str):
    """/dashboard/ etc.: the plan asked for (?plan=, the plan switcher), else the home region's current plan."""
    require_role(request.user, *READ_ROLES)
    if page not in PLAN_PAGES:
        raise Http404("页面不存在")
    plans = dashboard_plans(request.user)
    wanted = request.GET.get("plan")
    if wanted:
        if not wanted.isdigit():
            raise Http404("方案编号无效")
        plan = get_visible_or_404(plans, pk=int(wanted))
    else:
        # The home region's plan in force this year (a region between two plans: the one that ended).
        region = home_region(request.user)
        standing = plan_standing(region, timezone.localdate().year) if region is not None else None
        plan = (standing and standing.plan and plans.filter(pk=standing.plan.pk).first()) \
            or plans.filter(region=region).first() or plans.first()
    if plan is None:
        return render(request, "supervision/dashboard_empty.html", status=200)
    return redirect(PLAN_PAGES[page], plan_id=plan.pk)


@login_required
@require_GET
def dashboard(request, plan_id: int):
    plan = _plan_for(request, plan_id)
    today = timezone.localdate()
    # The same for every reader of the plan: what differs between them (the plan switcher, the nav)
    # is in the shell around it.
    body = render_body(("supervision:dashboard", *plan_status_key(plan, today)), "supervision/dashboard_body.html",
                       lambda: {"plan": plan} | dashboard_context(plan, today))
    # Panels of higher apps (kesu.supervision.panels) depend on the viewer: outside the cached body.
    context = _plan_page_context(request, plan, "dashboard")
    return render(request, "supervision/dashboard.html",
                  context | {"body": body, "panels": panels.render_panels(plan, request.user, context["tabs"])})


MATRIX_FILTERS = ("group", "unit", "status")


def _matrix_filters(query: dict[str, str]) -> tuple[dict, list[str]]:
    """Filters from the query string; a bad value is dropped with a message naming it."""
    problems = []
    filters: dict = {"group_id": None, "unit_id": None, "colour": None}
    for key, name, label in (("group", "group_id", "行动/工程"), ("unit", "unit_id", "单位")):
        raw = query[key]
        if raw:
            if raw.isdigit():
                filters[name] = int(raw)
            else:
                problems.append(f"筛选条件“{label}”无效：{raw}")
    raw_colour = query["status"]
    if raw_colour:
        if raw_colour in {c.key for c in Colour}:
            filters["colour"] = raw_colour
        else:
            problems.append(f"筛选条件“状态”无效：{raw_colour}（应为 green / amber / red）")
    return filters, problems


def _matrix_body_context(plan, query: dict[str, str], today) -> dict:
    filters, problems = _matrix_filters(query)
    board = load_board(Task.objects.filter(plan=plan), today)
    if filters["unit_id"] and filters["unit_id"] not in board.units:
        problems.append("所选单位不是本方案任务的责任单位")
        filters["unit_id"] = None
    return matrix_context(board, **filters) | {
        "plan": plan,
        "board": board,
        "filters": filters,
        "problems": problems,
        "groups": plan_groups(plan),
        "units": sorted(board.units.values(), key=lambda u: u.name),
        "colours": list(Colour),
    }


@login_required
@require_GET
def matrix(request, plan_id: int):
    plan = _plan_for(request, plan_id)
    today = timezone.localdate()
    # The filters as typed: the messages about bad ones quote them.
    query = {name: request.GET.get(name, "").strip() for name in MATRIX_FILTERS}
    # A change of filters (HTMX) swaps in only the table.
    template = "supervision/matrix_table.html" if request.htmx else "supervision/matrix_body.html"
    key = ("supervision:matrix", *plan_status_key(plan, today), template, tuple(query.values()))
    body = render_body(key, template, lambda: _matrix_body_context(plan, query, today))
    if request.htmx:
        return HttpResponse(body)
    return render(request, "supervision/matrix.html", _plan_page_context(request, plan, "matrix") | {"body": body})


@login_required
@require_GET
def unit_page(request, unit_id: int):
    user = request.user
    require_role(user, *READ_ROLES, Role.UNIT_REPORTER)
    unit = get_visible_or_404(visible_units(user).select_related("region"), pk=unit_id)
    current_tasks = visible_tasks(user).filter(plan__is_current=True)
    context = unit_context(unit, current_tasks)
    if user.role in READ_ROLES or user.unit_id == unit.pk:
        plans = list(visible_plans(user).filter(is_current=True, tasks__assignments__unit=unit).distinct())
        context["score_rows"] = unit_score_rows(unit, plans)
    context["unit"] = unit
    return render(request, "supervision/unit_page.html", context)


def _year_param(request) -> tuple[int | None, str | None]:
    raw = request.GET.get("year", "").strip()
    if not raw:
        return None, None
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        return None, f"年度无效：{raw}"
    return int(raw), None


@login_required
@require_GET
def scorecard(request, plan_id: int):
    plan = _plan_for(request, plan_id)
    year, problem = _year_param(request)
    if problem:
        messages.error(request, problem)
    context = _plan_page_context(request, plan, "scorecard") | plan_scorecard(plan, year)
    context |= {"weight_labels": WEIGHT_LABELS, "max_adjustment": MAX_ADJUSTMENT_POINTS}
    return render(request, "supervision/scorecard.html", context)


def _scorecard_url(plan, year=None) -> str:
    url = reverse("supervision:scorecard", kwargs={"plan_id": plan.pk})
    return f"{url}?year={year}" if year else url


@login_required
@require_POST
def scorecard_weights(request, plan_id: int):
    plan = _plan_for(request, plan_id)
    # Refused before the form is read: a role that may not write gets 403, never a redirect + message.
    require_office_admin(request.user, plan.region)
    try:
        update_score_weights(
            actor=request.user, plan=plan,
            on_time_reporting=request.POST.get("on_time_reporting"),
            target_completion=request.POST.get("target_completion"),
            review_outcome=request.POST.get("review_outcome"),
            reason=request.POST.get("reason", ""),
        )
    except ScorecardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "考核权重已保存")
    return redirect(_scorecard_url(plan, request.POST.get("year", "").strip() or None))


@login_required
@require_POST
def scorecard_adjustment(request, plan_id: int):
    plan = _plan_for(request, plan_id)
    require_office_admin(request.user, plan.region)
    year = request.POST.get("year", "").strip()
    unit_raw = request.POST.get("unit", "").strip()
    try:
        if not unit_raw.isdigit():
            raise ScorecardError("请选择单位")
        unit = get_visible_or_404(visible_units(request.user), pk=int(unit_raw))
        add_score_adjustment(
            actor=request.user, plan=plan, unit=unit, year=year,
            points=request.POST.get("points"), reason=request.POST.get("reason", ""),
        )
    except ScorecardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "加减分已记录")
    return redirect(_scorecard_url(plan, year if year.isdigit() else None))


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"kesu.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def export_tasks(request, plan_id: int):
    plan = _plan_for(request, plan_id)
    return _xlsx_response(exports.task_breakdown_workbook(plan), f"{plan.region.name}任务分解表.xlsx")


@login_required
@require_GET
def export_ledger(request, plan_id: int):
    plan = _plan_for(request, plan_id)
    return _xlsx_response(exports.supervision_ledger_workbook(plan), f"{plan.region.name}督办台账.xlsx")


@login_required
@require_GET
def export_scorecard(request, plan_id: int):
    plan = _plan_for(request, plan_id)
    year, problem = _year_param(request)
    if problem:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    content, year = exports.scorecard_workbook(plan, year)
    return _xlsx_response(content, f"{plan.region.name}{year}年度目标管理考核.xlsx")


# ---------------------------------------------------------------------------------------------
# The task page: its reports and figures (kesu.progress) with its status light (this app)


def _visible(user, task: Task | None) -> Task | None:
    return task if task is not None and visible_tasks(user).filter(pk=task.pk).exists() else None


def _task_status(task: Task):
    """The task's traffic light (红黄绿灯) from the dashboard's board loader, so that the task page and the
    dashboard never disagree."""
    rows = load_board(Task.objects.filter(pk=task.pk)).rows
    return rows[0].status if rows else None


@login_required
@require_GET
def task_detail(request, task_id: int):
    task = get_visible_or_404(
        visible_tasks(request.user).select_related("plan__region", "group", "section", "predecessor__plan")
        # Whether a later plan's task carries this one on: asked here so that most pages need no query for it.
        .annotate(is_carried=Exists(Task.objects.filter(carried_from=OuterRef("pk")))),
        pk=task_id,
    )
    require_role(request.user, *TASK_PAGE_ROLES)
    page = progress_task_page.task_page(user=request.user, task=task)
    own_unit = request.user.unit if request.user.is_unit_reporter else None
    return render(
        request,
        "supervision/task_detail.html",
        {
            "page": page,
            "task": task,
            "status": _task_status(task),
            # 承接: the previous period's task this one carries on, and the later tasks carrying it.
            "carried_from": _visible(request.user, carried_from(task, lineage=page.chain)),
            "carried_into": [t for t in carried_into(task) if _visible(request.user, t)] if task.is_carried else [],
            "can_report": own_unit is not None
            and any(u.pk == own_unit.pk for u in page.lead_units + page.participating_units),
        },
    )
