"""The 上下联动 endpoints: a plan's parent and its tasks' links, read and written through the API with the
real alignment core and the cascade services (audited), under the pages' scope."""

from __future__ import annotations

import pytest

from kesu.audit.models import AuditEntry
from kesu.cascade.models import LinkState, PlanParent, TaskLink
from kesu.planning.models import Plan, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_plan(world):
    plan = Plan.objects.create(region=world.city, title="威海市全民科学素质行动规划纲要实施方案（2021—2025年）",
                               period_start=2021, period_end=2025)
    for order, (code, title) in enumerate([("1", "青少年科学素质提升行动"), ("2", "农民科学素质提升行动")]):
        Task.objects.create(plan=plan, code=code, title=title, text=f"实施{title}，加强培训。",
                            path=["提升行动", title], order=order)
    return plan


def links_url(world):
    return f"/api/plans/{world.plan.pk}/links"


def test_national_parent_proposals_and_the_align_shape(world, api_as):
    office = api_as("office")
    assert office.get(f"/api/plans/{world.plan.pk}/parent").json() is None
    parent = office.post(f"/api/plans/{world.plan.pk}/parent", {"national": True})
    assert parent.status_code == 200, parent.content
    assert parent.json()["national"] is True and parent.json()["plan_id"] is None and parent.json()["version"]
    proposed = office.post(f"/api/plans/{world.plan.pk}/links/propose")
    assert proposed.status_code == 200, proposed.content
    assert proposed.json()["tasks"] == 3 and proposed.json()["created"] == TaskLink.objects.count() > 0
    rows = office.get(links_url(world)).json()
    assert [row["code"] for row in rows] == ["3.1.1", "3.1.2", "3.2.1"]
    assert [row["id"] for row in rows] == [task.pk for task in world.tasks]
    for row in rows:
        assert row["links"], row
        scores = [link["score"] for link in row["links"]]
        assert scores == sorted(scores, reverse=True)
        assert all(link["state"] == "proposed" and link["parent_task_id"] is None for link in row["links"])
        assert set(row["links"][0]) == {"id", "parent", "parent_task_id", "title", "score", "state"}
    # 3.2.1 sits under 农民科学素质提升行动: its best national heading is that action.
    farmers = rows[2]["links"][0]
    assert farmers["title"] == "农民科学素质提升行动" and farmers["parent"].startswith("A")
    assert AuditEntry.objects.filter(model="cascade.TaskLink", reason="生成对应建议").count() == len(
        [link for row in rows for link in row["links"]])


