"""kesu.content.summaries.content_year on the year of tests/content/year_of_content.py: the figures
equal the hand counts there, and independent counts over the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.content.year_of_content import YEAR, at, build_year

from kesu.content.models import Publication, PushRecipient
from kesu.content.summaries import content_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world, approved_item, county2):
    return build_year(world, approved_item, county2)


def test_the_county_year(year):
    summary = content_year(year.county, YEAR)
    assert summary.region_name == "乳山市" and summary.year == YEAR
    assert summary.items_approved == 3
    assert summary.median_hours_to_approval == 12 and summary.approvals_timed == 3
    assert (summary.items_published, summary.publications) == (4, 7)
    channels = {line.channel: (line.publications, line.items, line.reach) for line in summary.by_channel}
    assert channels == {"public": (2, 2, 1300), "wechat": (1, 1, 2500), "poster": (1, 1, 0),
                        "broadcast": (2, 1, 13000), "unit_package": (0, 0, 0), "push": (1, 1, 0)}
    assert (summary.publication_reach, summary.push_reach, summary.reach) == (16_800, 950, 17_750)
    assert (summary.pushes, summary.recipients, summary.acknowledged) == (1, 4, 3)
    assert summary.acknowledgement_rate == 0.75
    assert (summary.rumours_recorded, summary.rumours_rebutted) == (2, 2)
    assert [e.title for e in summary.emergencies] == ["台风“贝碧嘉”防御", "诺如病毒聚集性疫情"]
    typhoon, epidemic = summary.emergencies
    assert (typhoon.publications, typhoon.hours_to_first_publication, typhoon.within_deadline) == (1, 2.5, True)
    assert typhoon.event_type == "台风" and typhoon.region_name == "乳山市"
    assert (epidemic.publications, epidemic.hours_to_first_publication, epidemic.within_deadline) == (0, None, None)
    assert summary.emergencies_within_deadline == 1
    assert not summary.is_empty


def test_the_city_counts_its_counties_and_its_own(year):
    summary = content_year(year.city, YEAR)
    assert summary.items_approved == 4 and summary.median_hours_to_approval == 30
    assert summary.items_published == 5  # distinct across the subtree: A B C D E
    assert summary.reach == 23_150
    assert (summary.pushes, summary.recipients, summary.acknowledged) == (2, 5, 4)
    assert summary.rumours_rebutted == 3 and len(summary.emergencies) == 3


def test_reach_equals_an_independent_count_over_the_rows(year):
    county = year.county
    own = sum(p.reach or 0 for p in Publication.objects.all()
              if p.region.is_within(county) and p.published_at.astimezone(at(2024, 1, 1).tzinfo).year == YEAR)
    pushed = sum(r.reach or 0 for r in PushRecipient.objects.all()
                 if (r.unit or r.messenger).region.is_within(county) and r.push.sent_at.year == YEAR)
    assert content_year(county, YEAR).reach == own + pushed == 17_750


def test_the_year_is_the_local_year(year):
    last = content_year(year.county, YEAR - 1)
    # A's public page on 2023-12-31 23:30 and C's approval on 2023-12-31; C's broadcast at 00:30 on
    # 1 January is 2024 in Beijing though still 2023 in UTC.
    assert (last.publications, last.publication_reach, last.items_approved) == (1, 99, 1)
    assert last.median_hours_to_approval == 24
    assert last.rumours_recorded == 1 and last.rumours_rebutted == 0


def test_a_region_without_content_is_empty(world, county2):
    summary = content_year(county2, YEAR)
    assert summary.is_empty and summary.acknowledgement_rate is None
    assert summary.median_hours_to_approval is None and summary.emergencies == ()
    assert all(line.publications == 0 for line in summary.by_channel)


def test_reads_in_four_queries_however_large_the_library(year, approved_item):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            content_year(year.county, YEAR)
        return len(captured.captured_queries)

    small = queries()
    for n in range(10):
        item = approved_item(f"社区科普{n}")
        Publication.objects.create(item=item, version=item.approved_version, channel="public", region=year.county,
                                   published_at=at(YEAR, 1 + n, 2), reach=10)
    assert queries() == small == 4
    assert content_year(year.county, YEAR).items_published == 14
