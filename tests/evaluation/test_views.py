"""Region dashboard, chart Excel export and report download: who may see what."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from tests.evaluation.conftest import TODAY
from tests.factories import PASSWORD

from kesu.planning.models import Plan, Task, TaskUnit, UnitRole

pytestmark = pytest.mark.django_db


def client_for(world, name: str) -> Client:
    client = Client()
    assert client.login(username=world.users[name].username, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def frozen_today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


def dashboard_url(code="371083", year=2024):
    return reverse("evaluation:region_dashboard", args=[code]) + f"?year={year}"


def report_url(fmt, code="371083", year=2024):
    return reverse("evaluation:annual_report", args=[code, year, fmt])


@pytest.mark.parametrize("name", ["office", "leader", "statistician", "city_office"])
def test_readers_of_the_region_see_the_dashboard(annual_world, name):
    response = client_for(annual_world, name).get(dashboard_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "乳山市 · 2024年度全民科学素质行动" in page
    assert "本年度无抽样调查数据" in page and "本年度无科普能力指标数据" in page
    assert 'id="dashboard-charts"' in page and "导出Excel" in page
    assert report_url("docx") in page


def test_unit_reporter_is_forbidden_and_other_region_is_missing(annual_world):
    assert client_for(annual_world, "edu").get(dashboard_url()).status_code == 403
    assert client_for(annual_world, "edu").get(report_url("pdf")).status_code == 403
    assert client_for(annual_world, "other_office").get(dashboard_url()).status_code == 404
    assert client_for(annual_world, "other_office").get(report_url("pdf")).status_code == 404
    # An office of a county cannot look up at its city.
    assert client_for(annual_world, "office").get(dashboard_url("371000")).status_code == 404


def test_anonymous_is_sent_to_login(annual_world):
    response = Client().get(report_url("docx"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_leader_downloads_the_report(annual_world):
    response = client_for(annual_world, "leader").get(report_url("xlsx"))
    assert response.status_code == 200
    assert response.streaming
    content = b"".join(response.streaming_content)
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(content))
    assert workbook["封面"]["A1"].value == "乳山市2024年度全民科学素质行动实施情况评估报告"


def test_download_for_a_year_without_plan_says_why(annual_world):
    response = client_for(annual_world, "office").get(report_url("pdf", year=2019))
    assert response.status_code == 404
    assert "乳山市没有覆盖2019年" in response.content.decode()


def test_plan_dashboard_link_downloads_the_plans_region_report(annual_world):
    url = reverse("evaluation:plan_annual_report", args=[annual_world.plan.pk, "docx"]) + "?year=2024"
    response = client_for(annual_world, "leader").get(url)
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert client_for(annual_world, "other_office").get(url).status_code == 404


def test_chart_excel_export(annual_world):
    url = reverse("evaluation:chart_xlsx", args=["371083", "period_on_time"]) + "?year=2024"
    response = client_for(annual_world, "statistician").get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert ("2024年上半年", 83.3) in [row[:2] for row in rows]
    missing = reverse("evaluation:chart_xlsx", args=["371083", "no-such-chart"]) + "?year=2024"
    assert client_for(annual_world, "statistician").get(missing).status_code == 404


def test_city_dashboard_ranks_counties_with_small_multiples(annual_world):
    city_plan = Plan.objects.create(region=annual_world.city, title="威海市全民科学素质行动实施方案",
                                    period_start=2021, period_end=2025)
    task = Task.objects.create(plan=city_plan, code="1", title="市级任务", order=0)
    TaskUnit.objects.create(task=task, unit=annual_world.units["市科协"], role=UnitRole.LEAD)
    response = client_for(annual_world, "city_office").get(dashboard_url("371000"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="lower-ranking"' in page and "乳山市" in page
    assert 'data-chart="mini-371083"' in page
    assert "75%（9/12）" in page


def test_region_without_plan_shows_a_message(annual_world):
    response = client_for(annual_world, "city_office").get(dashboard_url("371000"))
    assert response.status_code == 200
    assert "威海市没有覆盖2024年的全民科学素质行动实施方案" in response.content.decode()
