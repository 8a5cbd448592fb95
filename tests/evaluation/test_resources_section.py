"""The report's section 六、科普资源与活动 and the dashboard's resources card, on registries built here
through kesu.resources' services: the numbers equal counts made independently from the rows (and
the counts the registries feed to 科普统计), and the section with its charts is in every output.

乳山市, 2024 (worked out by hand; 威海市's own base lies outside the county):

    bases      青少年科技馆 县级 2019 → 市级 2024 (upgrade) · 气象科普馆 县级 2022, 复核 2024 限期整改 ·
               现代农业科技示范园 县级 2024 · 消防科普教育馆 县级 2020, 复核 2024 撤销 · 自然博物馆 省级 2021 ·
               老年大学科普活动中心 县级 2025 · 湿地公园 申报中
    → standing at the end of 2024: 省级 1, 市级 1, 县级 2 (area 3000 + 2400 + 800 + 600 = 6800 m²);
      new in 2024: 市级 1, 县级 1; re-examined 2, rectify 1, revoked 1
    activities 2024: 6 (科普日 3000 + 活动周 800 + 三下乡 400 + two lectures 120 + 90 + 展览 5000 = 9410)
"""

from __future__ import annotations

import datetime
import io
import subprocess
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook
from tests.evaluation.conftest import TODAY

