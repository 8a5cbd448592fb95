"""Pages of the base recognition lifecycle (kesu.resources.lifecycle): the lifecycle part of a base's
page, its acts as POST forms (apply, screen, resubmit, panel, recognise, decline, annual report,
re-examination), and the experts' review pages. A refused act comes back to the base's page with the
lifecycle's own message; a role that may never make the act gets 403, another region's base 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.org.http import posted
from kesu.org.models import RegionLevel, Role
from kesu.org.permissions import get_visible_or_404, require_role
from kesu.resources import lifecycle, permissions, selectors
from kesu.resources.forms import (
    AnnualReportForm,
    ApplyForm,
    CommentForm,
    PanelForm,
    RecogniseForm,
    ReExamineForm,
    ScoreForm,
    this_year,
)
from kesu.resources.lifecycle import LifecycleError
from kesu.resources.models import ApplicationStatus, BaseLevel, OutreachBase, ReviewAssignment
from kesu.resources.models.bases import OPEN_APPLICATION_STATUSES

PANEL_CHOICES = 200


def detail_url(base: OutreachBase) -> str:
    return reverse("resources:detail", kwargs={"kind": "base", "pk": base.pk})


def recognising_office(level: str) -> str:
    return RegionLevel(permissions.RECOGNISING_OFFICE[BaseLevel(level)]).label


def _panel_experts(user, application):
    taken = [a.expert_id for a in application.assignments.all()]
    return selectors.experts_for_panel(user.region).exclude(pk__in=taken).order_by("name")


def base_context(request, base: OutreachBase) -> dict:
    """The lifecycle part of a base's page: its applications with the panel's scores, annual reports,
    re-examinations, and the acts this user may make now. `audited` lists the rows whose audit
    entries belong in the page's trail."""
    user = request.user
    assignments = ReviewAssignment.objects.select_related("expert").prefetch_related("scores__criterion")
    applications = list(base.applications.select_related("applied_by", "decided_by")
                        .prefetch_related(Prefetch("assignments", queryset=assignments)))
    for application in applications:
        application.panel = [
            {"assignment": a, "got": sum(s.score for s in a.scores.all()),
             "possible": sum(s.criterion.max_score for s in a.scores.all())}
            for a in application.assignments.all()
        ]
        application.score = lifecycle.panel_score(application) if application.panel else None
    current = next((a for a in applications if a.status in OPEN_APPLICATION_STATUSES), None)
    annual_reports = list(base.annual_reports.all())
    re_examinations = list(base.re_examinations.select_related("decided_by"))
    may_apply = permissions.can_apply_for(user, base)
    context = {
        "applications": applications, "current": current, "annual_reports": annual_reports,
        "re_examinations": re_examinations,
        "may_apply": may_apply and current is None and base.status != "revoked"
        and not (base.is_standing and base.level == BaseLevel.NATIONAL),
        "may_report": may_apply and base.is_standing,
        "may_re_examine": base.is_standing and permissions.can_recognise(user, base, base.level),
        "apply_form": ApplyForm(base=base), "report_form": AnnualReportForm(initial={"year": this_year()}),
        "re_examine_form": ReExamineForm(initial={"year": this_year(), "outcome": "passed"}),
        "audited": [*applications, *annual_reports, *re_examinations,
                    *(a for application in applications for a in application.assignments.all())],
    }
    if current is not None:
        may_recognise = permissions.can_recognise(user, base, current.level)
        policy = lifecycle.policy_for(base.region, current.level)
        context.update({
            "may_screen": current.status == ApplicationStatus.APPLIED and permissions.can_manage(user, base.region),
            "may_resubmit": current.status == ApplicationStatus.RETURNED and may_apply,
            "may_panel": may_recognise and current.status in (ApplicationStatus.SCREENED, ApplicationStatus.UNDER_REVIEW),
            "may_recognise": may_recognise and current.status == ApplicationStatus.UNDER_REVIEW,
            "may_decline": may_recognise and current.status in (ApplicationStatus.SCREENED,
                                                                ApplicationStatus.UNDER_REVIEW),
            "recognising_office": recognising_office(current.level), "pass_score": policy.pass_score,
            "recognise_form": RecogniseForm(initial={"year": current.year}),
        })
        if context["may_panel"]:
            experts = list(_panel_experts(user, current)[:PANEL_CHOICES + 1])
            context["panel_experts"] = experts[:PANEL_CHOICES]
            context["panel_more"] = len(experts) > PANEL_CHOICES
    return context


# --- acts ------------------------------------------------------------------------------------


def _scoped_base(request, pk: int) -> OutreachBase:
    return get_visible_or_404(permissions.visible_bases(request.user).select_related("region"), pk=pk)


def _scoped_application(request, application_id: int):
    return get_visible_or_404(
        permissions.visible_applications(request.user).select_related("base__region"), pk=application_id
    )


def _form_refused(request, form) -> None:
    problems = [f"{form.fields[name].label if name in form.fields else ''}：{'；'.join(errors)}".lstrip("：")
                for name, errors in form.errors.items()]
    messages.error(request, "未办理：" + "；".join(problems))


def _act(request, base: OutreachBase, form, act, done):
    """Run `act(data)` when `form` is valid; a refusal (invalid form or LifecycleError) comes back to
    the base's page as a message, a PermissionDenied as 403. `done` is the success message, or makes
    it from what `act` returned."""
    if not form.is_valid():
        _form_refused(request, form)
    else:
        try:
            result = act(form.cleaned_data)
        except LifecycleError as exc:
            messages.error(request, f"未办理：{exc}")
        else:
            messages.success(request, done(result) if callable(done) else done)
    return redirect(detail_url(base))


