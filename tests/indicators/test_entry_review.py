"""Entering values (audited), validation rules, submission, review (accept / return), locking and permissions."""

import pytest
from django.core.exceptions import PermissionDenied
from tests.factories import PASSWORD

from kesu.audit.context import acting_as
from kesu.audit.registry import history_for
from kesu.indicators import selectors, services
from kesu.indicators.models import DataElement, DataValue, Submission
from kesu.indicators.services import CellWrite, IndicatorError, SubmissionBlocked

pytestmark = pytest.mark.django_db


def write(user, region, code, value, year=2024, option=None):
    element = DataElement.objects.get(code=code)
    opt = element.category.options.get(code=option) if option else None
    with acting_as(user):
        return services.write_values(actor=user, writes=[CellWrite(element, opt, region, None, value)], year=year)


def test_value_change_is_audited_with_before_and_after(world, national):
    office = world.users["office"]
    write(office, world.county, "lectures", 12)
    write(office, world.county, "lectures", 15)
    value = DataValue.objects.get(element__code="lectures", region=world.county)
    entries = list(history_for(value).order_by("at", "id"))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before["value"] == 12 and entries[1].after["value"] == 15
    assert entries[1].actor == office and value.entered_by == office


def test_disaggregated_element_needs_an_option(world, national):
    with pytest.raises(IndicatorError, match="分类"):
        write(world.users["office"], world.county, "outreach_staff", 5)


@pytest.mark.parametrize(("raw", "words"), [("abc", "不是数字"), ("-3", "负数"), ("2.5", "整数"), ("inf", "不是数字")])
def test_parse_number_refuses_bad_input(national, raw, words):
    with pytest.raises(IndicatorError, match=words):
        services.parse_number(raw, DataElement.objects.get(code="lectures"))


def test_parse_number_accepts_thousands_separators(national):
    assert services.parse_number("1,234", DataElement.objects.get(code="lectures")) == 1234


def test_county_admin_cannot_write_another_county(world, national):
    with pytest.raises(PermissionDenied):
        write(world.users["office"], world.other_city, "lectures", 1)
    with pytest.raises(PermissionDenied):
        write(world.users["leader"], world.county, "lectures", 1)
    assert not DataValue.objects.exists()


def test_validation_rules_errors_and_year_on_year_warnings(world, national):
    office = world.users["office"]
    write(office, world.county, "funding_raised", 100)
    write(office, world.county, "government_funding", 150)
    write(office, world.county, "resident_population", 500_000, year=2023)
    write(office, world.county, "resident_population", 600_000)
    findings = selectors.validate(national, world.county, 2024)
    codes = {f.rule.code: f for f in findings}
    assert codes["government_within_total"].is_error
    assert codes["population_jump"].is_error is False
    assert "本期 600000，上年 500000" in str(codes["population_jump"])
    with pytest.raises(SubmissionBlocked, match="政府拨款"):
        services.submit(actor=office, data_set=national, region=world.county, year=2024)
    assert not Submission.objects.filter(status="submitted").exists()


def test_submit_accept_lock_and_unlock(world, national):
    office, city = world.users["office"], world.users["city_office"]
    write(office, world.county, "lectures", 12)
    services.explain_remaining_blanks(actor=office, data_set=national, region=world.county, year=2024, kind="unavailable")
    warnings = services.submit(actor=office, data_set=national, region=world.county, year=2024)
    assert warnings == []
    assert DataValue.objects.get(element__code="lectures").status == "submitted"
    with pytest.raises(IndicatorError, match="锁定"):
        write(office, world.county, "lectures", 13)
    submission = Submission.objects.get()
    with pytest.raises(PermissionDenied):
        services.accept_submission(actor=office, submission=submission)  # a county cannot review itself
    services.accept_submission(actor=city, submission=submission)
    value = DataValue.objects.get(element__code="lectures")
    assert value.status == "accepted"
    assert [e.after["status"] for e in history_for(value).order_by("at", "id") if e.action == "update"] == [
        "submitted", "accepted"]
    with pytest.raises(IndicatorError, match="锁定"):
        write(city, world.county, "lectures", 14)  # even the reviewer edits only after unlocking
    with pytest.raises(IndicatorError, match="意见"):
        services.return_submission(actor=city, submission=submission, comment="  ")
    with pytest.raises(PermissionDenied):
        services.return_submission(actor=office, submission=submission, comment="自己解锁")
    services.return_submission(actor=city, submission=submission, comment="讲座次数与活动台账不符，请核实")
    write(office, world.county, "lectures", 11)
    value.refresh_from_db()
    assert value.value == 11 and value.status == "draft"
    assert history_for(Submission.objects.get()).filter(action="update").count() == 3


