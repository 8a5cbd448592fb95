"""The region dashboard is rendered once per version of its data and served from the per-process cache:
a write through any service shows at once, years and viewers get what is theirs, and a cached page
costs a few queries however many lower regions there are."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.evaluation.conftest import TODAY, add_report, add_year_of_reports, at
from tests.factories import PASSWORD
from tests.literacy.conftest import csv_bytes, scored_wave, upload_and_confirm

from kesu.audit.context import acting_as
from kesu.indicators import services as indicator_services
from kesu.indicators.models import DataElement, Indicator
from kesu.indicators.services import CellWrite, seed_national_set
from kesu.indicators.targets import decide_link
from kesu.literacy import services as survey_services
from kesu.literacy.models import SurveyWave
from kesu.org.models import Region, RegionLevel, Unit
from kesu.planning.models import Plan, Target, Task, TaskUnit, UnitRole
from kesu.progress.models import ReportingPeriod, ReportStatus
from kesu.progress.services import accept_report

pytestmark = pytest.mark.django_db

# Session, user (with their region), the region asked for, and the two reads of version tokens.
CACHED_PAGE_QUERIES = 5


@pytest.fixture(autouse=True)
def frozen_today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


@pytest.fixture
def annual_world(world):
    add_year_of_reports(world)
    return world


def client_for(user, *, enforce_csrf_checks=False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def dashboard_url(code: str, year: int | None = 2024) -> str:
    return reverse("evaluation:region_dashboard", args=[code]) + (f"?year={year}" if year else "")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def ranking_row(html: str, region_name: str) -> str:
    table = html[html.index('id="lower-ranking"'):]
    return next(row for row in table.split("<tr>") if f"<td>{region_name}</td>" in row)


def ranking_cells(row: str) -> list[str]:
    """Rank, name, tasks, red, amber, completion, on-time rate."""
    return re.findall(r"<td>([^<]*)</td>", row)


def add_city_plan(world) -> Plan:
    city_plan = Plan.objects.create(region=world.city, title="威海市全民科学素质行动实施方案",
                                    period_start=2021, period_end=2025)
    task = Task.objects.create(plan=city_plan, code="1", title="市级任务", order=0)
    TaskUnit.objects.create(task=task, unit=world.units["市科协"], role=UnitRole.LEAD)
    return city_plan


def add_county_with_plan(world, code: str, name: str) -> Region:
    county = Region.objects.create(code=code, name=name, level=RegionLevel.COUNTY, parent=world.city)
    plan = Plan.objects.create(region=county, title=f"{name}方案", period_start=2021, period_end=2025)
    h1, h2 = world.periods
    ReportingPeriod.objects.create(plan=plan, kind="yearly", label="2024年", start=h1.start, end=h2.end, due=h2.due)
    unit = Unit.objects.create(region=county, name=f"{name}科协")
    task = Task.objects.create(plan=plan, code="1", title=f"{name}任务", order=0)
    TaskUnit.objects.create(task=task, unit=unit, role=UnitRole.LEAD)
    return county


def queries_of_a_cached_page(client, url) -> list[str]:
    page(client, url)
    with CaptureQueriesContext(connection) as captured:
        page(client, url)
    return [query["sql"] for query in captured.captured_queries]


def test_a_cached_page_costs_the_same_few_queries_for_a_county_and_a_city(annual_world):
    add_city_plan(annual_world)
    for n in range(4):
        add_county_with_plan(annual_world, f"37108{5 + n}", f"新县{n}")
    county_queries = queries_of_a_cached_page(client_for(annual_world.users["office"]), dashboard_url("371083"))
    city_client = client_for(annual_world.users["city_office"])
    city_queries = queries_of_a_cached_page(city_client, dashboard_url("371000"))

    assert len(county_queries) == len(city_queries) <= CACHED_PAGE_QUERIES
    # Nothing of the plans, reports, indicators or surveys is read again: only their version tokens.
    assert not [sql for sql in city_queries if re.search(r"planning_task|indicators_|literacy_", sql)]
    city_page = page(city_client, dashboard_url("371000"))
    assert all(f"<td>新县{n}</td>" in ranking_row(city_page, f"新县{n}") for n in range(4))


def test_a_confirmed_indicator_link_and_values_entered_through_the_services_show_at_once(annual_world):
    seed_national_set(actor=None)
    office = annual_world.users["office"]
    client = client_for(office)
    assert "本年度无科普能力指标数据" in page(client, dashboard_url("371083"))
    tutors_target = Target.objects.get(subject="科技辅导员培训")
    decide_link(office, tutors_target, Indicator.objects.get(code="science_tutor_training_count"), confirm=True)
    assert "科技辅导员培训人次" in page(client, dashboard_url("371083"))

    element = DataElement.objects.get(code="science_tutor_training")
    for value in (180, 240):
        with acting_as(office):
            indicator_services.write_values(
                actor=office, writes=[CellWrite(element, None, annual_world.county, None, value)], year=2024
            )
        row = next(line for line in page(client, dashboard_url("371083")).split("<tr>") if "科技辅导员培训人次" in line)
        assert f"<td>{value} 人次</td>" in row


def test_a_report_accepted_in_a_county_changes_the_city_ranking_at_once(annual_world):
    add_city_plan(annual_world)
    farmers = annual_world.tasks[2]
    second_half = annual_world.periods[1]
    report = add_report(farmers, annual_world.units["市农业农村局"], second_half, ReportStatus.SUBMITTED,
                        at(2025, 1, 14), figure=1000)
    client = client_for(annual_world.users["city_office"])
    before = ranking_row(page(client, dashboard_url("371000")), "乳山市")

    accept_report(actor=annual_world.users["office"], report=report, expected_revision=report.revision)

    after = ranking_row(page(client, dashboard_url("371000")), "乳山市")
    # Red, amber, completion: 高素质农民 reached its 1,000 (no longer red; amber for 市科协's missing report).
    assert ranking_cells(before)[3:6] == ["1", "1", "65%"]
    assert ranking_cells(after)[3:6] == ["0", "2", "100%"]


def test_a_new_survey_wave_changes_the_headline_and_deleting_it_takes_it_back(annual_world):
    statistician = annual_world.users["statistician"]
    client = client_for(statistician)
    assert "本年度无抽样调查数据" in page(client, dashboard_url("371083"))

    upload_and_confirm(client, "371083", csv_bytes(scored_wave(n=300, seed=7)), year=2024, region=None)
    headline = page(client, dashboard_url("371083"))
    assert "本年度无抽样调查数据" not in headline and "2024年调查，95%置信区间" in headline

    survey_services.delete_wave(SurveyWave.objects.get(), statistician)
    assert "本年度无抽样调查数据" in page(client, dashboard_url("371083"))


def test_renaming_a_lower_region_shows_in_the_city_ranking(annual_world):
    add_city_plan(annual_world)
    client = client_for(annual_world.users["city_office"])
    assert "乳山市" in ranking_row(page(client, dashboard_url("371000")), "乳山市")
    annual_world.county.name = "乳山县"
    annual_world.county.save()
    assert "乳山县" in ranking_row(page(client, dashboard_url("371000")), "乳山县")


def test_years_are_cached_separately(annual_world):
    client = client_for(annual_world.users["office"])
    for _ in range(2):  # the second round is served from the cache
        assert "乳山市 · 2024年度" in page(client, dashboard_url("371083", 2024))
        assert "乳山市 · 2023年度" in page(client, dashboard_url("371083", 2023))
        assert "乳山市 · 2025年度" in page(client, dashboard_url("371083", None))  # this year, in the plan
        assert "没有覆盖2019年" in page(client, dashboard_url("371083", 2019))


def test_chart_export_follows_the_cached_page_year(annual_world):
    client = client_for(annual_world.users["statistician"])
    page(client, dashboard_url("371083", 2024))
    url = reverse("evaluation:chart_xlsx", args=["371083", "period_on_time"])
    response = client.get(url + "?year=2024")
    assert response.status_code == 200
    assert "2024" in response["Content-Disposition"]
    assert client.get(url + "?year=2019").status_code == 404


def csrf_token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_each_viewer_gets_their_own_shell_around_the_shared_content(annual_world):
    office, leader = annual_world.users["office"], annual_world.users["leader"]
    office_client = client_for(office, enforce_csrf_checks=True)
    leader_client = client_for(leader, enforce_csrf_checks=True)
    office_page = page(office_client, dashboard_url("371083"))
    leader_page = page(leader_client, dashboard_url("371083"))  # served from the cache office_page filled

    content = re.compile(r'<main class="content">.*</main>', re.S)
    assert content.search(office_page).group() == content.search(leader_page).group()
    assert f"{leader.display_name} · 领导" in leader_page and office.display_name + " ·" not in leader_page
    assert 'href="/plans/import/' in office_page and 'href="/plans/import/' not in leader_page

    office_token, leader_token = csrf_token_in(office_page), csrf_token_in(leader_page)
    assert office_token not in leader_page
    # The token the leader's cached page carries is the leader's own: it is accepted on POST.
    response = leader_client.post(reverse("logout"), {"csrfmiddlewaretoken": leader_token})
    assert response.status_code == 302
    response = office_client.post(reverse("logout"), {"csrfmiddlewaretoken": office_token})
    assert response.status_code == 302
