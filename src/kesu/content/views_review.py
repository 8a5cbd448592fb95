"""The expert's side of scientific review (their queue and the review page) and the office's
review rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from kesu.content import reviewing, selectors
from kesu.content.errors import ContentError
from kesu.content.forms import PolicyForm, VerdictForm
from kesu.content.models import ContentReview, RoundStatus, Verdict
from kesu.content.sanitising import clean_html
from kesu.org.http import posted
from kesu.org.models import Role


@login_required
@require_GET
def queue(request):
    if getattr(request.user, "expert_profile", None) is None:
        raise PermissionDenied("仅登记在专家库中的专家有内容审查任务")
    return render(request, "content/review_queue.html", {
        "reviews": selectors.expert_queue(request.user), "now": timezone.now(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def review(request, review_id: int):
    # Anyone but the assigned expert finds no such review.
    review = get_object_or_404(
        ContentReview.objects.select_related("round__item__region", "round__version", "expert"),
        pk=review_id, expert__user=request.user,
    )
    round_, version = review.round, review.round.version
    open_ = round_.status == RoundStatus.OPEN and review.verdict == Verdict.PENDING
    form = VerdictForm(posted(request) if open_ else None)
    if request.method == "POST" and open_ and form.is_valid():
        try:
            reviewing.give_verdict(actor=request.user, review=review, verdict=form.cleaned_data["verdict"],
                                   comments=form.cleaned_data["comments"])
        except ContentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "审查意见已提交。")
            return redirect("content:review_queue")
    return render(request, "content/review_page.html", {
        "review": review, "round": round_, "version": version, "item": round_.item, "form": form, "open": open_,
        "body": mark_safe(clean_html(version.body_html)),
        "overdue": reviewing.is_overdue(round_), "others": round_.reviews.exclude(pk=review.pk).select_related("expert"),
        "previous": round_.item.rounds.exclude(pk=round_.pk).prefetch_related("reviews__expert"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    user = request.user
    if user.role != Role.OFFICE_ADMIN or not user.region_id:
        raise PermissionDenied("仅纲要办管理员可以设置审查规则")
    current = reviewing.policy_for(user.region)
    form = PolicyForm(posted(request), initial={
        "reviewers": current.reviewers, "medical_reviewers": current.medical_reviewers,
        "review_days": current.review_days, "fast_track_hours": current.fast_track_hours,
    })
    if request.method == "POST" and form.is_valid():
        try:
            reviewing.save_policy(actor=user, region=user.region, **form.cleaned_data)
        except ContentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"已保存{user.region.name}的审查规则，适用于本区划及下级区划。")
            return redirect("content:review_policy")
    inherited = current.pk is not None and current.region_id != user.region_id
    return render(request, "content/review_policy.html", {"form": form, "current": current, "inherited": inherited})
