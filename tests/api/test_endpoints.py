import re

import pytest

from kesu.progress.models import ProgressReport, ReportStatus

pytestmark = pytest.mark.django_db


def draft_body(world, **overrides):
    task = world.tasks[1]  # 加强科技辅导员队伍建设: 市教育和体育局 leads, one target
    body = {
        "task_id": task.pk,
        "period_id": world.periods[0].pk,
        "expected_revision": 0,
        "narrative": "上半年培训科技辅导员120人次。",
        "self_assessment": "on_track",
        "figures": [{"target_id": task.targets.get().pk, "value": 120, "note": "两期培训班"}],
    }
    body.update(overrides)
    return body


def test_plans_are_listed_in_scope_with_pagination(world, api_as):
    office = api_as("office").get("/api/plans")
    assert office.status_code == 200
    assert office.json()["count"] == 1
    assert office.json()["items"][0]["doc_number"] == "乳政发〔2022〕6号"
    assert office.json()["items"][0]["region"]["code"] == "371083"
    other = api_as("other_office").get("/api/plans").json()
    assert [plan["title"] for plan in other["items"]] == ["徐州市全民科学素质行动规划实施方案"]
    paged = api_as("city_office").get("/api/plans", limit=1, offset=1).json()
    assert paged["count"] == 1 and paged["items"] == []


def test_plan_detail_has_sections_and_periods_and_hides_other_regions(world, api_as):
    detail = api_as("leader").get(f"/api/plans/{world.plan.pk}").json()
    assert detail["task_count"] == 3
    assert {section["title"] for section in detail["sections"]} >= {"青少年科学素质提升行动", "农民科学素质提升行动"}
    assert [period["label"] for period in detail["periods"]] == ["2024年上半年", "2024年下半年"]
    hidden = api_as("other_office").get(f"/api/plans/{world.plan.pk}")
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": "对象不存在或无权查看 / not found"}


def test_plan_tasks_filter_by_unit_and_group_and_reporter_sees_own_tasks_only(world, api_as):
    url = f"/api/plans/{world.plan.pk}/tasks"
    office = api_as("office")
    assert [task["code"] for task in office.get(url).json()["items"]] == ["3.1.1", "3.1.2", "3.2.1"]
    agri_unit = world.units["市农业农村局"].pk
    assert [task["code"] for task in office.get(url, unit=agri_unit).json()["items"]] == ["3.2.1"]
    youth_group = world.tasks[0].group_id
    assert [task["code"] for task in office.get(url, group=youth_group).json()["items"]] == ["3.1.1", "3.1.2"]
    first = office.get(url).json()["items"][0]
    assert {(unit["unit_name"], unit["role"]) for unit in first["units"]} == {
        ("市教育和体育局", "lead"), ("市科协", "lead"),
    }
    assert [task["code"] for task in api_as("agri").get(url).json()["items"]] == ["3.2.1"]
    assert api_as("other_reporter").get(url).status_code == 404


def test_task_detail_has_targets_units_and_latest_reports(world, api_as):
    edu = api_as("edu")
    assert edu.post("/api/reports", draft_body(world)).status_code == 201
    detail = edu.get(f"/api/tasks/{world.tasks[1].pk}").json()
    assert detail["targets"][0]["value"] == 200.0 and detail["targets"][0]["unit"] == "人次"
    assert [report["period_label"] for report in detail["latest_reports"]] == ["2024年上半年"]
    assert {unit["unit_name"] for unit in detail["units"]} == {"市教育和体育局", "团市委"}
    assert api_as("agri").get(f"/api/tasks/{world.tasks[1].pk}").status_code == 404


def test_units_in_scope(world, api_as):
    assert [unit["name"] for unit in api_as("edu").get("/api/units").json()["items"]] == ["市教育和体育局"]
    assert api_as("office").get("/api/units").json()["count"] == 4
    other_unit = api_as("other_reporter").get("/api/units").json()["items"][0]["id"]
    assert api_as("office").get(f"/api/units/{other_unit}").status_code == 404
    edu_unit = api_as("edu").get(f"/api/units/{world.units['市教育和体育局'].pk}").json()
    assert edu_unit["task_count"] == 2


