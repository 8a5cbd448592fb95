"""The public content pages: only approved, current items, always their approved version (never a
newer draft under review), filters by topic and audience, 404 for everything else; no login."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from kesu.content.models import ContentStatus, ContentVersion, EmergencyEvent, EventType
from kesu.content.public import current_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(approved_item, today):
    drafted = approved_item("已发布的防溺水知识", body_html="<p>已审正文</p>", topics=("health",))
    draft = ContentVersion.objects.create(item=drafted, number=2, title="草稿新标题",
                                          body_html="<p>未经审查的草稿正文</p>")
    drafted.current_version, drafted.status = draft, ContentStatus.UNDER_REVIEW
    drafted.save()
    withdrawn = approved_item("已撤下的内容")
    withdrawn.status = ContentStatus.WITHDRAWN
    withdrawn.save()
    unapproved = approved_item("未审内容")
    unapproved.approved_version = None
    unapproved.save()
    return {
        "drafted": drafted, "withdrawn": withdrawn, "unapproved": unapproved,
        "expired": approved_item("已失效内容", expires_on=today - datetime.timedelta(days=1)),
        "future": approved_item("未生效内容", valid_from=today + datetime.timedelta(days=1)),
        "off_season": approved_item("过季内容", season_start_month=(today.month % 12) + 1,
                                    season_end_month=(today.month % 12) + 1),
        "wrapping": approved_item("跨年季节内容", season_start_month=(today.month % 12) + 1,
                                  season_end_month=today.month, audiences=("farmers",)),
    }


def test_list_shows_current_items_with_the_approved_version(items, today):
    page = Client().get("/public/content/").content.decode()
    assert "已发布的防溺水知识" in page and "跨年季节内容" in page
    for hidden in ("草稿新标题", "已撤下的内容", "未审内容", "已失效内容", "未生效内容", "过季内容"):
        assert hidden not in page
    assert set(current_items(today)) == {items["drafted"], items["wrapping"]}


def test_filters(items):
    page = Client().get("/public/content/?topic=health").content.decode()
    assert "已发布的防溺水知识" in page and "跨年季节内容" not in page
    page = Client().get("/public/content/?audience=farmers").content.decode()
    assert "已发布的防溺水知识" not in page and "跨年季节内容" in page


def test_detail_never_shows_a_draft(items):
    page = Client().get(f"/public/content/{items['drafted'].pk}/").content.decode()
    assert "已审正文" in page and "本文已经科学性审查" in page
    assert "未经审查的草稿正文" not in page and "草稿新标题" not in page


@pytest.mark.parametrize("key", ["withdrawn", "unapproved", "expired", "future", "off_season"])
def test_detail_404s_for_what_is_not_current(items, key):
    assert Client().get(f"/public/content/{items[key].pk}/").status_code == 404
    assert Client().get("/public/content/999999/").status_code == 404


def test_emergency_items_are_marked(world, approved_item):
    from django.utils import timezone

    event = EmergencyEvent.objects.create(region=world.county, event_type=EventType.FLOOD, title="暴雨",
                                          started_at=timezone.now())
    item = approved_item("暴雨防范", emergency=event)
    assert "应急" in Client().get(f"/public/content/{item.pk}/").content.decode()
    assert "应急</span>" in Client().get("/public/content/").content.decode()
