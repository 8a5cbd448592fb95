"""应急科普: starting an event (scope, on-call experts, package pushes with due times), notes, closing,
and the packages themselves."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kesu.content import emergency
from kesu.content.errors import ContentError
from kesu.content.models import EmergencyEvent, EmergencyStatus, Push, TimelineEntry, TimelineKind


@pytest.fixture
def flood_package(county, county_office, approved_item, yesterday):
    package = emergency.create_package(actor=county_office, region=county, event_type="flood", name="防汛科普包")
    current = approved_item("洪水来了怎么办", topics=("emergency",))
    expired = approved_item("旧版防汛手册", topics=("emergency",), expires_on=yesterday)
    emergency.set_package_items(actor=county_office, package=package, items=[current])
    # Expired after it was packed: the package still holds it, the start must skip it.
    package.items.add(expired)
    return package, current, expired


def _start(actor, region, affected, **fields):
    return emergency.start_emergency(
        actor=actor, region=region, event_type=fields.pop("event_type", "flood"), title=fields.pop("title", "7·20暴雨"),
        level=fields.pop("level", "3"), affected_regions=affected, **fields,
    )


def test_start_pushes_current_package_items_with_due_times(county, county_office, flood_package):
    _, current, expired = flood_package
    started = timezone.now() - datetime.timedelta(hours=1)
    event = _start(county_office, county, [county], started_at=started, distribute_within_hours=4)
    pushes = list(Push.objects.filter(emergency=event))
    assert [push.item for push in pushes] == [current]
    assert pushes[0].due_at == started + datetime.timedelta(hours=4)
    assert pushes[0].recipients.filter(unit__name="市科协").exists()
    texts = list(event.timeline.values_list("kind", "text"))
    assert texts[0][0] == TimelineKind.STARTED
    assert any(kind == TimelineKind.PUSHED and "洪水来了怎么办" in text for kind, text in texts)
    assert any("旧版防汛手册" in text and "跳过" in text for _, text in texts)
    assert not Push.objects.filter(item=expired).exists()


def test_timeline_is_in_order(county, county_office, flood_package):
    started = timezone.now() - datetime.timedelta(minutes=30)
    event = _start(county_office, county, [county], started_at=started)
    emergency.add_note(actor=county_office, event=event, text="已联系气象局获取最新预警")
    emergency.close_emergency(actor=county_office, event=event)
    kinds = [entry.kind for entry in event.timeline.all()]
    assert kinds[0] == TimelineKind.STARTED and kinds[1] == TimelineKind.EXPERTS
    assert kinds[-2:] == [TimelineKind.NOTE, TimelineKind.CLOSED]
    ats = [entry.at for entry in event.timeline.all()]
    assert ats == sorted(ats) and ats[0] == started
    event.refresh_from_db()
    assert event.status == EmergencyStatus.CLOSED and event.closed_at is not None
    with pytest.raises(ContentError, match="已结束"):
        emergency.close_emergency(actor=county_office, event=event)


def test_affected_region_outside_refused_nothing_written(county, city, county_office, other_office, flood_package):
    with pytest.raises(PermissionDenied, match="威海市"):
        _start(county_office, county, [county, city])
    with pytest.raises(PermissionDenied):
        _start(other_office, county, [county])
    assert not EmergencyEvent.objects.exists()
    assert not TimelineEntry.objects.exists() and not Push.objects.exists()


def test_bad_input_refused(county, county_office):
    with pytest.raises(ContentError) as error:
        _start(county_office, county, [])
    assert error.value.field == "affected_regions"
    with pytest.raises(ContentError) as error:
        _start(county_office, county, [county], distribute_within_hours=0)
    assert error.value.field == "distribute_within_hours"
    with pytest.raises(ContentError) as error:
        _start(county_office, county, [county], started_at=timezone.now() + datetime.timedelta(days=1))
    assert error.value.field == "started_at"
    assert not EmergencyEvent.objects.exists()


def test_no_package_noted(county, county_office):
    event = _start(county_office, county, [county], event_type="heat")
    assert event.timeline.filter(text__contains="未找到").exists()
    assert not Push.objects.exists()


def test_on_call_experts_match_the_event_type(city, county, city_office, experts):
    flood = _start(city_office, city, [county])
    assert list(emergency.on_call_experts(flood)) == [experts["quake"]]
    line = flood.timeline.get(kind=TimelineKind.EXPERTS).text
    assert "赵工" in line and "王医生" not in line
    experts["doctor"].is_emergency = True
    experts["doctor"].save()
    epidemic = _start(city_office, city, [county], event_type="epidemic", title="流感")
    assert list(emergency.on_call_experts(epidemic)) == [experts["doctor"]]


def test_on_call_falls_back_to_any_emergency_expert(city, county, city_office, experts):
    event = _start(city_office, city, [county], event_type="food_safety", title="食物中毒")
    assert list(emergency.on_call_experts(event)) == [experts["quake"]]


def test_county_event_calls_the_city_team_but_not_a_neighbouring_county(county, county2, county_office,
                                                                         city_office, experts):
    # A county's own event draws on the emergency team above it, as its packages come from above.
    event = _start(county_office, county, [county])
    assert emergency.on_call_experts(event) == [experts["quake"]]
    assert "赵工" in event.timeline.get(kind=TimelineKind.EXPERTS).text
    experts["quake"].region = county2
    experts["quake"].save()
    elsewhere = _start(county_office, county, [county], title="另一场洪涝")
    assert emergency.on_call_experts(elsewhere) == []
    assert "暂无" in elsewhere.timeline.get(kind=TimelineKind.EXPERTS).text


def test_package_accepts_only_approved_items(county, county_office, approved_item, world):
    from kesu.content import authoring

    package = emergency.create_package(actor=county_office, region=county, event_type="flood", name="包")
    draft = authoring.create_item(actor=county_office, region=county, kind="article", title="草稿",
                                  topics=["emergency"], body_html="<p>x</p>")
    with pytest.raises(ContentError, match="尚未通过"):
        emergency.set_package_items(actor=county_office, package=package, items=[draft])
    with pytest.raises(ContentError, match="同名"):
        emergency.create_package(actor=county_office, region=county, event_type="flood", name="包")
    assert package.items.count() == 0
