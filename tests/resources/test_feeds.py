"""The registries feed 科普统计 (kesu.resources.feeds → kesu.indicators.feed_sync): every registry
write recounts, once its transaction commits, the data elements it can change for the years it can
change them; stored values are subtree totals (county → city → province); bases count by level as
at the end of each year from their recognitions and revocations; and a plan target linked to an
indicator reads the registry's counts.

Recounts run in `transaction.on_commit`. These tests use pytest-django's
`django_capture_on_commit_callbacks(execute=True)`, which runs the callbacks when the block ends, as
a commit would: it keeps each test in one rolled-back transaction (fast, isolated) while still
proving that nothing is counted until the write commits. `transaction=True` would test the same
thing more slowly."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kesu.indicators.feed_sync import REASON
from kesu.indicators.linked_targets import linked_targets
from kesu.indicators.models import DataValue, Indicator, LinkStatus, TargetLink
from kesu.planning.models import Plan, Section, SectionKind, Target, Task
from kesu.plans import attainment
from kesu.resources import feeds, lifecycle, services
from kesu.resources.models import BaseLevel

pytestmark = pytest.mark.django_db

NOW = timezone.localdate().year


def value(code, region, year, option=None):
    rows = DataValue.objects.filter(element__code=code, region=region, year=year, quarter=0, unit__isnull=True)
    rows = rows.filter(option__code=option) if option else rows.filter(option__isnull=True)
    stored = rows.first()
    if stored is not None:
        assert stored.source == "registry"
    return None if stored is None else stored.value


def levels(region, year, code="outreach_bases"):
    rows = DataValue.objects.filter(element__code=code, region=region, year=year, quarter=0, unit__isnull=True)
    return {v.option.code: v.value for v in rows.select_related("option")}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs the block's on-commit recounts when it ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def expert_panel(expert):
    return [expert]


def through_panel(base, level, *, office, screener, experts, year):
    application = lifecycle.apply(actor=screener, base=base, level=level, year=year)
    lifecycle.screen(actor=screener, application=application, passed=True)
    lifecycle.assign_panel(actor=office, application=application, experts=experts)
    for assignment in application.assignments.select_related("expert__user"):
        criteria = lifecycle.policy_for(base.region, level).criteria
        lifecycle.submit_scores(actor=assignment.expert.user, assignment=assignment,
                                scores={c.pk: c.max_score * 0.8 for c in criteria})
    return lifecycle.recognise(actor=office, application=application, plaque_number=f"P-{base.pk}-{year}")


# --- bases ------------------------------------------------------------------------------------


def test_recognition_is_counted_after_commit_by_level_up_the_tree(national, commit, make_base, county_office,
                                                                 city_office, expert_panel, county, county2, city,
                                                                 province):
    with commit() as callbacks:
        through_panel(make_base("乳山甲基地"), BaseLevel.COUNTY, office=county_office, screener=county_office,
                      experts=expert_panel, year=NOW)
        assert not DataValue.objects.exists()  # nothing counted before the commit
    assert callbacks and levels(county, NOW) == {"county": 1}
    with commit():
        base = make_base("荣成乙基地", region=county2, exhibition_area=500.0)
        through_panel(base, BaseLevel.CITY, office=city_office, screener=city_office, experts=expert_panel, year=NOW)
    assert levels(county, NOW) == {"county": 1}
    assert levels(county2, NOW) == {"municipal": 1}
    assert levels(city, NOW) == levels(province, NOW) == {"county": 1, "municipal": 1}
    assert levels(city, NOW, "new_outreach_bases") == {"county": 1, "municipal": 1}
    assert (value("outreach_base_area", county, NOW), value("outreach_base_area", county2, NOW),
            value("outreach_base_area", province, NOW)) == (1200, 500, 1700)
    # A candidate's area is not counted; a recognised base's change of area is.
    with commit():
        make_base("乳山候选基地", exhibition_area=9999.0)
        services.save_record(actor=city_office, kind="base", instance=base, values={"exhibition_area": 650.0})
    assert value("outreach_base_area", city, NOW) == 1850


def test_a_recognition_recorded_for_2022_counts_from_2022_to_now(national, commit, make_base, county_office,
                                                                 county, province):
    with commit():
        lifecycle.record_recognition(actor=county_office, base=make_base(), level=BaseLevel.COUNTY, year=2022)
    assert value("outreach_bases", county, 2021, "county") is None
    for year in range(2022, NOW + 1):
        assert value("outreach_bases", county, year, "county") == 1
        assert value("outreach_bases", province, year, "county") == 1
        assert value("outreach_base_area", county, year) == 1200
    assert value("new_outreach_bases", county, 2022, "county") == 1
    assert value("new_outreach_bases", county, 2023, "county") is None


def test_a_revocation_in_2025_drops_the_base_from_2025_on(national, commit, make_base, county_office, county, city):
    base = make_base()
    with commit():
        lifecycle.record_recognition(actor=county_office, base=base, level=BaseLevel.COUNTY, year=2022)
        lifecycle.record_recognition(actor=county_office, base=make_base("乳山另一基地"), level=BaseLevel.COUNTY,
                                     year=2023)
    assert value("outreach_bases", city, 2025, "county") == 2
    with commit():
        lifecycle.re_examine(actor=county_office, base=base, year=2025, outcome="revoked", comment="长期闭馆")
    assert [value("outreach_bases", city, year, "county") for year in range(2022, NOW + 1)] == (
        [1, 2, 2] + [1] * (NOW - 2024))
    assert value("outreach_base_area", county, 2024) == 2400
    assert value("outreach_base_area", county, 2025) == 1200
    # The recognitions of the years before stay new in their years.
    assert value("new_outreach_bases", county, 2022, "county") == 1


def test_new_bases_count_recognitions_in_the_year_and_upgrades_move_the_level(
        national, commit, make_base, county_office, city_office, expert_panel, county, city):
    upgraded = make_base("乳山晋级基地")
    with commit():
        lifecycle.record_recognition(actor=county_office, base=upgraded, level=BaseLevel.COUNTY, year=2022)
        lifecycle.record_recognition(actor=county_office, base=make_base("乳山新基地"), level=BaseLevel.COUNTY,
                                     year=2024)
        through_panel(upgraded, BaseLevel.CITY, office=city_office, screener=county_office, experts=expert_panel,
                      year=2024)
    assert levels(city, 2023) == {"county": 1}
    assert levels(city, 2024) == {"county": 1, "municipal": 1}  # the upgraded base counts at its new level only
    assert levels(city, 2024, "new_outreach_bases") == {"county": 1, "municipal": 1}
    assert levels(city, 2022, "new_outreach_bases") == {"county": 1}
    assert levels(city, 2023, "new_outreach_bases") == {}


def test_annual_reports_feed_visitors(national, commit, make_base, county_office, reporter, county, city):
    base = make_base()
    with commit():
        lifecycle.record_recognition(actor=county_office, base=base, level=BaseLevel.COUNTY, year=2022)
    with commit():
        lifecycle.file_annual_report(actor=reporter, base=base, year=2023, visitors=41000, activities=12,
                                     open_days=280)
    assert value("outreach_base_visitors", city, 2023) == 41000
    assert value("outreach_base_visitors", city, NOW) is None


# --- people and activities --------------------------------------------------------------------


def test_experts_volunteers_and_hours(national, commit, county_office, city_office, county, county2, city, province):
    with commit():
        services.save_record(actor=county_office, kind="expert", values={"name": "王医生", "region": county,
                                                                         "is_emergency": True})
        services.save_record(actor=city_office, kind="expert", values={"name": "陈工", "region": county2})
        team = services.save_record(actor=county_office, kind="team", values={
            "name": "乳山市科技志愿服务队", "region": county, "founded_year": 2023})
        volunteer = services.save_record(actor=county_office, kind="volunteer", values={
            "name": "赵志愿", "region": county, "team_id": team.pk, "registered_on": datetime.date(2024, 3, 1)})
        services.save_record(actor=city_office, kind="volunteer", values={"name": "钱志愿", "region": county2})
        services.add_service_record(actor=county_office, volunteer=volunteer, date=datetime.date(2024, 5, 18),
                                    hours=3.5, description="科普讲解")
        services.add_service_record(actor=county_office, volunteer=volunteer, date=datetime.date(2024, 9, 20),
                                    hours=2, description="科普日")
    assert (value("outreach_experts", county, NOW), value("outreach_experts", province, NOW)) == (1, 2)
    assert value("emergency_experts", city, NOW) == 1
    assert value("outreach_experts", city, 2024) is None  # experts carry no dates: the current year only
    assert [value("registered_volunteers", county, year) for year in (2023, 2024, NOW)] == [None, 1, 1]
    assert value("registered_volunteers", city, NOW) == 2
    assert [value("volunteer_teams", city, year) for year in (2022, 2023, NOW)] == [None, 1, 1]
    assert value("volunteer_hours", city, 2024) == 5.5 and value("volunteer_hours", city, NOW) is None

    with commit():
        services.set_active(actor=county_office, record=volunteer, active=False)
        services.set_active(actor=county_office, record=volunteer.team, active=False)
    assert value("registered_volunteers", city, NOW) == 1
    assert value("volunteer_teams", city, NOW) is None


def test_activities_by_kind(national, commit, reporter, city_office, county, county2, unit, city, province):
    day = datetime.date(2024, 5, 18)

    def activity(name, kind, participants, region=county, organiser=unit, actor=reporter, when=day):
        return services.save_record(actor=actor, kind="activity", values={
            "name": name, "region": region, "kind": kind, "start_date": when, "end_date": when,
            "organiser_id": organiser.pk if organiser else None, "participants": participants})

    with commit():
        activity("科普讲座一", "lecture", 120)
        moved = activity("科普讲座二", "lecture", 80)
        activity("科普展览", "exhibition", 1000)
        activity("荣成科普日", "science_day", 500, region=county2, organiser=None, actor=city_office)
    assert (value("lectures", county, 2024), value("lecture_attendance", county, 2024)) == (2, 200)
    assert value("exhibitions", city, 2024) == 1 and value("exhibition_visitors", city, 2024) == 1000
    assert value("outreach_activities", county, 2024) == 3 and value("outreach_activities", province, 2024) == 4
    assert value("outreach_activity_participants", province, 2024) == 1700

    # Moving an activity to another year recounts both years.
    with commit():
        services.save_record(actor=reporter, kind="activity", instance=moved,
                             values={"start_date": datetime.date(2025, 3, 1), "end_date": datetime.date(2025, 3, 1)})
    assert value("lectures", county, 2024) == 1 and value("lectures", county, 2025) == 1
    with commit():
        services.delete_activity(actor=reporter, activity=moved)
    assert value("lectures", county, 2025) is None


# --- the recount itself -----------------------------------------------------------------------


def test_a_batch_recounts_once_and_a_failed_one_not_at_all(national, commit, county_office, county):
    with commit() as callbacks, feeds.batched():
        for n in range(5):
            services.save_record(actor=county_office, kind="expert", values={"name": f"专家{n}", "region": county})
    assert len(callbacks) == 1 and value("outreach_experts", county, NOW) == 5

    with commit() as callbacks, pytest.raises(RuntimeError), feeds.batched():
        services.save_record(actor=county_office, kind="expert", values={"name": "专家9", "region": county})
        raise RuntimeError("导入中止")
    assert callbacks == []


def test_sync_by_hand(national, county_office, leader, county):
    services.save_record(actor=county_office, kind="expert", values={"name": "王医生", "region": county})
    assert value("outreach_experts", county, NOW) is None  # no commit in this test: not counted yet
    result = feeds.sync(actor=county_office, year=NOW, kinds=["expert"])
    assert result.element("outreach_experts").written == 3  # county, city, province
    assert value("outreach_experts", county, NOW) == 1
    assert DataValue.objects.filter(element__code="outreach_experts").first().entered_by == county_office
    assert feeds.sync(actor=None, year=2024, kinds=["expert"]).elements == ()
    with pytest.raises(PermissionDenied):
        feeds.sync(actor=leader, year=NOW)
    from kesu.audit.models import AuditEntry

    assert AuditEntry.objects.filter(model="indicators.DataValue", reason__startswith=REASON).count() == 3


# --- a plan target measured by the registry ---------------------------------------------------


def test_plan_target_reads_municipal_recognitions(national, commit, make_base, city_office, county_office,
                                                  expert_panel, county, county2, city):
    plan = Plan.objects.create(region=city, title="威海市全民科学素质行动规划纲要实施方案（2021—2025年）",
                               period_start=2021, period_end=2025)
    section = Section.objects.create(plan=plan, number="（五）", title="基础设施建设工程", kind=SectionKind.ACTION)
    task = Task.objects.create(plan=plan, section=section, group=section, code="4.1", title="科普教育基地建设",
                               order=0, text="新评定市级科普教育基地30家。")
    target = Target.objects.create(task=task, text="新评定市级科普教育基地30家", subject="市级科普教育基地",
                                   value=30, unit="家", period="“十四五”期间", deadline_year=2025)
    TargetLink.objects.create(target=target, indicator=Indicator.objects.get(code="new_municipal_bases"),
                              status=LinkStatus.CONFIRMED, decided_by=city_office)

    per_year = {2021: 3, 2022: 4, 2023: 3, 2024: 4, 2025: 1}  # recorded from the city's register
    with commit(), feeds.batched():
        for year, count in per_year.items():
            for n in range(count):
                region = county if n % 2 else county2
                lifecycle.record_recognition(actor=city_office, base=make_base(f"{year}年基地{n}", region=region),
                                             level=BaseLevel.CITY, year=year)
        # A 县级 recognition is not a 市级 one.
        lifecycle.record_recognition(actor=county_office, base=make_base("县级基地"), level=BaseLevel.COUNTY,
                                     year=2023)
    with commit():  # and two through kesu's own review
        for name in ("2025年评审基地甲", "2025年评审基地乙"):
            through_panel(make_base(name), BaseLevel.CITY, office=city_office, screener=county_office,
                          experts=expert_panel, year=2025)

    [linked] = linked_targets(city, plan, 2025)
    assert linked.indicator_name == "新认定市级科普教育基地" and linked.target_value == 30
    assert [(f.year, f.value) for f in linked.figures] == [(2021, 3), (2022, 4), (2023, 3), (2024, 4), (2025, 3)]
    reached = attainment.amount_reached(linked.attainment, linked.figures, basis=attainment.Basis.PER_YEAR)
    assert reached == 17
    assert attainment.progress(linked.attainment, reached) == pytest.approx(17 / 30)
    assert attainment.gap(linked.attainment, reached) == 13
