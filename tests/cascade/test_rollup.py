"""Roll-up of a city plan: the counties' confirmed-linked tasks under each city task, their figures
summed (counts) or averaged with the worst (rates), the worst light, and drill-down to each task."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.cascade.models import TaskLink
from kesu.cascade.rollup import rollup
from kesu.plans.attainment import Kind
from kesu.supervision.status import Colour

pytestmark = pytest.mark.django_db


def _rows(world, rollup_world, user="city_office"):
    return {row.code: row for row in rollup(world.users[user], rollup_world.city, rollup_world.today)}


def test_counts_are_summed_rates_averaged_and_the_worst_light_wins(world, rollup_world):
    rows = _rows(world, rollup_world)
    farmers, coverage, unlinked = rows["C1"], rows["C2"], rows["C3"]
    # Only confirmed links: 乳山 3.2.1 and 文登 W1, not the proposal from 乳山 3.1.1.
    assert [(c.region_name, c.code) for c in farmers.counties] == [("文登区", "W1"), ("乳山市", "3.2.1")]
    (count,) = farmers.aggregates
    assert count.kind == Kind.CUMULATIVE and count.adds_up and count.unit == "名"
    assert (count.total, count.goal_total, count.counties) == (550 + 300, 1800, 2)
    (rate,) = coverage.aggregates
    assert not rate.adds_up and rate.kind == Kind.LEVEL
    assert rate.mean == pytest.approx((82 + 85) / 2) and rate.worst == 82 and rate.total is None
    # 文登 W1: 300 of 800 with 80 % of the time gone, and its second half never reported → red.
    w1 = next(c for c in farmers.counties if c.code == "W1")
    assert w1.colour == Colour.RED
    assert farmers.colour == Colour.RED == max(c.colour for c in farmers.counties)
    assert coverage.colour == max(c.colour for c in coverage.counties)
    assert unlinked.counties == () and unlinked.colour is None and unlinked.aggregates == ()


def test_a_county_without_figures_is_not_a_zero(world, rollup_world):
    from kesu.progress.models import TargetFigure

    TargetFigure.objects.filter(report__task=rollup_world.w2).delete()
    (rate,) = _rows(world, rollup_world)["C2"].aggregates
    assert (rate.mean, rate.worst, rate.counties, rate.without_figures) == (82, 82, 1, 1)


def test_an_unconfirmed_link_leaves_the_roll_up(world, rollup_world):
    TaskLink.objects.filter(task=rollup_world.w1).update(state="proposed")
    (count,) = _rows(world, rollup_world)["C1"].aggregates
    assert count.total == 550 and count.goal_total == 1000


def test_the_page_drills_down_to_each_county_task(world, rollup_world, client_for):
    page = reverse("cascade:rollup", args=[rollup_world.city.pk])
    body = client_for("city_office").get(page).content.decode()
    for task in (rollup_world.w1, rollup_world.w2, rollup_world.farmers, rollup_world.r2):
        assert f'href="{reverse("supervision:task_detail", args=[task.pk])}"' in body
    assert "合计 850 名 / 目标合计 1800 名" in body
    assert "培育高素质农民" in body and "无下级任务" in body


def test_who_may_read_the_page(world, rollup_world, client_for):
    from tests.factories import make_user

    from kesu.org.models import Role

    page = reverse("cascade:rollup", args=[rollup_world.city.pk])
    make_user("city_leader", Role.LEADER, region=world.city)
    assert client_for("city_leader").get(page).status_code == 200
    assert client_for("edu").get(page).status_code == 403
    assert client_for("other_office").get(page).status_code == 404
