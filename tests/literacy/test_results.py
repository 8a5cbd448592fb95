"""The results page, the trend against the headline target, the Excel export, the selector for the
annual report, and the page's query count."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from tests.literacy.by_hand import SHOWN_PERCENT, at_most_two_decimals, weighted_share
from tests.literacy.conftest import csv_bytes, scored_wave, upload_and_confirm

from kesu.literacy.models import LiteracyEstimate, SurveyWave
from kesu.literacy.selectors import literacy_estimates

pytestmark = pytest.mark.django_db


def _with_rare_group(columns: dict[str, np.ndarray], seed: int = 7) -> dict[str, np.ndarray]:
    """Add an occupation column with a level of only 12 respondents (an unreliable domain)."""
    rng = np.random.default_rng(seed)
    occupation = rng.choice(np.array(["职员", "农民", "工人"], dtype=object), size=len(columns["id"]))
    occupation[:12] = "科研人员"
    return {**columns, "occupation": occupation}


@pytest.fixture
def statistician(client, huzhou):
    client.force_login(huzhou.users["statistician"])
    return client


def test_results_page_shows_overall_regions_groups_and_unreliable_domains(statistician, huzhou):
    columns = _with_rare_group(scored_wave())
    upload_and_confirm(statistician, "330500", csv_bytes(columns), groups=["sex", "urban", "occupation"])
    wave = SurveyWave.objects.get()
    response = statistician.get(reverse("literacy:region", args=["330500"]))
    assert response.status_code == 200
    page = response.content.decode()
    overall = LiteracyEstimate.objects.get(wave=wave, ci_method="logit", domain_key="")
    assert overall.estimate == pytest.approx(weighted_share(columns), abs=1e-12)
    assert f"{weighted_share(columns) * 100:.2f}%" in page
    assert f"{overall.ci_low * 100:.2f}% – {overall.ci_high * 100:.2f}%" in page
    assert f"{overall.deff:.2f}" in page
    # Region codes of the data are shown with their names; groups get their Chinese labels.
    for name in ("吴兴区", "南浔区", "德清县", "长兴县", "安吉县"):
        assert name in page
    assert "按性别分" in page and "按城乡分" in page and "按职业分" in page
    rare = LiteracyEstimate.objects.get(wave=wave, ci_method="logit", domain_key="occupation=科研人员")
    assert rare.n == 12 and rare.is_unreliable
    results = response.context["results"]
    lines = {line.domain_key: line for table in results.dimensions for line in table.lines}
    for row in LiteracyEstimate.objects.filter(wave=wave, ci_method="logit").exclude(domain_key=""):
        # The rare level sits in one PSU: no degrees of freedom, so no CI at all (shown as "—").
        no_interval = row.ci_low is None or row.ci_high is None
        assert lines[row.domain_key].unreliable == (row.n < 30 or no_interval or row.ci_high - row.ci_low > 0.10)
    assert page.count('class="unreliable"') == sum(line.unreliable for line in lines.values())
    # Bar charts with error bars are configured from the page JSON.
    specs = response.context["chart_specs"]
    sex_chart = next(spec for spec in specs.values() if spec["title"].startswith("按性别分"))
    assert sex_chart["type"] == "interval_bar" and sex_chart["categories"] == ["男", "女"]  # natural order, not sort order
    female = LiteracyEstimate.objects.get(wave=wave, ci_method="logit", domain_key="sex=女")
    assert sex_chart["estimate"][1] == pytest.approx(weighted_share(columns, sex="女") * 100, abs=SHOWN_PERCENT)
    assert sex_chart["low"][1] == pytest.approx(female.ci_low * 100, abs=SHOWN_PERCENT)
    assert sex_chart["high"][1] == pytest.approx(female.ci_high * 100, abs=SHOWN_PERCENT)
    # The charts' figures are percentages shown with (at most) two decimals.
    # Region 5 levels, sex 2, urban 2, occupation 4: three figures each, none for the rare level's CI.
    shown = [value for spec in specs.values() if spec["type"] == "interval_bar"
             for key in ("estimate", "low", "high") for value in spec[key]]
    assert len(shown) == 3 * 13 and shown.count(None) == 2
    assert all(at_most_two_decimals(value) for value in shown if value is not None)
    assert 'id="survey-charts"' in page and "literacy_charts.js" in page


def test_ci_method_can_be_chosen(statistician, huzhou):
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300)))
    wave = SurveyWave.objects.get()
    wald = LiteracyEstimate.objects.get(wave=wave, ci_method="wald", domain_key="")
    logit = LiteracyEstimate.objects.get(wave=wave, ci_method="logit", domain_key="")
    assert wald.ci_low != logit.ci_low and wald.estimate == logit.estimate
    page = statistician.get(reverse("literacy:region", args=["330500"]), {"ci": "wald"}).content.decode()
    assert f"{wald.ci_low * 100:.2f}% – {wald.ci_high * 100:.2f}%" in page
    assert '<option value="wald" selected>' in page
    # An unknown method falls back to the logit default.
    page = statistician.get(reverse("literacy:region", args=["330500"]), {"ci": "bogus"}).content.decode()
    assert f"{logit.ci_low * 100:.2f}% – {logit.ci_high * 100:.2f}%" in page


def test_trend_of_two_waves_against_the_headline_target(statistician, huzhou):
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=400, seed=11)), year=2021)
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=400, seed=12)), year=2023)
    estimates = {
        row.wave.year: row.estimate
        for row in LiteracyEstimate.objects.filter(ci_method="logit", domain_key="").select_related("wave")
    }
    response = statistician.get(reverse("literacy:region", args=["330500"]))
    trend = response.context["chart_specs"]["trend"]
    assert [point["year"] for point in trend["points"]] == [2021, 2023]
    assert [point["estimate"] for point in trend["points"]] == [
        pytest.approx(weighted_share(scored_wave(n=400, seed=seed)) * 100, abs=SHOWN_PERCENT) for seed in (11, 12)
    ]
    assert trend["target"] == {"year": 2025, "value": 15.5, "label": "2025年目标 15.5%"}
    slope = (estimates[2023] - estimates[2021]) / 2
    projected = estimates[2023] + slope * 2  # not clamped to [0, 1]: attainment.project clamps nothing but counts
    assert trend["projection"][0] == [2023, pytest.approx(round(estimates[2023] * 100, 2), abs=0.01)]
    assert trend["projection"][1] == [2025, pytest.approx(round(projected * 100, 2), abs=0.01)]
    page = response.content.decode()
    assert "朴素线性外推" in page and "仅供参考" in page
    assert "湖州市全民科学素质行动规划纲要实施方案" in page

    # One wave: no projection, and the page says why.
    SurveyWave.objects.filter(year=2021).delete()
    response = statistician.get(reverse("literacy:region", args=["330500"]))
    assert response.context["chart_specs"]["trend"]["projection"] is None
    assert "至少有两轮调查后才显示外推线" in response.content.decode()


def test_excel_export_reads_back(statistician, huzhou):
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300)), year=2022)
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300, seed=5)), year=2024)
    wave = SurveyWave.objects.get(year=2024)
    response = statistician.get(reverse("literacy:export", args=[wave.pk]), {"ci": "korn-graubard"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["估计结果", "调查信息", "历次调查"]
    sheet = workbook["估计结果"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("分组维度", "分组", "估计值", "标准误", "95%置信区间下限", "95%置信区间上限", "设计效应", "样本量",
                       "估计可靠性")
    stored = list(LiteracyEstimate.objects.filter(wave=wave, ci_method="korn-graubard").order_by("order"))
    assert len(rows) - 1 == len(stored)
    assert rows[1][:2] == ("总体", "总体")
    assert rows[1][2] == pytest.approx(stored[0].estimate) and rows[1][4] == pytest.approx(stored[0].ci_low)
    assert sheet["C2"].number_format == "0.00%" and sheet["F2"].number_format == "0.00%"
    region_rows = [row for row in rows[1:] if row[0] == "区划"]
    assert {row[1] for row in region_rows} == {"吴兴区", "南浔区", "德清县", "长兴县", "安吉县"}
    info = dict(workbook["调查信息"].iter_rows(min_row=2, values_only=True))
    assert info["权数列"] == "weight" and info["文件 SHA-256"] == wave.data_sha256
    assert "Korn-Graubard" in info["置信区间"]
    history = list(workbook["历次调查"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in history[:2]] == [2022, 2024]
    assert any(row and row[0] == "规划目标（2025年）" and row[1] == pytest.approx(0.155) for row in history)


def test_literacy_estimates_selector_for_the_annual_report(statistician, huzhou, django_assert_max_num_queries):
    assert literacy_estimates(huzhou.city) == []
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300, seed=3)), year=2022)
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300, seed=4)), year=2024)
    with django_assert_max_num_queries(3):
        rows = literacy_estimates(huzhou.city)
    assert {row.wave_year for row in rows} == {2024}
    overall = rows[0]
    assert overall.domain == "总体" and overall.dimension == ""
    stored = LiteracyEstimate.objects.get(wave__year=2024, ci_method="logit", domain_key="")
    assert (overall.estimate, overall.se, overall.ci_low, overall.ci_high, overall.n) == (
        stored.estimate, stored.se, stored.ci_low, stored.ci_high, stored.n
    )
    assert "区划：吴兴区" in {row.domain for row in rows}
    assert "性别：女" in {row.domain for row in rows}
    older = literacy_estimates(huzhou.city, year=2022)
    assert {row.wave_year for row in older} == {2022}
    assert literacy_estimates(huzhou.city, year=2023) == []
    assert literacy_estimates(huzhou.counties["吴兴区"]) == []


def test_results_page_query_count_does_not_grow_with_waves_or_domains(statistician, huzhou):
    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=200)), year=2021, groups=["sex"])
    url = reverse("literacy:region", args=["330500"])
    with CaptureQueriesContext(connection) as small:
        assert statistician.get(url).status_code == 200
    for year, seed in ((2022, 31), (2023, 32), (2024, 33)):
        upload_and_confirm(statistician, "330500", csv_bytes(_with_rare_group(scored_wave(n=200, seed=seed))),
                           year=year, groups=["sex", "urban", "age_group", "education", "occupation"])
    with CaptureQueriesContext(connection) as large:
        response = statistician.get(url)
    assert response.status_code == 200
    assert len(response.context["trend"].points) == 4 and len(response.context["results"].dimensions) == 6
    assert len(large) <= len(small)
    assert len(small) <= 15


def test_annual_report_reads_the_selector_contract(statistician, huzhou):
    """kesu.evaluation calls wave_shares(region, year): shares (0–1); its overall row is the headline figure."""
    from kesu.literacy.summaries import wave_shares

    upload_and_confirm(statistician, "330500", csv_bytes(scored_wave(n=300, seed=8)), year=2024)
    stored = LiteracyEstimate.objects.get(ci_method="logit", domain_key="")
    overall = next(share for share in wave_shares(huzhou.city, 2024) if share.overall)
    assert overall.wave_year == 2024 and overall.n == stored.n
    assert (overall.share, overall.low, overall.high) == (stored.estimate, stored.ci_low, stored.ci_high)
    assert overall.region_name == "湖州市"
    assert wave_shares(huzhou.city, 2023) == ()
