"""Small builders for database tests: a city with a county, units, users of every role, and a plan
with tasks, targets and reporting periods. Tests compose these rather than repeating set-up."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from kesu.org.models import Region, RegionLevel, Role, Unit, User
from kesu.planning.models import Plan, Section, SectionKind, Target, Task, TaskUnit, UnitRole
from kesu.progress.models import PeriodKind, ReportingPeriod

PASSWORD = "kesu-test-pass-1"


def make_user(username: str, role: str, *, region=None, unit=None) -> User:
    return User.objects.create_user(
        username, password=PASSWORD, role=role, region=region, unit=unit, display_name=username
    )


@dataclass
class World:
    city: Region
    county: Region
    other_city: Region
    units: dict[str, Unit]
    users: dict[str, User]
    plan: Plan
    tasks: list[Task]
    periods: list[ReportingPeriod] = field(default_factory=list)
    other_plan: Plan | None = None


def build_world(year: int = 2024) -> World:
    """威海市 with 乳山市 under it, 徐州市 elsewhere; a 乳山 plan with three tasks over two actions."""
    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="371000", name="威海市", level=RegionLevel.CITY, parent=province)
    county = Region.objects.create(code="371083", name="乳山市", level=RegionLevel.COUNTY, parent=city)
    other_city = Region.objects.create(code="320300", name="徐州市", level=RegionLevel.CITY)

    units = {
        name: Unit.objects.create(region=county, name=name, is_office=(name == "市科协"))
        for name in ("市教育和体育局", "市科协", "团市委", "市农业农村局")
    }
    other_unit = Unit.objects.create(region=other_city, name="徐州市教育局")

    users = {
        "office": make_user("office", Role.OFFICE_ADMIN, region=county),
        "city_office": make_user("city_office", Role.OFFICE_ADMIN, region=city),
        "leader": make_user("leader", Role.LEADER, region=county),
        "statistician": make_user("statistician", Role.STATISTICIAN, region=county),
        "edu": make_user("edu", Role.UNIT_REPORTER, unit=units["市教育和体育局"]),
        "agri": make_user("agri", Role.UNIT_REPORTER, unit=units["市农业农村局"]),
        "other_office": make_user("other_office", Role.OFFICE_ADMIN, region=other_city),
        "other_reporter": make_user("other_reporter", Role.UNIT_REPORTER, unit=other_unit),
    }

    plan = Plan.objects.create(
        region=county,
        title="乳山市全民科学素质行动规划纲要实施方案（2021—2025年）",
        doc_number="乳政发〔2022〕6号",
        period_start=2021,
        period_end=2025,
        headline_indicator="公民具备科学素质的比例",
        headline_value=17.0,
        headline_unit="%",
        headline_year=2025,
    )
    actions = Section.objects.create(plan=plan, number="三", title="提升行动", order=0)
    youth = Section.objects.create(
        plan=plan, parent=actions, number="（一）", title="青少年科学素质提升行动", kind=SectionKind.ACTION, order=1
    )
    farmers = Section.objects.create(
        plan=plan, parent=actions, number="（二）", title="农民科学素质提升行动", kind=SectionKind.ACTION, order=2
    )
    specs = [
        ("3.1.1", youth, "弘扬和传承科学精神", {"市教育和体育局": UnitRole.LEAD, "市科协": UnitRole.LEAD}, []),
        (
            "3.1.2",
            youth,
            "加强科技辅导员队伍建设",
            {"市教育和体育局": UnitRole.LEAD, "团市委": UnitRole.PARTICIPATING},
            [("每年培训科技辅导员200人次以上", "科技辅导员培训", 200.0, "人次", "每年", None)],
        ),
        (
            "3.2.1",
            farmers,
            "培育高素质农民",
            {"市农业农村局": UnitRole.LEAD, "市科协": UnitRole.PARTICIPATING},
            [("“十四五”期间培训高素质农民1000名以上", "高素质农民培训", 1000.0, "名", "“十四五”期间", 2025)],
        ),
    ]
    tasks = []
    for order, (code, section, title, assignments, targets) in enumerate(specs):
        task = Task.objects.create(
            plan=plan, section=section, group=section, code=code, title=title, order=order,
            text=f"{title}。", path=["提升行动", section.title, title],
        )
        for unit_name, role in assignments.items():
            TaskUnit.objects.create(task=task, unit=units[unit_name], role=role)
        for position, (text, subject, value, unit, period, deadline) in enumerate(targets):
            Target.objects.create(
                task=task, text=text, subject=subject, value=value, unit=unit, period=period,
                deadline_year=deadline, order=position,
            )
        tasks.append(task)

    periods = [
        ReportingPeriod.objects.create(
            plan=plan,
            kind=PeriodKind.HALF_YEARLY,
            label=f"{year}年{half}",
            start=datetime.date(year, 1 if half == "上半年" else 7, 1),
            end=datetime.date(year, 6, 30) if half == "上半年" else datetime.date(year, 12, 31),
            due=datetime.date(year, 7, 15) if half == "上半年" else datetime.date(year + 1, 1, 15),
        )
        for half in ("上半年", "下半年")
    ]

    other_plan = Plan.objects.create(region=other_city, title="徐州市全民科学素质行动规划实施方案")
    other_task = Task.objects.create(plan=other_plan, code="1", title="徐州任务", order=0)
    TaskUnit.objects.create(task=other_task, unit=other_unit, role=UnitRole.LEAD)

    return World(city, county, other_city, units, users, plan, tasks, periods, other_plan)
