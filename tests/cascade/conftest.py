"""A parent plan for the world's county plan (威海市's, with two tasks) and a stand-in for the alignment
core where a test is about what the services store, not how well texts match."""

from __future__ import annotations

from collections import namedtuple

import pytest

from kesu.cascade import matching
from kesu.planning.models import Plan, Task

Item = namedtuple("Item", "id title text path")
Found = namedtuple("Found", "parent title score")

HEADINGS = {"A1": "青少年科学素质提升行动", "A2": "农民科学素质提升行动", "P1": "科技资源科普化工程"}


def overlap(a: str, b: str) -> float:
    left, right = set(a), set(b)
    return len(left & right) / len(left | right) if left | right else 0.0


def stand_in_align(children, parents, *, top=3):
    result = {}
    for child in children:
        words = child.title + "".join(child.path)
        ranked = sorted(parents, key=lambda p: (-overlap(words, p.title), p.id))
        result[child.id] = [Found(p.id, p.title, round(overlap(words, p.title), 4)) for p in ranked[:top]]
    return result


@pytest.fixture
def stand_in(monkeypatch):
    """Character-overlap alignment over three national headings (A1, A2, P1)."""
    monkeypatch.setattr(matching, "task_items", lambda tasks: [
        Item(str(t.pk), t.title, t.text, tuple(t.path or ())) for t in tasks])
    monkeypatch.setattr(matching, "align", lambda children, parents, top=3: stand_in_align(children, parents, top=top))
    monkeypatch.setattr(matching, "national_items", lambda: [Item(code, title, "", ()) for code, title in HEADINGS.items()])
    monkeypatch.setattr(matching, "national_headings", lambda: dict(HEADINGS))
    monkeypatch.setattr(matching, "national_version", lambda: "test-1")


@pytest.fixture
def city_plan(world):
    plan = Plan.objects.create(region=world.city, title="威海市全民科学素质行动规划纲要实施方案（2021—2025年）",
                               period_start=2021, period_end=2025)
    for order, (code, title) in enumerate([("1", "青少年科学素质提升行动"), ("2", "农民科学素质提升行动")]):
        Task.objects.create(plan=plan, code=code, title=title, text=f"{title}。", path=["提升行动", title],
                            order=order)
    return plan


# --- Roll-up and county 考核 (tests/cascade/test_rollup.py, test_assessment.py) ----------------------

