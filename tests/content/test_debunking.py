"""科学辟谣: recording rumours, drafting the rebuttal through the library, approval and closing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from kesu.content import debunking
from kesu.content.errors import ContentError
from kesu.content.models import ContentStatus, ContentVersion, Rumour, RumourStatus


@pytest.fixture
def rumour(county, county_office, topic, yesterday):
    return debunking.record_rumour(
        actor=county_office, region=county, claim="喝盐水可以预防流感", topic=topic(code="health"),
        first_seen=yesterday, where_seen="微信群", spread="medium",
    )


def test_record_rumour_keeps_the_fields(rumour, county_office):
    rumour.refresh_from_db()
    assert rumour.status == RumourStatus.MONITORING
    assert rumour.spread == "medium" and rumour.where_seen == "微信群"
    assert rumour.recorded_by == county_office


@pytest.mark.parametrize(
    ("claim", "days", "field"),
    [("", -1, "claim"), ("谣" * 301, -1, "claim"), ("明天地震", 1, "first_seen")],
)
def test_record_rumour_refuses_bad_input(county, county_office, topic, today, claim, days, field):
    with pytest.raises(ContentError) as error:
        debunking.record_rumour(actor=county_office, region=county, claim=claim, topic=topic(code="health"),
                                first_seen=today + datetime.timedelta(days=days))
    assert error.value.field == field
    assert not Rumour.objects.exists()


def test_record_rumour_outside_the_office_region_refused(city, county_office, other_office, county, topic, today):
    with pytest.raises(PermissionDenied):
        debunking.record_rumour(actor=county_office, region=city, claim="x", topic=topic(code="health"),
                                first_seen=today)
    with pytest.raises(PermissionDenied):
        debunking.record_rumour(actor=other_office, region=county, claim="x", topic=topic(code="health"),
                                first_seen=today)
    assert not Rumour.objects.exists()


def test_edit_rumour(rumour, county_office):
    debunking.edit_rumour(actor=county_office, rumour=rumour, spread="high", claim="喝淡盐水能防流感")
    rumour.refresh_from_db()
    assert (rumour.spread, rumour.claim) == ("high", "喝淡盐水能防流感")
    with pytest.raises(ContentError):
        debunking.edit_rumour(actor=county_office, rumour=rumour, status="closed")


def test_draft_rebuttal_creates_a_draft_rebuttal_on_the_topic(rumour, county_office):
    item = debunking.draft_rebuttal(actor=county_office, rumour=rumour, title="盐水不能预防流感",
                                    body_html="<p>接种疫苗才是有效手段。</p>", summary="辟谣")
    rumour.refresh_from_db()
    assert rumour.rebuttal == item
    assert item.is_rebuttal and item.status == ContentStatus.DRAFT
    assert list(item.topics.values_list("code", flat=True)) == ["health"]
    assert item.region == rumour.region
    with pytest.raises(ContentError, match="已有辟谣内容"):
        debunking.draft_rebuttal(actor=county_office, rumour=rumour, title="再来一篇", body_html="<p>x</p>")


def _approve(item):
    """As the review would: its version becomes the approved one, then reviewing's hook."""
    version = ContentVersion.objects.get(item=item, number=1)
    item.approved_version = version
    item.status = ContentStatus.APPROVED
    item.save()
    return debunking.rebuttal_approved(item)


def test_rebuttal_approved_marks_the_rumour_rebutted(rumour, county_office):
    item = debunking.draft_rebuttal(actor=county_office, rumour=rumour, title="盐水不能预防流感",
                                    body_html="<p>正文</p>")
    _approve(item)
    rumour.refresh_from_db()
    assert rumour.status == RumourStatus.REBUTTED and rumour.rebutted_at is not None
    first = rumour.rebutted_at
    _approve(item)  # a later approval keeps the first date
    rumour.refresh_from_db()
    assert rumour.rebutted_at == first
    with pytest.raises(ContentError, match="不能再起草"):
        debunking.draft_rebuttal(actor=county_office, rumour=rumour, title="t", body_html="<p>x</p>")


def test_close_rumour_transitions(rumour, county_office):
    with pytest.raises(ContentError) as error:
        debunking.close_rumour(actor=county_office, rumour=rumour)
    assert error.value.field == "note"
    debunking.close_rumour(actor=county_office, rumour=rumour, note="传播范围很小，已自然平息")
    rumour.refresh_from_db()
    assert rumour.status == RumourStatus.CLOSED and rumour.closing_note.startswith("传播范围")
    with pytest.raises(ContentError, match="已结束"):
        debunking.close_rumour(actor=county_office, rumour=rumour, note="再次")
    with pytest.raises(ContentError):
        debunking.edit_rumour(actor=county_office, rumour=rumour, spread="low")


def test_close_rebutted_rumour_without_note(rumour, county_office):
    item = debunking.draft_rebuttal(actor=county_office, rumour=rumour, title="t", body_html="<p>x</p>")
    _approve(item)
    debunking.close_rumour(actor=county_office, rumour=rumour)
    rumour.refresh_from_db()
    assert rumour.status == RumourStatus.CLOSED


def test_other_office_cannot_close(rumour, other_office):
    with pytest.raises(PermissionDenied):
        debunking.close_rumour(actor=other_office, rumour=rumour, note="x")
    rumour.refresh_from_db()
    assert rumour.status == RumourStatus.MONITORING


def test_rebuttal_goes_through_the_real_review(rumour, county_office, experts):
    from kesu.content import authoring, reviewing

    item = debunking.draft_rebuttal(actor=county_office, rumour=rumour, title="盐水不能预防流感",
                                    body_html="<p>接种疫苗才是有效手段。</p>")
    round_ = authoring.submit_item(actor=county_office, item=item)
    if round_.reviews.count() < round_.required:
        reviewing.assign_reviewers(actor=county_office, round=round_,
                                   experts=list(reviewing.candidate_reviewers(item))[:round_.required])
    reviews = list(round_.reviews.select_related("expert__user"))
    for review in reviews[:-1]:
        reviewing.give_verdict(actor=review.expert.user, review=review, verdict="approve", comments="准确")
        rumour.refresh_from_db()
        assert rumour.status == RumourStatus.MONITORING
    last = reviews[-1]
    reviewing.give_verdict(actor=last.expert.user, review=last, verdict="approve", comments="准确")
    rumour.refresh_from_db()
    assert rumour.status == RumourStatus.REBUTTED and rumour.rebutted_at is not None
