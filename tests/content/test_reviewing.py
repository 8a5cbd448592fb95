"""kesu.content.reviewing: policies, candidates, assignment, verdicts and the fast track."""

from __future__ import annotations

import datetime
import sys
import types

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from tests.factories import make_user

from kesu.audit.models import AuditEntry
from kesu.content.authoring import create_item, revise_item, submit_item
from kesu.content.errors import ContentError
from kesu.content.models import (
    ContentReview,
    ContentStatus,
    EmergencyEvent,
    ReviewPolicy,
    RoundStatus,
    TimelineEntry,
)
from kesu.content.reviewing import (
    assign_reviewers,
    candidate_reviewers,
    give_verdict,
    policy_for,
    save_policy,
)
from kesu.org.models import Role
from kesu.resources.models import Availability, Expert

pytestmark = pytest.mark.django_db


def article(actor, region, topics=("emergency",), **fields):
    return create_item(actor=actor, region=region, kind="article", title=fields.pop("title", "防溺水"),
                       topics=list(topics), body_html="<p>正文</p>", **fields)


def verdict(review, value, comments=""):
    return give_verdict(actor=review.expert.user, review=review, verdict=value, comments=comments)


def test_policy_is_the_nearest_up_the_tree(county, city):
    assert policy_for(county).reviewers == 1 and policy_for(county).pk is None
    assert (policy_for(county).medical_reviewers, policy_for(county).fast_track_hours) == (2, 4)
    ReviewPolicy.objects.create(region=city, reviewers=2, review_days=3)
    assert policy_for(county).reviewers == 2
    ReviewPolicy.objects.create(region=county, reviewers=3)
    assert policy_for(county).reviewers == 3 and policy_for(city).reviewers == 2


def test_candidates_fit_the_topic_and_region(county_office, county, experts, other_office, world):
    item = article(county_office, county, topics=("health",))
    assert {e.name for e in candidate_reviewers(item)} == {"王医生", "李护师"}
    experts["nurse"].availability = Availability.UNAVAILABLE
    experts["nurse"].save()
    Expert.objects.create(name="无账号", region=county, field="health").tags.set(experts["doctor"].tags.all())
    outsider = Expert.objects.create(name="外地医生", region=world.other_city, field="health",
                                     user=make_user("outsider", Role.EXPERT))
    outsider.tags.set(experts["doctor"].tags.all())
    assert [e.name for e in candidate_reviewers(item)] == ["王医生"]


def test_the_author_never_reviews_even_as_an_expert(county, experts, world):
    # An expert who also writes content (an office account would not be an expert; here the expert
    # account is given authoring rights by being the author recorded on a version).
    item = article(world.users["office"], county, topics=("health",))
    item.author = experts["doctor"].user
    item.save()
    assert [e.name for e in candidate_reviewers(item)] == ["李护师"]
    round_ = submit_item(actor=world.users["office"], item=item)
    assert round_.required == 2 and round_.reviews.count() == 1
    item.refresh_from_db()
    assert item.status == ContentStatus.SUBMITTED
    with pytest.raises(ContentError, match="作者"):
        assign_reviewers(actor=world.users["office"], round=round_, experts=[experts["doctor"]])
    assert round_.reviews.count() == 1
    review = ContentReview(round=round_, expert=experts["doctor"], assigned_at=timezone.now())
    review.save()  # forced past the service: give_verdict still refuses the author
    with pytest.raises(PermissionDenied):
        verdict(review, "approve")


def test_medical_topics_need_two_approvals(county_office, county, experts):
    item = article(county_office, county, topics=("health",))
    round_ = submit_item(actor=county_office, item=item)
    first, second = round_.reviews.all()
    assert round_.required == 2 and {first.expert.name, second.expert.name} == {"王医生", "李护师"}
    verdict(first, "approve")
    item.refresh_from_db()
    assert item.status == ContentStatus.UNDER_REVIEW and item.approved_version is None
    verdict(second, "approve", "数据准确")
    item.refresh_from_db()
    round_.refresh_from_db()
    assert item.status == ContentStatus.APPROVED and item.approved_version == round_.version
    assert round_.status == RoundStatus.APPROVED and round_.closed_at is not None
    assert AuditEntry.objects.filter(model="content.ContentReview", object_id=str(second.pk), action="update").exists()


def test_revise_then_new_version_then_approval(county_office, county, experts):
    item = article(county_office, county)
    round_ = submit_item(actor=county_office, item=item)
    review = round_.reviews.get()
    assert review.expert.name == "赵工"
    with pytest.raises(ContentError, match="须填写审查意见"):
        verdict(review, "revise")
    verdict(review, "revise", "第二段数据需注明出处")
    item.refresh_from_db()
    assert item.status == ContentStatus.REVISE
    with pytest.raises(ContentError, match="修改后"):
        submit_item(actor=county_office, item=item)
    revise_item(actor=county_office, item=item, body_html="<p>正文（注明出处）</p>")
    again = submit_item(actor=county_office, item=item)
    verdict(again.reviews.get(), "approve")
    item.refresh_from_db()
    assert item.approved_version.number == 2 and item.status == ContentStatus.APPROVED


