"""The office's reading aids: the public pages' region choice, the provenance filters of the library,
rumour and emergency lists, the emergency page's folded timeline and masked phones, and the paged
subscriptions of an office."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import make_user

from kesu.content import distributing, emergency, timeline
from kesu.content.models import EmergencyEvent, Publication, Rumour, Subscription, TimelineKind, Topic
from kesu.org.models import Role
from kesu.resources.models import Expert, ExpertiseTag, Messenger

pytestmark = pytest.mark.django_db


def test_public_list_by_region_shows_subtree_and_above(client, world, county2, approved_item):
    approved_item("乳山防溺水", region=world.county)
    approved_item("荣成防溺水", region=county2)
    approved_item("威海防溺水", region=world.city)
    everything = client.get("/public/content/").content.decode()
    assert all(title in everything for title in ("乳山防溺水", "荣成防溺水", "威海防溺水"))
    assert '<option value="371083"' in everything and "<ul" in everything
    page = client.get("/public/content/?region=371083").content.decode()
    assert "乳山防溺水" in page and "威海防溺水" in page and "荣成防溺水" not in page
    assert "正在查看 <strong>乳山市</strong>" in page


def test_public_rumours_by_region(client, world, county2, county_office, approved_item, topic):
    for region, claim in ((world.county, "乳山谣言"), (county2, "荣成谣言")):
        item = approved_item(f"{claim}辟谣", region=region, is_rebuttal=True)
        Rumour.objects.create(region=region, claim=claim, topic=topic(code="health"), first_seen=timezone.localdate(),
                              status="rebutted", rebuttal=item, rebutted_at=timezone.now())
    page = client.get("/public/rumours/?region=371083").content.decode()
    assert "乳山谣言" in page and "荣成谣言" not in page
    assert "荣成谣言" in client.get("/public/rumours/").content.decode()


def test_library_published_in_a_year_in_a_region(client_for, world, county2, city_office, approved_item):
    shown, elsewhere, _unpublished = (approved_item("已发布", region=world.city), approved_item("荣成发布"),
                                     approved_item("未发布", region=world.city))
    distributing.publish(actor=city_office, item=shown, channel="wechat", region=world.county, reach=10)
    distributing.publish(actor=city_office, item=elsewhere, channel="wechat", region=county2, reach=10)
    year = timezone.localdate().year
    office = client_for("city_office")
    page = office.get(f"/content/?region=371083&year={year}&published=1").content.decode()
    assert "已发布" in page and "荣成发布" not in page and "未发布" not in page
    assert f"{year}年在乳山市及下辖有发布记录" in page
    Publication.objects.update(published_at=timezone.now() - datetime.timedelta(days=400))
    assert "已发布" not in office.get(f"/content/?region=371083&year={year}&published=1").content.decode()


def test_rumour_list_counts_rebutted_in_the_year_closed_included(client_for, world, approved_item, topic):
    now = timezone.now()
    for claim, status, rebutted in (("今年辟谣", "rebutted", now), ("今年辟谣已结束", "closed", now),
                                    ("去年辟谣", "rebutted", now - datetime.timedelta(days=400)),
                                    ("尚未辟谣", "recorded", None)):
        Rumour.objects.create(region=world.county, claim=claim, topic=topic(code="health"),
                              first_seen=timezone.localdate(), status=status, rebutted_at=rebutted)
    page = client_for("office").get(f"/content/rumours/?status=rebutted&year={now.year}&region=371083")
    text = page.content.decode()
    assert "今年辟谣" in text and "今年辟谣已结束" in text and "去年辟谣" not in text and "尚未辟谣" not in text
    assert f"{now.year}年辟谣" in text


def test_emergency_list_by_year_and_region(client_for, county, county_office):
    emergency.start_emergency(actor=county_office, region=county, event_type="heat", title="今年高温", level="4",
                              affected_regions=[county])
    year = timezone.localdate().year
    office = client_for("office")
    assert "今年高温" in office.get(f"/content/emergency/?year={year}&region=371083").content.decode()
    assert "今年高温" not in office.get(f"/content/emergency/?year={year - 1}&region=371083").content.decode()
    assert "今年高温" not in office.get("/content/emergency/?region=999999").content.decode()


def test_event_page_folds_acknowledgements_and_masks_phones(client_for, world, county, county_office,
                                                            approved_item):
    expert = Expert.objects.create(name="钱应急", region=county, field="disaster", is_emergency=True,
                                   phone="13912345678")
    expert.tags.set(ExpertiseTag.objects.filter(code__in=["disaster", "flood"]))
    package = emergency.create_package(actor=county_office, region=county, event_type="flood", name="防汛包")
    emergency.set_package_items(actor=county_office, package=package, items=[approved_item("洪水来了怎么办")])
    event = emergency.start_emergency(actor=county_office, region=county, event_type="flood", title="暴雨",
                                      level="3", affected_regions=[county])
    push = event.pushes.get()
    for recipient in push.recipients.all():
        timeline.note(event, TimelineKind.ACKNOWLEDGED, f"{recipient}签收了", item=push.item)
    url = reverse("content:emergency_detail", args=[event.pk])
    page = client_for("office").get(url).content.decode()
    # The one-per-recipient lines give way to the push's recipients table inside the fold.
    assert "签收了" not in page and page.count("<strong>签收</strong>") == 0
    assert "<details><summary>" in page and str(push.recipients.first()) in page
    assert f"《洪水来了怎么办》：已签收 0/{push.recipients.count()}，反馈传播 0 人次" in page
    assert "13912345678" in page
    make_user("rs_leader", Role.LEADER, region=county)
    led = client_for("rs_leader").get(url).content.decode()
    assert "13912345678" not in led and "139****5678" in led
    assert EmergencyEvent.objects.count() == 1


def test_office_subscriptions_by_region_and_page(client_for, world, county2, topic):
    health = topic(code="health")
    for number in range(30):
        Messenger.objects.create(name=f"信息员{number:02d}", region=world.county, community="城区社区")
    Messenger.objects.create(name="荣成信息员", region=county2, community="某村")
    office = client_for("city_office")
    first = office.get("/content/subscriptions/?region=371083").content.decode()
    assert "信息员00" in first and "信息员29" not in first and "荣成信息员" not in first
    second = office.get("/content/subscriptions/?region=371083&page=2").content.decode()
    assert "信息员29" in second
    target = Messenger.objects.get(name="信息员29")
    response = office.post("/content/subscriptions/", {"toggle": f"messenger:{target.pk}:{health.pk}:1",
                                                       "back": "region=371083&page=2&n=30"})
    assert response["Location"] == "/content/subscriptions/?region=371083&page=2&n=30"
    assert Subscription.objects.filter(messenger=target, topic=health).exists()
    assert Topic.objects.count() > 1
