"""The annual evaluation report of a city at national scale: docx, pdf and xlsx.

A throwaway PostgreSQL (scripts/pg.sh) is filled by bench/generate_national.py (plans exist only for
counties there), then one city gets its own plan like a county's: 30 tasks over the nine actions and
programmes, ten member units, the same half-year periods and a report from every unit for every
past-due period. The city's report then reads its own plan and ranks its ten counties (300 tasks,
thousands of reports). Goal: each format in under 10 s.

    KESU_BENCH_SCALE=0.05 .venv/bin/python bench/run.py reports
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECTION = "Annual report"
REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
GOAL_SECONDS = 10.0
RUNS = 3


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def setup_django(database_url: str, data_dir: str) -> None:
    os.environ["KESU_DATABASE_URL"] = database_url
    os.environ["KESU_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kesu.web.settings"
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


def add_city_plan(city, start_year: int):
    """A plan for ``city`` shaped like the generated county plans, with every due report written."""
    from django.utils import timezone

    from generate_national import GROUP_TITLES, PLAN_YEARS, TASKS_PER_PLAN, UNIT_NAMES
    from kesu.org.models import Unit
    from kesu.planning.models import Plan, Section, SectionKind, Target, Task, TaskUnit, UnitRole
    from kesu.progress.models import PeriodKind, ProgressReport, ReportingPeriod, ReportStatus, TargetFigure

    plan = Plan.objects.create(region=city, title=f"{city.name}全民科学素质行动实施方案",
                               period_start=start_year, period_end=start_year + PLAN_YEARS - 1,
                               headline_indicator="公民具备科学素质的比例", headline_value=16.0,
                               headline_unit="%", headline_year=start_year + PLAN_YEARS - 1, is_demo=True)
    units = [Unit.objects.create(region=city, name=f"{city.name}{name}", is_demo=True) for name in UNIT_NAMES]
    groups = [Section.objects.create(plan=plan, title=title, kind=SectionKind(kind), order=i)
              for i, (kind, title) in enumerate(GROUP_TITLES)]
    periods = []
    for year in range(start_year, start_year + PLAN_YEARS):
        for first, label in ((True, "上半年"), (False, "下半年")):
            start = datetime.date(year, 1 if first else 7, 1)
            end = datetime.date(year, 6, 30) if first else datetime.date(year, 12, 31)
            due = datetime.date(year, 7, 15) if first else datetime.date(year + 1, 1, 15)
            periods.append(ReportingPeriod.objects.create(plan=plan, kind=PeriodKind.HALF_YEARLY,
                                                          label=f"{year}年{label}", start=start, end=end, due=due))
    today = timezone.localdate()
    for n in range(TASKS_PER_PLAN):
        group = groups[n % len(groups)]
        task = Task.objects.create(plan=plan, group=group, section=group, code=f"{n + 1}", title=f"市级重点任务{n + 1}",
                                   order=n)
        lead, partner = units[n % len(units)], units[(n + 3) % len(units)]
        TaskUnit.objects.create(task=task, unit=lead, role=UnitRole.LEAD)
        TaskUnit.objects.create(task=task, unit=partner, role=UnitRole.PARTICIPATING)
        target = Target.objects.create(task=task, text="每年开展科普活动100场", subject="科普活动", value=100,
                                       unit="场", period="每年")
        for period in periods:
            if period.due >= today:
                continue
            for unit in (lead, partner):
                moment = timezone.make_aware(datetime.datetime.combine(period.due, datetime.time(9)))
                status = ReportStatus.ACCEPTED if (n + period.pk) % 5 else ReportStatus.SUBMITTED
                report = ProgressReport.objects.create(task=task, unit=unit, period=period, status=status,
                                                       submitted_at=moment, reviewed_at=moment, is_demo=True)
                if unit == lead and status == ReportStatus.ACCEPTED:
                    TargetFigure.objects.create(report=report, target=target, value=float(40 + n % 7 * 10))
    return plan


def main() -> str:
    scale = float(os.environ.get("KESU_BENCH_SCALE", "0.05"))
    sys.path.insert(0, str(REPO / "bench"))
    workdir = Path(tempfile.mkdtemp(prefix="kesu-bench-reports-"))
    workdir.chmod(0o755)  # pg.sh runs the server as the postgres user
    pgdir = workdir / "pg"
    database_url = subprocess.run(
        ["bash", str(REPO / "scripts" / "pg.sh"), "start", str(pgdir)], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        env = {**os.environ, "KESU_DATABASE_URL": database_url, "KESU_DATA_DIR": str(workdir / "data"),
               "DJANGO_SETTINGS_MODULE": "kesu.web.settings"}
        subprocess.run([str(BIN / "kesu"), "manage", "migrate", "-v0"], check=True, env=env)
        setup_django(database_url, str(workdir / "data"))
        from generate_national import PLAN_START_YEAR, generate

        log(f"generating national data at scale {scale}")
        counts = generate(scale=scale, progress=sys.stderr.isatty())
        from django.db import connection
        from django.db.models import Count

        from kesu.evaluation.figures import evaluation_figures
        from kesu.evaluation.services import FORMATS, generate_annual_report
        from kesu.org.models import Region
        from kesu.progress.models import ProgressReport

        city = (Region.objects.filter(level="city").annotate(n=Count("children")).filter(n__gt=0)
                .order_by("-n", "code").first())
        add_city_plan(city, PLAN_START_YEAR)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        year = PLAN_START_YEAR + 1
        reports_below = ProgressReport.objects.filter(task__plan__region__path__startswith=city.path).count()

        timings: dict[str, list[float]] = {"data": []}
        data = None
        for _ in range(RUNS):
            started = time.perf_counter()
            data = evaluation_figures(city, year)
            timings["data"].append(time.perf_counter() - started)
        sizes = {}
        for fmt in FORMATS:
            timings[fmt] = []
            for _ in range(RUNS):
                started = time.perf_counter()
                report = generate_annual_report(city, year, fmt)
                timings[fmt].append(time.perf_counter() - started)
            sizes[fmt] = len(report.content)
            log(f"{fmt}: {min(timings[fmt]):.2f} s")
    finally:
        subprocess.run(["bash", str(REPO / "scripts" / "pg.sh"), "stop", str(pgdir)], check=False)

    lines = [
        f"City {city.name} ({city.code}), report year {year}, at `KESU_BENCH_SCALE={scale}` of "
        f"bench/generate_national.py ({counts.rows.get('progress_progressreport', 0):,} progress reports in the "
        f"database); the city's own plan has {data.task_total} tasks and its {len(data.lower_regions)} counties "
        f"{sum(r.tasks for r in data.lower_regions):,} tasks; {reports_below:,} reports under the city.",
        "",
        f"Goal: each format under {GOAL_SECONDS:g} s. Wall time per run (first run / best of {RUNS}):",
        "",
        "| step | first | best | file size | goal met |",
        "|---|---:|---:|---:|---|",
        f"| report_data (all queries and figures) | {timings['data'][0]:.2f} s | {min(timings['data']):.2f} s | – | "
        f"{'yes' if max(timings['data']) < GOAL_SECONDS else 'no'} |",
    ]
    for fmt in FORMATS:
        lines.append(
            f"| {fmt} (data + layout + file) | {timings[fmt][0]:.2f} s | {min(timings[fmt]):.2f} s | "
            f"{sizes[fmt] / 1024:.0f} KB | {'yes' if max(timings[fmt]) < GOAL_SECONDS else 'no'} |"
        )
    lines += ["", f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work, "
              f"Python {platform.python_version()}, PostgreSQL from scripts/pg.sh (Unix socket, fsync off)."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
