"""The content part of `kesu demo` (kesu.cli.demo_content) built on the test world's 威海市: every
state of the library, the rumours, the packages and the past typhoon with its after-action report."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from docx import Document
from rich.console import Console

from kesu.cli.demo_content import REVIEWER_FIELDS, demo_content
from kesu.content.aftermath import after_action_docx
from kesu.content.models import (
    ContentItem,
    ContentStatus,
    EmergencyEvent,
    EmergencyPackage,
    EmergencyStatus,
    Publication,
    PushRecipient,
    Rumour,
    RumourStatus,
    TimelineKind,
)
from kesu.resources.models import Expert, ExpertiseTag, Messenger

# field (as kesu.cli.demo_pools names it), expertise tag codes, on the emergency team
REGISTRY = (
    ("公共卫生", ("public_health", "health"), True), ("临床医学", ("health",), False),
    ("中医学", ("traditional_medicine", "health"), False), ("精神卫生", ("mental_health",), False),
    ("大气科学", ("meteorology", "disaster"), True), ("安全工程", ("emergency", "fire_safety"), True),
    ("作物栽培", ("agriculture",), False), ("食品科学", ("food_safety",), False),
    ("计算机科学", ("information", "digital_literacy"), False), ("物理教育", ("science_education",), False),
    ("电气工程", ("energy",), False), ("海洋科学", ("marine", "ecology"), False),
)


@pytest.fixture
def built(world):
    for index, (field, tags, emergency) in enumerate(REGISTRY):
        expert = Expert.objects.create(name=f"专家{index:02d}", region=world.city, field=field,
                                       is_emergency=emergency, is_demo=True)
        expert.tags.set(ExpertiseTag.objects.filter(code__in=tags))
    for index, region in enumerate((world.city, world.county, world.county, world.county)):
        Messenger.objects.create(name=f"信息员{index}", region=region, community=f"第{index}社区", is_demo=True)
    plans = [(SimpleNamespace(region=world.city), world.users["city_office"])]
    counts = demo_content(plans, Console(file=io.StringIO()))
    return SimpleNamespace(world=world, plans=plans, counts=counts)


def test_the_library_holds_every_state_with_versions(built):
    items = ContentItem.objects.filter(region=built.world.city)
    assert items.count() == built.counts["items"] >= 25
    assert set(items.values_list("status", flat=True)) == set(ContentStatus.values)
    assert not items.filter(is_demo=False).exists()
    # Approved, edited again: the new version is under review while the first stays public.
    edited = [i for i in items.filter(status=ContentStatus.UNDER_REVIEW, approved_version__isnull=False)]
    assert edited and all(i.current_version.number == 2 and i.approved_version.number == 1 for i in edited)
    # A topic no reviewer covers waits for the office to assign experts.
    assert items.get(title="海洋里的微塑料从哪里来").status == ContentStatus.SUBMITTED
    # Reviewers are registry experts given a login; the marine expert got none.
    with_login = set(Expert.objects.filter(user__isnull=False).values_list("field", flat=True))
    assert with_login == set(REVIEWER_FIELDS) & {row[0] for row in REGISTRY}
    assert items.filter(status=ContentStatus.APPROVED).exclude(publications=None).count() >= 8


def test_history_is_in_the_past_and_channels_have_reach(built):
    now = timezone.now()
    publications = Publication.objects.filter(region=built.world.city)
    assert {"public", "wechat", "push"} <= set(publications.values_list("channel", flat=True))
    assert publications.filter(reach__gt=0).exists()
    assert not publications.filter(published_at__gte=now).exists()
    answered = PushRecipient.objects.filter(acknowledged_at__isnull=False)
    assert answered.exists() and not answered.filter(acknowledged_at__gte=now).exists()
    assert PushRecipient.objects.filter(acknowledged_at__isnull=True).exists()
    assert PushRecipient.objects.filter(reach__gt=0).exists()
    for item in ContentItem.objects.filter(region=built.world.city):
        assert item.created_at <= item.updated_at < now - timezone.timedelta(hours=1)
        for round_ in item.rounds.all():
            assert round_.opened_at >= item.created_at


def test_rumours_in_every_status(built):
    rumours = Rumour.objects.filter(region=built.world.city)
    assert set(rumours.values_list("status", flat=True)) == set(RumourStatus.values)
    for rumour in rumours.filter(status=RumourStatus.REBUTTED):
        assert rumour.rebuttal.approved_version_id is not None
        assert rumour.rebutted_at < timezone.now() - timezone.timedelta(days=1)
    assert rumours.filter(status=RumourStatus.CLOSED, rebuttal__isnull=True).exclude(closing_note="").exists()


def test_packages_and_the_past_typhoon(built):
    packages = EmergencyPackage.objects.filter(region=built.world.city)
    assert {"typhoon", "flood", "epidemic", "food_safety"} <= set(packages.values_list("event_type", flat=True))
    event = EmergencyEvent.objects.get(region=built.world.city)
    assert event.is_demo and event.status == EmergencyStatus.CLOSED and event.event_type == "typhoon"
    assert (timezone.now() - event.started_at).days >= 60
    kinds = set(event.timeline.values_list("kind", flat=True))
    assert {TimelineKind.STARTED, TimelineKind.PUSHED, TimelineKind.REVIEWED, TimelineKind.ACKNOWLEDGED,
            TimelineKind.REACH, TimelineKind.NOTE, TimelineKind.CLOSED} <= kinds
    assert not event.timeline.filter(at__lt=event.started_at).exists()
    fast = ContentItem.objects.filter(emergency=event)
    assert fast.count() == 3 and all(i.approved_version_id for i in fast)
    assert all(r.fast_track for i in fast for r in i.rounds.all())

    document = Document(io.BytesIO(after_action_docx(event)))
    text = "\n".join(p.text for p in document.paragraphs)
    total = int(re.search(r"传播人次合计：(\d+)", text).group(1))
    expected = sum(p.reach or 0 for p in Publication.objects.filter(emergency=event)) + sum(
        r.reach or 0 for r in PushRecipient.objects.filter(push__emergency=event))
    assert total == expected > 0
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "台风过后防病防疫要点" in cells and "修改后再审" in cells
    assert "持续时长：74小时20分钟" in text  # 08-12 07:40 to 08-15 10:00


def test_a_region_with_demo_content_is_skipped(built):
    before = ContentItem.objects.count(), Rumour.objects.count(), EmergencyEvent.objects.count()
    assert demo_content(built.plans, Console(file=io.StringIO())) == {}
    assert (ContentItem.objects.count(), Rumour.objects.count(), EmergencyEvent.objects.count()) == before
