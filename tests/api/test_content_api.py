"""The 科普内容 endpoints: content from draft through scientific review to publication and targeted
push, rumours and their rebuttals, emergency events with their timeline and after-action report. Scope
is the pages' (another region's objects and another unit's push recipients are 404), writes go through
the kesu.content services (leaders 403) and their refusals come back as 400 naming the field."""

import datetime
import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.api.conftest import ApiClient
from tests.content.conftest import approved_item, experts, messengers  # noqa: F401 - fixtures used by these tests

from kesu.api.tokens import create_token
from kesu.content.models import (
    ContentItem,
    ContentStatus,
    EmergencyStatus,
    Publication,
    PushRecipient,
    Rumour,
    RumourStatus,
)
from kesu.org.models import Region, RegionLevel, Unit, User

pytestmark = pytest.mark.django_db


def as_user(username: str) -> ApiClient:
    _, raw_token = create_token(user=User.objects.get(username=username), name="test")
    return ApiClient(raw_token)


def patch(api: ApiClient, path: str, body: dict):
    return api.client.patch(path, body, content_type="application/json", headers=api.headers)


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def refused(response, status=400) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


DRAFT = {
    "title": "玉米秸秆还田技术要点", "topics": ["agriculture"], "audiences": ["farmers"], "summary": "秸秆还田三步走",
    "body_html": "<p>粉碎、深翻、补氮。</p><script>alert(1)</script>", "broadcast_text": "秸秆还田，深翻补氮。",
}


# --- content and review -------------------------------------------------------------------------------


def test_content_goes_from_draft_through_review_by_the_api(world, experts):  # noqa: F811
    office = as_user("office")
    created = ok(office.post("/api/content", DRAFT), 201)
    content_id = created["id"]
    assert created["status"] == ContentStatus.DRAFT
    assert (created["current_version"], created["approved_version"]) == (1, None)
    assert created["region"] == "371083" and created["topics"] == ["agriculture"]
    assert created["audiences"] == ["farmers"] and "<script>" not in created["body_html"]
    assert created["is_current"] is False

    revised = ok(patch(office, f"/api/content/{content_id}", {"body_html": "<p>粉碎、深翻、补氮、镇压。</p>",
                                                                 "note": "补充镇压"}))
    assert revised["current_version"] == 2 and "镇压" in revised["body_html"]
    metadata_only = ok(patch(office, f"/api/content/{content_id}", {"expires_on": "2099-12-31"}))
    assert metadata_only["current_version"] == 2 and metadata_only["expires_on"] == "2099-12-31"
    versions = ok(office.get(f"/api/content/{content_id}/versions"))
    assert [(v["number"], v["note"]) for v in versions] == [(1, "初稿"), (2, "补充镇压")]

    submitted = ok(office.post(f"/api/content/{content_id}/submit"))
    assert submitted["status"] == ContentStatus.UNDER_REVIEW
    [round_] = ok(office.get(f"/api/content/{content_id}/reviews"))
    assert (round_["version"], round_["required"], round_["status"]) == (2, 1, "open")
    [review] = round_["reviews"]
    assert (review["expert_name"], review["verdict"]) == ("孙农技", "pending")

    verdict_path = f"/api/content/{content_id}/reviews/{review['id']}/verdict"
    # Only the assigned expert decides: the office is refused, another expert does not even see the item.
    assert refused(office.post(verdict_path, {"verdict": "approve"}), 403)["detail"]
    refused(as_user("doctor").post(verdict_path, {"verdict": "approve"}), 404)
    farm = as_user("farm")
    missing_comment = refused(farm.post(verdict_path, {"verdict": "revise"}))
    assert missing_comment["field"] == "comments" and "审查意见" in missing_comment["detail"]
    [decided] = ok(farm.post(verdict_path, {"verdict": "approve", "comments": "科学准确"}))
    assert decided["status"] == "approved" and decided["reviews"][0]["verdict"] == "approve"

    detail = ok(office.get(f"/api/content/{content_id}"))
    assert (detail["status"], detail["current_version"], detail["approved_version"]) == ("approved", 2, 2)
    assert detail["is_current"] is True
    listed = ok(office.get("/api/content", topic="agriculture", status="approved", q="秸秆"))
    assert [item["id"] for item in listed["items"]] == [content_id]
    assert ok(office.get("/api/content", audience="youth"))["count"] == 0
    assert ok(as_user("city_office").get("/api/content", region="371083"))["count"] == 1

    withdrawn = ok(office.post(f"/api/content/{content_id}/withdraw", {"reason": "技术规程已更新"}))
    assert withdrawn["status"] == ContentStatus.WITHDRAWN and withdrawn["is_current"] is False


