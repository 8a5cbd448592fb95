"""科学性审查: who reviews an item, how many must approve, and what their verdicts make of it.

The rules come from the nearest ReviewPolicy up the region tree. Reviewers are registry experts with
an account whose expertise fits the item's topics, from the item's region, the regions under it and
the regions above it; the author is never among them, even when they are an expert themselves.
During an active emergency an item goes on the fast track: one expert, due within hours.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from kesu.content import clock, permissions
from kesu.content.errors import ContentError, service
from kesu.content.models import (
    ContentItem,
    ContentReview,
    ContentStatus,
    EmergencyStatus,
    ReviewPolicy,
    ReviewRound,
    RoundStatus,
    TimelineKind,
    Verdict,
)
from kesu.content.timeline import note as timeline_note
from kesu.org.models import Region
from kesu.resources.models import Availability, Expert


def policy_for(region: Region) -> ReviewPolicy:
    """The nearest policy at or above `region`, else the defaults (an unsaved ReviewPolicy)."""
    parts = [part for part in region.path.split("/") if part]
    paths = ["/" + "/".join(parts[:length]) + "/" for length in range(len(parts), 0, -1)]
    policies = {policy.region.path: policy for policy in ReviewPolicy.objects.filter(region__path__in=paths)
                .select_related("region")}
    for path in paths:
        if path in policies:
            return policies[path]
    return ReviewPolicy(region=region)


def required_reviewers(item: ContentItem, policy: ReviewPolicy | None = None) -> int:
    policy = policy or policy_for(item.region)
    medical = item.topics.filter(needs_medical_review=True).exists()
    return max(1, policy.medical_reviewers if medical else policy.reviewers)


def on_fast_track(item: ContentItem) -> bool:
    return item.emergency_id is not None and item.emergency.status == EmergencyStatus.ACTIVE


def _authors(item: ContentItem) -> set[int]:
    ids = set(item.versions.exclude(created_by=None).values_list("created_by_id", flat=True))
    if item.author_id:
        ids.add(item.author_id)
    return ids


def candidate_reviewers(item: ContentItem) -> QuerySet[Expert]:
    """Experts who may review `item`, the least loaded (fewest pending reviews) first; on the fast
    track the emergency team first."""
    region = item.region
    parts = [part for part in region.path.split("/") if part]
    above = ["/" + "/".join(parts[:length]) + "/" for length in range(1, len(parts))]
    fields = item.topics.values_list("fields", flat=True)
    experts = (
        Expert.objects.filter(is_active=True, user__isnull=False, user__is_active=True, tags__in=fields)
        .exclude(availability=Availability.UNAVAILABLE)
        .filter(Q(region__path__startswith=region.path) | Q(region__path__in=above))
        .exclude(user_id__in=_authors(item))
        .distinct()
    )
    ids = list(experts.values_list("pk", flat=True))
    experts = Expert.objects.filter(pk__in=ids).annotate(
        load=Count("content_reviews", filter=Q(
            content_reviews__verdict=Verdict.PENDING, content_reviews__round__status=RoundStatus.OPEN
        ))
    )
    if on_fast_track(item):
        return experts.order_by("-is_emergency", "load", "name", "pk")
    return experts.order_by("load", "name", "pk")


def open_round(*, actor, item: ContentItem) -> ReviewRound:
    """Called by kesu.content.authoring.submit_item (inside its transaction, item locked)."""
    policy = policy_for(item.region)
    now = clock.now()
    fast = on_fast_track(item)
    if fast:
        required, due = 1, now + datetime.timedelta(hours=policy.fast_track_hours)
    else:
        required, due = required_reviewers(item, policy), now + datetime.timedelta(days=policy.review_days)
    round_ = ReviewRound.objects.create(
        item=item, version=item.current_version, required=required, fast_track=fast, opened_at=now, due_at=due,
        opened_by=actor,
    )
    chosen = list(candidate_reviewers(item)[:required])
    for expert in chosen:
        ContentReview.objects.create(round=round_, expert=expert, assigned_at=now)
    item.status = ContentStatus.UNDER_REVIEW if len(chosen) >= required else ContentStatus.SUBMITTED
    item.save()
    names = "、".join(expert.name for expert in chosen) or "暂无合适专家，待纲要办指派"
    timeline_note(
        item.emergency if fast else None, TimelineKind.NOTE,
        f"《{item.title}》第{item.current_version.number}版提交应急快审（{names}），时限 {due:%m-%d %H:%M}",
        item=item, region=item.region,
    )
    return round_


def missing_reviewers(round_: ReviewRound) -> int:
    return max(0, round_.required - round_.reviews.count())


def is_overdue(round_: ReviewRound, now: datetime.datetime | None = None) -> bool:
    return round_.status == RoundStatus.OPEN and round_.due_at < (now or clock.now())


@service
def assign_reviewers(*, actor, round, experts) -> list[ContentReview]:
    round_ = ReviewRound.objects.select_for_update(of=("self",)).select_related("item").get(pk=round.pk)
    item = ContentItem.objects.select_for_update().get(pk=round_.item_id)
    permissions.require_manage(actor, item.region)
    if round_.status != RoundStatus.OPEN:
        raise ContentError("该审查轮次已结束，不能再指派专家")
    experts = list(experts)
    if not experts:
        raise ContentError("请选择至少一位专家", field="experts")
    allowed = set(candidate_reviewers(item).values_list("pk", flat=True))
    authors = _authors(item)
    for expert in experts:
        if expert.user_id and expert.user_id in authors:
            raise ContentError(f"{expert.name}是该内容的作者，不能审查自己的内容", field="experts")
        if expert.pk not in allowed:
            raise ContentError(f"{expert.name}不在该内容的可选审查专家中（专长不符、不可用或不在本区划）", field="experts")
    already = set(round_.reviews.values_list("expert_id", flat=True))
    now = clock.now()
    created = [
        ContentReview.objects.create(round=round_, expert=expert, assigned_at=now)
        for expert in experts if expert.pk not in already
    ]
    if round_.reviews.count() >= round_.required and item.status == ContentStatus.SUBMITTED:
        item.status = ContentStatus.UNDER_REVIEW
        item.save()
    return created


def _outcome(round_: ReviewRound) -> str:
    verdicts = list(round_.reviews.values_list("verdict", flat=True))
    if Verdict.REJECT in verdicts:
        return RoundStatus.REJECTED
    if Verdict.REVISE in verdicts:
        return RoundStatus.REVISE
    if verdicts.count(Verdict.APPROVE) >= round_.required:
        return RoundStatus.APPROVED
    return RoundStatus.OPEN


ITEM_STATUS = {
    RoundStatus.REJECTED: ContentStatus.REJECTED,
    RoundStatus.REVISE: ContentStatus.REVISE,
    RoundStatus.APPROVED: ContentStatus.APPROVED,
}


@service
def give_verdict(*, actor, review, verdict, comments="") -> ContentReview:
    review = ContentReview.objects.select_for_update(of=("self",)).select_related("expert").get(pk=review.pk)
    round_ = ReviewRound.objects.select_for_update().get(pk=review.round_id)
    item = ContentItem.objects.select_for_update().get(pk=round_.item_id)
    expert = getattr(actor, "expert_profile", None) if actor.is_authenticated else None
    if expert is None or expert.pk != review.expert_id:
        raise PermissionDenied("只有被指派的专家可以给出审查意见")
    if actor.pk in _authors(item):
        raise PermissionDenied("不能审查自己编写的内容")
    if round_.status != RoundStatus.OPEN:
        raise ContentError("该审查轮次已结束，不能再提交意见")
    if review.verdict != Verdict.PENDING:
        raise ContentError("您已提交过本轮的审查意见")
    if verdict not in (Verdict.APPROVE, Verdict.REVISE, Verdict.REJECT):
        raise ContentError("请选择审查结论：通过、修改后再审或不通过", field="verdict")
    comments = (comments or "").strip()
    if verdict != Verdict.APPROVE and not comments:
        raise ContentError(f"结论为“{Verdict(verdict).label}”时须填写审查意见，说明问题所在", field="comments")
    review.verdict, review.comments, review.decided_at = verdict, comments, clock.now()
    review.save()
    outcome = _outcome(round_)
    fast = round_.fast_track and item.emergency_id is not None
    timeline_note(
        item.emergency if fast else None, TimelineKind.REVIEWED,
        f"{expert.name}审查《{item.title}》：{Verdict(verdict).label}", item=item, region=item.region,
    )
    if outcome == RoundStatus.OPEN:
        return review
    round_.status, round_.closed_at = outcome, review.decided_at
    round_.save()
    item.status = ITEM_STATUS[outcome]
    if outcome == RoundStatus.APPROVED:
        item.approved_version_id = round_.version_id
    item.save()
    if outcome == RoundStatus.APPROVED and item.is_rebuttal:
        from kesu.content.debunking import rebuttal_approved

        rebuttal_approved(item)
    return review


@service
def save_policy(*, actor, region, reviewers, medical_reviewers, review_days, fast_track_hours) -> ReviewPolicy:
    permissions.require_manage(actor, region)
    values = {"reviewers": reviewers, "medical_reviewers": medical_reviewers, "review_days": review_days,
              "fast_track_hours": fast_track_hours}
    limits = {"reviewers": (1, 5, "一般内容审查专家数"), "medical_reviewers": (1, 5, "医疗卫生类审查专家数"),
              "review_days": (1, 60, "审查期限（天）"), "fast_track_hours": (1, 72, "应急快审时限（小时）")}
    for name, (low, high, label) in limits.items():
        value = values[name]
        if value is None or not low <= int(value) <= high:
            raise ContentError(f"{label}须在 {low} 至 {high} 之间", field=name)
    policy = ReviewPolicy.objects.select_for_update().filter(region=region).first() or ReviewPolicy(region=region)
    for name, value in values.items():
        setattr(policy, name, int(value))
    policy.save()
    return policy