def test_confirm_correct_and_remove_go_through_the_services(world, api_as, city_plan):
    office = api_as("city_office")
    assert office.post(f"/api/plans/{world.plan.pk}/parent", {"parent_plan_id": city_plan.pk}).json()["plan_id"] \
        == city_plan.pk
    office.post(f"/api/plans/{world.plan.pk}/links/propose")
    youth, farmers = world.tasks[0], world.tasks[2]
    best = office.get(links_url(world)).json()[0]["links"][0]
    assert best["parent_task_id"] in set(city_plan.tasks.values_list("pk", flat=True))

    confirmed = office.post(f"/api/links/{best['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["id"] == youth.pk
    assert confirmed.json()["links"][0] == {**best, "state": "confirmed"}
    assert TaskLink.objects.get(pk=best["id"]).decided_by == world.users["city_office"]

    second = city_plan.tasks.get(code="2")
    corrected = office.post(f"/api/tasks/{farmers.pk}/links", {"parent_task_id": second.pk})
    assert corrected.status_code == 200, corrected.content
    assert [(link["parent"], link["state"]) for link in corrected.json()["links"]] == [("2", "confirmed")]
    assert not TaskLink.objects.filter(task=farmers, state=LinkState.PROPOSED).exists()

    removed = office.post(f"/api/links/{best['id']}/remove")
    assert removed.status_code == 204
    assert not TaskLink.objects.filter(pk=best["id"]).exists()
    reasons = set(AuditEntry.objects.filter(model="cascade.TaskLink").values_list("reason", flat=True))
    assert {"确认任务对应", "更正任务对应", "删除任务对应"} <= reasons

    # A task of a plan that is not the parent, and a national code under a plan parent: refused, nothing written.
    before = TaskLink.objects.count()
    stranger = office.post(f"/api/tasks/{farmers.pk}/links", {"parent_task_id": world.tasks[1].pk})
    assert stranger.status_code == 400 and "上级方案" in stranger.json()["detail"]
    assert office.post(f"/api/tasks/{farmers.pk}/links", {"national_code": "A1"}).status_code == 400
    assert office.post(f"/api/tasks/{farmers.pk}/links", {}).status_code == 400
    assert TaskLink.objects.count() == before


def test_scope_and_roles(world, api_as):
    office = api_as("office")
    office.post(f"/api/plans/{world.plan.pk}/parent", {"national": True})
    office.post(f"/api/plans/{world.plan.pk}/links/propose")
    link = TaskLink.objects.first()
    # Another region's office: the plan, its links and its tasks are not there.
    other = api_as("other_office")
    assert other.get(links_url(world)).status_code == 404
    assert other.post(f"/api/plans/{world.plan.pk}/links/propose").status_code == 404
    assert other.post(f"/api/links/{link.pk}/confirm").status_code == 404
    assert other.post(f"/api/links/{link.pk}/remove").status_code == 404
    assert other.post(f"/api/tasks/{world.tasks[0].pk}/links", {"national_code": "A1"}).status_code == 404
    # Readers read; only the office writes.
    leader = api_as("leader")
    assert leader.get(links_url(world)).status_code == 200
    assert leader.post(f"/api/plans/{world.plan.pk}/links/propose").status_code == 403
    assert leader.post(f"/api/links/{link.pk}/confirm").status_code == 403
    assert leader.post(f"/api/plans/{world.plan.pk}/parent", {"national": True}).status_code == 403
    assert api_as("edu").get(links_url(world)).status_code == 403
    assert api_as(None).get(links_url(world)).status_code == 401
    # The city's office reads and writes for the county below it.
    assert api_as("city_office").post(f"/api/links/{link.pk}/confirm").status_code == 200
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED and link.decided_by == world.users["city_office"]
    # A parent that is no plan above: refused (400), the parent unchanged.
    refused = office.post(f"/api/plans/{world.plan.pk}/parent", {"parent_plan_id": world.other_plan.pk})
    assert refused.status_code == 400
    assert PlanParent.objects.get(plan=world.plan).is_national


def test_propose_without_a_parent_is_refused(world, api_as):
    response = api_as("office").post(f"/api/plans/{world.plan.pk}/links/propose")
    assert response.status_code == 400 and "上级" in response.json()["detail"]
    assert not TaskLink.objects.exists()


def test_the_openapi_document_describes_the_endpoints(world, api_as):
    document = api_as(None).client.get("/api/openapi.json").json()
    paths = document["paths"]
    assert "get" in paths["/api/plans/{plan_id}/links"] and "post" in paths["/api/plans/{plan_id}/parent"]
    for path in ("/api/plans/{plan_id}/links/propose", "/api/links/{link_id}/confirm",
                 "/api/tasks/{task_id}/links", "/api/links/{link_id}/remove"):
        assert "post" in paths[path], path
    schemas = document["components"]["schemas"]
    assert {"TaskLinksOut", "LinkOut", "ParentOut", "ProposalOut", "CorrectIn", "ParentIn", "CoverageOut",
            "NationalCoverageOut", "ConsistencyOut"} <= set(schemas)
    assert "get" in paths["/api/plans/{plan_id}/coverage"] and "get" in paths["/api/plans/{plan_id}/consistency"]
    assert schemas["LinkOut"]["properties"]["state"]["description"].startswith("状态")


def test_coverage_and_consistency_reads(world, api_as, city_plan):
    office = api_as("city_office")
    office.post(f"/api/plans/{world.plan.pk}/parent", {"parent_plan_id": city_plan.pk})
    office.post(f"/api/tasks/{world.tasks[2].pk}/links", {"parent_task_id": city_plan.tasks.get(code="2").pk})
    matrix = office.get(f"/api/plans/{city_plan.pk}/coverage")
    assert matrix.status_code == 200, matrix.content
    body = matrix.json()
    assert [(c["plan_id"], c["covered"], c["missing"]) for c in body["children"]] == [(world.plan.pk, 1, 1)]
    cells = {row["code"]: row["cells"][0] for row in body["rows"]}
    assert cells["2"] == {"plan_id": world.plan.pk, "cover": "covered", "child_tasks": ["3.2.1"]}
    assert cells["1"]["cover"] == "missing"

    national = office.get(f"/api/plans/{world.plan.pk}/coverage/national").json()
    assert national["has_parent"] and national["through_plans"][0] == city_plan.title
    assert {h["cover"] for h in national["headings"]} == {"missing"}  # the city plan has no parent yet

    consistency = office.get(f"/api/plans/{city_plan.pk}/consistency")
    assert consistency.status_code == 200, consistency.content
    assert [check["plan"]["plan_id"] for check in consistency.json()["headlines"]] == [city_plan.pk, world.plan.pk]
    assert isinstance(consistency.json()["targets"], list)
    for path in ("coverage", "coverage/national", "consistency"):
        assert api_as("other_office").get(f"/api/plans/{world.plan.pk}/{path}").status_code == 404
        assert api_as("edu").get(f"/api/plans/{world.plan.pk}/{path}").status_code == 403


def test_the_import_done_page_leads_to_the_cascade_page(world, client_for):
    # Item 2's entry point from plan import (the page of kesu.plan_import, linking by URL name only).
    from django.urls import reverse

    page = client_for("office").get(reverse("plan_import:done", args=[world.plan.pk])).content.decode()
    assert f'href="{reverse("cascade:plan_links", kwargs={"plan_id": world.plan.pk})}"' in page
    assert "生成与上级方案/国家纲要的对应建议" in page