def test_lists_are_scoped_and_paged(world, approved_item):  # noqa: F811
    for number in range(3):
        approved_item(f"防溺水第{number}讲")
    approved_item("徐州科普", region=world.other_city)
    page = ok(as_user("office").get("/api/content", limit=2, offset=1))
    assert page["count"] == 3 and len(page["items"]) == 2
    assert [item["title"] for item in ok(as_user("other_office").get("/api/content"))["items"]] == ["徐州科普"]
    # A unit sees only what its unit offered or was sent.
    assert ok(as_user("agri").get("/api/content"))["count"] == 0
    refused(as_user("office").get("/api/content", status="bogus"))
    unknown_region = refused(as_user("office").get("/api/content", region="999999"))
    assert unknown_region["field"] == "region" and "999999" in unknown_region["detail"]


def test_a_unit_reporter_offers_content_of_its_unit(world):
    edu = as_user("edu")
    created = ok(edu.post("/api/content", {**DRAFT, "title": "中小学生实验安全"}), 201)
    assert created["source"] == "unit" and created["source_unit_id"] == world.units["市教育和体育局"].pk
    assert ok(edu.get(f"/api/content/{created['id']}"))["title"] == "中小学生实验安全"
    refused(as_user("agri").get(f"/api/content/{created['id']}"), 404)
    other_unit = refused(edu.post("/api/content", {**DRAFT, "source": "unit",
                                                     "source_unit_id": world.units["市农业农村局"].pk}))
    assert other_unit["field"] == "source_unit_id" and "本单位" in other_unit["detail"]


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(world):
    office = as_user("office")
    too_long = refused(office.post("/api/content", {**DRAFT, "broadcast_text": "请注意防范" * 15}))
    assert too_long["field"] == "broadcast_text" and "不能超过 70 个字" in too_long["detail"]
    unknown_topic = refused(office.post("/api/content", {**DRAFT, "topics": ["astrology"]}))
    assert unknown_topic["field"] == "topics" and "astrology" in unknown_topic["detail"]
    # Files are uploaded on the pages only: a poster made here has none and is refused.
    poster = refused(office.post("/api/content", {**DRAFT, "kind": "poster"}))
    assert poster["field"] == "kind" and "上传文件" in poster["detail"]
    refused(office.post("/api/content", {"title": "缺主题"}))
    assert not ContentItem.objects.exists()


# --- scope and roles ----------------------------------------------------------------------------------


def test_another_regions_objects_are_missing(world, approved_item):  # noqa: F811
    item = approved_item()
    office = as_user("office")
    rumour = ok(office.post("/api/rumours", {"claim": "喝白酒能预防流感", "topic": "health",
                                             "first_seen": "2026-11-01"}), 201)
    event = ok(as_user("city_office").post("/api/emergencies", {
        "region": "371083", "event_type": "flood", "title": "乳山市暴雨洪涝", "level": "3",
        "affected_regions": ["371083"]}), 201)
    other = as_user("other_office")
    for path in (f"/api/content/{item.pk}", f"/api/content/{item.pk}/versions", f"/api/content/{item.pk}/reviews",
                 f"/api/content/{item.pk}/publications", f"/api/rumours/{rumour['id']}",
                 f"/api/emergencies/{event['id']}", f"/api/emergencies/{event['id']}/after-action.docx"):
        assert other.get(path).status_code == 404, path
    for path, body in (
        (f"/api/content/{item.pk}/withdraw", {"reason": "越权"}),
        (f"/api/content/{item.pk}/publications", {"channel": "wechat", "region": "320300"}),
        (f"/api/content/{item.pk}/pushes", {"regions": ["320300"]}),
        (f"/api/rumours/{rumour['id']}/close", {"note": "越权"}),
        (f"/api/emergencies/{event['id']}/notes", {"text": "越权"}),
        (f"/api/emergencies/{event['id']}/close", {}),
    ):
        assert other.post(path, body).status_code == 404, path
    assert patch(other, f"/api/content/{item.pk}", {"title": "越权"}).status_code == 404
    assert ContentItem.objects.get().status == ContentStatus.APPROVED
    assert not Publication.objects.exists()


