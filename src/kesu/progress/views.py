"""Pages of progress reporting: my tasks, the report form, review, reminders and the inbox. Thin:
scope through the visible_* selectors (out of scope → 404, wrong role → 403, in that order so other
units' IDs cannot be probed), rules in kesu.progress.services, reads in kesu.progress.selectors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.caching import fragments, versions
from kesu.org.models import Role
from kesu.org.permissions import (
    can_administer,
    can_report_for,
    get_visible_or_404,
    home_region,
    require_office_admin,
    require_role,
    visible_units,
)
from kesu.planning.selectors import visible_plans, visible_tasks
from kesu.plans import notation
from kesu.progress import delivery, evidence_sources, reminders, selectors, services
from kesu.progress.forms import (
    BulkReminderForm,
    ReminderForm,
    ReportForm,
    ReviewForm,
    figure_field_name,
    note_field_name,
)
from kesu.progress.models import DeliveryStatus, Evidence, Reminder, ReportingPeriod, ReportStatus
from kesu.progress.selectors import visible_reports

READ_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN, Role.UNIT_REPORTER)
# The review queue of a city office spans every county under it: shown a page at a time.
REVIEW_PAGE_SIZE = 50


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


# ---------------------------------------------------------------------------------------------
# My tasks


@login_required
@require_GET
def my_tasks(request):
    require_role(request.user, Role.UNIT_REPORTER)
    today = timezone.localdate()
    blocks = selectors.my_tasks_overview(user=request.user, today=today, period_id=_int_param(request, "period"))
    return render(request, "progress/my_tasks.html", {"blocks": blocks, "today": today})


# ---------------------------------------------------------------------------------------------
# The report form


def _report_form_context(request, task, period, report, form, *, conflict=None, status_code=200):
    targets = form.targets
    return render(
        request,
        "progress/report_edit.html",
        {
            "task": task,
            "period": period,
            "report": report,
            "form": form,
            "conflict": conflict,
            "conflict_lines": selectors.figure_lines(conflict, targets) if conflict else [],
            "allowed_extensions": "、".join(services.ALLOWED_EVIDENCE_EXTENSIONS),
            "max_mb": round(settings.EVIDENCE_MAX_BYTES / 1048576, 1),
            "linked_evidence": evidence_sources.for_report(report) if report is not None else [],
        },
        status=status_code,
    )


def _initial_from(report, targets) -> dict:
    if report is None:
        return {"revision": 0}
    initial = {"revision": report.revision, "narrative": report.narrative, "self_assessment": report.self_assessment}
    by_target = {f.target_id: f for f in report.figures.all()}
    for target in targets:
        figure = by_target.get(target.pk)
        if figure is not None:
            initial[figure_field_name(target)] = notation.plain_number(figure.value)
            initial[note_field_name(target)] = figure.note
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, task_id: int, period_id: int):
    task = get_visible_or_404(visible_tasks(request.user).select_related("plan"), pk=task_id)
    period = get_object_or_404(ReportingPeriod, pk=period_id, plan_id=task.plan_id)
    require_role(request.user, Role.UNIT_REPORTER)
    targets = list(task.targets.order_by("order"))
    report = selectors.existing_report_for(unit_id=request.user.unit_id, task=task, period=period)
    autosave_url = reverse("progress:report_edit", args=[task.pk, period.pk])

    if request.method == "GET":
        if report is not None and report.status not in services.EDITABLE_STATUSES:
            return redirect("progress:report_detail", report_id=report.pk)
        form = ReportForm(initial=_initial_from(report, targets), targets=targets, autosave_url=autosave_url)
        return _report_form_context(request, task, period, report, form)

    action = request.POST.get("action", "save")
    form = ReportForm(request.POST, targets=targets, autosave_url=autosave_url)
    if not form.is_valid():
        if action == "autosave":
            return render(request, "progress/report_autosave.html", {"error": "表单数据无效，未保存"}, status=400)
        return _report_form_context(request, task, period, report, form, status_code=400)

    expected = form.cleaned_data["revision"]
    if action == "overwrite":
        # The editor saw the other version in the conflict panel and chose to keep their own text.
        seen = request.POST.get("seen_revision", "")
        expected = int(seen) if seen.isdigit() else expected
    arguments = dict(
        actor=request.user,
        task=task,
        period=period,
        expected_revision=expected,
        narrative=form.cleaned_data["narrative"],
        self_assessment=form.cleaned_data["self_assessment"],
        figures=form.figures(),
        figure_notes=form.figure_notes(),
        confirm_large=form.cleaned_data["confirm_large"],
    )
    try:
        if action == "autosave":
            saved = services.save_draft(**arguments)
        else:
            saved = services.save_report(
                **arguments, new_evidence=request.FILES.getlist("evidence_file"), submit=action == "submit"
            )
    except services.StaleReportError as stale:
        current = selectors.existing_report_for(unit_id=request.user.unit_id, task=task, period=period)
        context = {"conflict": current, "conflict_lines": selectors.figure_lines(current, targets), "error": str(stale)}
        if action == "autosave":
            return render(request, "progress/report_autosave.html", context, status=409)
        form.add_error(None, str(stale))
        return _report_form_context(request, task, period, report, form, conflict=current, status_code=409)
    except services.FigureValidationError as problems:
        if action == "autosave":
            return render(request, "progress/report_autosave.html", {"error": f"未保存：{problems}"}, status=400)
        form.attach_figure_errors(problems)
        return _report_form_context(request, task, period, report, form, status_code=400)
    except services.ReportError as error:
        if action == "autosave":
            return render(request, "progress/report_autosave.html", {"error": f"未保存：{error}"}, status=400)
        form.add_error(None, str(error))
        return _report_form_context(request, task, period, report, form, status_code=400)

    if action == "autosave":
        return render(request, "progress/report_autosave.html", {"saved": saved, "saved_at": timezone.localtime()})
    if action == "submit":
        messages.success(request, f"已报送“{task.code} {task.title}”{period.label}进度，等待纲要办审核。")
        return redirect("progress:report_detail", report_id=saved.pk)
    messages.success(request, f"草稿已保存（{timezone.localtime():%H:%M}）。")
    return redirect("progress:report_edit", task_id=task.pk, period_id=period.pk)


# ---------------------------------------------------------------------------------------------
# One report: view, review, evidence


def _scoped_report(request, report_id: int):
    try:
        return selectors.report_with_details(user=request.user, report_id=report_id)
    except selectors.ProgressReport.DoesNotExist as exc:
        raise Http404("报告不存在或无权查看") from exc


def _report_detail_response(request, report, review_form=None, status_code=200):
    targets = list(report.task.targets.all())
    user = request.user
    return render(
        request,
        "progress/report_detail.html",
        {
            "report": report,
            "lines": selectors.figure_lines(report, targets),
            "history": selectors.report_audit_history(report),
            "can_edit": can_report_for(user, report.unit) and report.status in services.EDITABLE_STATUSES,
            "can_review": can_administer(user, report.task.plan.region) and report.status == ReportStatus.SUBMITTED,
            "review_form": review_form or ReviewForm(initial={"revision": report.revision}),
            "linked_evidence": evidence_sources.for_report(report),
        },
        status=status_code,
    )


@login_required
@require_GET
def report_detail(request, report_id: int):
    report = _scoped_report(request, report_id)
    require_role(request.user, *READ_ROLES)
    return _report_detail_response(request, report)


REVIEWS = {"accept": (services.accept_report, "已通过"), "return": (services.return_report, "已退回")}


@login_required
@require_POST
def report_review(request, report_id: int):
    report = _scoped_report(request, report_id)
    require_office_admin(request.user, report.task.plan.region)
    form = ReviewForm(request.POST)
    action = request.POST.get("action")
    if not form.is_valid():
        return _report_detail_response(request, report, form, status_code=400)
    if action not in REVIEWS:
        form.add_error(None, "请选择“通过”或“退回”")
        return _report_detail_response(request, report, form, status_code=400)
    review, done = REVIEWS[action]
    comment = form.cleaned_data["comment"]
    try:
        review(actor=request.user, report=report, expected_revision=form.cleaned_data["revision"], comment=comment)
    except services.StaleReportError as stale:
        # Show the report as it is now, with the typed comment kept and the form now carrying the
        # revision on screen: a second click reviews what the reviewer has just seen.
        current = _scoped_report(request, report_id)
        data = request.POST.copy()
        data["revision"] = current.revision
        form = ReviewForm(data)
        form.is_valid()
        form.add_error(None, str(stale))
        return _report_detail_response(request, current, form, status_code=409)
    except services.ReportError as error:
        form.add_error("comment" if action == "return" and not comment.strip() else None, str(error))
        return _report_detail_response(request, _scoped_report(request, report_id), form, status_code=400)
    messages.success(request, f"{done}：{report}")
    return redirect("progress:review_queue")


def _scoped_evidence(request, evidence_id: int) -> Evidence:
    return get_visible_or_404(
        Evidence.objects.filter(report__in=visible_reports(request.user)).select_related("report"), pk=evidence_id
    )


@login_required
@require_GET
def evidence_download(request, evidence_id: int):
    evidence = _scoped_evidence(request, evidence_id)
    require_role(request.user, *READ_ROLES)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件已不存在") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request, evidence_id: int):
    evidence = _scoped_evidence(request, evidence_id)
    require_role(request.user, Role.UNIT_REPORTER)
    report = evidence.report
    try:
        services.remove_evidence(actor=request.user, evidence=evidence)
        messages.success(request, f"已删除佐证材料“{evidence.original_name}”")
    except services.ReportError as error:
        messages.error(request, str(error))
    return redirect("progress:report_edit", task_id=report.task_id, period_id=report.period_id)


# ---------------------------------------------------------------------------------------------
# Review queue and reminders (office)


def _review_body(user, chosen: dict, page_number: str | None) -> tuple[str, int]:
    """The review queue's body (filters, count, the page's rows) and the number of reports it pages
    through. Rendered without the request (kesu.supervision.page_cache): it is cached for every office of
    the same region."""
    reports = selectors.review_queue(user=user, unit_id=chosen["unit"], plan_id=chosen["plan"],
                                     period_id=chosen["period"])
    page = Paginator(reports, REVIEW_PAGE_SIZE).get_page(page_number)
    # Links and times of the page's rows, made here: {% url %} and |date in a 50-row loop cost more than
    # the rest of the page.
    task_url = reverse("supervision:task_detail", args=[0]).rsplit("0", 1)
    review_url = reverse("progress:report_detail", args=[0]).rsplit("0", 1)
    for report in page.object_list:
        report.task_url = f"{task_url[0]}{report.task_id}{task_url[1]}"
        report.review_url = f"{review_url[0]}{report.pk}{review_url[1]}"
        report.submitted_text = (
            timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M") if report.submitted_at else ""
        )
    options = selectors.review_filter_options(user)
    html = render_to_string(
        "progress/review_queue_body.html",
        {"reports": page.object_list, "page_obj": page,
         "option_html": selectors.review_filter_html(options, chosen)},
    )
    return html, page.paginator.count


@login_required
@require_GET
def review_queue(request):
    require_role(request.user, Role.OFFICE_ADMIN)
    chosen = {name: _int_param(request, name) for name in ("unit", "plan", "period")}
    page_number = request.GET.get("page")
    region = home_region(request.user)
    # Everything the body shows: the reports, tasks and periods of the plans in the region (their
    # tokens), the region's units (the org tree's token), the filters and the page.
    key = (
        "progress:review", region and (region.pk, region.path),
        versions.plan_tokens(visible_plans(request.user)), versions.tokens(versions.REGIONS),
        tuple(chosen.values()), page_number,
    )
    body, count = fragments.get_or_compute(
        key, lambda: _review_body(request.user, chosen, page_number), cost=lambda cached: len(cached[0])
    )
    # The pager, per request: its links keep the request's own query string. Paged over the count
    # alone, it reads nothing.
    page = Paginator(range(count), REVIEW_PAGE_SIZE).get_page(page_number)
    return render(request, "progress/review_queue.html", {"body": mark_safe(body), "page_obj": page})


def _reminder_choices(user):
    plans = visible_plans(user).filter(is_current=True)
    return {
        "units": visible_units(user).filter(is_active=True),
        "tasks": visible_tasks(user).filter(plan__in=plans).order_by("plan_id", "order"),
        "periods": ReportingPeriod.objects.filter(plan__in=plans).select_related("plan").order_by("plan_id", "start"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def reminder_new(request):
    require_role(request.user, Role.OFFICE_ADMIN)
    choices = _reminder_choices(request.user)
    if request.method == "GET":
        initial = {name: _int_param(request, name) for name in ("unit", "task", "period")}
        form = ReminderForm(initial=initial, **choices)
        return render(request, "progress/review_reminder_new.html", {"form": form})
    form = ReminderForm(request.POST, **choices)
    if form.is_valid():
        try:
            reminder = reminders.send_reminder(actor=request.user, **form.cleaned_data)
        except services.ReportError as error:
            form.add_error(None, str(error))
        else:
            outcome = delivery.outcome_text([reminder])
            # A failed e-mail or webhook does not undo the reminder, but the office must notice it.
            report = messages.warning if DeliveryStatus.FAILED.label in outcome else messages.success
            report(request, f"已向{reminder.unit.name}发送催办。{outcome}")
            return redirect("progress:inbox")
    return render(request, "progress/review_reminder_new.html", {"form": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def reminder_bulk(request):
    require_role(request.user, Role.OFFICE_ADMIN)
    periods = list(_reminder_choices(request.user)["periods"])
    posted_period = request.POST.get("period", "")
    period_id = _int_param(request, "period") or (int(posted_period) if posted_period.isdigit() else None)
    period = next((p for p in periods if p.pk == period_id), None)
    if period_id and period is None:
        raise Http404("填报周期不存在或无权查看")
    behind = selectors.units_behind_for_period(period) if period else []
    overdue = bool(period and period.due < timezone.localdate())
    default_message = (
        f"请尽快报送“{period.plan.title}”{period.label}的任务进展（截止日期 {period.due:%Y年%m月%d日}"
        f"{'，已逾期' if overdue else ''}）。"
        if period
        else ""
    )
    if request.method == "POST" and period is not None:
        form = BulkReminderForm(request.POST, behind=behind)
        if form.is_valid():
            try:
                sent = reminders.send_bulk_reminders(
                    actor=request.user, period=period, message=form.cleaned_data["message"],
                    unit_ids=form.cleaned_data["unit_ids"],
                )
            except services.ReportError as error:
                form.add_error(None, str(error))
            else:
                outcome = delivery.outcome_text(sent)
                report = messages.warning if DeliveryStatus.FAILED.label in outcome else messages.success
                report(request, f"已向 {len(sent)} 个单位发送催办。{outcome}")
                return redirect("progress:inbox")
        status_code = 400
    else:
        form = BulkReminderForm(initial={"message": default_message}, behind=behind)
        status_code = 200
    latest = selectors.latest_reminders_for_period(period) if period else {}
    for row in behind:
        row.last_reminder = latest.get(row.unit.pk)
    if form.is_bound:
        checked = {int(v) for v in request.POST.getlist("unit_ids") if v.isdigit()}
    else:
        checked = {row.unit.pk for row in behind}
    return render(
        request,
        "progress/review_reminder_bulk.html",
        {
            "periods": periods, "period": period, "behind": behind, "form": form, "overdue": overdue,
            "checked": checked,
        },
        status=status_code,
    )


# ---------------------------------------------------------------------------------------------
# Inbox


@login_required
@require_GET
def inbox(request):
    require_role(request.user, *READ_ROLES)
    return render(request, "progress/inbox.html", {"inbox": selectors.inbox_for(request.user)})


@login_required
@require_POST
def inbox_mark_read(request, reminder_id: int):
    require_role(request.user, Role.UNIT_REPORTER)
    reminder = get_visible_or_404(Reminder.objects.filter(unit_id=request.user.unit_id), pk=reminder_id)
    reminders.mark_reminder_read(actor=request.user, reminder=reminder)
    if request.htmx:
        return HttpResponse('<span class="badge badge-muted">已读</span>')
    return redirect("progress:inbox")


@login_required
@require_POST
def inbox_mark_all_read(request):
    require_role(request.user, Role.UNIT_REPORTER)
    count = reminders.mark_all_reminders_read(actor=request.user)
    messages.success(request, f"已将 {count} 条催办标为已读。")
    return redirect("progress:inbox")
