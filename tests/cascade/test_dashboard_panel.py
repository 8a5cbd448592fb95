"""The roll-up panel on a city plan's dashboard (registered by kesu.cascade in kesu.supervision.panels)
and the 县级汇总 tab, shown only for a plan with child plans."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.cascade.models import TaskLink
from kesu.cascade.panels import rollup_panel
from kesu.cascade.rollup import rollup

pytestmark = pytest.mark.django_db


def _dashboard(client_for, user, plan) -> str:
    response = client_for(user).get(reverse("supervision:dashboard", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _panel(body: str) -> str:
    start = body.index('id="dashboard-rollup"')
    return body[start:body.index("</section>", start)]


def test_a_city_dashboard_shows_the_worst_light_and_drills_down(world, rollup_world, client_for):
    city, (c1, c2, c3) = rollup_world.city, rollup_world.tasks
    rows = {row.task_id: row for row in rollup(world.users["city_office"], city)}
    body = _dashboard(client_for, "city_office", city)
    panel = _panel(body)
    farmers_row = panel[panel.index(f'id="panel-rollup-task-{c1.pk}"'):]
    farmers_row = farmers_row[:farmers_row.index("</tr>")]
    assert f'<span class="lamp lamp-{rows[c1.pk].colour.key}">' in farmers_row
    assert f'href="{reverse("supervision:task_detail", args=[rollup_world.w1.pk])}"' in farmers_row
    assert "合计 850 名" in farmers_row
    assert f'id="panel-rollup-task-{c2.pk}"' in panel
    # A city task without county tasks stays on the full page only.
    assert f'id="panel-rollup-task-{c3.pk}"' not in panel
    assert f'href="{reverse("cascade:rollup", args=[city.pk])}"' in panel
    assert body.count(f'href="{reverse("cascade:rollup", args=[city.pk])}"') == 2  # the tab and the panel


def test_a_county_plan_has_no_panel_and_no_tab(world, rollup_world, client_for):
    body = _dashboard(client_for, "city_office", rollup_world.wendeng)
    assert 'id="dashboard-rollup"' not in body
    assert reverse("cascade:rollup", args=[rollup_world.wendeng.pk]) not in body


def test_a_unit_user_sees_no_panel(world, rollup_world, client_for):
    assert rollup_panel(rollup_world.city, world.users["edu"]) is None
    assert client_for("edu").get(reverse("supervision:dashboard", args=[rollup_world.city.pk])).status_code == 403


def test_a_link_change_shows_on_the_next_view(world, rollup_world, client_for):
    city, w1 = rollup_world.city, rollup_world.w1
    link = f'href="{reverse("supervision:task_detail", args=[w1.pk])}"'
    assert link in _panel(_dashboard(client_for, "city_office", city))
    # A direct update: no signal replaces any version token, so a cached panel would go stale.
    TaskLink.objects.filter(task=w1).update(state="proposed")
    panel = _panel(_dashboard(client_for, "city_office", city))
    assert link not in panel and "合计 550 名" in panel


def test_the_tab_follows_the_plan_gaining_a_child(world, rollup_world, client_for):
    from kesu.cascade.models import PlanParent
    from kesu.org.models import Region, RegionLevel
    from kesu.planning.models import Plan

    wendeng, tab = rollup_world.wendeng, reverse("cascade:rollup", args=[rollup_world.wendeng.pk])
    town = Region.objects.create(code="371003001", name="某镇", level=RegionLevel.COUNTY, parent=wendeng.region)
    town_plan = Plan.objects.create(region=town, title="某镇实施方案")
    assert tab not in _dashboard(client_for, "city_office", wendeng)  # the header is now cached
    # Only the link is written, not a plan: the flag must follow the parents' own token.
    PlanParent.objects.create(plan=town_plan, parent_plan=wendeng)
    assert tab in _dashboard(client_for, "city_office", wendeng)