def test_leaders_read_but_never_write(world, approved_item):  # noqa: F811
    item = approved_item()
    rumour = as_user("office").post("/api/rumours", {"claim": "喝白酒能预防流感", "topic": "health",
                                                     "first_seen": "2026-11-01"}).json()
    leader = as_user("leader")
    assert ok(leader.get(f"/api/content/{item.pk}"))["title"] == item.title
    assert ok(leader.get(f"/api/rumours/{rumour['id']}"))["claim"] == "喝白酒能预防流感"
    for path, body in (
        ("/api/content", DRAFT),
        (f"/api/content/{item.pk}/withdraw", {"reason": "领导"}),
        (f"/api/content/{item.pk}/publications", {"channel": "wechat"}),
        (f"/api/content/{item.pk}/pushes", {"audiences": ["youth"]}),
        ("/api/rumours", {"claim": "谣言", "topic": "health", "first_seen": "2026-11-01"}),
        (f"/api/rumours/{rumour['id']}/rebuttal", {"title": "辟谣", "body_html": "<p>不能</p>"}),
        (f"/api/rumours/{rumour['id']}/close", {"note": "领导"}),
        ("/api/emergencies", {"event_type": "flood", "title": "洪涝", "affected_regions": ["371083"]}),
    ):
        response = leader.post(path, body)
        assert response.status_code == 403, (path, response.content.decode())
        assert response.json()["detail"]
    assert patch(leader, f"/api/content/{item.pk}", {"title": "领导改"}).status_code == 403
    assert ContentItem.objects.count() == 1 and Rumour.objects.count() == 1


# --- publication and push -----------------------------------------------------------------------------


def test_publication_and_push_with_acknowledgement_and_reach(world, approved_item):  # noqa: F811
    item = approved_item(broadcast_text="汛期不下河，安全记心头。")
    office = as_user("office")
    published = ok(office.post(f"/api/content/{item.pk}/publications",
                               {"channel": "broadcast", "reach": 1200, "note": "乡镇广播"}), 201)
    assert (published["channel"], published["region"], published["reach"], published["version"]) == (
        "broadcast", "371083", 1200, 1)
    edu_unit, agri_unit = world.units["市教育和体育局"], world.units["市农业农村局"]
    push = ok(office.post(f"/api/content/{item.pk}/pushes",
                          {"unit_ids": [edu_unit.pk, agri_unit.pk], "message": "请转发至各学校"}), 201)
    assert {row["unit_name"] for row in push["recipients"]} == {"市教育和体育局", "市农业农村局"}
    assert push["regions"] == ["371083"] and push["acknowledged"] == 0
    channels = [row["channel"] for row in ok(office.get(f"/api/content/{item.pk}/publications"))]
    assert channels == ["push", "broadcast"]

    edu = as_user("edu")
    mine = ok(edu.get(f"/api/content/pushes/{push['id']}"))
    [own] = mine["recipients"]  # a unit does not learn who else was sent the item
    assert own["unit_id"] == edu_unit.pk and "token" not in own
    theirs = PushRecipient.objects.get(push_id=push["id"], unit=agri_unit)
    refused(edu.post(f"/api/content/pushes/recipients/{theirs.pk}/acknowledge"), 404)
    refused(edu.post(f"/api/content/pushes/recipients/{theirs.pk}/reach", {"reach": 5}), 404)
    # The office sees the unit's recipient but answers only for messengers.
    refused(office.post(f"/api/content/pushes/recipients/{own['id']}/acknowledge"), 403)

    assert ok(edu.post(f"/api/content/pushes/recipients/{own['id']}/acknowledge"))["acknowledged_at"]
    negative = refused(edu.post(f"/api/content/pushes/recipients/{own['id']}/reach", {"reach": -3}))
    assert negative["field"] == "reach" and "负数" in negative["detail"]
    reported = ok(edu.post(f"/api/content/pushes/recipients/{own['id']}/reach", {"reach": 850, "note": "12所学校"}))
    assert (reported["reach"], reported["reach_note"]) == (850, "12所学校")
    totals = ok(office.get(f"/api/content/pushes/{push['id']}"))
    assert (totals["acknowledged"], totals["reach"], len(totals["recipients"])) == (1, 850, 2)
    assert len(ok(as_user("agri").get(f"/api/content/pushes/{push['id']}"))["recipients"]) == 1
    refused(as_user("other_office").get(f"/api/content/pushes/{push['id']}"), 404)


def test_push_recipients_are_proposed_when_not_given(world, approved_item):  # noqa: F811
    item = approved_item(audiences=("youth",))
    push = ok(as_user("office").post(f"/api/content/{item.pk}/pushes", {"audiences": ["youth"]}), 201)
    units = {row["unit_name"] for row in push["recipients"]}
    # The plan's 青少年 action names 市教育和体育局 as a lead unit.
    assert "市教育和体育局" in units and "市农业农村局" not in units
    assert push["audiences"] == ["youth"] and all(row["reason"] for row in push["recipients"])


