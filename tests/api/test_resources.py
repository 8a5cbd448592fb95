"""The 科普资源 endpoints: registries in scope with the pages' filters, personal data masked by role,
creation through kesu.resources.services with its refusals, and an outreach base taken through its
lifecycle (kesu.resources.lifecycle) with the refusals' statuses."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import make_user

from kesu.org.models import Role
from kesu.resources import services
from kesu.resources.kinds import KINDS
from kesu.resources.models import ApplicationStatus, BaseStatus, Expert, OutreachBase

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ID_NUMBER = "371083198001011234"


def expert(world, name, *, region=None, **values):
    return services.save_record(
        actor=None, kind="expert", values={"name": name, "region": region or world.county, **values},
    )


def base_body(**overrides):
    return {
        "name": "乳山市青少年科技馆", "region": "371083", "host_organisation": "乳山市教育和体育局",
        "exhibition_area": 1200.5, "annual_visitors": 30000, "open_days": 300, "category": "venue",
        "contact_phone": PHONE, **overrides,
    }


def items(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


# --- registries ----------------------------------------------------------------------------------


def test_lists_are_in_scope_filtered_and_paged(world, api_as):
    expert(world, "张应急", is_emergency=True)
    expert(world, "李农技")
    expert(world, "王停用", is_active=False)
    expert(world, "徐州专家", region=world.other_city)
    office = api_as("office")
    page = office.get("/api/resources/expert").json()
    assert page["count"] == 3
    assert page["items"][0].keys() >= {"id", "name", "kind", "region", "region_name", "status"}
    assert {item["kind"] for item in page["items"]} == {"expert"}
    assert items(office.get("/api/resources/expert", emergency="true")) == ["张应急"]
    assert items(office.get("/api/resources/expert", status="inactive")) == ["王停用"]
    assert items(office.get("/api/resources/expert", q="农技")) == ["李农技"]
    assert items(api_as("city_office").get("/api/resources/expert", region="371083", status="active")) == [
        "张应急", "李农技",
    ]
    paged = office.get("/api/resources/expert", limit=2, offset=2).json()
    assert paged["count"] == 3 and len(paged["items"]) == 1
    assert items(api_as("other_office").get("/api/resources/expert")) == ["徐州专家"]
    assert office.get("/api/resources/expert", status="bogus").status_code == 400


def test_base_list_gives_level_and_status_and_filters_on_them(world, api_as):
    office = api_as("office")
    assert office.post("/api/resources/base", base_body()).status_code == 201
    assert office.post("/api/resources/base", base_body(name="乳山市气象科普馆")).status_code == 201
    recognised = OutreachBase.objects.get(name="乳山市气象科普馆")
    from kesu.resources import lifecycle

    lifecycle.record_recognition(actor=None, base=recognised, level="county", year=2023, plaque_number="RS-01")
    listed = {item["name"]: item for item in office.get("/api/resources/base").json()["items"]}
    assert listed["乳山市气象科普馆"]["level"] == "county"
    assert listed["乳山市气象科普馆"]["status"] == BaseStatus.RECOGNISED
    assert listed["乳山市青少年科技馆"]["level"] is None
    assert items(office.get("/api/resources/base", standing="1")) == ["乳山市气象科普馆"]
    assert items(office.get("/api/resources/base", status="candidate")) == ["乳山市青少年科技馆"]
    assert items(office.get("/api/resources/base", level="county")) == ["乳山市气象科普馆"]


def test_detail_shows_personal_data_to_office_admins_only(world, api_as):
    record = expert(world, "张应急", phone=PHONE, id_number=ID_NUMBER, title="主任医师")
    services.save_record(actor=None, kind="expert", instance=record, values={}, tags=["医疗健康", "应急避险"])
    url = f"/api/resources/expert/{record.pk}"
    whole = api_as("office").get(url).json()
    assert whole["phone"] == PHONE and whole["id_number"] == ID_NUMBER
    assert whole["title"] == "主任医师" and whole["tags"] == ["医疗健康", "应急避险"]
    for role in ("leader", "statistician"):
        masked = api_as(role).get(url).json()
        assert masked["phone"] == "138****5678"
        assert masked["id_number"] == "3710**********1234"
    assert api_as("other_office").get(url).status_code == 404
    assert api_as("edu").get(url).status_code == 404


def test_create_names_the_field_it_refuses(world, api_as):
    office = api_as("office")
    created = office.post("/api/resources/expert", {
        "name": "张应急", "region": "371083", "tags": ["医疗健康"], "is_emergency": True, "availability": "limited",
        "phone": PHONE,
    })
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tags"] == ["医疗健康"] and body["availability"] == "limited" and body["phone"] == PHONE
    assert Expert.objects.get(pk=body["id"]).is_emergency

    duplicate = office.post("/api/resources/expert", {"name": "张应急", "region": "371083"})
    assert duplicate.status_code == 409
    assert "已登记" in duplicate.json()["detail"] and duplicate.json()["field"] == "name"

    unknown_tag = office.post("/api/resources/expert", {"name": "李四", "region": "371083", "tags": ["占星"]})
    assert unknown_tag.status_code == 400 and unknown_tag.json()["field"] == "tags"
    assert "占星" in unknown_tag.json()["detail"]

    no_region = office.post("/api/resources/expert", {"name": "李四", "region": "999999"})
    assert no_region.status_code == 400 and no_region.json()["field"] == "region"

    too_many = office.post("/api/resources/base", base_body(open_days=400))
    assert too_many.status_code == 400 and "开放天数" in too_many.json()["detail"]

    other_team = services.save_record(actor=None, kind="team", values={"name": "徐州队", "region": world.other_city})
    hidden_team = office.post("/api/resources/volunteer", {"name": "赵六", "region": "371083", "team_id": other_team.pk})
    assert hidden_team.status_code == 400 and hidden_team.json()["field"] == "team_id"

    assert api_as("leader").post("/api/resources/expert", {"name": "王五", "region": "371083"}).status_code == 403
    assert api_as("office").post("/api/resources/expert", {"name": "王五", "region": "320300"}).status_code == 403
    assert Expert.objects.filter(name__in=["李四", "王五"]).count() == 0


def test_unit_reporters_record_their_own_activities_and_bases(world, api_as):
    edu = api_as("edu")
    activity = edu.post("/api/resources/activity", {
        "name": "2024年全国科普日乳山主场活动", "region": "371083", "activity_kind": "science_day",
        "start_date": "2024-09-20", "participants": 1500, "audiences": ["youth", "public"],
        "task_ids": [world.tasks[1].pk],
    })
    assert activity.status_code == 201, activity.content
    body = activity.json()
    assert body["organiser_id"] == world.units["市教育和体育局"].pk
    assert body["organiser_name"] == "市教育和体育局"
    assert body["end_date"] == "2024-09-20" and body["year"] == 2024
    assert body["audiences"] == ["youth", "public"] and body["task_ids"] == [world.tasks[1].pk]
    assert items(edu.get("/api/resources/activity", year=2024, kind="science_day")) == ["2024年全国科普日乳山主场活动"]
    assert items(edu.get("/api/resources/activity", year=2023)) == []

    others = edu.post("/api/resources/activity", {
        "name": "别人的活动", "region": "371083", "activity_kind": "lecture", "start_date": "2024-05-01",
        "organiser_id": world.units["市科协"].pk,
    })
    assert others.status_code == 403

    base = edu.post("/api/resources/base", base_body())
    assert base.status_code == 201, base.content
    assert base.json()["applicant_unit_id"] == world.units["市教育和体育局"].pk
    # A unit reporter is not an office admin: the base's contact phone comes back masked.
    assert base.json()["contact_phone"] == "138****5678"
    assert items(api_as("agri").get("/api/resources/base")) == []


# --- the base lifecycle --------------------------------------------------------------------------


@pytest.fixture
def review(world, api_as):
    """A candidate base applied for by 市教育和体育局, and an expert with a login in 乳山."""
    base_id = api_as("edu").post("/api/resources/base", base_body()).json()["id"]
    login = make_user("expert_zhang", Role.EXPERT, region=world.county)
    world.users["expert_zhang"] = login
    panel_expert = expert(world, "张评审", user_id=login.pk)
    return base_id, panel_expert


def test_a_base_goes_from_application_to_re_examination(world, api_as, review):
    base_id, panel_expert = review
    edu, office, scorer = api_as("edu"), api_as("office"), api_as("expert_zhang")

    applied = edu.post(f"/api/resources/base/{base_id}/applications", {"level": "county", "year": 2024})
    assert applied.status_code == 201, applied.content
    application = applied.json()
    assert application["status"] == ApplicationStatus.APPLIED and application["base_status"] == "candidate"
    url = f"/api/resources/applications/{application['id']}"

    returned = office.post(f"{url}/screen", {"passed": False, "comment": "请补充场馆照片"})
    assert returned.json()["status"] == ApplicationStatus.RETURNED
    assert edu.post(f"{url}/resubmit").json()["status"] == ApplicationStatus.APPLIED
    assert office.post(f"{url}/screen", {"passed": True}).json()["status"] == ApplicationStatus.SCREENED

    panel = office.post(f"{url}/panel", {"expert_ids": [panel_expert.pk]})
    assert panel.status_code == 200, panel.content
    assert panel.json()["status"] == ApplicationStatus.UNDER_REVIEW
    assert [a["expert_name"] for a in panel.json()["assignments"]] == ["张评审"]
    assert edu.get(url).json()["assignments"] == []  # the applicant does not see the panel

    mine = scorer.get("/api/resources/assignments").json()
    assert mine["count"] == 1 and mine["items"][0]["submitted_at"] is None
    criteria = scorer.get(url).json()["criteria"]
    assert len(criteria) == 5
    scored = scorer.post(f"/api/resources/assignments/{mine['items'][0]['id']}/scores", {
        "scores": [{"criterion_id": c["id"], "score": c["max_score"] * 0.8} for c in criteria], "comment": "良好",
    })
    assert scored.status_code == 200, scored.content
    assert scored.json()["submitted_at"] is not None and len(scored.json()["scores"]) == 5
    assert office.get(url).json()["panel_score"] == pytest.approx(80.0)
    assert scorer.get(url).json()["panel_score"] is None

    recognised = office.post(f"{url}/recognise", {"plaque_number": "RS-2024-01"})
    assert recognised.status_code == 200, recognised.content
    assert recognised.json()["status"] == ApplicationStatus.RECOGNISED
    detail = office.get(f"/api/resources/base/{base_id}").json()
    assert (detail["status"], detail["level"], detail["plaque_number"]) == ("recognised", "county", "RS-2024-01")
    assert detail["recognised_year"] == 2024 and detail["applications"][0]["status"] == "recognised"

    report = edu.post(f"/api/resources/base/{base_id}/annual-reports",
                      {"year": 2024, "visitors": 32000, "activities": 40, "open_days": 310})
    assert report.status_code == 201 and report.json()["visitors"] == 32000

    rectify = office.post(f"/api/resources/base/{base_id}/re-examinations", {
        "year": 2025, "outcome": "rectify", "comment": "讲解员不足", "rectify_by": "2025-12-31",
    })
    assert rectify.status_code == 201, rectify.content
    assert rectify.json()["base_status"] == BaseStatus.RECTIFYING
    detail = office.get(f"/api/resources/base/{base_id}").json()
    assert detail["rectify_by"] == "2025-12-31" and detail["annual_reports"][0]["year"] == 2024
    assert [done["outcome"] for done in detail["re_examinations"]] == ["rectify"]


def test_lifecycle_refusals_have_their_statuses(world, api_as, review):
    base_id, panel_expert = review
    edu, office = api_as("edu"), api_as("office")
    application = edu.post(f"/api/resources/base/{base_id}/applications", {"level": "county"}).json()
    assert application["year"] == datetime.date.today().year
    url = f"/api/resources/applications/{application['id']}"

    again = edu.post(f"/api/resources/base/{base_id}/applications", {"level": "county"})
    assert again.status_code == 409 and "正在办理" in again.json()["detail"]

    # Out of order: a panel before screening, a resubmission of what was never returned.
    early = office.post(f"{url}/panel", {"expert_ids": [panel_expert.pk]})
    assert early.status_code == 409
    assert early.json()["detail"] == "申报当前为“已申报”，不能安排专家评审（应为：初审通过、专家评审中）"
    assert edu.post(f"{url}/resubmit").status_code == 409

    # Wrong role: a leader cannot screen, an applicant cannot screen its own application.
    assert api_as("leader").post(f"{url}/screen", {"passed": True}).status_code == 403
    assert edu.post(f"{url}/screen", {"passed": True}).status_code == 403
    # Another region's office does not see the application at all.
    assert api_as("other_office").post(f"{url}/screen", {"passed": True}).status_code == 404
    assert api_as("other_office").get(url).status_code == 404
    assert api_as("agri").post(f"/api/resources/base/{base_id}/applications", {"level": "county"}).status_code == 404

    assert office.post(f"{url}/screen", {"passed": False}).status_code == 409  # a return needs a reason
    assert office.post(f"{url}/screen", {"passed": True}).status_code == 200
    twice = office.post(f"{url}/screen", {"passed": True})
    assert twice.status_code == 409 and "初审通过" in twice.json()["detail"]

    # 县级 bases are recognised by the county office: the city office above it may not hold the panel.
    assert api_as("city_office").post(f"{url}/panel", {"expert_ids": [panel_expert.pk]}).status_code == 403
    unknown = office.post(f"{url}/panel", {"expert_ids": [panel_expert.pk + 999]})
    assert unknown.status_code == 400 and unknown.json()["field"] == "expert_ids"
    assert office.post(f"{url}/panel", {"expert_ids": [panel_expert.pk]}).status_code == 200

    pending = office.post(f"{url}/recognise", {"plaque_number": "RS-1"})
    assert pending.status_code == 409 and "张评审" in pending.json()["detail"]
    assignment = api_as("expert_zhang").get("/api/resources/assignments").json()["items"][0]["id"]
    assert api_as("leader").post(f"/api/resources/assignments/{assignment}/scores", {"scores": []}).status_code == 404
    incomplete = api_as("expert_zhang").post(f"/api/resources/assignments/{assignment}/scores", {"scores": []})
    assert incomplete.status_code == 409 and "未评分" in incomplete.json()["detail"]

    not_standing = office.post(f"/api/resources/base/{base_id}/re-examinations", {"outcome": "passed"})
    assert not_standing.status_code == 409 and "尚未认定" in not_standing.json()["detail"]
    assert office.post(f"{url}/decline", {"comment": "展教面积不实"}).json()["status"] == ApplicationStatus.DECLINED


# --- the document and the query budget -----------------------------------------------------------


def test_resources_endpoints_are_in_the_openapi_document(world, api_as):
    document = api_as(None).get("/api/openapi.json").json()
    paths = document["paths"]
    for kind in KINDS:
        assert {"get", "post"} <= set(paths[f"/api/resources/{kind.code}"])
        assert "get" in paths[f"/api/resources/{kind.code}/{{{kind.code}_id}}"]
    assert {
        "/api/resources/base/{base_id}/applications", "/api/resources/applications/{application_id}/screen",
        "/api/resources/applications/{application_id}/resubmit", "/api/resources/applications/{application_id}/panel",
        "/api/resources/applications/{application_id}/recognise", "/api/resources/applications/{application_id}/decline",
        "/api/resources/assignments/{assignment_id}/scores", "/api/resources/base/{base_id}/annual-reports",
        "/api/resources/base/{base_id}/re-examinations",
    } <= set(paths)
    schemas = document["components"]["schemas"]
    assert schemas["ResourceBaseIn"]["properties"]["open_days"]["description"].startswith("年开放天数")
    assert "level" not in schemas["ResourceBaseIn"]["properties"]  # only the lifecycle recognises
    assert "个人信息" in schemas["ResourceExpertOut"]["properties"]["phone"]["description"]


def grow(world, batch: str, count: int) -> None:
    team = services.save_record(actor=None, kind="team", values={"name": f"队伍{batch}", "region": world.county})
    for index in range(count):
        name = f"{batch}{index}"
        expert(world, f"专家{name}", is_emergency=True)
        services.save_record(actor=None, kind="volunteer", values={"name": f"志愿者{name}", "region": world.county,
                                                                      "team_id": team.pk})
        services.save_record(actor=None, kind="activity", values={
            "name": f"活动{name}", "region": world.county, "kind": "lecture",
            "start_date": datetime.date(2024, 3, 1), "end_date": datetime.date(2024, 3, 1),
            "organiser_id": world.units["市科协"].pk,
        })
        services.save_record(actor=None, kind="base", values={
            "name": f"基地{name}", "region": world.county, "host_organisation": "市科协", "exhibition_area": 100,
            "annual_visitors": 1000, "open_days": 200,
        })


@pytest.mark.parametrize("kind", [kind.code for kind in KINDS])
def test_list_query_count_does_not_grow_with_rows(world, api_as, kind):
    client = api_as("office")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/resources/{kind}", limit=200)
        assert response.status_code == 200, response.content
        return len(captured)

    grow(world, "a", 2)
    few = queries()
    grow(world, "b", 12)
    many = queries()
    # The first request also stamps the token's last use, hence <= rather than ==.
    assert many <= few <= 4, f"{kind}: {few} queries with few rows, {many} with many"
