"""Which plan is in force in a year, and a region whose plan has ended (plan_standing)."""

from __future__ import annotations

import pytest

from kesu.planning.models import Plan
from kesu.planning.selectors import PlanState, plan_for_year, plan_standing, plan_standings

pytestmark = pytest.mark.django_db


def test_in_force_ended_and_none(world):
    county, city = world.county, world.city
    old = world.plan  # 2021—2025
    assert plan_standing(county, 2024) == (old, PlanState.IN_FORCE)
    assert plan_standing(county, 2024).in_force and plan_standing(county, 2024).label == old.title

    plan, state = plan_standing(county, 2026)
    assert (plan, state) == (old, PlanState.ENDED)
    assert plan_standing(county, 2026).label == "方案已到期（2021—2025，尚无新方案）"
    assert plan_for_year(county, 2026) is None

    assert plan_standing(county, 2020) == (None, PlanState.NONE)  # nothing before 2021
    assert plan_standing(county, 2020).label == "未录入实施方案"
    assert plan_standing(city, 2024) == (None, PlanState.NONE)


def test_the_successor_takes_over_and_agrees_with_plan_for_year(world):
    county = world.county
    new = Plan.objects.create(region=county, title="乳山市实施方案（2026—2030年）", period_start=2026, period_end=2030)
    for year in (2021, 2025, 2026, 2030):
        plan, state = plan_standing(county, year)
        assert state == PlanState.IN_FORCE and plan == plan_for_year(county, year)
    assert plan_standing(county, 2026).plan == new
    assert plan_standing(county, 2025).plan == world.plan
    # After both: the latest one that ended.
    assert plan_standing(county, 2031) == (new, PlanState.ENDED)


def test_a_revised_plan_in_force_is_its_current_version(world):
    county = world.county
    revised = Plan.objects.create(region=county, title=world.plan.title, period_start=2021, period_end=2025,
                                  version=2, previous_version=world.plan)
    Plan.objects.filter(pk=world.plan.pk).update(is_current=False)
    assert plan_standing(county, 2023).plan == revised
    assert plan_standing(county, 2027).plan == revised  # ended: still the current version


def test_many_regions_in_two_queries(world, django_assert_num_queries):
    regions = [world.county, world.city, world.other_city]
    with django_assert_num_queries(2):
        standings = plan_standings(regions, 2026)
    assert standings[world.county.pk].state == PlanState.ENDED
    assert standings[world.city.pk].state == PlanState.NONE
    # 徐州's plan has no period: it covers every year.
    assert standings[world.other_city.pk] == (world.other_plan, PlanState.IN_FORCE)


def test_the_survey_trend_reads_the_target_of_the_plan_in_force(world):
    from kesu.literacy.selectors import headline_plan

    county = world.county
    new = Plan.objects.create(region=county, title="乳山市实施方案（2026—2030年）", period_start=2026, period_end=2030,
                              headline_value=20.0, headline_unit="%", headline_year=2030)
    assert headline_plan(county, 2024) == world.plan  # 17 % by 2025, not the next plan's 20 % by 2030
    assert headline_plan(county, 2027) == new
    assert headline_plan(county, 2032) == new  # both ended: the latest
    assert headline_plan(county, 2019) == new  # none begun: the newest, as before