def rollup_report(task, unit, period, submitted, figures=None, *, accepted=True):
    """A report first submitted at ``submitted`` (a date), accepted two days later, with figures."""
    import datetime
    from zoneinfo import ZoneInfo

    from kesu.progress.models import ProgressReport, ReportStatus, ReviewEvent, ReviewEventKind, TargetFigure

    moment = datetime.datetime.combine(submitted, datetime.time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
    report = ProgressReport.objects.create(
        task=task, unit=unit, period=period, status=ReportStatus.ACCEPTED if accepted else ReportStatus.SUBMITTED,
        submitted_at=moment, reviewed_at=moment + datetime.timedelta(days=2) if accepted else None)
    ReviewEvent.objects.filter(pk=ReviewEvent.objects.create(report=report, kind=ReviewEventKind.SUBMIT).pk) \
        .update(at=moment)
    if accepted:
        ReviewEvent.objects.filter(pk=ReviewEvent.objects.create(report=report, kind=ReviewEventKind.ACCEPT).pk) \
            .update(at=moment + datetime.timedelta(days=2))
    for target, value in (figures or {}).items():
        TargetFigure.objects.create(report=report, target=target, value=value)
    return report


@pytest.fixture
def rollup_world(world):
    """威海市's plan (C1 farmers 2000名, C2 coverage 90%, C3 unlinked) with two county child plans:
    乳山市 (the world's plan, plus a coverage task R2 at 80%) and 文登区 (W1 farmers 800名, W2 coverage
    90%). Confirmed links: 乳山 3.2.1 and 文登 W1 → C1; 乳山 R2 and 文登 W2 → C2; a proposal 乳山 3.1.1 → C1.
    Accepted figures: 乳山 farmers 400 then 550, R2 82; 文登 W1 300 (second half never reported), W2 85.
    乳山 has a 2024 survey estimate of 13.6% against its 17% target; 文登 none."""
    import datetime
    from types import SimpleNamespace

    from kesu.cascade.models import LinkState, PlanParent, TaskLink
    from kesu.literacy.models import CiMethod, LiteracyEstimate, SourceKind, SurveyWave
    from kesu.org.models import Region, RegionLevel, Unit
    from kesu.planning.models import Target, TaskUnit, UnitRole
    from kesu.progress.models import PeriodKind, ReportingPeriod

    city = Plan.objects.create(region=world.city, title="威海市全民科学素质行动规划纲要实施方案（2021—2025年）",
                               period_start=2021, period_end=2025, headline_indicator="公民具备科学素质的比例",
                               headline_value=16.0, headline_unit="%", headline_year=2025)
    c1 = Task.objects.create(plan=city, code="C1", title="培育高素质农民", order=0)
    Target.objects.create(task=c1, text="培训高素质农民2000名以上", subject="高素质农民培训", value=2000, unit="名",
                          period="“十四五”期间", deadline_year=2025)
    c2 = Task.objects.create(plan=city, code="C2", title="提高科普设施覆盖率", order=1)
    Target.objects.create(task=c2, text="科普设施覆盖率达到90%", subject="科普设施覆盖率", value=90, unit="%")
    c3 = Task.objects.create(plan=city, code="C3", title="加强科普队伍建设", order=2)

    rushan = world.plan
    r2 = Task.objects.create(plan=rushan, code="3.2.2", title="提高村级科普设施覆盖率", order=3)
    r2_target = Target.objects.create(task=r2, text="科普设施覆盖率达到80%", subject="科普设施覆盖率", value=80, unit="%")

    wendeng_region = Region.objects.create(code="371003", name="文登区", level=RegionLevel.COUNTY, parent=world.city)
    wendeng = Plan.objects.create(region=wendeng_region, title="文登区全民科学素质行动实施方案（2021—2025年）",
                                  period_start=2021, period_end=2025, headline_indicator="公民具备科学素质的比例",
                                  headline_value=15.0, headline_unit="%", headline_year=2025)
    w_unit = Unit.objects.create(region=wendeng_region, name="文登区科协")
    w1 = Task.objects.create(plan=wendeng, code="W1", title="培育高素质农民", order=0)
    w1_target = Target.objects.create(task=w1, text="培训高素质农民800名以上", subject="高素质农民培训", value=800,
                                      unit="名", period="“十四五”期间", deadline_year=2025)
    w2 = Task.objects.create(plan=wendeng, code="W2", title="科普设施全覆盖", order=1)
    w2_target = Target.objects.create(task=w2, text="科普设施覆盖率达到90%", subject="科普设施覆盖率", value=90, unit="%")
    for task in (w1, w2):
        TaskUnit.objects.create(task=task, unit=w_unit, role=UnitRole.LEAD)
    w_periods = [ReportingPeriod.objects.create(
        plan=wendeng, kind=PeriodKind.HALF_YEARLY, label=f"2024年{half}", start=start, end=end, due=due)
        for half, start, end, due in (
            ("上半年", datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), datetime.date(2024, 7, 15)),
            ("下半年", datetime.date(2024, 7, 1), datetime.date(2024, 12, 31), datetime.date(2025, 1, 15)))]

    for child in (rushan, wendeng):
        PlanParent.objects.create(plan=child, parent_plan=city)
    farmers = world.tasks[2]
    for child_task, parent in ((farmers, c1), (w1, c1), (r2, c2), (w2, c2)):
        TaskLink.objects.create(task=child_task, parent_task=parent, state=LinkState.CONFIRMED, score=0.9)
    TaskLink.objects.create(task=world.tasks[0], parent_task=c1, state=LinkState.PROPOSED, score=0.4)

    agri, edu = world.units["市农业农村局"], world.units["市教育和体育局"]
    farmer_target = farmers.targets.get()
    first, second = world.periods
    rollup_report(farmers, agri, first, datetime.date(2024, 7, 12), {farmer_target: 400})
    rollup_report(farmers, agri, second, datetime.date(2025, 1, 10), {farmer_target: 550})
    rollup_report(r2, edu, first, datetime.date(2024, 7, 20), {r2_target: 82})
    rollup_report(w1, w_unit, w_periods[0], datetime.date(2024, 7, 10), {w1_target: 300})
    rollup_report(w2, w_unit, w_periods[0], datetime.date(2024, 7, 11), {w2_target: 85})

    wave = SurveyWave(region=world.county, year=2024, name="2024年乳山市抽样调查", source_kind=SourceKind.SCORED,
                      original_filename="wave.csv", row_count=800, weight_column="weight", data_sha256="0" * 64)
    wave.data_file.name = "surveys/waves/rollup-2024.csv.gz"
    wave.save()
    LiteracyEstimate.objects.create(wave=wave, ci_method=CiMethod.LOGIT, estimate=0.136, se=0.008, ci_low=0.12,
                                    ci_high=0.15, n=800)
    return SimpleNamespace(city=city, tasks=(c1, c2, c3), rushan=rushan, wendeng=wendeng, r2=r2, w1=w1, w2=w2,
                           farmers=farmers, wendeng_region=wendeng_region, today=datetime.date(2025, 3, 1))


