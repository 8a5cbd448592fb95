"""Fixtures for kesu.content: the world of tests/factories.py (山东省 → 威海市 → 乳山市 with its units,
users and a plan whose 青少年 and 农民 actions name units) plus the experts who review content and the
messengers who relay it.

`approved_item` makes an item as if it had passed review, for tests of what happens after review;
tests of review itself go through kesu.content.authoring and kesu.content.reviewing.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from tests.factories import make_user

from kesu.content.models import Audience, ContentItem, ContentStatus, ContentVersion, Topic
from kesu.org.models import Region, RegionLevel, Role
from kesu.resources.models import Expert, ExpertiseTag, Messenger


@pytest.fixture
def city(world):
    return world.city


@pytest.fixture
def county(world):
    return world.county


@pytest.fixture
def county2(world):
    return Region.objects.create(code="371082", name="荣成市", level=RegionLevel.COUNTY, parent=world.city)


@pytest.fixture
def county_office(world):
    return world.users["office"]


@pytest.fixture
def city_office(world):
    return world.users["city_office"]


@pytest.fixture
def other_office(world):
    """Office admin of 徐州市, outside 威海's tree."""
    return world.users["other_office"]


@pytest.fixture
def reporter(world):
    """Unit reporter of 乳山市 市教育和体育局."""
    return world.users["edu"]


def _expert(name, region, tags, *, emergency=False, username=None):
    user = make_user(username, Role.EXPERT) if username else None
    expert = Expert.objects.create(name=name, region=region, field=tags[0], is_emergency=emergency, user=user)
    expert.tags.set(ExpertiseTag.objects.filter(code__in=tags))
    return expert


@pytest.fixture
def experts(world):
    """Reviewers in 威海市 and 乳山市: two health experts, one disaster expert (on the emergency team),
    one agriculture expert; each signs in with the username given."""
    return {
        "doctor": _expert("王医生", world.county, ["health", "public_health"], username="doctor"),
        "nurse": _expert("李护师", world.city, ["health"], username="nurse"),
        "quake": _expert("赵工", world.city, ["disaster", "earthquake", "emergency"], emergency=True, username="quake"),
        "farm": _expert("孙农技", world.county, ["agriculture"], username="farm"),
    }


@pytest.fixture
def messengers(world):
    return [
        Messenger.objects.create(name="周信息员", region=world.county, community="城区社区", phone="13800000001"),
        Messenger.objects.create(name="吴信息员", region=world.county, community="夏村", phone="13800000002"),
    ]


@pytest.fixture
def topic():
    return Topic.objects.get


@pytest.fixture
def audience():
    return Audience.objects.get


@pytest.fixture
def approved_item(world):
    """approved_item(title=…, region=…, topics=("health",), audiences=("youth",), **fields) → an approved
    ContentItem with one version, as if its review had passed."""

    def make(title="夏季防溺水安全知识", *, region=None, topics=("emergency",), audiences=("youth",),
             body_html="<p>不私自下水游泳。</p>", broadcast_text="", author=None, **fields):
        item = ContentItem.objects.create(
            region=region or world.county, title=title, status=ContentStatus.APPROVED,
            author=author or world.users["office"], summary=fields.pop("summary", f"{title}要点"), **fields,
        )
        item.topics.set(Topic.objects.filter(code__in=topics))
        item.audiences.set(Audience.objects.filter(code__in=audiences))
        version = ContentVersion.objects.create(
            item=item, number=1, title=item.title, summary=item.summary, body_html=body_html,
            broadcast_text=broadcast_text, created_by=item.author,
        )
        item.current_version = item.approved_version = version
        item.save(update_fields=["current_version", "approved_version"])
        return item

    return make


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def yesterday(today):
    return today - datetime.timedelta(days=1)