# --- pages -------------------------------------------------------------------------------------


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def test_leader_cannot_post_values(client, world, national):
    login(client, "leader")
    response = client.post("/indicators/entry/cell/", {"key": "lectures", "value": "3", "region": "371083", "year": 2024})
    assert response.status_code == 403
    assert client.get("/indicators/entry/?region=371083&year=2024").status_code == 200
    assert not DataValue.objects.exists()


def test_county_admin_gets_404_for_other_city(client, world, national):
    login(client, "office")
    response = client.post("/indicators/entry/cell/", {"key": "lectures", "value": "3", "region": "320300", "year": 2024})
    assert response.status_code == 404
    assert client.get("/indicators/entry/?region=371000&year=2024").status_code == 404  # its city is above it
    assert not DataValue.objects.exists()


def test_htmx_cell_save_and_error_message(client, world, national):
    login(client, "office")
    ok = client.post("/indicators/entry/cell/", {"key": "lectures", "value": "8", "region": "371083", "year": 2024},
                     HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "已保存" in ok.content.decode()
    bad = client.post("/indicators/entry/cell/", {"key": "lectures", "value": "八", "region": "371083", "year": 2024})
    assert "不是数字" in bad.content.decode()
    assert DataValue.objects.get().value == 8


def test_unit_reporter_enters_only_own_unit(client, world, national):
    login(client, "edu")
    response = client.post("/indicators/entry/cell/", {"key": "lectures", "value": "4", "year": 2024, "region": "371000"})
    assert response.status_code == 200
    value = DataValue.objects.get()
    assert value.unit == world.units["市教育和体育局"] and value.region == world.county
    assert client.get("/indicators/entry/template.xlsx?year=2024").status_code == 403


def test_city_accepts_through_pages(client, world, national):
    write(world.users["office"], world.county, "lectures", 12)
    services.explain_remaining_blanks(actor=world.users["office"], data_set=national, region=world.county, year=2024, kind="unavailable")
    services.submit(actor=world.users["office"], data_set=national, region=world.county, year=2024)
    submission = Submission.objects.get()
    login(client, "city_office")
    assert "乳山市" in client.get("/indicators/reviews/").content.decode()
    client.post(f"/indicators/reviews/{submission.pk}/accept/")
    assert Submission.objects.get().status == "accepted"
    client.logout()
    login(client, "other_office")
    assert client.post(f"/indicators/reviews/{submission.pk}/return/", {"comment": "x"}).status_code == 404
    assert Submission.objects.get().status == "accepted"


def test_the_paths_from_before_the_rename_still_review(client, world, national):
    """Bookmarks of /indicators/approvals/ and forms left open with …/approve/ keep working."""
    write(world.users["office"], world.county, "lectures", 12)
    services.explain_remaining_blanks(actor=world.users["office"], data_set=national, region=world.county, year=2024, kind="unavailable")
    services.submit(actor=world.users["office"], data_set=national, region=world.county, year=2024)
    submission = Submission.objects.get()
    login(client, "city_office")
    assert "乳山市" in client.get("/indicators/approvals/").content.decode()
    assert client.post(f"/indicators/approvals/{submission.pk}/approve/").status_code == 302
    assert Submission.objects.get().status == "accepted"
    client.post(f"/indicators/approvals/{submission.pk}/return/", {"comment": "请核实"})
    assert Submission.objects.get().status == "returned"
    client.logout()
    login(client, "office")  # the county may not review its own submission, whichever path it uses
    services.submit(actor=world.users["office"], data_set=national, region=world.county, year=2024)
    assert client.post(f"/indicators/approvals/{submission.pk}/approve/").status_code == 403
    assert Submission.objects.get().status == "submitted"


def test_pages_render(client, world, national):
    write(world.users["city_office"], world.county, "resident_population", 500_000)
    write(world.users["city_office"], world.county, "science_museum_area", 4000)
    login(client, "city_office")
    assert "每万人科普展厅面积" in client.get("/indicators/").content.decode()
    detail = client.get("/indicators/exhibition_area_per_10k/?region=371000&year=2024").content.decode()
    assert "乳山市" in detail and "80.0" in detail and "dashboard-charts" in detail
    assert client.get("/indicators/entry/?region=371000&year=2024").status_code == 200
    assert client.get("/indicators/targets/").status_code == 200


def test_formula_editor_refuses_with_position(client, world, national):
    login(client, "office")
    data = {"code": "bad_ratio", "name": "坏指标", "group": "venues", "numerator": "#{science_museum_area} +",
            "denominator": "", "factor": "1", "unit": "平方米", "decimals": "1", "save": "1"}
    response = client.post("/indicators/new/", data)
    assert "第25个字符处" in response.content.decode()
    data["numerator"] = "#{science_museum_area}"
    data["denominator"] = "#{resident_population}"
    data["factor"] = "10000"
    data["unit"] = "平方米/万人"
    response = client.post("/indicators/new/", data)
    assert response.status_code == 302
    login(client, "leader")
    assert client.post("/indicators/new/", data).status_code == 403