# ---- a city plan with two county plans under it (coverage and target consistency) ------------------

Tree = namedtuple("Tree", "city_plan city_tasks wendeng_plan wendeng_tasks")


def _target(task, text, value, unit, period="", subject="", order=0):
    from kesu.planning.models import Target

    return Target.objects.create(task=task, text=text, subject=subject, value=value, unit=unit, period=period,
                                 order=order)


def _link(task, parent_task=None, code="", state="confirmed", score=None):
    from kesu.cascade.models import TaskLink

    return TaskLink.objects.create(task=task, parent_task=parent_task, national_code=code, state=state,
                                   score=score)


@pytest.fixture
def tree(world, city_plan):
    """威海市's plan (headline 16 %; parent: the national 纲要) with three tasks — 1 youth (≥ 500 人次 a
    year; → A1 confirmed), 2 farmers (3000 名 over the period and a 90 % coverage rate;
    → A2 confirmed), 3 science venues (no target; → P1 proposed at 0.8) — and two county plans whose
    parent it is: 乳山市's (the world's plan, 17 %) and 文登区's (14 %).

    乳山: 3.1.2 (200 人次 a year) → 1 confirmed; 3.2.1 (1000 名, 85 %) → 2 confirmed; 3.1.1 → 3 proposed 0.4.
    文登: w1 (250 人次 a year, 10 个 e站) → 1 confirmed; w2 (2500 名, 95 %) → 2 confirmed; w3 → 3 proposed 0.6.
    """
    from kesu.cascade.models import PlanParent
    from kesu.org.models import Region, RegionLevel

    Plan.objects.filter(pk=city_plan.pk).update(headline_indicator="公民具备科学素质的比例", headline_value=16.0,
                                                headline_unit="%", headline_year=2025)
    city_plan.refresh_from_db()
    youth, farmers = city_plan.tasks.get(code="1"), city_plan.tasks.get(code="2")
    venues = Task.objects.create(plan=city_plan, code="3", title="科普基础设施工程", text="科普基础设施工程。",
                                 path=["重点工程", "科普基础设施工程"], order=2)
    _target(youth, "每年培训科技辅导员500人次以上", 500.0, "人次", "每年", "科技辅导员培训")
    _target(farmers, "“十四五”期间培训高素质农民3000名以上", 3000.0, "名", "“十四五”期间", "高素质农民培训")
    _target(farmers, "农村中小学科普活动覆盖率达到90%", 90.0, "%", "", "覆盖率", order=1)
    PlanParent.objects.create(plan=city_plan, national_version="1")
    _link(youth, code="A1")
    _link(farmers, code="A2")
    _link(venues, code="P1", state="proposed", score=0.8)

    wendeng = Region.objects.create(code="371003", name="文登区", level=RegionLevel.COUNTY, parent=world.city)
    wendeng_plan = Plan.objects.create(region=wendeng, title="文登区全民科学素质行动实施方案（2021—2025年）",
                                       period_start=2021, period_end=2025, headline_indicator="公民具备科学素质的比例",
                                       headline_value=14.0, headline_unit="%", headline_year=2025)
    w1, w2, w3 = (Task.objects.create(plan=wendeng_plan, code=code, title=title, text=f"{title}。", order=order)
                  for order, (code, title) in enumerate([("w1", "科技辅导员培训"), ("w2", "高素质农民培育"),
                                                         ("w3", "科普场馆建设")]))
    _target(w1, "每年培训科技辅导员250人次", 250.0, "人次", "每年", "科技辅导员培训")
    _target(w1, "建设科普e站10个", 10.0, "个", "", "科普e站", order=1)
    _target(w2, "培训高素质农民2500名", 2500.0, "名", "“十四五”期间", "高素质农民培训")
    _target(w2, "农村中小学科普活动覆盖率达到95%", 95.0, "%", "", "覆盖率", order=1)
    _target(world.tasks[2], "农村中小学科普活动覆盖率达到85%", 85.0, "%", "", "覆盖率", order=1)

    PlanParent.objects.create(plan=world.plan, parent_plan=city_plan)
    PlanParent.objects.create(plan=wendeng_plan, parent_plan=city_plan)
    _link(world.tasks[1], youth)
    _link(world.tasks[2], farmers)
    _link(world.tasks[0], venues, state="proposed", score=0.4)
    _link(w1, youth)
    _link(w2, farmers)
    _link(w3, venues, state="proposed", score=0.6)
    return Tree(city_plan, (youth, farmers, venues), wendeng_plan, (w1, w2, w3))