@login_required
@require_POST
def base_apply(request, pk: int):
    base = _scoped_base(request, pk)
    if not permissions.can_apply_for(request.user, base):
        raise PermissionDenied("只能为本单位申报，或由所在地纲要办代为申报")
    return _act(request, base, ApplyForm(request.POST, base=base),
                lambda d: lifecycle.apply(actor=request.user, base=base, level=d["level"], year=d["year"]),
                f"已提交“{base.name}”的申报，等待纲要办初审")


@login_required
@require_POST
def application_screen(request, application_id: int):
    application = _scoped_application(request, application_id)
    base = application.base
    permissions.require_manage(request.user, base.region)
    passed = request.POST.get("decision") == "pass"
    return _act(request, base, CommentForm(request.POST),
                lambda d: lifecycle.screen(actor=request.user, application=application, passed=passed,
                                           comment=d["comment"]),
                "初审通过，可安排专家评审" if passed else "已退回申报，申报单位修改后可重新提交")


@login_required
@require_POST
def application_resubmit(request, application_id: int):
    application = _scoped_application(request, application_id)
    base = application.base
    if not permissions.can_apply_for(request.user, base):
        raise PermissionDenied("只能重新提交本单位的申报")
    return _act(request, base, CommentForm(request.POST),
                lambda d: lifecycle.resubmit(actor=request.user, application=application),
                "已重新提交申报，等待初审")


@login_required
@require_POST
def application_panel(request, application_id: int):
    application = _scoped_application(request, application_id)
    base = application.base
    permissions.require_recognise(request.user, base, application.level)
    form = PanelForm(request.POST, experts=selectors.experts_for_panel(request.user.region))
    return _act(request, base, form,
                lambda d: lifecycle.assign_panel(actor=request.user, application=application, experts=list(d["experts"])),
                lambda made: ("已安排专家评审：" + "、".join(a.expert.name for a in made) + "，专家可在“我的评审任务”中评分")
                if made else "所选专家均已在评审组中")


@login_required
@require_POST
def application_recognise(request, application_id: int):
    application = _scoped_application(request, application_id)
    base = application.base
    permissions.require_recognise(request.user, base, application.level)
    return _act(request, base, RecogniseForm(request.POST),
                lambda d: lifecycle.recognise(actor=request.user, application=application,
                                              plaque_number=d["plaque_number"], year=d["year"], comment=d["comment"]),
                f"已认定“{base.name}”为{application.get_level_display()}科普教育基地")


@login_required
@require_POST
def application_decline(request, application_id: int):
    application = _scoped_application(request, application_id)
    base = application.base
    permissions.require_recognise(request.user, base, application.level)
    return _act(request, base, CommentForm(request.POST),
                lambda d: lifecycle.decline(actor=request.user, application=application, comment=d["comment"]),
                "已作出不予认定决定")


@login_required
@require_POST
def base_annual_report(request, pk: int):
    base = _scoped_base(request, pk)
    if not permissions.can_apply_for(request.user, base):
        raise PermissionDenied("只有基地的申报单位或所在地纲要办可以填报年报")
    return _act(request, base, AnnualReportForm(request.POST),
                lambda d: lifecycle.file_annual_report(actor=request.user, base=base, **d),
                "已保存年报")


@login_required
@require_POST
def base_re_examine(request, pk: int):
    base = _scoped_base(request, pk)
    if not base.level or not permissions.can_recognise(request.user, base, base.level):
        raise PermissionDenied("复核由认定该级别的纲要办办理")
    outcomes = {"passed": "复核通过", "rectify": "已作出限期整改决定", "revoked": "已撤销（摘牌）"}
    form = ReExamineForm(request.POST)
    return _act(request, base, form,
                lambda d: lifecycle.re_examine(actor=request.user, base=base, **d),
                outcomes.get(request.POST.get("outcome"), "已记录复核结论"))


# --- review assignments ----------------------------------------------------------------------


@login_required
@require_GET
def my_reviews(request):
    require_role(request.user, Role.EXPERT, Role.OFFICE_ADMIN)
    assignments = list(selectors.assignments_for(request.user)[:200])
    return render(request, "resources/my_reviews.html", {
        "pending": [a for a in assignments if a.submitted_at is None],
        "done": [a for a in assignments if a.submitted_at is not None],
    })


@login_required
@require_http_methods(["GET", "POST"])
def review(request, assignment_id: int):
    assignment = get_visible_or_404(
        permissions.visible_assignments(request.user).select_related("application__base__region", "expert"),
        pk=assignment_id,
    )
    application = assignment.application
    base = application.base
    own = assignment.expert.user_id == request.user.pk
    may_score = (own or permissions.can_recognise(request.user, base, application.level)) \
        and application.status == ApplicationStatus.UNDER_REVIEW
    criteria = lifecycle.policy_for(base.region, application.level).criteria
    initial = {f"c{s.criterion_id}": s.score for s in assignment.scores.all()}
    initial["comment"] = assignment.comment
    form = ScoreForm(posted(request), criteria=criteria, initial=initial)
    status = 200
    if request.method == "POST":
        if not (own or permissions.can_recognise(request.user, base, application.level)):
            raise PermissionDenied("只能为分配给本人的申报评分")
        status = 400
        if form.is_valid():
            try:
                lifecycle.submit_scores(actor=request.user, assignment=assignment, scores=form.scores(),
                                        comment=form.cleaned_data["comment"])
            except LifecycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已提交对“{base.name}”的评分")
                return redirect("resources:my_reviews")
    return render(request, "resources/review.html", {
        "assignment": assignment, "application": application, "base": base, "form": form,
        "may_score": may_score, "own": own,
    }, status=status)
