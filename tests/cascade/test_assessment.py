"""County 考核 of a city plan: on-time reporting, target completion and survey rate per county office,
the weighted total (a county without survey data keeps its total over the other two), the office's
weights (validated, audited) and the workbook."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from tests.factories import make_user

from kesu.audit.models import AuditEntry
from kesu.cascade import assessment
from kesu.cascade.models import CountyScoreWeights
from kesu.org.models import Role

pytestmark = pytest.mark.django_db


def _card(rollup_world, year=None):
    card = assessment.county_scorecard(rollup_world.city, year, rollup_world.today)
    return card, {s.region_name: s for s in card["scores"]}


def test_rates_and_totals_by_hand(world, rollup_world):
    card, by_region = _card(rollup_world)
    assert card["year"] == 2024 and card["years"] == [2024]
    rushan, wendeng = by_region["乳山市"], by_region["文登区"]
    # 乳山: six assignments × two periods due, only 市农业农村局's two reports on time.
    assert (rushan.on_time_reports, rushan.due_reports) == (2, 12)
    # Tutors (yearly, nothing reported) red; farmers 550/1000 with 80 % of the time gone amber;
    # coverage 82 % of 80 % attained.
    assert (rushan.green_targets, rushan.attained_targets, rushan.measured_targets) == (1, 1, 3)
    assert rushan.survey_estimate == pytest.approx(0.136) and rushan.headline_goal == pytest.approx(0.17)
    assert rushan.rates["survey_rate"] == pytest.approx(0.8)
    assert rushan.total == pytest.approx(round(30 * 2 / 12 + 40 / 3 + 30 * 0.8, 2), abs=0.02)
    # 文登: two of four on time; W1 red, W2 (85 of 90 %) green; no survey → its 30 points spread.
    assert (wendeng.on_time_reports, wendeng.due_reports) == (2, 4)
    assert (wendeng.green_targets, wendeng.attained_targets, wendeng.measured_targets) == (1, 0, 2)
    assert wendeng.rates["survey_rate"] is None and wendeng.points["survey_rate"] is None
    assert wendeng.total == pytest.approx(50.0, abs=0.01)
    assert [(s.region_name, s.rank) for s in card["scores"]] == [("文登区", 1), ("乳山市", 2)]


def test_weights_are_validated_audited_and_used(world, rollup_world):
    office, city_office = world.users["office"], world.users["city_office"]
    with pytest.raises(assessment.AssessmentError, match="100"):
        assessment.update_county_weights(actor=city_office, plan=rollup_world.city, on_time_reporting=50,
                                         target_completion=40, survey_rate=20)
    with pytest.raises(assessment.AssessmentError, match="数字"):
        assessment.update_county_weights(actor=city_office, plan=rollup_world.city, on_time_reporting="x",
                                         target_completion=40, survey_rate=60)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):  # the county office may not weigh the city's 考核
        assessment.update_county_weights(actor=office, plan=rollup_world.city, on_time_reporting=100,
                                         target_completion=0, survey_rate=0)
    assert not CountyScoreWeights.objects.exists()
    assessment.update_county_weights(actor=city_office, plan=rollup_world.city, on_time_reporting=100,
                                     target_completion=0, survey_rate=0, reason="只看报送")
    entry = AuditEntry.objects.get(model__icontains="countyscoreweights")
    assert entry.actor == city_office and entry.reason == "只看报送" and entry.after["on_time_reporting"] == 100
    _, by_region = _card(rollup_world)
    assert by_region["文登区"].total == 50.0 and by_region["乳山市"].total == pytest.approx(100 * 2 / 12, abs=0.01)


def test_page_weights_form_and_workbook(world, rollup_world, client_for):
    city_office = client_for("city_office")
    page = reverse("cascade:assessment", args=[rollup_world.city.pk])
    body = city_office.get(page + "?year=2024").content.decode()
    assert "乳山市" in body and "文登区" in body and "无数据" in body and "保存权重" in body
    response = city_office.post(reverse("cascade:assessment_weights", args=[rollup_world.city.pk]),
                                {"on_time_reporting": "20", "target_completion": "50", "survey_rate": "30"})
    assert response.status_code == 302 and CountyScoreWeights.objects.get().target_completion == 50
    city_office.post(reverse("cascade:assessment_weights", args=[rollup_world.city.pk]),
                     {"on_time_reporting": "20", "target_completion": "50", "survey_rate": "40"})
    assert CountyScoreWeights.objects.get().survey_rate == 30  # refused: 110 points
    response = city_office.get(reverse("cascade:assessment_export", args=[rollup_world.city.pk]) + "?year=2024")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {"乳山市", "文登区"}
    assert rows["文登区"][9] == "无数据" and rows["乳山市"][4] == "2/12"


def test_who_may_read_and_write(world, rollup_world, client_for):
    page = reverse("cascade:assessment", args=[rollup_world.city.pk])
    weights = reverse("cascade:assessment_weights", args=[rollup_world.city.pk])
    form = {"on_time_reporting": "100", "target_completion": "0", "survey_rate": "0"}
    make_user("city_leader", Role.LEADER, region=world.city)
    make_user("city_statistician", Role.STATISTICIAN, region=world.city)
    leader = client_for("city_leader")
    assert leader.get(page).status_code == 200 and "保存权重" not in leader.get(page).content.decode()
    assert client_for("city_statistician").get(page).status_code == 200
    assert leader.post(weights, form).status_code == 403
    assert client_for("edu").get(page).status_code == 403
    assert client_for("other_office").get(page).status_code == 404
    assert client_for("other_office").post(weights, form).status_code == 404
    assert not CountyScoreWeights.objects.exists()