from kesu.evaluation import narrative
from kesu.evaluation.document import SECTION_TITLES, Figure, NoData, Table, build_document
from kesu.evaluation.figures import evaluation_figures
from kesu.evaluation.pdf import render_html
from kesu.evaluation.services import generate_annual_report
from kesu.indicators.models import DataElement, DataValue
from kesu.resources import feeds, lifecycle, services
from kesu.resources.models import (
    Activity,
    ApplicationStatus,
    BaseLevel,
    Expert,
    Messenger,
    OutreachBase,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from kesu.resources.summaries import resources_summary

pytestmark = pytest.mark.django_db
SECTION = "六、科普资源与活动"
YEAR = 2024
POPULATION = 545_000.0


def _base(region, name, area, category="venue"):
    return services.save_record(actor=None, kind="base", values={
        "name": name, "region": region, "category": category, "host_organisation": "乳山市科学技术协会",
        "exhibition_area": area, "annual_visitors": 20_000, "open_days": 260,
    })


def _record(registry, **values):
    return services.save_record(actor=None, kind=registry, values=values)


def build_registries(world) -> None:
    county, city, office = world.county, world.city, world.users["office"]
    kexie = world.units["市科协"]
    youth = _base(county, "乳山市青少年科技馆", 2400.0)
    weather = _base(county, "乳山市气象科普馆", 800.0)
    farm = _base(county, "乳山市现代农业科技示范园", 600.0, "production")
    fire = _base(county, "乳山市消防科普教育馆", 500.0)
    museum = _base(county, "乳山市自然博物馆", 3000.0)
    later = _base(county, "乳山市老年大学科普活动中心", 300.0, "other")
    candidate = _base(county, "乳山市湿地公园", 700.0, "tourism")
    city_museum = _base(city, "威海市科技馆", 9000.0)
    for base, level, year in ((youth, "county", 2019), (youth, "city", 2024), (weather, "county", 2022),
                              (farm, "county", 2024), (fire, "county", 2020), (museum, "province", 2021),
                              (later, "county", 2025), (city_museum, "national", 2019)):
        lifecycle.record_recognition(actor=None, base=base, level=level, year=year, plaque_number=f"牌{base.pk}")
    lifecycle.re_examine(actor=office, base=weather, year=YEAR, outcome="rectify", comment="开放天数不足",
                         rectify_by=datetime.date(2025, 6, 30))
    lifecycle.re_examine(actor=office, base=fire, year=YEAR, outcome="revoked", comment="场馆停止开放")
    lifecycle.apply(actor=office, base=candidate, level="county", year=2025)
    for base, visitors in ((youth, 50_000), (weather, 12_000)):
        lifecycle.file_annual_report(actor=office, base=base, year=YEAR, visitors=visitors, activities=30, open_days=250)

    for name, region, emergency, lecturer, active in (("王建国", county, True, True, True), ("李芳", county, False, True, True),
                                                      ("张伟", county, False, False, True), ("刘洋", county, True, True, False),
                                                      ("陈静", city, True, True, True)):
        _record("expert", name=name, region=region, is_emergency=emergency, is_lecturer=lecturer, is_active=active)
    senior = _record("team", name="乳山市银龄科普志愿服务队", region=county, kind="senior", founded_year=2020)
    _record("team", name="乳山市青年科普志愿服务队", region=county, kind="youth", founded_year=2025)
    v1 = _record("volunteer", name="赵敏", region=county, team_id=senior.pk, is_senior=True,
                 registered_on=datetime.date(2021, 4, 1))
    v2 = _record("volunteer", name="孙磊", region=county, registered_on=datetime.date(2024, 6, 1))
    _record("volunteer", name="周婷", region=county, registered_on=datetime.date(2025, 1, 10))
    for name, community, since in (("吴刚", "东山村", 2022), ("郑丽", "东山村", 2023), ("冯涛", "新华社区", 2024),
                                   ("韩梅", "西河村", 2025)):
        _record("messenger", name=name, region=county, community=community, since=datetime.date(since, 12, 31))
    _record("organisation", name="乳山市农学会", region=county, kind="society")
    _record("organisation", name="乳山市花生种植技术协会", region=county, kind="rural", is_active=False)

    activities = {}
    for name, kind, start, days, people, online, audiences in (
        ("2024年全国科普日乳山市主场活动", "science_day", (9, 21), 0, 3000, 50_000, "public,youth"),
        ("乳山市科技活动周启动仪式", "science_week", (5, 20), 2, 800, 0, "public"),
        ("文化科技卫生“三下乡”活动", "countryside", (1, 15), 0, 400, 0, "farmers,elderly"),
        ("老年人防跌倒健康讲座", "lecture", (3, 10), 0, 120, 0, "elderly"),
        ("科学家精神报告会", "lecture", (3, 25), 0, 90, 0, ""),
        ("航天科普展", "exhibition", (7, 1), 19, 5000, 0, "youth"),
        ("中小学生科普知识竞赛", "competition", (11, 10), 0, 600, 0, "youth"),
    ):
        year = 2023 if kind == "competition" else YEAR
        begin = datetime.date(year, *start)
        activities[kind] = _record("activity", name=name, region=county, kind=kind, start_date=begin,
                                   end_date=begin + datetime.timedelta(days=days), organiser_id=kexie.pk,
                                   participants=people, online_reach=online, audiences=audiences)
    for volunteer, day, hours, activity in ((v1, datetime.date(2024, 3, 1), 3, None),
                                            (v2, datetime.date(2024, 9, 21), 4.5, activities["science_day"]),
                                            (v1, datetime.date(2023, 5, 5), 2, None)):
        services.add_service_record(actor=office, volunteer=volunteer, date=day, hours=hours, description="科普宣传",
                                    activity=activity)


@pytest.fixture
def national(db):
    from kesu.indicators.services import seed_national_set

    seed_national_set(actor=None)


@pytest.fixture
def registries(annual_world, national):
    from kesu.indicators.services import CellWrite, write_values

    build_registries(annual_world)
    population = DataElement.objects.get(code="resident_population")
    write_values(actor=annual_world.users["office"], year=2023,
                 writes=[CellWrite(population, None, annual_world.county, None, POPULATION)])
    return annual_world


# --- the numbers -----------------------------------------------------------------------------


def standing_by_hand(region, year) -> tuple[Counter, float]:
    """Bases standing at the end of `year`, from the rows one by one: the latest recognition (by year,
    then level) up to the year, unless revoked by then."""
    levels, area = Counter(), 0.0
    for base in OutreachBase.objects.filter(region__path__startswith=region.path).prefetch_related("applications"):
        held = [(a.year, BaseLevel.rank(a.level), a.level) for a in base.applications.all()
                if a.status == ApplicationStatus.RECOGNISED and a.year <= year]
        if not held or (base.revoked_year is not None and base.revoked_year <= year):
            continue
        levels[max(held)[2]] += 1
        area += base.exhibition_area
    return levels, area


def test_summary_equals_the_registry_rows(registries):
    county = registries.county
    summary = resources_summary(county, YEAR)
    levels, area = standing_by_hand(county, YEAR)
    assert {line.level: line.standing for line in summary.levels} == {level.value: levels[level.value] for level in BaseLevel}
    assert {line.level: line.standing for line in summary.levels} == {"national": 0, "province": 1, "city": 1, "county": 2}
    assert {line.level: line.new for line in summary.levels} == {"national": 0, "province": 0, "city": 1, "county": 1}
    assert summary.exhibition_area == area == 6800.0
    assert summary.population == POPULATION and summary.population_year == 2023
    assert summary.area_per_10k == pytest.approx(6800 / 54.5)
    assert (summary.re_examined, summary.re_examined_rectify, summary.re_examined_revoked) == (2, 1, 1)
    assert (summary.annual_reports, summary.base_visitors) == (2, 62_000)

    experts = [e for e in Expert.objects.all() if e.region.is_within(county) and e.is_active]
    assert summary.experts == len(experts) == 3
    assert summary.emergency_experts == sum(e.is_emergency for e in experts) == 1
    assert summary.lecturers == sum(e.is_lecturer for e in experts) == 2
    teams = [t for t in VolunteerTeam.objects.filter(region=county) if t.founded_year <= YEAR]
    assert (summary.teams, summary.senior_teams) == (len(teams), sum(t.kind == "senior" for t in teams)) == (1, 1)
    volunteers = [v for v in Volunteer.objects.filter(region=county) if v.registered_on.year <= YEAR]
    assert (summary.volunteers, summary.senior_volunteers) == (len(volunteers), 1) == (2, 1)
    records = [r for r in ServiceRecord.objects.all() if r.date.year == YEAR]
    assert (summary.service_records, summary.service_hours) == (len(records), sum(r.hours for r in records)) == (2, 7.5)
    messengers = [m for m in Messenger.objects.filter(region=county) if m.since.year <= YEAR]
    assert (summary.messengers, summary.communities) == (len(messengers), len({m.community for m in messengers})) == (3, 2)
    assert summary.organisations == 1

    held = [a for a in Activity.objects.filter(region=county) if a.start_date.year == YEAR]
    assert (summary.activities, summary.participants, summary.online_reach) == (len(held), 9410, 50_000) == (6, 9410, 50_000)
    kinds = {line.code: (line.activities, line.participants) for line in summary.by_kind if line.activities}
    assert kinds == {k: (sum(1 for a in held if a.kind == k), sum(a.participants for a in held if a.kind == k))
                     for k in {a.kind for a in held}}
    groups = {line.label: line.activities for line in summary.by_audience}
    assert groups == {"青少年": 2, "农民": 1, "老年人": 2, "社会公众": 2, "未注明": 1}
    assert summary.by_month == tuple(sum(1 for a in held if a.start_date.month == m) for m in range(1, 13))
    assert summary.by_month[2] == 2 and sum(summary.by_month) == 6


def test_the_city_counts_its_counties_and_its_own(registries):
    summary = resources_summary(registries.city, YEAR)
    assert {line.level: line.standing for line in summary.levels} == {"national": 1, "province": 1, "city": 1, "county": 2}
    assert summary.experts == 4
    assert summary.population is None and summary.area_per_10k is None


def test_summary_agrees_with_the_counts_fed_to_statistics(registries):
    county = registries.county
    feeds.sync(actor=None, year=YEAR)
    summary = resources_summary(county, YEAR)

    def fed(code, option=None):
        rows = DataValue.objects.filter(element__code=code, region=county, year=YEAR, quarter=0, unit__isnull=True)
        rows = rows.filter(option__code=option) if option else rows.filter(option__isnull=True)
        return sum(v.value for v in rows)

    for line in summary.levels:
        assert fed("outreach_bases", feeds.LEVEL_OPTION[line.level]) == line.standing
        assert fed("new_outreach_bases", feeds.LEVEL_OPTION[line.level]) == line.new
    assert fed("outreach_base_area") == summary.exhibition_area
    assert fed("registered_volunteers") == summary.volunteers
    assert fed("volunteer_teams") == summary.teams
    assert fed("volunteer_hours") == summary.service_hours
    assert fed("science_messengers") == summary.messengers
    assert fed("outreach_activities") == summary.activities
    assert fed("outreach_activity_participants") == summary.participants


def test_summary_reads_in_three_queries_however_large_the_registries(registries):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            resources_summary(registries.county, YEAR)
        return len(captured.captured_queries)

    small = queries()
    for n in range(30):
        base = _base(registries.county, f"乳山市社区科普e站{n}", 100.0, "other")
        lifecycle.record_recognition(actor=None, base=base, level="county", year=2023)
        _record("activity", name=f"社区科普讲座{n}", region=registries.county, kind="lecture",
                start_date=datetime.date(YEAR, 1 + n % 12, 5), end_date=datetime.date(YEAR, 1 + n % 12, 5),
                audiences="elderly" if n % 2 else "youth,public", participants=50)
        _record("volunteer", name=f"志愿者{n}", region=registries.county, registered_on=datetime.date(2023, 1, 1))
    assert queries() == small == 3
    assert resources_summary(registries.county, YEAR).standing == 4 + 30


# --- the report ------------------------------------------------------------------------------


def _section(document):
    return next(s for s in document.sections if s.title == SECTION)


def test_section_tables_figures_and_sentences(registries):
    data = evaluation_figures(registries.county, YEAR, today=TODAY)
    document = build_document(data)
    assert [s.title for s in document.sections] == list(SECTION_TITLES)
    section = _section(document)
    figures = [b.key for b in section.blocks if isinstance(b, Figure)]
    assert figures == ["resource_levels", "activities_by_month"]
    tables = {b.caption.split(" ", 1)[1]: b for b in section.blocks if isinstance(b, Table)}
    assert tables["科普教育基地（截至2024年底）"].rows == [
        ["国家级", 0, 0], ["省级", 1, 0], ["市级", 1, 1], ["县级", 2, 1], ["合计", 4, 2],
    ]
    kinds = tables["2024年科普活动（按类型）"].rows
    assert ["全国科普日", 1, 3000] in kinds and kinds[-1] == ["合计", 6, 9410]
    text = " ".join(b.text for b in section.blocks if hasattr(b, "text"))
    assert "在册科普教育基地4家，其中省级1家、市级1家、县级2家" in text
    assert "每万人科普教育基地展教面积124.8平方米" in text and "按2023年常住人口54.5万人计" in text
    assert "2024年复核2家，其中限期整改1家、撤销（摘牌）1家" in text
    assert "科普专家库现有专家3人，其中应急科普专家1人" in text
    assert "2024年登记科普活动6场，现场参与9,410人次，线上传播50,000人次" in text
    issues, steps = narrative.problems_and_next_steps(data)
    assert any("限期整改1家" in issue for issue in issues) and any("整改" in step for step in steps)
    # Figures are numbered in reading order across the sections.
    numbers = [b.caption.split(" ")[0] for s in document.sections for b in s.blocks if isinstance(b, Figure)]
    assert numbers == [f"图{i}" for i in range(1, len(numbers) + 1)]


def test_a_region_without_registries_says_so(annual_world):
    section = _section(build_document(evaluation_figures(annual_world.county, YEAR, today=TODAY)))
    assert [type(b) for b in section.blocks] == [NoData]
    assert "科普资源登记册中本地区尚无" in section.blocks[0].text


def test_docx_has_the_section_its_tables_and_charts(registries, annual_world):
    plain = generate_annual_report(registries.county, YEAR, "docx", today=TODAY)
    document = Document(io.BytesIO(plain.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(SECTION_TITLES)
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["市级", "1", "1"] in rows and ["合计", "4", "2"] in rows
    assert ["科普专家（专家库现有）", "3", "人", "应急科普专家1人，讲师团成员2人"] in rows
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any(c.endswith("各级科普教育基地数量") for c in captions)
    assert any(c.endswith("2024年各月科普活动场次") for c in captions)


def test_xlsx_sheet_keeps_the_numbers(registries):
    report = generate_annual_report(registries.county, YEAR, "xlsx", today=TODAY)
    workbook = load_workbook(io.BytesIO(report.content))
    assert "科普资源与活动" in workbook.sheetnames
    rows = [row for row in workbook["科普资源与活动"].iter_rows(values_only=True)]
    assert ("市级", 1, 1) in [row[:3] for row in rows]
    assert ("合计", 6, 9410) in [row[:3] for row in rows]
    # The figures' numbers as small tables: one row a month, two activities in March.
    assert ("3月", 2) in [row[:2] for row in rows]


def test_html_and_pdf_show_the_section_and_its_charts(registries, tmp_path):
    document = build_document(evaluation_figures(registries.county, YEAR, today=TODAY))
    html = render_html(document)
    assert SECTION in html
    assert 'aria-label="各级科普教育基地数量"' in html and 'aria-label="2024年各月科普活动场次"' in html
    report = generate_annual_report(registries.county, YEAR, "pdf", today=TODAY)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert SECTION in flat and "各级科普教育基地数量" in flat and "九、存在问题与下一步工作" in flat


def test_dashboard_shows_the_resources_card(registries, client_for):
    from unittest import mock

    from django.urls import reverse

    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        response = client_for("office").get(reverse("evaluation:region_dashboard", args=["371083"]) + "?year=2024")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="resources-card"' in page and "4 家（省级1、市级1、县级2）" in page
    assert "6 场，参与 9,410 人次" in page
    assert '"resource_levels"' in page and '"activities_by_month"' in page


def test_a_target_on_standing_bases_reads_the_latest_count_not_a_running_total(registries):
    """“省级科普教育基地10家以上” linked to the count of standing provincial bases: the report, like the
    indicators page, reads the count at the end of each year as a level (1), not the sum of the years."""
    from kesu.indicators.models import Indicator, LinkStatus, TargetLink
    from kesu.planning.models import Target

    for year in (2022, 2023, 2024):
        feeds.sync(actor=None, year=year)
    target = Target.objects.create(task=registries.tasks[0], text="省级科普教育基地10家以上", subject="省级科普教育基地",
                                   value=10, unit="家", period="到2025年", deadline_year=2025)
    TargetLink.objects.create(target=target, indicator=Indicator.objects.get(code="outreach_bases_provincial"),
                              status=LinkStatus.CONFIRMED)
    [line] = evaluation_figures(registries.county, YEAR, today=TODAY).indicators
    assert line.name == "省级科普教育基地数量" and line.value == 1 and line.gap == 9