def test_the_office_answers_for_messengers(world, approved_item, messengers):  # noqa: F811
    item = approved_item()
    office = as_user("office")
    push = ok(office.post(f"/api/content/{item.pk}/pushes", {"messenger_ids": [messengers[0].pk]}), 201)
    [recipient] = push["recipients"]
    assert recipient["messenger_name"] == "周信息员" and recipient["unit_id"] is None
    refused(as_user("edu").post(f"/api/content/pushes/recipients/{recipient['id']}/reach", {"reach": 40}), 404)
    reported = ok(office.post(f"/api/content/pushes/recipients/{recipient['id']}/reach", {"reach": 40}))
    assert reported["reach"] == 40 and reported["acknowledged_at"]
    refused(as_user("leader").post(f"/api/content/pushes/recipients/{recipient['id']}/acknowledge"), 403)


def test_lists_take_a_fixed_number_of_queries(world, approved_item):  # noqa: F811
    office = as_user("office")

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            ok(office.get(path))
        return len(captured)

    approved_item("第一讲")
    queries("/api/content")  # the token's first use is recorded once
    before = queries("/api/content")
    for number in range(4):
        approved_item(f"第{number + 2}讲", topics=("emergency", "disaster"), audiences=("youth", "farmers"))
    assert queries("/api/content") == before


def test_expired_or_unapproved_content_is_not_published(world, approved_item):  # noqa: F811
    office = as_user("office")
    expired = approved_item("去年的流感提示", expires_on=datetime.date(2025, 3, 31))
    refusal = refused(office.post(f"/api/content/{expired.pk}/publications", {"channel": "wechat"}))
    assert "失效" in refusal["detail"] and "2025年03月31日" in refusal["detail"]
    refusal = refused(office.post(f"/api/content/{expired.pk}/pushes", {"audiences": ["youth"]}))
    assert "失效" in refusal["detail"]
    draft = ok(office.post("/api/content", DRAFT), 201)
    refusal = refused(office.post(f"/api/content/{draft['id']}/publications", {"channel": "wechat"}))
    assert "尚未通过科学性审查" in refusal["detail"]
    silent = approved_item("无广播文本")
    refusal = refused(office.post(f"/api/content/{silent.pk}/publications", {"channel": "broadcast"}))
    assert refusal["field"] == "channel"
    outside = refused(office.post(f"/api/content/{silent.pk}/pushes", {"unit_ids": [999999]}))
    assert outside["field"] == "unit_ids" and "999999" in outside["detail"]
    # Another region's unit is as unknown as a missing one: its name is not given away.
    xuzhou = Unit.objects.get(name="徐州市教育局")
    foreign = refused(office.post(f"/api/content/{silent.pk}/pushes", {"unit_ids": [xuzhou.pk]}))
    assert foreign["field"] == "unit_ids" and "徐州" not in foreign["detail"]
    assert not Publication.objects.exists()


# --- rumours ------------------------------------------------------------------------------------------


def test_rumour_recorded_rebutted_and_closed(world):
    office = as_user("office")
    rumour = ok(office.post("/api/rumours", {"claim": "吃大蒜能治新冠", "topic": "health",
                                             "first_seen": "2026-11-20", "where_seen": "微信群", "spread": "medium"}),
                201)
    assert (rumour["status"], rumour["topic"], rumour["region"]) == ("monitoring", "health", "371083")
    assert ok(office.get("/api/rumours", status="monitoring"))["count"] == 1
    assert ok(office.get("/api/rumours", status="closed"))["count"] == 0
    assert ok(as_user("city_office").get(f"/api/rumours/{rumour['id']}"))["claim"] == "吃大蒜能治新冠"
    refused(as_user("edu").get(f"/api/rumours/{rumour['id']}"), 404)

    rebuttal = ok(office.post(f"/api/rumours/{rumour['id']}/rebuttal", {
        "title": "吃大蒜不能治疗新冠", "body_html": "<p>没有证据表明大蒜能治疗新冠。</p>"}), 201)
    assert rebuttal["is_rebuttal"] is True and rebuttal["topics"] == ["health"]
    assert rebuttal["status"] == ContentStatus.DRAFT
    linked = ok(office.get(f"/api/rumours/{rumour['id']}"))
    assert (linked["rebuttal_id"], linked["rebuttal_status"]) == (rebuttal["id"], "draft")
    second = refused(office.post(f"/api/rumours/{rumour['id']}/rebuttal", {"title": "再写", "body_html": "<p>再</p>"}))
    assert "已有辟谣内容" in second["detail"]

    no_reason = refused(office.post(f"/api/rumours/{rumour['id']}/close", {}))
    assert no_reason["field"] == "note" and "原因" in no_reason["detail"]
    closed = ok(office.post(f"/api/rumours/{rumour['id']}/close", {"note": "传播已平息"}))
    assert (closed["status"], closed["closing_note"]) == (RumourStatus.CLOSED, "传播已平息")
    future = refused(office.post("/api/rumours", {"claim": "明天的谣言", "topic": "health", "first_seen": "2099-01-01"}))
    assert future["field"] == "first_seen"
    unknown = refused(office.post("/api/rumours", {"claim": "谣言", "topic": "astrology", "first_seen": "2026-11-01"}))
    assert unknown["field"] == "topic"
    assert Rumour.objects.count() == 1


