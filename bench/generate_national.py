"""Synthetic national-scale data for load tests: 31 provinces, ~300 cities, 3,000 counties, 30,000 units,
3,000 plans, 90,000 tasks and about 1,000,000 progress reports at --scale 1 (with their sections,
periods, assignments, targets, figures and review events), plus one office admin per city and county.

    KESU_DATABASE_URL=postgresql://… .venv/bin/python bench/generate_national.py --scale 0.01

Rows are written in batches of counties: with COPY on PostgreSQL, bulk_create elsewhere. Primary keys
are assigned here (so that child rows can point at parents without reading them back) and the
sequences are moved past them at the end. The data are marked is_demo and bypass the audit log on
purpose: they are load, not history. Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_PASSWORD = "kesu-bench-pass-1"

PROVINCES = 31
CITIES_PER_PROVINCE = 10
COUNTIES_PER_CITY = 10  # 31 × 10 × 10 = 3,100 counties; --scale picks the first 3,000 × scale
COUNTIES_AT_SCALE_1 = 3000
UNITS_PER_COUNTY = 10
TASKS_PER_PLAN = 30
# Plans started two years ago, so that about five half-year periods are past due whenever this runs.
PLAN_START_YEAR = datetime.date.today().year - 2
PLAN_YEARS = 5
UNIT_NAMES = (
    "科协", "教育和体育局", "科技局", "农业农村局", "卫生健康局", "人力资源和社会保障局", "总工会",
    "团委", "妇联", "融媒体中心",
)
GROUP_TITLES = (
    ("action", "青少年科学素质提升行动"), ("action", "农民科学素质提升行动"),
    ("action", "产业工人科学素质提升行动"), ("action", "老年人科学素质提升行动"),
    ("action", "领导干部和公务员科学素质提升行动"), ("programme", "科技资源科普化工程"),
    ("programme", "科普信息化提升工程"), ("programme", "科普基础设施工程"),
    ("programme", "基层科普能力提升工程"),
)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
    import django

    django.setup()


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, table: str, number: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + number


class TableWriter:
    """Writes rows of one model given as {attname: value}; fields left out get their Django default
    (COPY and bulk_create bypass Model.save(), and the database has no column defaults)."""

    def __init__(self, model, use_copy: bool):
        from django.db import models
        from django.utils import timezone

        self.model = model
        self.use_copy = use_copy
        now = timezone.now()
        self.fields = model._meta.concrete_fields
        self.defaults = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            else:
                # "" for blank text fields, None for nullable ones, the declared default otherwise.
                self.defaults[f.attname] = f.get_default()
        self.json_fields = {f.attname for f in self.fields if isinstance(f, models.JSONField)}

    def write(self, connection, rows: list[dict]) -> None:
        if not rows:
            return
        if not self.use_copy:
            self.model.objects.bulk_create([self.model(**{**self.defaults, **row}) for row in rows], batch_size=2000)
            return
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        table = connection.ops.quote_name(self.model._meta.db_table)
        attnames = [f.attname for f in self.fields]
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for name in attnames:
                    value = row.get(name, self.defaults[name])
                    if name in self.json_fields:
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)


class Ids:
    """The next free primary key of every table, read once at the start."""

    def __init__(self, models):
        from django.db.models import Max

        self.next = {m: (m.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for m in models}

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def half_year_periods(start_year: int, years: int) -> list[tuple[str, datetime.date, datetime.date, datetime.date]]:
    periods = []
    for year in range(start_year, start_year + years):
        periods.append((f"{year}年上半年", datetime.date(year, 1, 1), datetime.date(year, 6, 30),
                        datetime.date(year, 7, 15)))
        periods.append((f"{year}年下半年", datetime.date(year, 7, 1), datetime.date(year, 12, 31),
                        datetime.date(year + 1, 1, 15)))
    return periods


def county_codes(total_counties: int):
    """(province code, city code, county code) for `total_counties` counties, filled city by city."""
    made = 0
    for p in range(PROVINCES):
        for c in range(1, CITIES_PER_PROVINCE + 1):
            for k in range(1, COUNTIES_PER_CITY + 1):
                if made == total_counties:
                    return
                province = f"{11 + p:02d}0000"
                yield province, f"{11 + p:02d}{c:02d}00", f"{11 + p:02d}{c:02d}{k:02d}"
                made += 1


def generate(scale: float = 1.0, seed: int = 20250101, batch_counties: int = 50, progress: bool = True) -> Counts:
    """Write the national data set into the configured database; returns row counts and seconds."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kesu.org.models import Region, RegionLevel, Role, Unit, User
    from kesu.planning.models import Plan, Section, Target, Task, TaskUnit
    from kesu.progress.models import ProgressReport, ReportingPeriod, ReviewEvent, TargetFigure

    if scale <= 0:
        raise ValueError(f"--scale must be positive, got {scale}")
    started = time.perf_counter()
    rng = random.Random(seed)
    total_counties = max(1, round(COUNTIES_AT_SCALE_1 * scale))
    use_copy = connection.vendor == "postgresql"
    models = (Region, Unit, User, Plan, Section, ReportingPeriod, Task, TaskUnit, Target, ProgressReport,
              TargetFigure, ReviewEvent)
    writers = {model: TableWriter(model, use_copy) for model in models}
    ids = Ids(models)
    counts = Counts()
    password_hash = make_password(BENCH_PASSWORD)  # one hash for every user: hashing 3,300 would take minutes
    today = datetime.date.today()
    now = datetime.datetime.now(datetime.UTC)
    periods_spec = half_year_periods(PLAN_START_YEAR, PLAN_YEARS)
    past_due = [index for index, (_, _, _, due) in enumerate(periods_spec) if due < today]

    region_ids: dict[str, int] = {}
    region_paths: dict[str, str] = {}

    def region_row(code: str, name: str, level: str, parent_code: str | None) -> dict:
        region_id = ids.take(Region)
        region_ids[code] = region_id
        region_paths[code] = (region_paths[parent_code] if parent_code else "/") + f"{code}/"
        return {"id": region_id, "code": code, "name": name, "level": level,
                "parent_id": region_ids.get(parent_code), "path": region_paths[code], "is_demo": True}

    def user_row(username: str, role: str, region_code: str) -> dict:
        return {"id": ids.take(User), "username": username, "password": password_hash, "role": role,
                "region_id": region_ids[region_code], "display_name": username, "is_active": True,
                "date_joined": now, "email": "", "first_name": "", "last_name": "", "phone": ""}

    codes = list(county_codes(total_counties))
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, disable=not progress, transient=False) as bar:
        job = bar.add_task("区划、单位、方案、任务、报告（按县分批）", total=len(codes))
        for batch_start in range(0, len(codes), batch_counties):
            batch = codes[batch_start: batch_start + batch_counties]
            rows: dict = {model: [] for model in models}
            for province, city, county in batch:
                if province not in region_ids:
                    rows[Region].append(region_row(province, f"第{province[:2]}省", RegionLevel.PROVINCE, None))
                if city not in region_ids:
                    rows[Region].append(region_row(city, f"{province[:2]}省第{city[2:4]}市", RegionLevel.CITY, province))
                    rows[User].append(user_row(f"office_{city}", Role.OFFICE_ADMIN, city))
                county_name = f"{province[:2]}省{city[2:4]}市第{county[4:]}县"
                rows[Region].append(region_row(county, county_name, RegionLevel.COUNTY, city))
                rows[User].append(user_row(f"office_{county}", Role.OFFICE_ADMIN, county))

                unit_ids = []
                for position, name in enumerate(UNIT_NAMES[:UNITS_PER_COUNTY]):
                    unit_id = ids.take(Unit)
                    unit_ids.append(unit_id)
                    rows[Unit].append({"id": unit_id, "region_id": region_ids[county], "name": f"{county_name}{name}",
                                       "is_office": position == 0, "is_demo": True})

                plan_id = ids.take(Plan)
                rows[Plan].append({
                    "id": plan_id, "region_id": region_ids[county], "is_demo": True,
                    "title": f"{county_name}全民科学素质行动实施方案（{PLAN_START_YEAR}—{PLAN_START_YEAR + PLAN_YEARS - 1}年）",
                    "doc_number": f"{county[2:]}政发〔{PLAN_START_YEAR}〕{rng.randint(1, 40)}号",
                    "period_start": PLAN_START_YEAR, "period_end": PLAN_START_YEAR + PLAN_YEARS - 1,
                    "headline_indicator": "公民具备科学素质的比例", "headline_value": 15.0, "headline_unit": "%",
                    "headline_year": PLAN_START_YEAR + PLAN_YEARS - 1,
                })
                group_ids = []
                for order, (kind, title) in enumerate(GROUP_TITLES):
                    section_id = ids.take(Section)
                    group_ids.append(section_id)
                    rows[Section].append({"id": section_id, "plan_id": plan_id, "number": f"（{order + 1}）",
                                          "title": title, "kind": kind, "order": order})
                period_ids = []
                for label, start, end, due in periods_spec:
                    period_id = ids.take(ReportingPeriod)
                    period_ids.append(period_id)
                    rows[ReportingPeriod].append({"id": period_id, "plan_id": plan_id, "kind": "half_yearly",
                                                  "label": label, "start": start, "end": end, "due": due})

                for order in range(TASKS_PER_PLAN):
                    task_id = ids.take(Task)
                    group_index = order % len(GROUP_TITLES)
                    title = f"{GROUP_TITLES[group_index][1]}第{order // len(GROUP_TITLES) + 1}项任务"
                    rows[Task].append({
                        "id": task_id, "plan_id": plan_id, "section_id": group_ids[group_index],
                        "group_id": group_ids[group_index], "code": f"{group_index + 1}.{order + 1}",
                        "title": title, "text": f"{title}。", "path": ["重点任务", GROUP_TITLES[group_index][1]],
                        "deadline_year": PLAN_START_YEAR + PLAN_YEARS - 1, "order": order,
                    })
                    # 1 lead, 0–3 participants: about 2.5 responsible units per task on average.
                    chosen = rng.sample(unit_ids, 1 + rng.choice((0, 1, 1, 2, 2, 3)))
                    target_id = None
                    if rng.random() < 0.7:
                        target_id = ids.take(Target)
                        yearly = rng.random() < 0.5
                        value = float(rng.choice((10, 50, 100, 200, 1000)))
                        rows[Target].append({
                            "id": target_id, "task_id": task_id, "text": f"{'每年' if yearly else '累计'}完成{value:g}人次",
                            "subject": "培训", "value": value, "unit": "人次", "period": "每年" if yearly else "",
                            "deadline_year": PLAN_START_YEAR + PLAN_YEARS - 1,
                        })
                    for position, unit_id in enumerate(chosen):
                        rows[TaskUnit].append({"id": ids.take(TaskUnit), "task_id": task_id, "unit_id": unit_id,
                                               "role": "lead" if position == 0 else "participating"})
                        # Reports for the past-due periods and, for some units, the current one: about
                        # 4.4 per assignment, 1,000,000 in all at scale 1.
                        reported = past_due[: len(past_due) - rng.choice((0, 0, 1, 1, 2))]
                        if rng.random() < 0.45 and len(past_due) < len(periods_spec):
                            reported = [*reported, len(past_due)]
                        for period_index in reported:
                            is_latest = period_index >= len(past_due) - 1
                            status = (rng.choice(("draft", "submitted", "submitted", "returned", "accepted"))
                                      if is_latest else "accepted")
                            report_id = ids.take(ProgressReport)
                            due = periods_spec[period_index][3]
                            submitted_at = (datetime.datetime.combine(due, datetime.time(9), datetime.UTC)
                                            - datetime.timedelta(days=rng.randint(-10, 20)))
                            rows[ProgressReport].append({
                                "id": report_id, "task_id": task_id, "unit_id": unit_id,
                                "period_id": period_ids[period_index], "status": status,
                                "narrative": "本期按计划推进，完成培训和科普活动。", "revision": 2,
                                "submitted_at": None if status == "draft" else submitted_at,
                                "reviewed_at": submitted_at if status in ("accepted", "returned") else None,
                                "review_comment": "请补充佐证材料" if status == "returned" else "",
                                "is_demo": True, "updated_at": submitted_at,
                            })
                            if target_id is not None:
                                rows[TargetFigure].append({"id": ids.take(TargetFigure), "report_id": report_id,
                                                           "target_id": target_id, "value": float(rng.randint(0, 120)),
                                                           "note": ""})
                            if status != "draft":
                                rows[ReviewEvent].append({"id": ids.take(ReviewEvent), "report_id": report_id,
                                                          "kind": "submit", "at": submitted_at, "comment": ""})
            with transaction.atomic():
                for model in models:
                    writers[model].write(connection, rows[model])
                    counts.add(model._meta.db_table, len(rows[model]))
            bar.update(job, advance=len(batch))

    if use_copy:
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))",
                    [table],
                )
            # VACUUM as well as ANALYZE: after a million inserted rows autovacuum would otherwise start
            # its own pass over the big tables in the middle of whatever is measured next, as it does
            # once after a bulk load and not again in a database in service.
            cursor.execute("VACUUM ANALYZE")
    counts.seconds = time.perf_counter() - started
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 3,000 counties, ~1,000,000 reports")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--batch-counties", type=int, default=50)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    setup_django()
    counts = generate(scale=args.scale, seed=args.seed, batch_counties=args.batch_counties)
    for table, number in counts.rows.items():
        print(f"{table:28s} {number:>10,d}")
    print(f"generated in {counts.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