def test_any_reject_rejects(county_office, county, experts):
    item = article(county_office, county, topics=("health",))
    round_ = submit_item(actor=county_office, item=item)
    first, second = round_.reviews.all()
    verdict(first, "reject", "观点错误")
    item.refresh_from_db()
    round_.refresh_from_db()
    assert item.status == ContentStatus.REJECTED and round_.status == RoundStatus.REJECTED
    with pytest.raises(ContentError, match="已结束"):
        verdict(second, "approve")


def test_only_the_assigned_expert_gives_a_verdict(county_office, county, experts):
    item = article(county_office, county)
    review = submit_item(actor=county_office, item=item).reviews.get()
    for someone in (experts["farm"].user, county_office):
        with pytest.raises(PermissionDenied):
            give_verdict(actor=someone, review=review, verdict="approve", comments="")
    review.refresh_from_db()
    assert review.verdict == "pending"
    with pytest.raises(ContentError, match="审查结论"):
        verdict(review, "maybe")


def test_no_candidates_leaves_it_submitted_for_the_office(county_office, county, experts, city_office):
    item = article(county_office, county, topics=("frontier",))
    round_ = submit_item(actor=county_office, item=item)
    item.refresh_from_db()
    assert item.status == ContentStatus.SUBMITTED and round_.reviews.count() == 0
    with pytest.raises(ContentError, match="不在该内容的可选审查专家"):
        assign_reviewers(actor=county_office, round=round_, experts=[experts["farm"]])
    experts["farm"].tags.add(*item.topics.get().fields.all()[:1])
    assign_reviewers(actor=city_office, round=round_, experts=[experts["farm"]])
    item.refresh_from_db()
    assert item.status == ContentStatus.UNDER_REVIEW


def test_least_loaded_expert_first(county_office, county, experts):
    first = submit_item(actor=county_office, item=article(county_office, county, topics=("health",), title="一"))
    assert first.reviews.count() == 2
    ReviewPolicy.objects.create(region=county, medical_reviewers=1)
    busy = first.reviews.first().expert
    verdict(first.reviews.exclude(expert=busy).get(), "approve")
    second = submit_item(actor=county_office, item=article(county_office, county, topics=("health",), title="二"))
    assert second.reviews.get().expert != busy


def test_fast_track_in_an_emergency(county_office, county, experts):
    event = EmergencyEvent.objects.create(region=county, event_type="typhoon", title="台风防御",
                                          started_at=timezone.now())
    calm = Expert.objects.create(name="安工", region=county, field="emergency", user=make_user("an", Role.EXPERT))
    calm.tags.set(experts["quake"].tags.all())
    # Outside an emergency 安工 would come first (same load, name first); on the fast track 赵工 does.
    assert candidate_reviewers(article(county_office, county, title="平时"))[0] == calm
    item = article(county_office, county, topics=("emergency",), emergency=event)
    before = timezone.now()
    round_ = submit_item(actor=county_office, item=item)
    assert round_.fast_track and round_.required == 1
    assert before + datetime.timedelta(hours=4) <= round_.due_at <= timezone.now() + datetime.timedelta(hours=4)
    review = round_.reviews.get()
    assert review.expert.is_emergency
    verdict(review, "approve")
    kinds = list(TimelineEntry.objects.filter(event=event).values_list("kind", flat=True))
    assert kinds == ["drafted", "note", "reviewed"]


def test_medical_item_in_an_emergency_still_fast_tracked_with_one(county_office, county, experts):
    event = EmergencyEvent.objects.create(region=county, event_type="epidemic", title="疫情",
                                          started_at=timezone.now())
    round_ = submit_item(actor=county_office, item=article(county_office, county, topics=("health",), emergency=event))
    assert round_.required == 1 and round_.reviews.count() == 1


def test_rebuttal_approval_calls_debunking(county_office, county, experts, monkeypatch):
    called = []
    module = types.ModuleType("kesu.content.debunking")
    module.rebuttal_approved = called.append
    monkeypatch.setitem(sys.modules, "kesu.content.debunking", module)
    item = article(county_office, county, is_rebuttal=True)
    verdict(submit_item(actor=county_office, item=item).reviews.get(), "approve")
    assert [i.pk for i in called] == [item.pk]


def test_save_policy_checks_ranges_and_scope(county_office, county, city):
    with pytest.raises(ContentError, match="1 至 5"):
        save_policy(actor=county_office, region=county, reviewers=0, medical_reviewers=2, review_days=7,
                    fast_track_hours=4)
    with pytest.raises(PermissionDenied):
        save_policy(actor=county_office, region=city, reviewers=1, medical_reviewers=2, review_days=7,
                    fast_track_hours=4)
    save_policy(actor=county_office, region=county, reviewers=2, medical_reviewers=3, review_days=5,
                fast_track_hours=2)
    assert policy_for(county).medical_reviewers == 3
