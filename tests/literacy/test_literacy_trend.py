"""`literacy_trend`: the overall estimate of every active wave, and the annual report's trend built
from it (before, the report asked `literacy_estimates(region, year=None)`, which gives only the
latest wave, so its trend had a single point)."""

from __future__ import annotations

import datetime

import pytest
from tests.literacy.conftest import csv_bytes, scored_wave, upload_and_confirm

from kesu.literacy.models import LiteracyEstimate, SurveyWave, WaveStatus
from kesu.literacy.selectors import literacy_trend

pytestmark = pytest.mark.django_db


@pytest.fixture
def statistician(client, huzhou):
    client.force_login(huzhou.users["statistician"])
    return client


def _overall(year: int) -> LiteracyEstimate:
    return LiteracyEstimate.objects.get(
        wave__year=year, wave__status=WaveStatus.ACTIVE, ci_method="logit", domain_key=""
    )


def test_literacy_trend_has_one_point_per_active_wave(statistician, huzhou, django_assert_num_queries):
    assert literacy_trend(huzhou.city) == []
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300, seed=3)), year=2022)
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300, seed=4)), year=2024)
    # A corrected upload of 2024 supersedes the first one: still one point for the year.
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300, seed=5)), year=2024)
    assert SurveyWave.objects.filter(status=WaveStatus.SUPERSEDED).count() == 1

    with django_assert_num_queries(1):
        points = literacy_trend(huzhou.city)
    assert [point.year for point in points] == [2022, 2024]
    for point in points:
        stored = _overall(point.year)
        assert (point.estimate, point.ci_low, point.ci_high) == (stored.estimate, stored.ci_low, stored.ci_high)
        year, estimate, ci_low, ci_high = point
        assert ci_low <= estimate <= ci_high and year == point.year

    assert [point.year for point in literacy_trend(huzhou.city, until_year=2023)] == [2022]
    assert literacy_trend(huzhou.counties["吴兴区"]) == []


def test_annual_report_trend_has_every_wave_up_to_the_report_year(statistician, huzhou):
    from kesu.evaluation.figures import evaluation_figures

    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300, seed=3)), year=2022)
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300, seed=4)), year=2024)

    data = evaluation_figures(huzhou.city, 2024, today=datetime.date(2025, 3, 1))
    assert [p.year for p in data.literacy_trend] == [2022, 2024]
    assert [p.share for p in data.literacy_trend] == [_overall(2022).estimate, _overall(2024).estimate]
    assert data.headline.estimate.wave_year == 2024

    earlier = evaluation_figures(huzhou.city, 2023, today=datetime.date(2024, 3, 1))
    assert earlier.headline.estimate is None  # no wave in 2023
    assert [p.year for p in earlier.literacy_trend] == [2022]