def test_draft_create_update_submit_and_review_round_trip(world, api_as):
    edu, office = api_as("edu"), api_as("office")
    created = edu.post("/api/reports", draft_body(world))
    assert created.status_code == 201, created.json()
    report = created.json()
    assert report["status"] == "draft" and report["figures"][0]["value"] == 120.0

    updated = edu.post("/api/reports", draft_body(world, expected_revision=report["revision"], narrative="已培训150人次。",
                                                  figures=[]))
    assert updated.status_code == 200
    assert updated.json()["narrative"] == "已培训150人次。" and updated.json()["figures"] == []

    stale = edu.post("/api/reports", draft_body(world, expected_revision=report["revision"]))
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]

    report_id, revision = report["id"], updated.json()["revision"]
    submitted = edu.post(f"/api/reports/{report_id}/submit", {"expected_revision": revision})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = edu.post(f"/api/reports/{report_id}/submit", {"expected_revision": submitted.json()["revision"]})
    assert again.status_code == 409

    revision = submitted.json()["revision"]
    assert office.post(f"/api/reports/{report_id}/return", {"expected_revision": revision}).status_code == 400
    assert office.post(f"/api/reports/{report_id}/accept", {"expected_revision": revision - 1}).status_code == 409
    returned = office.post(f"/api/reports/{report_id}/return",
                           {"expected_revision": revision, "comment": "请补充培训名单"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert [event["kind"] for event in returned.json()["events"]] == ["submit", "return"]

    resubmitted = edu.post(f"/api/reports/{report_id}/submit", {"expected_revision": returned.json()["revision"]})
    accepted = office.post(f"/api/reports/{report_id}/accept",
                           {"expected_revision": resubmitted.json()["revision"], "comment": ""})
    assert accepted.status_code == 200
    assert ProgressReport.objects.get(pk=report_id).status == ReportStatus.ACCEPTED


def test_writes_are_refused_by_role_and_scope(world, api_as):
    edu = api_as("edu")
    report = edu.post("/api/reports", draft_body(world)).json()
    submit_url = f"/api/reports/{report['id']}/submit"
    revision = {"expected_revision": report["revision"]}
    assert api_as("leader").post("/api/reports", draft_body(world)).status_code == 403
    assert api_as("office").post(submit_url, revision).status_code == 403
    assert api_as("leader").post(submit_url, revision).status_code == 403
    # Another unit's reporter and another region's office do not even learn that the report exists.
    assert api_as("agri").post(submit_url, revision).status_code == 404
    assert api_as("other_office").post(f"/api/reports/{report['id']}/accept", revision).status_code == 404
    assert api_as("agri").post("/api/reports", draft_body(world)).status_code == 404
    assert edu.post(f"/api/reports/{report['id']}/accept", revision).status_code == 403
    assert ProgressReport.objects.get(pk=report["id"]).status == ReportStatus.DRAFT


def test_bad_input_is_400_with_a_detail_naming_the_problem(world, api_as):
    edu = api_as("edu")
    missing_field = edu.post("/api/reports", {"task_id": world.tasks[1].pk})
    assert missing_field.status_code == 400
    assert "period_id" in missing_field.json()["detail"]
    absurd = edu.post("/api/reports", draft_body(world, figures=[
        {"target_id": world.tasks[1].targets.get().pk, "value": 200000}
    ]))
    assert absurd.status_code == 400 and "超出合理范围" in absurd.json()["detail"]
    wrong_period = edu.post("/api/reports", draft_body(world, period_id=999999))
    assert wrong_period.status_code == 404


def test_report_list_filters_and_scope(world, api_as):
    edu = api_as("edu")
    edu.post("/api/reports", draft_body(world))
    edu.post("/api/reports", draft_body(world, period_id=world.periods[1].pk))
    office = api_as("office")
    assert office.get("/api/reports").json()["count"] == 2
    assert office.get("/api/reports", period=world.periods[1].pk).json()["count"] == 1
    assert office.get("/api/reports", status="submitted").json()["count"] == 0
    assert office.get("/api/reports", status="bogus").status_code == 400
    assert api_as("agri").get("/api/reports").json()["count"] == 0
    assert api_as("leader").get("/api/reports", plan=world.plan.pk).json()["count"] == 2


def test_openapi_document_is_described_in_chinese(world, api_as):
    response = api_as(None).get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    assert {"/api/plans", "/api/plans/{plan_id}/tasks", "/api/reports/{report_id}/submit"} <= set(paths)
    properties = document["components"]["schemas"]["ReportOut"]["properties"]
    assert properties["revision"]["description"].startswith("修订号")
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_docs_page_loads_nothing_from_outside(world, api_as):
    page = api_as(None).get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert re.findall(r"""(?:src|href)=["']?(https?:)?//""", html) == []
    assert "cdn" not in html.lower()
