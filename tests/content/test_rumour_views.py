"""科学辟谣 pages: the office's list, record form and detail; the public pages show only rumours whose
rebuttal passed review and is current; offices outside the region get 404."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from kesu.content import debunking
from kesu.content.models import ContentStatus, ContentVersion, Rumour, RumourStatus


def _approve(item):
    item.approved_version = ContentVersion.objects.get(item=item, number=1)
    item.status = ContentStatus.APPROVED
    item.save()
    debunking.rebuttal_approved(item)


@pytest.fixture
def rumours(county, county_office, topic, yesterday):
    def record(claim):
        return debunking.record_rumour(actor=county_office, region=county, claim=claim,
                                       topic=topic(code="health"), first_seen=yesterday)

    rebutted, watched, drafted = record("喝盐水防流感"), record("吃大蒜防新冠"), record("生吃茄子降血脂")
    item = debunking.draft_rebuttal(actor=county_office, rumour=rebutted, title="盐水不能防流感",
                                    body_html="<p>接种疫苗才有效。</p>")
    _approve(item)
    debunking.draft_rebuttal(actor=county_office, rumour=drafted, title="茄子辟谣", body_html="<p>草稿</p>")
    for rumour in (rebutted, drafted):
        rumour.refresh_from_db()
    return {"rebutted": rebutted, "watched": watched, "drafted": drafted}


def test_public_list_shows_only_rebutted_with_approved_rebuttal(client, rumours):
    page = client.get(reverse("content:public_rumours")).content.decode()
    assert "喝盐水防流感" in page and "盐水不能防流感" in page and "谣言" in page
    assert "吃大蒜防新冠" not in page and "生吃茄子降血脂" not in page
    detail = client.get(reverse("content:public_rumour", args=[rumours["rebutted"].pk]))
    assert detail.status_code == 200 and "接种疫苗才有效" in detail.content.decode()
    for key in ("watched", "drafted"):
        assert client.get(reverse("content:public_rumour", args=[rumours[key].pk])).status_code == 404


def test_public_hides_expired_or_withdrawn_rebuttal(client, rumours, yesterday):
    item = rumours["rebutted"].rebuttal
    item.expires_on = yesterday - datetime.timedelta(days=1)
    item.save()
    assert client.get(reverse("content:public_rumour", args=[rumours["rebutted"].pk])).status_code == 404
    assert "喝盐水防流感" not in client.get(reverse("content:public_rumours")).content.decode()


def test_office_list_tabs_and_detail(client_for, rumours):
    office = client_for("office")
    page = office.get(reverse("content:rumour_list") + "?status=monitoring").content.decode()
    assert "吃大蒜防新冠" in page and "喝盐水防流感" not in page
    detail = office.get(reverse("content:rumour_detail", args=[rumours["drafted"].pk])).content.decode()
    assert "茄子辟谣" in detail and reverse("content:item", args=[rumours["drafted"].rebuttal.pk]) in detail


def test_record_and_close_through_the_pages(client_for, county, topic, today):
    office = client_for("office")
    response = office.post(reverse("content:rumour_new"), {
        "region": county.pk, "claim": "", "topic": topic(code="health").pk, "first_seen": today.isoformat(),
        "spread": "low",
    })
    assert response.status_code == 400 and "请填写谣言内容" in response.content.decode()
    response = office.post(reverse("content:rumour_new"), {
        "region": county.pk, "claim": "手机辐射致癌", "topic": topic(code="health").pk,
        "first_seen": today.isoformat(), "spread": "high", "where_seen": "短视频",
    })
    rumour = Rumour.objects.get(claim="手机辐射致癌")
    assert response.status_code == 302 and rumour.spread == "high"
    office.post(reverse("content:rumour_close", args=[rumour.pk]), {"note": ""})
    rumour.refresh_from_db()
    assert rumour.status == RumourStatus.MONITORING
    office.post(reverse("content:rumour_close", args=[rumour.pk]), {"note": "已自然平息"})
    rumour.refresh_from_db()
    assert rumour.status == RumourStatus.CLOSED


def test_draft_rebuttal_page(client_for, rumours):
    office = client_for("office")
    watched = rumours["watched"]
    response = office.post(reverse("content:rumour_rebuttal", args=[watched.pk]),
                           {"title": "大蒜不能防新冠", "body_html": "<p>正文</p>"})
    assert response.status_code == 302
    watched.refresh_from_db()
    assert watched.rebuttal.title == "大蒜不能防新冠" and watched.rebuttal.is_rebuttal


def test_other_office_gets_404(client_for, rumours):
    other = client_for("other_office")
    pk = rumours["watched"].pk
    for name in ("content:rumour_detail", "content:rumour_rebuttal"):
        assert other.get(reverse(name, args=[pk])).status_code == 404
    assert other.post(reverse("content:rumour_close", args=[pk]), {"note": "x"}).status_code == 404
    assert "吃大蒜防新冠" not in other.get(reverse("content:rumour_list")).content.decode()


def test_edit_page(client_for, rumours, topic):
    office = client_for("office")
    watched = rumours["watched"]
    assert office.get(reverse("content:rumour_edit", args=[watched.pk])).status_code == 200
    response = office.post(reverse("content:rumour_edit", args=[watched.pk]), {
        "claim": "吃大蒜能防新冠病毒", "topic": topic(code="health").pk, "first_seen": watched.first_seen.isoformat(),
        "spread": "high", "where_seen": "朋友圈",
    })
    assert response.status_code == 302
    watched.refresh_from_db()
    assert (watched.claim, watched.spread, watched.where_seen) == ("吃大蒜能防新冠病毒", "high", "朋友圈")
    assert client_for("leader").get(reverse("content:rumour_edit", args=[watched.pk])).status_code == 403
