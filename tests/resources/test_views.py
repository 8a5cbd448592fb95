"""The 科普资源 pages: lists, records and their forms (errors on the field the service names), the base
lifecycle driven through its POST forms with refusals shown as messages, scope (another county's
records are missing, experts see only their assignments), masking of phone and ID numbers, the public
directory, activity photos and activities offered as progress-report evidence, and the Excel buttons."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kesu.progress.models import ProgressReport, ReportStatus
from kesu.resources import lifecycle, services
from kesu.resources.models import (
    Activity,
    ActivityEvidence,
    ApplicationStatus,
    BaseLevel,
    BaseStatus,
    Expert,
    OutreachBase,
    ReviewAssignment,
    ServiceRecord,
    Volunteer,
)

pytestmark = pytest.mark.django_db

YEAR = 2024
PHONE = "13812345678"
ID_NUMBER = "371083199001011234"


def url(name, **kwargs):
    return reverse(f"resources:{name}", kwargs=kwargs or None)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def office(client_for, county_office):
    return client_for(county_office.username)


@pytest.fixture
def base(make_base):
    return make_base(contact_name="王老师", contact_phone=PHONE, address="乳山市胜利街1号")


@pytest.fixture
def phone_expert(county_office, county):
    return services.save_record(actor=county_office, kind="expert", values={
        "name": "刘工程师", "region": county, "phone": PHONE, "id_number": ID_NUMBER, "field": "农业"})


def recognised_base(base, office_user, experts, plaque="RS-2024-01"):
    application = lifecycle.apply(actor=office_user, base=base, level=BaseLevel.COUNTY, year=YEAR)
    lifecycle.screen(actor=office_user, application=application, passed=True)
    lifecycle.assign_panel(actor=office_user, application=application, experts=experts)
    criteria = lifecycle.policy_for(base.region, BaseLevel.COUNTY).criteria
    for expert in experts:
        lifecycle.submit_scores(actor=expert.user, assignment=ReviewAssignment.objects.get(
            application=application, expert=expert), scores={c.pk: c.max_score * 0.8 for c in criteria})
    lifecycle.recognise(actor=office_user, application=application, plaque_number=plaque)
    base.refresh_from_db()
    return base


# --- lists, records, forms -------------------------------------------------------------------


def test_office_lists_and_reads_each_registry(office, base, phone_expert):
    response = office.get(url("index"))
    assert response.status_code == 200 and "科普教育基地" in text(response)
    for kind in ("base", "expert", "team", "volunteer", "messenger", "organisation", "activity"):
        assert office.get(url("list", kind=kind)).status_code == 200, kind
    listing = text(office.get(url("list", kind="base")))
    assert base.name in listing and "共 1 条" in listing
    assert base.name in text(office.get(url("list", kind="base"), {"q": "青少年"}))
    assert base.name not in text(office.get(url("list", kind="base"), {"q": "没有这个"}))
    detail = office.get(url("detail", kind="base", pk=base.pk))
    assert detail.status_code == 200 and "乳山市胜利街1号" in text(detail) and "尚未申报" in text(detail)
    assert office.get(url("list", kind="nonsense")).status_code == 404


def test_list_filter_answers_htmx_with_the_rows_only(office, base):
    response = office.get(url("list", kind="base"), {"q": "科技馆"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and base.name in text(response) and "<html" not in text(response)


@pytest.mark.parametrize("kind", ["base", "expert", "team", "volunteer", "messenger", "organisation", "activity"])
def test_an_empty_post_gets_the_form_back_with_its_errors(office, kind):
    response = office.post(url("create", kind=kind), {})
    assert response.status_code == 400 and 'class="error" role="alert"' in text(response)
    assert response.context["form"].errors["name"]


def test_create_with_errors_on_the_named_fields_then_save(office, county, base):
    response = office.post(url("create", kind="base"), {"name": "乳山市气象科普馆", "region": county.code})
    assert response.status_code == 400
    assert "依托单位" in text(response) and "errorlist" not in text(response)  # our own error markup
    form = response.context["form"]
    assert "host_organisation" in form.errors and "exhibition_area" in form.errors

    data = {"name": base.name, "region": county.code, "host_organisation": "乳山市气象局", "exhibition_area": "300",
            "annual_visitors": "5000", "open_days": "200", "category": "venue", "staff": "3", "guides": "1"}
    duplicate = office.post(url("create", kind="base"), data)
    assert duplicate.status_code == 400 and "不能重复登记" in duplicate.context["form"].errors["name"][0]

    out_of_reach = office.post(url("create", kind="base"), {**data, "name": "荣成市科技馆", "region": "320300"})
    assert out_of_reach.context["form"].errors["region"] == ["区划代码不存在或不在本辖区内"]

    saved = office.post(url("create", kind="base"), {**data, "name": "乳山市气象科普馆", "open_days": "400"})
    assert saved.status_code == 400 and "open_days" in saved.context["form"].errors

    saved = office.post(url("create", kind="base"), {**data, "name": "乳山市气象科普馆"})
    created = OutreachBase.objects.get(name="乳山市气象科普馆")
    assert saved.status_code == 302 and saved["Location"] == url("detail", kind="base", pk=created.pk)
    assert (created.status, created.level, created.open_days) == (BaseStatus.CANDIDATE, "", 200)


def test_edit_keeps_what_the_form_does_not_show(office, base, county):
    response = office.get(url("edit", kind="base", pk=base.pk))
    assert response.status_code == 200 and "认定级别、认定年度和牌匾编号由申报" in text(response)
    data = {name: value for name, value in response.context["form"].initial.items() if value is not None}
    data.update(address="乳山市新华街9号", applicant_unit=base.applicant_unit_id)
    assert office.post(url("edit", kind="base", pk=base.pk), data).status_code == 302
    base.refresh_from_db()
    assert base.address == "乳山市新华街9号" and base.contact_phone == PHONE


def test_expert_form_with_tags_and_set_inactive(office, county):
    response = office.post(url("create", kind="expert"), {
        "name": "陈医生", "region": county.code, "tags": ["医疗健康"], "availability": "available", "phone": PHONE})
    expert = Expert.objects.get(name="陈医生")
    assert response.status_code == 302 and [t.name for t in expert.tags.all()] == ["医疗健康"]
    assert expert.phone == PHONE
    office.post(url("set_active", kind="expert", pk=expert.pk), {"active": "0"})
    expert.refresh_from_db()
    assert not expert.is_active
    assert "已停用" in text(office.get(url("detail", kind="expert", pk=expert.pk)))


def test_reporter_records_own_activities_only(client_for, reporter, unit, county, other_reporter):
    client = client_for(reporter.username)
    assert client.get(url("list", kind="activity")).status_code == 200
    assert client.get(url("list", kind="expert")).status_code == 403
    form = client.get(url("create", kind="activity")).context["form"]
    assert "organiser" not in form.fields  # a unit records its own activities
    response = client.post(url("create", kind="activity"), {
        "name": "科普进校园", "region": county.code, "kind": "lecture", "start_date": "2024-05-18",
        "participants": "300", "online_reach": "0", "audiences": ["youth"]})
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert (activity.organiser, activity.end_date, activity.audiences) == (unit, datetime.date(2024, 5, 18), "youth")
    assert client_for(other_reporter.username).get(url("detail", kind="activity", pk=activity.pk)).status_code == 404
    assert client_for(other_reporter.username).get(url("edit", kind="activity", pk=activity.pk)).status_code == 404


def test_leader_reads_but_may_not_write(client_for, leader, base, county):
    client = client_for(leader.username)
    assert client.get(url("detail", kind="base", pk=base.pk)).status_code == 200
    assert client.get(url("create", kind="base")).status_code == 403
    assert client.post(url("edit", kind="base", pk=base.pk), {"name": "改名"}).status_code == 403
    assert client.post(url("apply", pk=base.pk), {"level": "county", "year": YEAR}).status_code == 403
    assert client.get(url("import", kind="base")).status_code == 403
    base.refresh_from_db()
    assert base.name == "乳山市青少年科技馆" and not base.applications.exists()


# --- scope -----------------------------------------------------------------------------------


def test_another_countys_records_are_missing(office, make_base, county2, county2_office, client_for):
    other = make_base("荣成市海洋科技馆", region=county2, applicant_unit=None)
    application = lifecycle.apply(actor=county2_office, base=other, level=BaseLevel.COUNTY, year=YEAR)
    assert office.get(url("detail", kind="base", pk=other.pk)).status_code == 404
    assert office.get(url("edit", kind="base", pk=other.pk)).status_code == 404
    assert office.post(url("apply", pk=other.pk), {"level": "county", "year": YEAR}).status_code == 404
    assert office.post(url("screen", application_id=application.pk), {"decision": "pass"}).status_code == 404
    assert other.name not in text(office.get(url("list", kind="base")))
    # The city office sees both counties.
    city = client_for("city_office")
    assert city.get(url("detail", kind="base", pk=other.pk)).status_code == 200


def test_expert_sees_only_own_assignments(client_for, expert, other_expert, base, county_office):
    application = lifecycle.apply(actor=county_office, base=base, level=BaseLevel.COUNTY, year=YEAR)
    lifecycle.screen(actor=county_office, application=application, passed=True)
    lifecycle.assign_panel(actor=county_office, application=application, experts=[other_expert])
    client = client_for(expert.user.username)
    for name, kwargs in (("index", {}), ("list", {"kind": "base"}), ("list", {"kind": "expert"}),
                         ("create", {"kind": "activity"}), ("export", {"kind": "base"})):
        assert client.get(url(name, **kwargs)).status_code == 403, name
    assert client.get(url("detail", kind="base", pk=base.pk)).status_code == 404
    reviews = client.get(url("my_reviews"))
    assert reviews.status_code == 200 and base.name not in text(reviews)
    theirs = ReviewAssignment.objects.get(expert=other_expert)
    assert client.get(url("review", assignment_id=theirs.pk)).status_code == 404


# --- the lifecycle through the pages ---------------------------------------------------------


def test_lifecycle_through_the_pages_with_refusals(client_for, reporter, county_office, expert, base):
    applicant, office = client_for(reporter.username), client_for(county_office.username)
    detail = url("detail", kind="base", pk=base.pk)

    response = applicant.post(url("apply", pk=base.pk), {"level": "county", "year": YEAR}, follow=True)
    assert "已提交“乳山市青少年科技馆”的申报" in text(response)
    application = base.applications.get()
    again = applicant.post(url("apply", pk=base.pk), {"level": "county", "year": YEAR}, follow=True)
    assert "未办理：该基地已有一份申报正在办理" in text(again)
    # The applicant may not screen its own application.
    assert applicant.post(url("screen", application_id=application.pk), {"decision": "pass"}).status_code == 403

    page = text(office.get(detail))
    assert "初审通过" in page and "退回修改" in page
    refused = office.post(url("screen", application_id=application.pk), {"decision": "return"}, follow=True)
    assert "未办理：初审退回时必须填写退回理由" in text(refused)
    office.post(url("screen", application_id=application.pk), {"decision": "return", "comment": "缺少场地照片"})
    assert "缺少场地照片" in text(applicant.get(detail))
    applicant.post(url("resubmit", application_id=application.pk))
    office.post(url("screen", application_id=application.pk), {"decision": "pass", "comment": "材料齐全"})

    empty = office.post(url("assign_panel", application_id=application.pk), {}, follow=True)
    assert "请至少选择一位评审专家" in text(empty)
    assert expert.name in text(office.get(detail))  # offered on the panel form
    office.post(url("assign_panel", application_id=application.pk), {"experts": [expert.pk]})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW

    early = office.post(url("recognise", application_id=application.pk), {"plaque_number": "RS-1", "year": YEAR},
                        follow=True)
    assert "未办理：以下评审专家尚未提交评分：张教授" in text(early)

    reviewer = client_for(expert.user.username)
    assignment = ReviewAssignment.objects.get(application=application, expert=expert)
    assert base.name in text(reviewer.get(url("my_reviews")))
    form = reviewer.get(url("review", assignment_id=assignment.pk)).context["form"]
    too_high = {name: "999" for name in form.fields if name.startswith("c")}
    assert reviewer.post(url("review", assignment_id=assignment.pk), too_high).status_code == 400
    scores = {f"c{c.pk}": str(c.max_score * 0.9) for c in form.criteria}
    done = reviewer.post(url("review", assignment_id=assignment.pk), {**scores, "comment": "展教资源丰富"})
    assert done.status_code == 302 and done["Location"] == url("my_reviews")

    no_plaque = office.post(url("recognise", application_id=application.pk), {"plaque_number": "", "year": YEAR},
                            follow=True)
    assert "未办理：牌匾编号" in text(no_plaque)
    office.post(url("recognise", application_id=application.pk), {"plaque_number": "RS-2024-01", "year": YEAR})
    base.refresh_from_db()
    assert (base.status, base.level, base.plaque_number) == (BaseStatus.RECOGNISED, BaseLevel.COUNTY, "RS-2024-01")
    page = text(office.get(detail))
    assert "90 分" in page or "90.0" in page  # the panel's mean on the page
    assert "修改记录" in page


def test_recognition_at_a_higher_level_belongs_to_that_office(client_for, county_office, city_office, base, expert):
    application = lifecycle.apply(actor=county_office, base=base, level=BaseLevel.CITY, year=YEAR)
    county = client_for(county_office.username)
    county.post(url("screen", application_id=application.pk), {"decision": "pass"})
    page = text(county.get(url("detail", kind="base", pk=base.pk)))
    assert "市级科普教育基地的评审和认定由地市级纲要办（科协）办理" in page
    assert county.post(url("assign_panel", application_id=application.pk),
                       {"experts": [expert.pk]}).status_code == 403
    city = client_for(city_office.username)
    city.post(url("assign_panel", application_id=application.pk), {"experts": [expert.pk]})
    assert ReviewAssignment.objects.filter(application=application).count() == 1


def test_decline_annual_report_and_re_examination(client_for, county_office, expert, base, make_base):
    office = client_for(county_office.username)
    recognised_base(base, county_office, [expert])
    response = office.post(url("annual_report", pk=base.pk), {"year": YEAR, "visitors": "20000", "activities": "30",
                                                            "open_days": "400"}, follow=True)
    assert "未办理" in text(response) and not base.annual_reports.exists()
    office.post(url("annual_report", pk=base.pk), {"year": YEAR, "visitors": "20000", "activities": "30",
                                                 "open_days": "250", "summary": "开展活动30场"})
    assert base.annual_reports.get().visitors == 20000
    refused = office.post(url("re_examine", pk=base.pk), {"year": YEAR + 3, "outcome": "rectify"}, follow=True)
    assert "未办理：限期整改必须填写整改期限" in text(refused)
    office.post(url("re_examine", pk=base.pk), {"year": YEAR + 3, "outcome": "revoked", "comment": "长期闭馆"})
    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED

    other = make_base("乳山市农业科普园")
    application = lifecycle.apply(actor=county_office, base=other, level=BaseLevel.COUNTY, year=YEAR)
    lifecycle.screen(actor=county_office, application=application, passed=True)
    assert "不予认定时必须填写理由" in text(office.post(url("decline", application_id=application.pk), {},
                                                     follow=True))
    office.post(url("decline", application_id=application.pk), {"comment": "场地不达标"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED


# --- personal data ---------------------------------------------------------------------------


def test_phone_and_id_numbers_masked_for_leaders(client_for, leader, county_office, phone_expert):
    admin, reader = client_for(county_office.username), client_for(leader.username)
    for client, whole in ((admin, True), (reader, False)):
        for page in (url("list", kind="expert"), url("detail", kind="expert", pk=phone_expert.pk)):
            content = text(client.get(page))
            assert (PHONE in content) is whole, page
            assert ("138****5678" in content) is not whole, page
    assert ID_NUMBER not in text(reader.get(url("detail", kind="expert", pk=phone_expert.pk)))
    # The audit trail does not give the number away either.
    phone_expert.phone = "13900001111"
    services.save_record(actor=county_office, kind="expert", values={"phone": "13900001111"}, instance=phone_expert)
    history = text(reader.get(url("detail", kind="expert", pk=phone_expert.pk)))
    assert PHONE not in history and "13900001111" not in history and "139****1111" in history


def test_exports_mask_unless_an_admin_asks(client_for, leader, county_office, phone_expert):
    from openpyxl import load_workbook

    def cells(response):
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
        return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]

    admin, reader = client_for(county_office.username), client_for(leader.username)
    assert PHONE not in cells(admin.get(url("export", kind="expert")))
    assert PHONE in cells(admin.get(url("export", kind="expert"), {"personal": "1"}))
    assert ID_NUMBER not in cells(reader.get(url("export", kind="expert")))
    assert reader.get(url("export", kind="expert"), {"personal": "1"}).status_code == 403


# --- the public directory --------------------------------------------------------------------


def test_directory_lists_recognised_bases_without_personal_data(client, base, make_base, county_office, expert):
    recognised_base(base, county_office, [expert])
    make_base("乳山市在建科普馆", contact_phone="13600000000")
    response = client.get(url("directory"))
    page = text(response)
    assert response.status_code == 200
    assert base.name in page and "县级" in page and "乳山市胜利街1号" in page
    assert "乳山市在建科普馆" not in page
    assert PHONE not in page and "王老师" not in page and "13600000000" not in page
    assert base.name not in text(client.get(url("directory"), {"level": "city"}))
    assert base.name in text(client.get(url("directory"), {"q": "胜利街", "region": "371000"}))

    data = client.get(url("directory"), {"format": "json"})
    assert data["Access-Control-Allow-Origin"] == "*"
    body = json.loads(data.content)
    assert [row["name"] for row in body["results"]] == [base.name]
    assert set(body["results"][0]) == {"name", "level", "level_label", "category", "category_label", "region",
                                      "region_name", "host_organisation", "address", "open_days"}
    assert PHONE not in data.content.decode()


# --- activities: photos and evidence ---------------------------------------------------------


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def activity(reporter, unit, county):
    return services.save_record(actor=reporter, kind="activity", values={
        "name": "科普进校园", "region": county, "kind": "lecture", "start_date": datetime.date(2024, 5, 18),
        "end_date": datetime.date(2024, 5, 18), "organiser_id": unit.pk, "participants": 300})


def test_photos_upload_and_download_only_in_scope(client_for, settings, tmp_path, reporter, other_reporter,
                                                 county2_office, leader, activity, client):
    settings.MEDIA_ROOT = tmp_path
    owner = client_for(reporter.username)
    bad = owner.post(url("photo_upload", pk=activity.pk),
                     {"file": SimpleUploadedFile("a.png", b"not an image", content_type="image/png")}, follow=True)
    assert "未上传" in text(bad) and not activity.photos.exists()
    owner.post(url("photo_upload", pk=activity.pk),
               {"file": SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")})
    photo = activity.photos.get()
    photo_url = url("photo", photo_id=photo.pk)
    assert photo_url in text(owner.get(url("detail", kind="activity", pk=activity.pk)))

    response = client_for(leader.username).get(photo_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes()
    assert response["Cache-Control"] == "private, no-store"
    assert client_for(other_reporter.username).get(photo_url).status_code == 404
    assert client_for(county2_office.username).get(photo_url).status_code == 404
    assert client.get(photo_url).status_code == 302  # to the login page
    # Another unit may not add photos to this activity.
    assert client_for(other_reporter.username).post(url("photo_upload", pk=activity.pk)).status_code == 404


def test_activity_attached_to_own_progress_report(client_for, world, reporter, other_reporter, activity, unit):
    report = ProgressReport.objects.create(task=world.tasks[1], unit=unit, period=world.periods[0],
                                           status=ReportStatus.DRAFT)
    client = client_for(reporter.username)
    page = text(client.get(url("detail", kind="activity", pk=activity.pk)))
    assert "关联为佐证" in page and world.tasks[1].title in page
    client.post(url("evidence_attach", pk=activity.pk), {"report": report.pk})
    assert ActivityEvidence.objects.filter(activity=activity, report=report).exists()
    # The report's own page lists the activity (kesu.progress.evidence_sources).
    report_page = text(client.get(reverse("progress:report_detail", kwargs={"report_id": report.pk})))
    assert "科普活动：科普进校园" in report_page and url("detail", kind="activity", pk=activity.pk) in report_page
    assert client_for(other_reporter.username).post(url("evidence_attach", pk=activity.pk),
                                                    {"report": report.pk}).status_code == 404

    report.status = ReportStatus.SUBMITTED
    report.save()
    refused = client.post(url("evidence_detach", pk=activity.pk), {"report": report.pk}, follow=True)
    assert "未移除：报告当前为“已报送”" in text(refused) or "未移除：报告当前为" in text(refused)
    report.status = ReportStatus.RETURNED
    report.save()
    client.post(url("evidence_detach", pk=activity.pk), {"report": report.pk})
    assert not ActivityEvidence.objects.exists()


def test_volunteer_service_records(client_for, county_office, leader, county):
    volunteer = services.save_record(actor=county_office, kind="volunteer", values={"name": "赵志愿", "region": county})
    office = client_for(county_office.username)
    refused = office.post(url("service_record_add", pk=volunteer.pk),
                          {"date": "2024-06-01", "hours": "30", "description": "科普讲解"}, follow=True)
    assert "未保存服务记录：服务时长应在0.1到24小时之间" in text(refused)
    office.post(url("service_record_add", pk=volunteer.pk),
                {"date": "2024-06-01", "hours": "3", "description": "科普讲解", "beneficiaries": "80"})
    assert ServiceRecord.objects.get().hours == 3
    assert "共 1 次，3 小时" in text(office.get(url("detail", kind="volunteer", pk=volunteer.pk)))
    assert client_for(leader.username).post(url("service_record_add", pk=volunteer.pk), {
        "date": "2024-06-02", "hours": "3", "description": "x"}).status_code == 403
    assert Volunteer.objects.get().service_records.count() == 1


# --- Excel buttons ---------------------------------------------------------------------------


def test_template_export_and_import_round_trip(client_for, county_office, phone_expert, base):
    office = client_for(county_office.username)
    template = office.get(url("template", kind="base"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    exported = office.get(url("export", kind="expert"), {"personal": "1"})
    assert exported.status_code == 200
    again = office.post(url("import", kind="expert"), {
        "file": SimpleUploadedFile("experts.xlsx", exported.getvalue()), "region": "371083"})
    assert again.status_code == 200 and again.context["result"].unchanged == 1
    assert Expert.objects.get().phone == PHONE

    # A candidate base has no 级别, which the base template requires: the whole file is refused.
    bases = office.get(url("export", kind="base")).getvalue()
    refused = office.post(url("import", kind="base"), {
        "file": SimpleUploadedFile("bases.xlsx", bases), "region": "371083"})
    assert refused.status_code == 400 and "未导入：共 1 处问题" in text(refused) and "第2行 级别" in text(refused)
    outside = office.post(url("import", kind="expert"), {
        "file": SimpleUploadedFile("experts.xlsx", exported.getvalue()), "region": "320300"})
    assert outside.status_code == 400 and outside.context["form"].errors["region"]
    assert OutreachBase.objects.count() == 1 and Expert.objects.count() == 1


# --- paging ----------------------------------------------------------------------------------


def test_lists_page_without_counting_again(office, county, monkeypatch):
    from kesu.resources import views

    Volunteer.objects.bulk_create([Volunteer(name=f"志愿者{i:03}", region=county) for i in range(120)])
    first = text(office.get(url("list", kind="volunteer")))
    assert "共 120 条" in first and "第 1 / 3 页" in first and "page=2&amp;n=120" in first
    third = office.get(url("list", kind="volunteer"), {"page": "3", "n": "120"})
    assert "第 3 / 3 页" in text(third) and "志愿者119" in text(third) and "下一页" not in text(third)

    monkeypatch.setattr(views, "EXACT_COUNT_UP_TO", 100)
    capped = text(office.get(url("list", kind="volunteer")))
    assert "超过 100 条" in capped
    assert "page=2&amp;n=more" in capped and "末页" not in capped
