"""The content library's feeds to 科普统计: the four elements are in the national catalogue in the
groups their docstring argues for, registered at start-up, and sync_feeds stores the hand counts of
tests/content/year_of_content.py at each region and the totals up the tree."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from tests.content.year_of_content import YEAR, at, build_year

from kesu.content import debunking, distributing, emergency, feeds
from kesu.content.models import Channel, ContentStatus, Publication
from kesu.content.summaries import content_year
from kesu.indicators import feeds as indicator_feeds
from kesu.indicators.feed_sync import sync_feeds
from kesu.indicators.models import DataElement, DataSet, DataValue, Submission, ValueSource, ValueStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(db):
    from kesu.indicators.services import seed_national_set

    seed_national_set(actor=None)


@pytest.fixture
def year(world, approved_item, county2, national):
    return build_year(world, approved_item, county2)


def stored(code, region, year=YEAR):
    rows = DataValue.objects.filter(element__code=code, region=region, year=year, quarter=0, unit__isnull=True,
                                    option__isnull=True)
    return {v.value for v in rows} or {None}


def test_the_elements_are_in_the_catalogue_and_registered(national):
    elements = {e.code: e for e in DataElement.objects.filter(code__in=feeds.ELEMENTS)}
    assert {code: (e.name, e.group, e.unit) for code, e in elements.items()} == {
        "content_items_published": ("科普内容发布条数", "media", "条"),
        "content_reach": ("科普内容传播人次", "media", "人次"),
        "rumours_rebutted": ("科学辟谣条数", "media", "条"),
        "emergency_outreach_responses": ("应急科普响应次数", "activities", "次"),
    }
    for code in feeds.ELEMENTS:
        feed = indicator_feeds.feed_for(code)
        assert feed is not None and feed.compute.__module__ == "kesu.content.feeds"


def test_counts_at_exactly_the_region_of_the_record(year):
    county, county2, city = year.county.pk, year.county2.pk, year.city.pk
    assert feeds.items_published(YEAR) == {(county, None): 4, (county2, None): 1, (city, None): 1}
    assert feeds.reach(YEAR) == {(county, None): 17_750, (county2, None): 400, (city, None): 5000}
    assert feeds.rumours_rebutted(YEAR) == {(county, None): 2, (city, None): 1}
    assert feeds.emergency_responses(YEAR) == {(county, None): 2, (city, None): 1}
    # Beijing time: the broadcast at 00:30 on 1 January 2024 is not in 2023.
    assert feeds.reach(YEAR - 1) == {(county, None): 99}


def test_sync_stores_the_counts_and_their_totals_up_the_tree(year):
    result = sync_feeds(actor=None, year=YEAR, element_codes=feeds.ELEMENTS)
    # 乳山, 荣成, 威海 and 山东省 above them: 4 + 4 for items and reach, 3 + 3 for rumours and emergencies.
    assert not result.skipped and result.written == 14
    province = year.city.parent
    assert stored("content_items_published", year.county) == {4}
    assert stored("content_items_published", year.city) == {6}  # each county that published A counts it
    assert stored("content_reach", year.county) == {17_750}
    assert stored("content_reach", year.county2) == {400}
    assert stored("content_reach", year.city) == stored("content_reach", province) == {23_150}
    assert stored("rumours_rebutted", year.county) == {2} and stored("rumours_rebutted", year.city) == {3}
    assert stored("emergency_outreach_responses", year.county) == {2}
    assert stored("emergency_outreach_responses", year.city) == {3}
    assert stored("emergency_outreach_responses", year.county2) == {None}
    assert set(DataValue.objects.filter(element__code__in=feeds.ELEMENTS).values_list("source", flat=True)) == {
        ValueSource.REGISTRY}
    # The stored reach is the report's reach, wherever one reads it.
    for region in (year.county, year.county2, year.city):
        assert stored("content_reach", region) == {content_year(region, YEAR).reach or None}


def test_a_recount_follows_new_records_and_changes_nothing_else(year, approved_item):
    feeds.sync(actor=None, year=YEAR)
    item = approved_item("秋冬季节防火知识", region=year.county2, topics=("fire_safety",))
    Publication.objects.create(item=item, version=item.approved_version, channel="public", region=year.county2,
                               published_at=at(YEAR, 11, 9), reach=600)
    again = feeds.sync(actor=None, year=YEAR)
    assert (again.element("content_items_published").written, again.element("content_reach").written) == (3, 3)  # 荣成, 威海, 山东
    assert again.element("rumours_rebutted").written == 0
    assert stored("content_reach", year.county2) == {1000} and stored("content_reach", year.city) == {23_750}
    assert stored("content_items_published", year.city) == {7}


def test_provenance_links_to_the_content_pages(year):
    url = indicator_feeds.feed_for("content_reach").url_for("371083", YEAR, None)
    assert url.startswith("/content/?") and "region=371083" in url and "year=2024" in url
    assert indicator_feeds.feed_for("rumours_rebutted").url_for("371083", YEAR, None).startswith("/content/rumours/?")
    assert indicator_feeds.feed_for("emergency_outreach_responses").url_for("371000", YEAR, None) == (
        "/content/emergency/?region=371000&year=2024")


def test_sync_after_commit_recounts_once_the_write_commits(year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feeds.sync_after_commit(YEAR)
        assert stored("content_reach", year.county) == {None}
    assert stored("content_reach", year.county) == {17_750}


# --- Recounts triggered by the services ------------------------------------------------------------


def _recounts(callbacks) -> list:
    return [callback for callback in callbacks if isinstance(callback, feeds._Recount)]


def _now_stored(code, region):
    return stored(code, region, year=timezone.localdate().year)


def test_a_transaction_of_acts_recounts_once_when_it_commits(world, approved_item, county_office, reporter, messengers,
                                                             national, django_capture_on_commit_callbacks):
    item = approved_item()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        distributing.publish(actor=county_office, item=item, channel=Channel.PUBLIC, region=world.county, reach=120)
        push = distributing.push_item(actor=county_office, item=item, regions=[world.county], units=[reporter.unit],
                                      messengers=[messengers[0]])
        distributing.report_reach(actor=reporter, recipient=push.recipients.get(unit=reporter.unit), reach=300)
        distributing.report_reach_by_token(push.recipients.get(messenger=messengers[0]).token, 45, "村群")
        # Nothing is recounted before the commit.
        assert _now_stored("content_reach", world.county) == {None}
    assert len(_recounts(callbacks)) == 1
    assert _now_stored("content_items_published", world.county) == {1}  # one item, two channels
    assert _now_stored("content_reach", world.county) == {465}
    assert _now_stored("content_reach", world.city) == {465}


def test_a_rolled_back_act_asks_for_nothing_and_the_next_commit_still_recounts(
        world, approved_item, county_office, national, django_capture_on_commit_callbacks):
    item = approved_item()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                distributing.publish(actor=county_office, item=item, channel=Channel.WECHAT, region=world.county)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        distributing.publish(actor=county_office, item=item, channel=Channel.PUBLIC, region=world.county, reach=80)
    assert len(_recounts(callbacks)) == 1
    assert _now_stored("content_reach", world.county) == {80}


def test_rebuttals_and_emergencies_recount_their_year(world, county_office, topic, national,
                                                      django_capture_on_commit_callbacks):
    last_year = timezone.localdate().year - 1
    started = timezone.make_aware(datetime.datetime(last_year, 8, 1, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        emergency.start_emergency(actor=county_office, region=world.county, event_type="flood", title="8·1暴雨",
                                  level="3", affected_regions=[world.county], started_at=started)
    assert stored("emergency_outreach_responses", world.county, year=last_year) == {1}

    rumour = debunking.record_rumour(actor=county_office, region=world.county, claim="喝醋能软化血管",
                                     topic=topic(code="health"), first_seen=timezone.localdate())
    item = debunking.draft_rebuttal(actor=county_office, rumour=rumour, title="喝醋不能软化血管",
                                    body_html="<p>醋进入胃里就被中和。</p>")
    item.approved_version, item.status = item.current_version, ContentStatus.APPROVED
    item.save()
    with django_capture_on_commit_callbacks(execute=True):
        debunking.rebuttal_approved(item)
    assert _now_stored("rumours_rebutted", world.county) == {1}


def test_a_submitted_year_is_left_as_it_was(world, approved_item, county_office, national,
                                            django_capture_on_commit_callbacks):
    this_year = timezone.localdate().year
    Submission.objects.create(data_set=DataSet.objects.get(code="annual_statistics"), region=world.county,
                              year=this_year, status=ValueStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        distributing.publish(actor=county_office, item=approved_item(), channel=Channel.PUBLIC,
                             region=world.county, reach=50)
    assert _now_stored("content_reach", world.county) == {None}  # frozen
    assert _now_stored("content_reach", world.city) == {50}  # the city's own period is open


def test_deferred_holds_the_recounts_until_the_block_ends(world, approved_item, county_office, national,
                                                          django_capture_on_commit_callbacks):
    item = approved_item()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, feeds.deferred():
        for channel in (Channel.PUBLIC, Channel.WECHAT, Channel.POSTER):
            with transaction.atomic():
                distributing.publish(actor=county_office, item=item, channel=channel, region=world.county,
                                     reach=10)
        assert not _recounts(callbacks) and _now_stored("content_reach", world.county) == {None}
    assert len(_recounts(callbacks)) == 1
    assert _now_stored("content_reach", world.county) == {30}
