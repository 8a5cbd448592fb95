"""A finished plan for the final evaluation (总结评估) tests: the world's 乳山市 plan 2021—2025 with one
yearly reporting period a year (due 15 January of the next year), five years of reports, two survey
waves and a 2026—2030 successor that carries one task on. ``TODAY`` is 2026-03-01, so statuses are
judged as of 2026-01-31 (every period past due).

=====================  =================================  ============================================
task                   units                              reports, 2021 … 2025 (on time: by 15 Jan)
=====================  =================================  ============================================
3.1.1 科学精神           教体局 lead, 科协 lead               科协: accepted on time every year;
                                                          教体局: submitted on time 2021–2024, 2025 returned
3.1.2 200人次/年         教体局 lead, 团市委                  教体局: accepted on time, 210 190 250 230 220;
                                                          团市委: submitted on time 2021–2024, 2025 none
3.2.1 1000名 by 2025    农业农村局 lead, 科协                农业农村局: accepted, to date 150 300 450 600
                                                          800, 2025 late (20 Jan); 科协: none
=====================  =================================  ============================================
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from tests.evaluation.conftest import add_report, at

from kesu.literacy.models import CiMethod, LiteracyEstimate, SourceKind, SurveyWave
from kesu.planning.models import Plan, Task, TaskUnit, UnitRole
from kesu.progress.models import PeriodKind, ReportingPeriod, ReportStatus

TODAY = datetime.date(2026, 3, 1)
YEARS = range(2021, 2026)
TUTORS = dict(zip(YEARS, (210, 190, 250, 230, 220), strict=True))
FARMERS = dict(zip(YEARS, (150, 300, 450, 600, 800), strict=True))
# (year, share, low, high, n): the 2025 wave is the latest of the period; the 2026 one is not in it.
WAVES = ((2022, 0.141, 0.128, 0.155, 800), (2025, 0.168, 0.151, 0.186, 900), (2026, 0.19, 0.17, 0.21, 700))


def add_wave(region, year, share, low, high, n):
    wave = SurveyWave(region=region, year=year, name=f"{year}年{region.name}抽样调查", source_kind=SourceKind.SCORED,
                      original_filename="wave.csv", row_count=n, weight_column="weight", data_sha256=f"{year:064d}")
    wave.data_file.save(f"final-{year}.csv.gz", ContentFile(b""), save=True)
    LiteracyEstimate.objects.create(wave=wave, ci_method=CiMethod.LOGIT, estimate=share, se=0.008, ci_low=low,
                                    ci_high=high, deff=1.2, n=n)


def add_period_reports(world) -> None:
    edu, kexie, youth_league, agri = (world.units[n] for n in ("市教育和体育局", "市科协", "团市委", "市农业农村局"))
    spirit, tutors, farmers = world.tasks
    accepted, submitted = ReportStatus.ACCEPTED, ReportStatus.SUBMITTED
    for period in world.periods:
        year = period.start.year
        on_time, reviewed = at(year + 1, 1, 10), at(year + 1, 1, 25)
        add_report(spirit, kexie, period, accepted, on_time, reviewed)
        if year < 2025:
            add_report(spirit, edu, period, submitted, on_time)
            add_report(tutors, youth_league, period, submitted, on_time)
        else:
            add_report(spirit, edu, period, ReportStatus.RETURNED, on_time, reviewed, returned=True)
        add_report(tutors, edu, period, accepted, on_time, reviewed, figure=TUTORS[year])
        late = at(year + 1, 1, 20) if year == 2025 else on_time
        add_report(farmers, agri, period, accepted, late, reviewed, figure=FARMERS[year])


def build_final_world(world):
    for period in world.periods:
        period.delete()
    world.periods = [
        ReportingPeriod.objects.create(
            plan=world.plan, kind=PeriodKind.YEARLY, label=f"{year}年", start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31), due=datetime.date(year + 1, 1, 15),
        )
        for year in YEARS
    ]
    add_period_reports(world)
    for wave in WAVES:
        add_wave(world.county, *wave)
    successor = Plan.objects.create(
        region=world.county, title="乳山市全民科学素质行动实施方案（2026—2030年）", period_start=2026,
        period_end=2030, preceding_plan=world.plan,
    )
    carried = Task.objects.create(plan=successor, code="2.1", title="持续培育高素质农民", order=0,
                                  carried_from=world.tasks[2])
    TaskUnit.objects.create(task=carried, unit=world.units["市农业农村局"], role=UnitRole.LEAD)
    world.successor = successor
    return world
