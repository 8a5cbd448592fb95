"""The 上下联动 page: the office sets the parent, proposes, confirms, changes and removes links; leaders
and statisticians read; unit reporters and other regions' offices are kept out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.cascade.models import LinkState, PlanParent, TaskLink

pytestmark = pytest.mark.django_db


def test_the_office_works_the_links_through_the_page(world, stand_in, city_plan, client_for):
    office = client_for("office")
    page = reverse("cascade:plan_links", args=[world.plan.pk])
    body = office.get(page).content.decode()
    assert "尚未设定上级方案" in body and city_plan.title in body and "生成对应建议" not in body
    assert office.post(reverse("cascade:set_parent", args=[world.plan.pk]), {"parent": "national"}).status_code == 302
    assert PlanParent.objects.get(plan=world.plan).is_national
    office.post(reverse("cascade:propose", args=[world.plan.pk]))
    assert TaskLink.objects.filter(task__plan=world.plan, state=LinkState.PROPOSED).count() == 9
    best = TaskLink.objects.filter(task=world.tasks[0]).order_by("-score").first()
    body = office.get(page).content.decode()
    assert "生成对应建议" in body and f"{best.score * 100:.0f}%" in body and "A1 青少年科学素质提升行动" in body
    office.post(reverse("cascade:confirm", args=[best.pk]))
    best.refresh_from_db()
    assert best.state == LinkState.CONFIRMED
    office.post(reverse("cascade:correct", args=[world.tasks[1].pk]), {"target": "P1"})
    assert list(TaskLink.objects.filter(task=world.tasks[1]).values_list("national_code", "state")) \
        == [("P1", "confirmed")]
    weak = TaskLink.objects.filter(task=world.tasks[2], state=LinkState.PROPOSED).first()
    office.post(reverse("cascade:remove", args=[weak.pk]))
    assert not TaskLink.objects.filter(pk=weak.pk).exists()
    # A parent plan from the city above: the select offers its tasks.
    office.post(reverse("cascade:set_parent", args=[world.plan.pk]), {"parent": str(city_plan.pk)})
    body = office.get(page).content.decode()
    assert f'value="task:{city_plan.tasks.get(code="2").pk}"' in body and "已设定上级方案" in body


def test_readers_and_outsiders(world, stand_in, client_for):
    page = reverse("cascade:plan_links", args=[world.plan.pk])
    client_for("office").post(reverse("cascade:set_parent", args=[world.plan.pk]), {"parent": "national"})
    client_for("office").post(reverse("cascade:propose", args=[world.plan.pk]))
    leader = client_for("leader")
    body = leader.get(page).content.decode()
    assert "青少年科学素质提升行动" in body and "确认</button>" not in body and "生成对应建议" not in body
    assert client_for("statistician").get(page).status_code == 200
    assert client_for("edu").get(page).status_code == 403
    assert client_for("other_office").get(page).status_code == 404
    link = TaskLink.objects.first()
    assert leader.post(reverse("cascade:propose", args=[world.plan.pk])).status_code == 403
    assert leader.post(reverse("cascade:confirm", args=[link.pk])).status_code == 403
    assert client_for("other_office").post(reverse("cascade:remove", args=[link.pk])).status_code == 404
    assert client_for("edu").post(reverse("cascade:correct", args=[world.tasks[1].pk]),
                                  {"target": "A1"}).status_code == 403
    assert TaskLink.objects.filter(pk=link.pk, state=LinkState.PROPOSED).exists()


def test_the_plan_header_links_to_the_page(world, client_for):
    body = client_for("office").get(reverse("supervision:dashboard", args=[world.plan.pk])).content.decode()
    assert reverse("cascade:plan_links", args=[world.plan.pk]) in body
