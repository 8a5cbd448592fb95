"""kesu's proposal for a targeted push on the world's plan: the responsible units of the audience's
actions, the office unit always, subscribers and messengers, each with its reason."""

from __future__ import annotations

import pytest

from kesu.content.models import Subscription
from kesu.content.targeting import recipients_for
from kesu.org.models import Unit
from kesu.resources.models import Messenger

pytestmark = pytest.mark.django_db


def by_name(proposals):
    return {p.name: p.reason for p in proposals}


def test_youth_reaches_the_units_of_the_youth_action(world, audience, topic):
    found = by_name(recipients_for(region_list=[world.county], audiences=[audience(code="youth")],
                                   topics=[topic(code="health")]))
    assert set(found) == {"市教育和体育局", "市科协", "团市委"}
    assert found["团市委"].startswith("《乳山市全民科学素质行动规划纲要实施方案")
    assert "青少年科学素质提升行动" in found["团市委"] and found["团市委"].count("（责任单位）") == 1
    assert "本区划纲要办所在单位" in found["市科协"]


def test_farmers_reach_agriculture_and_messengers(world, audience, topic, messengers):
    proposals = recipients_for(region_list=[world.county], audiences=[audience(code="farmers")], topics=[])
    found = by_name(proposals)
    assert set(found) == {"市农业农村局", "市科协", "周信息员（城区社区）", "吴信息员（夏村）"}
    assert found["周信息员（城区社区）"] == "本区划科普信息员"
    assert [p.messenger is not None for p in proposals] == [False, False, True, True]


def test_public_means_every_unit_named_in_the_plan(world, audience):
    found = by_name(recipients_for(region_list=[world.county], audiences=[audience(code="public")]))
    assert {"市教育和体育局", "市科协", "团市委", "市农业农村局"} <= set(found)


def test_subscriptions_add_units_and_messengers_with_their_topic(world, audience, topic, messengers):
    Unit.objects.create(region=world.county, name="市卫生健康局")
    health_unit = Unit.objects.get(name="市卫生健康局")
    Subscription.objects.create(topic=topic(code="health"), unit=health_unit)
    Subscription.objects.create(topic=topic(code="health"), messenger=messengers[0])
    found = by_name(recipients_for(region_list=[world.county], audiences=[audience(code="youth")],
                                   topics=[topic(code="health")]))
    assert found["市卫生健康局"] == "订阅了“健康”主题"
    assert found["周信息员（城区社区）"] == "订阅了“健康”主题"
    assert "吴信息员（夏村）" not in found


def test_a_city_push_reaches_the_county_office_to_relay(world, audience, messengers):
    Messenger.objects.filter(pk=messengers[1].pk).update(is_active=False)
    found = by_name(recipients_for(region_list=[world.city], audiences=[audience(code="farmers")]))
    # The county's units answer to the county: only its office relays.
    assert found["市科协"] == "下级区划（乳山市）纲要办所在单位，负责转发"
    assert "市农业农村局" not in found
    assert "吴信息员（夏村）" not in found and "周信息员（城区社区）" in found


def test_other_regions_are_not_proposed(world, audience):
    assert recipients_for(region_list=[world.other_city], audiences=[audience(code="youth")]) == []


def test_a_unit_of_many_sections_gets_one_compact_clause_per_plan(world, audience):
    proposals = recipients_for(region_list=[world.county], audiences=[audience(code="youth"), audience(code="farmers"),
                                                                     audience(code="public")])
    reason = {p.name: p for p in proposals}["市科协"]
    # Every section it answers for sits in one clause of the plan, named once.
    assert reason.full_reason.count("《") == 1
    assert "（责任单位）；本区划纲要办所在单位" in reason.full_reason
    assert len(reason.reason) <= 120
