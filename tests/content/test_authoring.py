"""kesu.content.authoring: validation, versions, metadata edits, withdrawal, and what units may do."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.content.test_files import SAMPLES

from kesu.audit.models import AuditEntry
from kesu.content.authoring import create_item, revise_item, submit_item, withdraw_item
from kesu.content.errors import ContentError
from kesu.content.models import ContentItem, ContentStatus, ContentVersion, RoundStatus
from kesu.content.reviewing import give_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def article(actor, region, **fields):
    values = {"kind": "article", "title": "夏季防溺水", "topics": ["emergency"], "body_html": "<p>不私自下水。</p>"}
    values.update(fields)
    return create_item(actor=actor, region=region, **values)


def test_create_makes_version_one_with_clean_body(county_office, county):
    item = article(county_office, county, body_html='<p onclick="x()">不私自下水<script>a()</script></p>',
                   audiences=["youth"], broadcast_text="汛期勿近河道")
    version = item.current_version
    assert (item.status, version.number, version.body_html) == (ContentStatus.DRAFT, 1, "<p>不私自下水</p>")
    assert [t.code for t in item.topics.all()] == ["emergency"] and item.author == county_office
    assert item.approved_version is None
    assert AuditEntry.objects.filter(model="content.ContentVersion", object_id=str(version.pk), action="create").exists()


@pytest.mark.parametrize("fields, field, words", [
    ({"title": "  "}, "title", "请填写标题"),
    ({"topics": []}, "topics", "至少选择一个主题"),
    ({"topics": ["nope"]}, "topics", "未知的主题"),
    ({"body_html": "<script>x</script>"}, "body_html", "须填写正文"),
    ({"kind": "video", "body_html": ""}, "upload", "视频类内容须上传文件"),
    ({"source": "unit"}, "source_unit", "请选择提供单位"),
    ({"source": "external"}, "source_name", "资源名称或地址"),
    ({"source": "external", "source_url": "ftp://x"}, "source_url", "http"),
    ({"valid_from": datetime.date(2025, 5, 1), "expires_on": datetime.date(2025, 4, 1)}, "expires_on", "不能早于"),
    ({"season_start_month": 6}, "season_start_month", "同时填写"),
    ({"season_start_month": 6, "season_end_month": 13}, "season_start_month", "1 至 12"),
    ({"broadcast_text": "汛" * 71}, "broadcast_text", "现为 71 个字"),
])
def test_refused_input_writes_nothing(county_office, county, fields, field, words):
    with pytest.raises(ContentError) as refused:
        article(county_office, county, **fields)
    assert refused.value.field == field and words in refused.value.message
    assert not ContentItem.objects.exists() and not ContentVersion.objects.exists()


def test_broadcast_counts_characters_not_bytes(county_office, county):
    item = article(county_office, county, broadcast_text="汛" * 70)
    assert len(item.current_version.broadcast_text) == 70


def test_file_kinds_need_a_matching_file(county_office, county):
    with pytest.raises(ContentError, match="不是图片"):
        article(county_office, county, kind="image", upload=SimpleUploadedFile("a.png", SAMPLES["pdf"]))
    assert not ContentItem.objects.exists()
    item = article(county_office, county, kind="poster", body_html="",
                   upload=SimpleUploadedFile("海报.pdf", SAMPLES["pdf"]))
    version = item.current_version
    assert (version.file_name, version.file_type, version.file_size) == ("海报.pdf", "application/pdf", len(SAMPLES["pdf"]))
    assert version.file.read() == SAMPLES["pdf"]


def test_unit_reporter_offers_only_its_own_units_content(reporter, county, city, world):
    item = article(reporter, county)
    assert item.source == "unit" and item.source_unit == reporter.unit
    with pytest.raises(ContentError, match="本单位"):
        article(reporter, county, source="unit", source_unit=world.units["市农业农村局"])
    with pytest.raises(ContentError, match="成员单位提供"):
        article(reporter, county, source="own", source_unit=reporter.unit)
    with pytest.raises(PermissionDenied):
        article(reporter, city)
    assert ContentItem.objects.count() == 1


def test_office_outside_the_region_cannot_author(other_office, county):
    with pytest.raises(PermissionDenied):
        article(other_office, county)


def test_content_edit_makes_next_version_and_keeps_the_old(county_office, county):
    item = article(county_office, county)
    version = revise_item(actor=county_office, item=item, body_html="<p>结伴游泳，有大人陪同。</p>", note="补充")
    item.refresh_from_db()
    assert version.number == 2 and item.current_version == version and version.note == "补充"
    assert item.versions.get(number=1).body_html == "<p>不私自下水。</p>"
    assert version.title == "夏季防溺水"


def test_metadata_edit_makes_no_version_but_is_audited(county_office, county, today):
    item = article(county_office, county)
    returned = revise_item(actor=county_office, item=item, topics=["emergency", "disaster"],
                           expires_on=today + datetime.timedelta(days=30), season_start_month=6, season_end_month=9)
    item.refresh_from_db()
    assert returned.number == 1 and item.versions.count() == 1
    assert item.season_start_month == 6 and {t.code for t in item.topics.all()} == {"emergency", "disaster"}
    entries = AuditEntry.objects.filter(model="content.ContentItem", object_id=str(item.pk), action="update")
    assert any("disaster" not in str(e.after) and "防灾减灾" in str(e.after) for e in entries)
    assert any("season_start_month" in (e.after or {}) for e in entries)


def test_editing_approved_content_keeps_it_public_and_asks_for_review(county_office, county, experts):
    item = article(county_office, county)
    round_ = submit_item(actor=county_office, item=item)
    review = round_.reviews.get()
    give_verdict(actor=review.expert.user, review=review, verdict="approve", comments="")
    item.refresh_from_db()
    first = item.approved_version
    assert item.status == ContentStatus.APPROVED and first.number == 1
    revise_item(actor=county_office, item=item, title="夏季防溺水（修订）")
    item.refresh_from_db()
    assert item.status == ContentStatus.DRAFT and item.approved_version == first and item.current_version.number == 2
    second = submit_item(actor=county_office, item=item)
    assert second.version.number == 2 and second.status == RoundStatus.OPEN
    item.refresh_from_db()
    assert item.status == ContentStatus.UNDER_REVIEW and item.approved_version == first


def test_under_review_refuses_content_edits(county_office, county, experts):
    item = article(county_office, county)
    submit_item(actor=county_office, item=item)
    with pytest.raises(ContentError, match="审查中"):
        revise_item(actor=county_office, item=item, body_html="<p>改</p>")
    assert item.versions.count() == 1


def test_withdraw_needs_a_reason_and_ends_editing(county_office, county, experts):
    item = article(county_office, county)
    round_ = submit_item(actor=county_office, item=item)
    with pytest.raises(ContentError, match="撤下原因"):
        withdraw_item(actor=county_office, item=item, reason=" ")
    withdraw_item(actor=county_office, item=item, reason="内容已过时")
    item.refresh_from_db()
    round_.refresh_from_db()
    assert item.status == ContentStatus.WITHDRAWN and round_.status == RoundStatus.CANCELLED
    with pytest.raises(PermissionDenied):
        revise_item(actor=county_office, item=item, title="再改")


def test_unit_cannot_edit_another_units_item(county_office, county, reporter):
    item = article(county_office, county)
    with pytest.raises(PermissionDenied):
        revise_item(actor=reporter, item=item, title="改")
