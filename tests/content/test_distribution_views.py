"""The distribution pages through the test client: the 发布 tab and its downloads, the push form with
its HTMX preview, a push's recipients, a unit's inbox (another unit's recipient is missing), the
messenger's link page without login and subscriptions."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from kesu.content import distributing
from kesu.content.models import Publication, Push, PushRecipient, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(approved_item):
    return approved_item(body_html="<ul><li>不私自下水游泳</li></ul>", broadcast_text="防溺水：不私自下水",
                         audiences=("youth", "farmers"))


@pytest.fixture
def push(item, county_office, world, audience, messengers):
    return distributing.push_item(actor=county_office, item=item, regions=[world.county],
                                  audiences=[audience(code="youth"), audience(code="farmers")])


def test_distribution_tab_records_and_downloads(item, client_for, world):
    office = client_for("office")
    page = office.get(f"/content/{item.pk}/distribution/").content.decode()
    assert "复制到公众号的 HTML" in page and "防溺水：不私自下水" in page
    response = office.post(f"/content/{item.pk}/distribution/",
                           {"channel": "wechat", "region": world.county.pk, "reach": "800", "note": "公众号"})
    assert response.status_code == 302
    assert Publication.objects.get().reach == 800
    page = office.get(f"/content/{item.pk}/distribution/").content.decode()
    assert "微信公众号" in page and "800" in page
    office.post(f"/content/{item.pk}/distribution/", {"channel": "wechat", "region": world.county.pk, "reach": "-5"})
    assert Publication.objects.count() == 1
    package = office.get(f"/content/{item.pk}/distribution/package/")
    assert package["Content-Type"] == "application/zip"
    assert "清单.txt" in zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert office.get(f"/content/{item.pk}/distribution/poster/").content.startswith(b"%PDF")
    assert office.get(f"/content/{item.pk}/distribution/broadcast/").content.decode() == "防溺水：不私自下水"
    assert b"<section" in office.get(f"/content/{item.pk}/distribution/wechat/").content


def test_other_offices_do_not_see_the_item(item, client_for):
    assert client_for("other_office").get(f"/content/{item.pk}/distribution/").status_code == 404
    assert client_for("other_office").get(f"/content/{item.pk}/distribution/package/").status_code == 404


def test_expired_item_downloads_are_refused(approved_item, client_for, yesterday):
    expired = approved_item(expires_on=yesterday, broadcast_text="旧")
    office = client_for("office")
    assert "已于" in office.get(f"/content/{expired.pk}/distribution/").content.decode()
    response = office.get(f"/content/{expired.pk}/distribution/poster/")
    assert response.status_code == 302


def test_push_form_preview_and_confirm(item, client_for, world, audience, messengers):
    office = client_for("office")
    assert "预览推送对象" in office.get(f"/content/{item.pk}/push/").content.decode()
    youth = audience(code="youth").pk
    preview = office.post(f"/content/{item.pk}/push/preview/", {"regions": [world.county.pk], "audiences": [youth]},
                          HTTP_HX_REQUEST="true").content.decode()
    assert "团市委" in preview and "青少年科学素质提升行动（责任单位）" in preview
    unit = world.units["团市委"]
    response = office.post(f"/content/{item.pk}/push/", {
        "regions": [world.county.pk], "audiences": [youth], "previewed": "1", "units": [unit.pk],
        "message": "请转发",
    })
    push = Push.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/content/pushes/{push.pk}/"
    assert [r.unit for r in push.recipients.all()] == [unit]
    assert "团市委" in office.get(f"/content/pushes/{push.pk}/").content.decode()


def test_push_to_another_city_is_refused(item, client_for, world, audience):
    # 徐州 is not offered to 乳山's office and a forged id is dropped: nothing is pushed.
    office = client_for("office")
    office.post(f"/content/{item.pk}/push/", {"regions": [world.other_city.pk],
                                              "audiences": [audience(code="youth").pk]})
    assert not Push.objects.exists()


def test_inbox_acknowledge_and_reach_and_idor(push, client_for, world):
    edu = client_for("edu")
    mine = push.recipients.get(unit=world.units["市教育和体育局"])
    other = push.recipients.get(unit=world.units["团市委"])
    page = edu.get("/content/inbox/").content.decode()
    assert "夏季防溺水安全知识" in page and "未签收" in page
    assert edu.post("/content/inbox/", {"recipient": mine.pk, "action": "acknowledge"}).status_code == 302
    assert edu.post("/content/inbox/", {"recipient": mine.pk, "action": "reach", "reach": "120"}).status_code == 302
    mine.refresh_from_db()
    assert mine.acknowledged_at and mine.reach == 120
    assert edu.post("/content/inbox/", {"recipient": other.pk, "action": "acknowledge"}).status_code == 404
    other.refresh_from_db()
    assert other.acknowledged_at is None
    assert edu.get(f"/content/pushes/{push.pk}/").status_code == 404


def test_office_records_a_messenger_reach(push, client_for):
    recipient = push.recipients.filter(messenger__isnull=False).first()
    client_for("office").post(f"/content/pushes/{push.pk}/", {"recipient": recipient.pk, "reach": "30"})
    recipient.refresh_from_db()
    assert recipient.reach == 30


def test_messenger_page_without_login(push):
    recipient = push.recipients.filter(messenger__isnull=False).first()
    client = Client()
    page = client.get(f"/public/m/{recipient.token}/").content.decode()
    assert "不私自下水游泳" in page and recipient.messenger.name in page
    client.post(f"/public/m/{recipient.token}/", {"action": "acknowledge"})
    client.post(f"/public/m/{recipient.token}/", {"action": "reach", "reach": "45", "note": "村广播"})
    recipient.refresh_from_db()
    assert recipient.acknowledged_at and recipient.reach == 45
    assert client.get("/public/m/not-a-token/").status_code == 404
    unit_row = push.recipients.filter(unit__isnull=False).first()
    assert client.get(f"/public/m/{unit_row.token}/").status_code == 404
    assert PushRecipient.objects.filter(reach=45).count() == 1


def test_subscriptions_page(client_for, world, topic, messengers):
    edu = client_for("edu")
    health = topic(code="health")
    assert "健康" in edu.get("/content/subscriptions/").content.decode()
    edu.post("/content/subscriptions/", {"target": f"unit:{world.units['市教育和体育局'].pk}", "topic": health.pk,
                                         "on": "1"})
    assert Subscription.objects.filter(unit=world.units["市教育和体育局"], topic=health).exists()
    assert edu.post("/content/subscriptions/", {"target": f"unit:{world.units['团市委'].pk}", "topic": health.pk,
                                                "on": "1"}).status_code == 403
    office = client_for("office")
    assert messengers[0].name in office.get("/content/subscriptions/").content.decode()
    office.post("/content/subscriptions/", {"target": f"messenger:{messengers[0].pk}", "topic": health.pk, "on": "1"})
    assert Subscription.objects.filter(messenger=messengers[0]).exists()


def test_pushes_are_scoped(push, client_for):
    assert client_for("other_office").get(f"/content/pushes/{push.pk}/").status_code == 404
    assert client_for("city_office").get(f"/content/pushes/{push.pk}/").status_code == 200
    assert client_for("edu").get(f"/content/{push.item.pk}/push/").status_code == 403
    assert client_for("office").get("/content/inbox/").status_code == 403


def test_withdrawn_item_tells_the_messenger_to_stop(push):
    from kesu.content.models import ContentStatus

    push.item.status = ContentStatus.WITHDRAWN
    push.item.save()
    recipient = push.recipients.filter(messenger__isnull=False).first()
    page = Client().get(f"/public/m/{recipient.token}/").content.decode()
    assert "请停止转发" in page and "不私自下水游泳" not in page
