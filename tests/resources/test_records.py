"""Registry writes other than the base lifecycle (kesu.resources.services): records of every kind
created and updated through save_record, duplicates and impossible values refused with the field
named, expertise tags from the vocabulary only, taking people off the register, volunteers' service
records, and activities offered as evidence in a unit's own editable progress report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from kesu.progress.models import ProgressReport, ReportStatus
from kesu.resources import services
from kesu.resources.models import (
    Activity,
    ActivityEvidence,
    Expert,
    Messenger,
    Organisation,
    OutreachBase,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from kesu.resources.services import DuplicateRecord, RecordError

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 18)


def activity_values(region, organiser, **fields):
    return {"name": "科普进校园", "region": region, "kind": "lecture", "start_date": DAY, "end_date": DAY,
            "organiser_id": organiser.pk, "participants": 300, **fields}


@pytest.fixture
def activity(county, unit, reporter):
    return services.save_record(actor=reporter, kind="activity", values=activity_values(county, unit))


# --- create, update, duplicates -------------------------------------------------------------


def test_create_and_update_each_kind(county_office, county):
    team = services.save_record(actor=county_office, kind="team", values={
        "name": "乳山市科技志愿服务队", "region": county, "founded_year": 2021})
    records = {
        "expert": services.save_record(actor=county_office, kind="expert", tags=["医疗健康", "应急避险"],
                                       values={"name": "王医生", "region": county, "is_emergency": True}),
        "volunteer": services.save_record(actor=county_office, kind="volunteer", values={
            "name": "赵志愿", "region": county, "team_id": team.pk, "registered_on": DAY}),
        "messenger": services.save_record(actor=county_office, kind="messenger", values={
            "name": "孙信息员", "region": county, "community": "城区街道"}),
        "organisation": services.save_record(actor=county_office, kind="organisation", values={
            "name": "乳山市农技协", "region": county, "kind": "rural", "members": 120}),
    }
    assert Expert.objects.get().tags.count() == 2
    assert Volunteer.objects.get().team == team
    assert (Messenger.objects.count(), Organisation.objects.count(), VolunteerTeam.objects.count()) == (1, 1, 1)

    updated = services.save_record(actor=county_office, kind="organisation", instance=records["organisation"],
                                   values={"members": 150})
    assert updated.pk == records["organisation"].pk and Organisation.objects.get().members == 150
    services.save_record(actor=county_office, kind="expert", instance=records["expert"], values={},
                         tags=["医疗健康"])
    assert [t.name for t in Expert.objects.get().tags.all()] == ["医疗健康"]


def test_duplicate_is_refused_with_the_existing_id(county_office, county, county2, city_office, make_base):
    base = make_base("乳山市科技馆")
    values = {"name": "乳山市科技馆", "region": county, "host_organisation": "乳山市科协",
              "exhibition_area": 800.0, "annual_visitors": 10000, "open_days": 200}
    with pytest.raises(DuplicateRecord, match=f"科普教育基地“乳山市科技馆”在乳山市已登记（编号{base.pk}）") as refused:
        services.save_record(actor=county_office, kind="base", values=values)
    assert refused.value.field == "name"
    # The same name in another county is another base.
    other = services.save_record(actor=city_office, kind="base", values={**values, "region": county2})
    assert other.pk != base.pk

    # update_existing (the import's re-run) updates the one found instead.
    again = services.save_record(actor=county_office, kind="base", values=values, update_existing=True)
    assert again.pk == base.pk and OutreachBase.objects.count() == 2
    base.refresh_from_db()
    assert (base.host_organisation, base.exhibition_area, base.open_days) == ("乳山市科协", 800.0, 200)

    # Renaming a record onto another's identity is a duplicate too, not a database error.
    with pytest.raises(DuplicateRecord, match=f"编号{base.pk}"):
        services.save_record(actor=city_office, kind="base", instance=other, values={"region": county})


def test_activity_identity_includes_its_start_date(reporter, county, unit, activity):
    with pytest.raises(DuplicateRecord, match=f"编号{activity.pk}"):
        services.save_record(actor=reporter, kind="activity", values=activity_values(county, unit))
    later = datetime.date(2024, 9, 20)
    services.save_record(actor=reporter, kind="activity",
                         values=activity_values(county, unit, start_date=later, end_date=later))
    assert Activity.objects.count() == 2


# --- impossible values ------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "message"), [
    ("exhibition_area", -1.0, "展教面积不能为负数"),
    ("open_days", 367, "年开放天数应在0到366之间"),
    ("annual_visitors", 100_000_001, "年接待人次应在0到100,000,000之间"),
])
def test_impossible_base_figures_are_refused_naming_the_field(county_office, make_base, field, value, message):
    base = make_base()
    with pytest.raises(RecordError, match=message) as refused:
        services.save_record(actor=county_office, kind="base", instance=base, values={field: value})
    assert refused.value.field == field
    with pytest.raises(RecordError, match=message):
        make_base("另一基地", **{field: value})
    assert OutreachBase.objects.count() == 1


def test_impossible_activity_values_are_refused_naming_the_field(reporter, county, unit, activity):
    with pytest.raises(RecordError, match="结束日期不能早于开始日期") as refused:
        services.save_record(actor=reporter, kind="activity", values=activity_values(
            county, unit, name="科普展览", end_date=DAY - datetime.timedelta(days=1)))
    assert refused.value.field == "end_date"
    with pytest.raises(RecordError, match="参与人次") as refused:
        services.save_record(actor=reporter, kind="activity", instance=activity, values={"participants": 100_000_001})
    assert refused.value.field == "participants"
    activity.refresh_from_db()
    assert activity.participants == 300


def test_missing_region_and_unknown_expertise_tag(county_office, county):
    with pytest.raises(RecordError, match="缺少所在区划") as refused:
        services.save_record(actor=county_office, kind="expert", values={"name": "无区划"})
    assert refused.value.field == "region"
    with pytest.raises(RecordError, match="专长不在专长领域目录中：量子玄学") as refused:
        services.save_record(actor=county_office, kind="expert", tags=["医疗健康", "量子玄学"],
                             values={"name": "钱专家", "region": county})
    assert refused.value.field == "tags"
    assert not Expert.objects.exists()  # nothing half-written


def test_lifecycle_fields_are_not_plain_values(county_office, reporter, county, unit, make_base):
    base = make_base()
    for values in ({"status": "recognised"}, {"level": "national"}, {"recognised_year": 2020},
                   {"plaque_number": "假-001"}):
        with pytest.raises(RecordError, match="认定流程") as refused:
            services.save_record(actor=reporter, kind="base", instance=base, values=values)
        assert refused.value.field == next(iter(values))
    base.refresh_from_db()
    assert (base.status, base.level) == ("candidate", "")


# --- who writes what --------------------------------------------------------------------------


def test_offices_write_their_own_subtree(county_office, county2_office, city_office, leader, county, county2):
    values = {"name": "荣成市科普协会", "region": county2, "kind": "outreach"}
    for actor in (county_office, leader):
        with pytest.raises(PermissionDenied):
            services.save_record(actor=actor, kind="organisation", values=values)
    record = services.save_record(actor=city_office, kind="organisation", values=values)
    services.save_record(actor=county2_office, kind="organisation", instance=record, values={"members": 3})
    # Moving a record needs the right to both regions.
    with pytest.raises(PermissionDenied):
        services.save_record(actor=county2_office, kind="organisation", instance=record, values={"region": county})
    with pytest.raises(PermissionDenied):
        services.save_record(actor=county_office, kind="organisation", instance=record, values={"region": county})


def test_unit_reporter_records_its_own_units_activities_and_bases(reporter, other_reporter, county, county2, unit,
                                                                  activity, world):
    other_unit = world.units["市农业农村局"]
    with pytest.raises(PermissionDenied):
        services.save_record(actor=reporter, kind="activity", values=activity_values(county, other_unit, name="农技"))
    with pytest.raises(PermissionDenied):  # outside the unit's county
        services.save_record(actor=reporter, kind="activity", values=activity_values(county2, unit, name="外地"))
    with pytest.raises(PermissionDenied):
        services.save_record(actor=other_reporter, kind="activity", instance=activity, values={"participants": 1})
    with pytest.raises(PermissionDenied):  # nor by importing a row with the same identity
        services.save_record(actor=other_reporter, kind="activity", update_existing=True,
                             values=activity_values(county, other_unit, participants=1))
    # An update need not repeat the organiser.
    services.save_record(actor=reporter, kind="activity", instance=activity, values={"participants": 450})
    activity.refresh_from_db()
    assert activity.participants == 450

    base_values = {"name": "乳山市青少年科技馆", "host_organisation": "乳山市教育和体育局", "exhibition_area": 900.0,
                   "annual_visitors": 20000, "open_days": 240}
    with pytest.raises(PermissionDenied, match="本单位"):
        services.save_record(actor=reporter, kind="base", values={**base_values, "region": county,
                                                                   "applicant_unit_id": other_unit.pk})
    with pytest.raises(PermissionDenied):
        services.save_record(actor=reporter, kind="base", values={**base_values, "region": county2,
                                                                   "applicant_unit_id": unit.pk})
    base = services.save_record(actor=reporter, kind="base", values={**base_values, "region": county,
                                                                     "applicant_unit_id": unit.pk})
    services.save_record(actor=reporter, kind="base", instance=base, values={"open_days": 260})
    base.refresh_from_db()
    assert base.open_days == 260
    with pytest.raises(PermissionDenied):
        services.save_record(actor=other_reporter, kind="base", instance=base, values={"open_days": 1})
    with pytest.raises(PermissionDenied):  # handing the base to another unit
        services.save_record(actor=reporter, kind="base", instance=base, values={"applicant_unit_id": other_unit.pk})


def test_delete_activity(reporter, other_reporter, activity):
    with pytest.raises(PermissionDenied):
        services.delete_activity(actor=other_reporter, activity=activity)
    services.delete_activity(actor=reporter, activity=activity)
    assert not Activity.objects.exists()


# --- off the register, service records ------------------------------------------------------


def test_set_active(county_office, reporter, county, make_base):
    volunteer = services.save_record(actor=county_office, kind="volunteer", values={"name": "周志愿", "region": county})
    with pytest.raises(PermissionDenied):
        services.set_active(actor=reporter, record=volunteer, active=False)
    services.set_active(actor=county_office, record=volunteer, active=False)
    volunteer.refresh_from_db()
    assert not volunteer.is_active
    services.set_active(actor=county_office, record=volunteer, active=True)
    volunteer.refresh_from_db()
    assert volunteer.is_active
    with pytest.raises(RecordError, match="科普教育基地不能停用"):
        services.set_active(actor=county_office, record=make_base(), active=False)


@pytest.mark.parametrize(("hours", "accepted"), [(0, False), (-1, False), (0.5, True), (24, True), (24.5, False)])
def test_service_record_hours(county_office, county, hours, accepted):
    volunteer = services.save_record(actor=county_office, kind="volunteer", values={"name": "吴志愿", "region": county})
    if accepted:
        record = services.add_service_record(actor=county_office, volunteer=volunteer, date=DAY, hours=hours,
                                             description="科普讲解", beneficiaries=40)
        assert ServiceRecord.objects.get() == record and record.hours == hours
    else:
        with pytest.raises(RecordError, match=r"服务时长应在0\.1到24小时之间") as refused:
            services.add_service_record(actor=county_office, volunteer=volunteer, date=DAY, hours=hours,
                                        description="科普讲解")
        assert refused.value.field == "hours"
        assert not ServiceRecord.objects.exists()


def test_service_record_checks(county_office, county2_office, county):
    volunteer = services.save_record(actor=county_office, kind="volunteer", values={"name": "郑志愿", "region": county})
    with pytest.raises(RecordError, match="服务内容"):
        services.add_service_record(actor=county_office, volunteer=volunteer, date=DAY, hours=2, description=" ")
    with pytest.raises(RecordError, match="服务人次不能为负数"):
        services.add_service_record(actor=county_office, volunteer=volunteer, date=DAY, hours=2, description="讲解",
                                    beneficiaries=-1)
    with pytest.raises(PermissionDenied):
        services.add_service_record(actor=county2_office, volunteer=volunteer, date=DAY, hours=2, description="讲解")
    assert not ServiceRecord.objects.exists()


# --- activities as progress-report evidence ---------------------------------------------------


@pytest.fixture
def own_report(world, unit):
    return ProgressReport.objects.create(task=world.tasks[0], unit=unit, period=world.periods[0])


def test_attach_and_detach_on_the_units_own_editable_report(reporter, activity, own_report):
    link = services.attach_activity(actor=reporter, activity=activity, report=own_report)
    assert link.attached_by == reporter
    assert services.attach_activity(actor=reporter, activity=activity, report=own_report) == link  # once only
    services.detach_activity(actor=reporter, activity=activity, report=own_report)
    assert not ActivityEvidence.objects.exists()
    own_report.status = ReportStatus.RETURNED
    own_report.save()
    services.attach_activity(actor=reporter, activity=activity, report=own_report)
    assert ActivityEvidence.objects.count() == 1


def test_attach_refused_elsewhere(world, reporter, other_reporter, county_office, county, unit, activity, own_report):
    other_unit = world.units["市农业农村局"]
    other_report = ProgressReport.objects.create(task=world.tasks[2], unit=other_unit, period=world.periods[0])
    with pytest.raises(PermissionDenied, match="报告所属单位的填报员"):
        services.attach_activity(actor=reporter, activity=activity, report=other_report)
    with pytest.raises(PermissionDenied):  # the office does not attach for the unit
        services.attach_activity(actor=county_office, activity=activity, report=own_report)
    others = services.save_record(actor=other_reporter, kind="activity",
                                  values=activity_values(county, other_unit, name="农技培训"))
    with pytest.raises(RecordError, match="只能关联本单位主办的活动"):
        services.attach_activity(actor=reporter, activity=others, report=own_report)

    services.attach_activity(actor=reporter, activity=activity, report=own_report)
    for status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        own_report.status = status
        own_report.save()
        with pytest.raises(RecordError, match="不能再添加佐证"):
            services.attach_activity(actor=reporter, activity=activity, report=own_report)
        with pytest.raises(RecordError, match="不能再移除佐证"):
            services.detach_activity(actor=reporter, activity=activity, report=own_report)
    assert ActivityEvidence.objects.count() == 1


# --- the public directory ---------------------------------------------------------------------


def test_public_directory_lists_standing_bases_highest_level_first(make_base, province_office, county2_office,
                                                                   county2):
    from kesu.resources import lifecycle, selectors

    levels = {"国家级基地": "national", "市级基地": "city", "县级基地": "county", "省级基地": "province"}
    for name, level in levels.items():
        lifecycle.record_recognition(actor=province_office, base=make_base(name), level=level, year=2023)
    make_base("候选基地")
    revoked = make_base("摘牌基地", region=county2, applicant_unit=None)
    lifecycle.record_recognition(actor=county2_office, base=revoked, level="county", year=2021)
    lifecycle.re_examine(actor=county2_office, base=revoked, year=2024, outcome="revoked", comment="闭馆")
    assert [b.name for b in selectors.public_bases()] == ["国家级基地", "省级基地", "市级基地", "县级基地"]
    assert [b.name for b in selectors.public_bases(selectors.Filters(level="city"))] == ["市级基地"]