# --- emergencies --------------------------------------------------------------------------------------


def test_emergency_started_noted_closed_and_reported(world):
    county2 = Region.objects.create(code="371082", name="荣成市", level=RegionLevel.COUNTY, parent=world.city)
    city_office = as_user("city_office")
    outside = refused(city_office.post("/api/emergencies", {
        "region": "371083", "event_type": "flood", "title": "乳山市暴雨洪涝", "affected_regions": [county2.code]}))
    assert outside["field"] == "affected_regions" and "荣成市不在乳山市范围内" in outside["detail"]
    beyond = refused(as_user("office").post("/api/emergencies", {
        "event_type": "flood", "title": "越界", "affected_regions": ["371000"]}), 403)
    assert "管辖范围" in beyond["detail"]

    event = ok(city_office.post("/api/emergencies", {
        "region": "371000", "event_type": "typhoon", "title": "台风“海葵”", "level": "2",
        "affected_regions": ["371083", county2.code], "distribute_within_hours": 4}), 201)
    assert event["status"] == EmergencyStatus.ACTIVE and sorted(event["affected_regions"]) == ["371082", "371083"]
    assert event["timeline"][0]["kind"] == "started"
    # The county office sees the city's event affecting its region, but cannot write to it.
    county = as_user("office")
    assert ok(county.get(f"/api/emergencies/{event['id']}"))["title"] == "台风“海葵”"
    refused(county.post(f"/api/emergencies/{event['id']}/notes", {"text": "乳山已转发"}), 403)

    noted = ok(city_office.post(f"/api/emergencies/{event['id']}/notes", {"text": "召开视频调度会"}), 201)
    assert noted["timeline"][-1]["kind"] == "note" and noted["timeline"][-1]["text"] == "召开视频调度会"
    empty = refused(city_office.post(f"/api/emergencies/{event['id']}/notes", {"text": " "}))
    assert empty["field"] == "text"
    closed = ok(city_office.post(f"/api/emergencies/{event['id']}/close", {}))
    assert closed["status"] == EmergencyStatus.CLOSED and closed["timeline"][-1]["kind"] == "closed"
    again = refused(city_office.post(f"/api/emergencies/{event['id']}/close", {}))
    assert "已结束" in again["detail"]
    assert ok(city_office.get("/api/emergencies", status="closed"))["count"] == 1

    response = county.get(f"/api/emergencies/{event['id']}/after-action.docx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join([paragraph.text for paragraph in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert "台风“海葵”" in text and "召开视频调度会" in text


# --- the document -------------------------------------------------------------------------------------


def test_the_openapi_document_lists_the_content_operations(world):
    schema = ok(as_user("office").get("/api/openapi.json"))
    paths = schema["paths"]
    assert set(paths["/api/content/{content_id}"]) == {"get", "patch"}
    for path in ("/api/content", "/api/content/{content_id}/reviews/{review_id}/verdict",
                 "/api/content/{content_id}/pushes", "/api/content/pushes/{push_id}",
                 "/api/content/pushes/recipients/{recipient_id}/reach", "/api/rumours/{rumour_id}/rebuttal",
                 "/api/emergencies/{emergency_id}/after-action.docx"):
        assert path in paths, path
    tags = {tag for operations in paths.values() for operation in operations.values() for tag in operation["tags"]}
    assert {"科普内容", "科学性审查", "科学辟谣", "应急科普"} <= tags
    assert "不上传文件" in paths["/api/content"]["post"]["description"]
    docx_response = paths["/api/emergencies/{emergency_id}/after-action.docx"]["get"]["responses"]["200"]
    assert "application/vnd.openxmlformats-officedocument.wordprocessingml.document" in docx_response["content"]
