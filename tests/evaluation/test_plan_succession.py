"""Plans over time on the evaluation side: a region whose plan has ended is shown as such on the
region dashboards, and importing the next plan leaves the old plan's annual report as it was."""

from __future__ import annotations

import dataclasses
import datetime
from unittest import mock

import pytest
from django.urls import reverse
from tests.evaluation.conftest import TODAY
from tests.plan_import.sample import sample_plan

from kesu.evaluation.document import build_document
from kesu.evaluation.figures import evaluation_figures
from kesu.evaluation.selectors import dashboard_year
from kesu.plan_import import drafts, services
from kesu.planning.models import Plan, Task, TaskUnit, UnitRole
from kesu.plans.model import HeadlineTarget, Period

pytestmark = pytest.mark.django_db

DECEMBER_2026 = datetime.date(2026, 12, 5)


def next_plan():
    parsed = sample_plan(title="乳山市全民科学素质行动规划纲要实施方案（2026—2030年）", doc_number="乳政发〔2026〕3号")
    return dataclasses.replace(parsed, date="2026-04-20", period=Period(2026, 2030),
                               headline_target=HeadlineTarget("公民具备科学素质的比例", 20.0, "%", 2030, "到2030年达到20%"))


def test_importing_the_next_plan_leaves_the_old_annual_report_alone(annual_world):
    county = annual_world.county
    before = {year: evaluation_figures(county, year, today=TODAY) for year in (2024, 2025)}
    documents_before = {year: build_document(data) for year, data in before.items()}

    plan = services.confirm_import(actor=annual_world.users["office"], draft=drafts.start_draft(county, next_plan()))
    assert plan.period_start == 2026 and plan.previous_version is None
    assert Plan.objects.get(pk=annual_world.plan.pk).is_current

    for year in (2024, 2025):
        after = evaluation_figures(county, year, today=TODAY)
        assert after.plan == annual_world.plan
        assert after == before[year]
        assert build_document(after) == documents_before[year]
    # And 2026 is the new plan's year.
    assert evaluation_figures(county, 2026, today=DECEMBER_2026).plan == plan


@pytest.fixture
def city_plan_2026(annual_world):
    plan = Plan.objects.create(region=annual_world.city, title="威海市全民科学素质行动实施方案（2026—2030年）",
                               period_start=2026, period_end=2030)
    task = Task.objects.create(plan=plan, code="1", title="市级任务", order=0)
    TaskUnit.objects.create(task=task, unit=annual_world.units["市科协"], role=UnitRole.LEAD)
    return plan


def test_city_dashboard_shows_a_county_whose_plan_ended(annual_world, city_plan_2026, client_for):
    with mock.patch("django.utils.timezone.localdate", return_value=DECEMBER_2026):
        page = client_for("city_office").get(reverse("evaluation:region_dashboard", args=["371000"]) + "?year=2026")
    assert page.status_code == 200
    text = page.content.decode()
    assert "方案已到期（2021—2025，尚无新方案）" in text
    assert "未录入实施方案</td>" not in text


def test_county_between_two_plans(annual_world, client_for):
    county = annual_world.county
    assert dashboard_year(county, DECEMBER_2026) == 2025  # opens on its plan's last year
    url = reverse("evaluation:region_dashboard", args=["371083"])
    with mock.patch("django.utils.timezone.localdate", return_value=DECEMBER_2026):
        office = client_for("office")
        opened = office.get(url).content.decode()
        asked = office.get(url + "?year=2026").content.decode()
    assert "乳山市 · 2025年度" in opened
    assert 'id="plan-standing"' in asked and "方案已到期（2021—2025，尚无新方案）" in asked
    assert "?year=2025" in asked and reverse("evaluation:final_report", args=[annual_world.plan.pk]) in asked
    # A region that never had a plan still says so.
    with mock.patch("django.utils.timezone.localdate", return_value=DECEMBER_2026):
        city = client_for("city_office").get(reverse("evaluation:region_dashboard", args=["371000"])).content.decode()
    assert "威海市没有覆盖2026年的全民科学素质行动实施方案" in city
    assert '<span class="muted plan-note plan-ended">方案已到期（2021—2025，尚无新方案）</span>' in city


def test_the_annual_report_of_a_year_after_the_plan_says_what_ended(annual_world):
    from kesu.evaluation.figures import EvaluationError

    with pytest.raises(EvaluationError) as error:
        evaluation_figures(annual_world.county, 2026, today=DECEMBER_2026)
    assert str(error.value).startswith("乳山市没有覆盖2026年的全民科学素质行动实施方案，无法生成年度报告")
    assert "方案已到期（2021—2025，尚无新方案）" in str(error.value) and "可生成2025年度报告" in str(error.value)
