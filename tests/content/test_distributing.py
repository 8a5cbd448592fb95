"""publish, push_item, acknowledgement and reach, subscriptions: what goes out is the approved
version, refused when the item is not current, only within the office's region and only answered
by the recipient it was sent to."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kesu.content import distributing
from kesu.content.errors import ContentError
from kesu.content.models import (
    Channel,
    ContentStatus,
    ContentVersion,
    EmergencyEvent,
    EventType,
    Publication,
    Push,
    PushRecipient,
    Subscription,
    TimelineEntry,
)
from kesu.org.models import Unit

pytestmark = pytest.mark.django_db

CHANNELS = [Channel.PUBLIC, Channel.WECHAT, Channel.POSTER, Channel.BROADCAST, Channel.UNIT_PACKAGE]


def not_current(approved_item, today, how):
    if how == "expired":
        return approved_item(expires_on=today - datetime.timedelta(days=1), broadcast_text="防溺水")
    if how == "season":
        month = (today.month % 12) + 1
        return approved_item(season_start_month=month, season_end_month=month, broadcast_text="防溺水")
    if how == "future":
        return approved_item(valid_from=today + datetime.timedelta(days=3), broadcast_text="防溺水")
    item = approved_item(broadcast_text="防溺水")
    if how == "withdrawn":
        item.status = ContentStatus.WITHDRAWN
        item.save()
    else:
        item.approved_version = None
        item.status = ContentStatus.UNDER_REVIEW
        item.save()
    return item


@pytest.mark.parametrize("how, words", [("expired", "已于"), ("season", "适用"), ("future", "起生效"),
                                        ("withdrawn", "已撤下"), ("unapproved", "尚未通过科学性审查")])
def test_items_not_current_are_refused_by_every_channel(world, approved_item, today, county_office, audience,
                                                         how, words):
    item = not_current(approved_item, today, how)
    for channel in CHANNELS:
        with pytest.raises(ContentError, match=words):
            distributing.publish(actor=county_office, item=item, channel=channel, region=world.county)
    with pytest.raises(ContentError, match=words):
        distributing.push_item(actor=county_office, item=item, regions=[world.county],
                               audiences=[audience(code="youth")])
    assert not Publication.objects.exists() and not Push.objects.exists()


def test_publish_records_the_approved_version_not_a_newer_draft(world, approved_item, county_office):
    item = approved_item()
    draft = ContentVersion.objects.create(item=item, number=2, title="草稿标题", body_html="<p>未审</p>")
    item.current_version = draft
    item.save()
    publication = distributing.publish(actor=county_office, item=item, channel=Channel.WECHAT,
                                       region=world.county, reach="1200", note="公众号")
    assert publication.version == item.approved_version and publication.version.number == 1
    assert publication.reach == 1200
    item.refresh_from_db()
    assert item.first_published_at == publication.published_at


def test_broadcast_needs_broadcast_text(world, approved_item, county_office):
    with pytest.raises(ContentError, match="没有广播/短信文本"):
        distributing.publish(actor=county_office, item=approved_item(), channel=Channel.BROADCAST,
                             region=world.county)


@pytest.mark.parametrize("reach, words", [("-1", "负数"), ("abc", "整数"), ("20000000", "超过")])
def test_bad_reach_is_refused(world, approved_item, county_office, reach, words):
    with pytest.raises(ContentError, match=words):
        distributing.publish(actor=county_office, item=approved_item(), channel=Channel.WECHAT,
                             region=world.county, reach=reach)


def test_publish_and_push_only_within_the_office_region(world, approved_item, county_office, city_office,
                                                        other_office, audience):
    item = approved_item(region=world.city)
    for office in (county_office, city_office):
        with pytest.raises(PermissionDenied, match="徐州市"):
            distributing.push_item(actor=office, item=item, regions=[world.other_city],
                                   audiences=[audience(code="youth")])
    with pytest.raises(PermissionDenied):
        distributing.publish(actor=county_office, item=item, channel=Channel.PUBLIC, region=world.city)
    with pytest.raises(PermissionDenied):
        distributing.publish(actor=other_office, item=item, channel=Channel.PUBLIC, region=world.other_city)
    assert not Publication.objects.exists()


def test_push_to_the_proposal_and_answers(world, approved_item, county_office, reporter, audience, messengers):
    item = approved_item()
    push = distributing.push_item(actor=county_office, item=item, regions=[world.county],
                                  audiences=[audience(code="youth"), audience(code="farmers")], message="请转发")
    names = {str(r): r for r in push.recipients.all()}
    assert set(names) == {"市教育和体育局", "市科协", "团市委", "市农业农村局", "周信息员（城区社区）",
                          "吴信息员（夏村）"}
    assert push.publication.channel == Channel.PUSH and push.version == item.approved_version
    mine = names["市教育和体育局"]
    distributing.acknowledge(actor=reporter, recipient=mine)
    distributing.report_reach(actor=reporter, recipient=mine, reach=350, note="家长群")
    mine.refresh_from_db()
    assert mine.acknowledged_at and mine.reach == 350 and mine.reach_note == "家长群"
    with pytest.raises(PermissionDenied):
        distributing.acknowledge(actor=reporter, recipient=names["团市委"])
    with pytest.raises(PermissionDenied):
        distributing.report_reach(actor=reporter, recipient=names["周信息员（城区社区）"], reach=3)
    # The office records what a messenger said on the phone; the messenger answers by link.
    distributing.report_reach(actor=county_office, recipient=names["周信息员（城区社区）"], reach=40)
    token = names["吴信息员（夏村）"].token
    distributing.acknowledge_by_token(token)
    distributing.report_reach_by_token(token, "25", "村广播")
    assert PushRecipient.objects.get(token=token).reach == 25
    with pytest.raises(PushRecipient.DoesNotExist):
        distributing.acknowledge_by_token("nope")
    with pytest.raises(PushRecipient.DoesNotExist):
        distributing.acknowledge_by_token(mine.token)  # a unit's row has no link


def test_push_to_a_chosen_subset_refuses_units_outside(world, approved_item, county_office, county2):
    item = approved_item()
    outsider = Unit.objects.create(region=county2, name="荣成市教育局")
    with pytest.raises(ContentError, match="荣成市教育局"):
        distributing.push_item(actor=county_office, item=item, regions=[world.county], units=[outsider])
    push = distributing.push_item(actor=county_office, item=item, regions=[world.county],
                                  units=[world.units["团市委"]], messengers=[])
    assert [(str(r), r.reason) for r in push.recipients.all()] == [("团市委", "纲要办指定")]
    with pytest.raises(ContentError, match="没有推送对象"):
        distributing.push_item(actor=county_office, item=item, regions=[world.county], units=[], messengers=[])


def test_emergency_push_is_due_and_noted(world, approved_item, county_office, audience):
    event = EmergencyEvent.objects.create(region=world.county, event_type=EventType.FLOOD, title="乳山暴雨",
                                          started_at=timezone.now(), distribute_within_hours=6)
    item = approved_item(emergency=event, broadcast_text="暴雨天气请远离河道")
    push = distributing.push_item(actor=county_office, item=item, regions=[world.county],
                                  audiences=[audience(code="youth")])
    assert abs((push.due_at - push.sent_at) - datetime.timedelta(hours=6)) < datetime.timedelta(seconds=5)
    distributing.publish(actor=county_office, item=item, channel=Channel.BROADCAST, region=world.county)
    assert list(TimelineEntry.objects.filter(event=event).values_list("kind", flat=True)) == ["pushed", "published"]


def test_subscriptions(world, county_office, reporter, topic, messengers, other_office):
    edu = world.units["市教育和体育局"]
    distributing.subscribe(actor=reporter, topic=topic(code="health"), unit=edu)
    distributing.subscribe(actor=reporter, topic=topic(code="health"), unit=edu)
    distributing.subscribe(actor=county_office, topic=topic(code="health"), messenger=messengers[0])
    assert Subscription.objects.count() == 2
    with pytest.raises(PermissionDenied):
        distributing.subscribe(actor=reporter, topic=topic(code="health"), unit=world.units["团市委"])
    with pytest.raises(PermissionDenied):
        distributing.subscribe(actor=other_office, topic=topic(code="health"), messenger=messengers[1])
    distributing.unsubscribe(actor=reporter, topic=topic(code="health"), unit=edu)
    assert list(Subscription.objects.values_list("messenger", flat=True)) == [messengers[0].pk]
