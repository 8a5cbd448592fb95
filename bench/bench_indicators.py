"""Outreach statistics at national scale: 3,000 counties (under 300 cities, 30 provinces) × 60 data
elements × 10 years = 1.8 million values on a throwaway PostgreSQL; full-hierarchy aggregation of
one year with `kesu.indicators.aggregation.aggregate` (goal < 2 s).

Baselines in the same run: a plain COUNT(*)/SUM over the year's rows, and the same roll-up to
cities and provinces done by PostgreSQL alone (GROUP BY on path prefixes), so that the figure stays
comparable on a busy machine.

    .venv/bin/python bench/run.py indicators
    KESU_BENCH_COUNTIES=300 .venv/bin/python bench/bench_indicators.py   # smaller, quicker
"""

from __future__ import annotations

import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECTION = "Indicators"
REPO = Path(__file__).resolve().parents[1]
COUNTIES = int(os.environ.get("KESU_BENCH_COUNTIES", 3000))
ELEMENTS = 60
YEARS = list(range(2015, 2025))
REPEATS = 5
GOAL_S = 2.0


def log(message: str) -> None:
    print(f"[bench_indicators] {message}", file=sys.stderr, flush=True)


def timed(function, repeats=REPEATS):
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), result


def fill(connection_url: str) -> dict:
    import django

    os.environ["KESU_DATABASE_URL"] = connection_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kesu.indicators.models import DataElement, DataValue
    from kesu.org.models import Region, RegionLevel

    call_command("migrate", verbosity=0)
    log("regions and elements")
    provinces = [Region(code=f"{10 + p:02d}0000", name=f"省{p}", level=RegionLevel.PROVINCE, path=f"/{10 + p:02d}0000/")
                 for p in range(30)]
    Region.objects.bulk_create(provinces)
    provinces = list(Region.objects.order_by("code"))
    cities = []
    for p, province in enumerate(provinces):
        for c in range(10):
            code = f"{10 + p:02d}{c + 1:02d}00"
            cities.append(Region(code=code, name=f"市{p}-{c}", level=RegionLevel.CITY, parent=province,
                                 path=f"{province.path}{code}/"))
    Region.objects.bulk_create(cities)
    cities = list(Region.objects.filter(level=RegionLevel.CITY).order_by("code"))
    per_city = COUNTIES // len(cities)
    counties = []
    for city in cities:
        for k in range(per_city):
            code = f"{city.code[:4]}{k + 1:02d}"
            counties.append(Region(code=code, name=f"县{code}", level=RegionLevel.COUNTY, parent=city,
                                   path=f"{city.path}{code}/"))
    Region.objects.bulk_create(counties)
    county_ids = list(Region.objects.filter(level=RegionLevel.COUNTY).values_list("id", flat=True))
    rules = ["sum", "sum", "sum", "last", "average"]
    elements = DataElement.objects.bulk_create([
        DataElement(code=f"bench_{i:02d}", name=f"数据项{i}", unit="个", aggregation=rules[i % len(rules)], order=i)
        for i in range(ELEMENTS)
    ])
    log(f"{len(county_ids) * ELEMENTS * len(YEARS):,} values via COPY")
    buffer = io.StringIO()
    for year in YEARS:
        for region_id in county_ids:
            for element in elements:
                buffer.write(f"{element.pk}\t{region_id}\t{year}\t0\t{(region_id * 7 + element.pk * 13 + year) % 997}\tdraft\n")
    buffer.seek(0)
    table = DataValue._meta.db_table
    with connection.cursor() as cursor:
        with cursor.copy(
            f"COPY {table} (element_id, region_id, year, quarter, value, status, updated_at) FROM STDIN"
        ) as copy:
            for line in buffer:
                copy.write(line.rstrip("\n") + "\tnow\n")
        cursor.execute(f"ANALYZE {table}")
    return {"regions": len(provinces) + len(cities) + len(county_ids), "elements": elements,
            "values": DataValue.objects.count()}


def measure(info: dict) -> str:
    from django.db import connection

    from kesu.indicators.aggregation import aggregate
    from kesu.indicators.models import DataValue
    from kesu.org.models import Region

    year = YEARS[-1]
    table = DataValue._meta.db_table
    region_table = Region._meta.db_table
    rules = {e.pk: e.aggregation for e in info["elements"]}
    roots = list(Region.objects.filter(parent__isnull=True))

    def count_year():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), SUM(value) FROM {table} WHERE year = %s", [year])
            return cursor.fetchone()

    def sql_rollup():
        # Cities and provinces by path prefix (fixed-length 6-digit codes): what PostgreSQL alone
        # does for the sum rule, without own-value precedence or average/last rules.
        rows = 0
        with connection.cursor() as cursor:
            for prefix in (15, 8):
                cursor.execute(
                    f"SELECT substr(r.path, 1, %s), v.element_id, SUM(v.value) FROM {table} v "
                    f"JOIN {region_table} r ON r.id = v.region_id WHERE v.year = %s GROUP BY 1, 2",
                    [prefix, year],
                )
                rows += len(cursor.fetchall())
        return rows

    def full_rollup():
        return aggregate(roots, rules, [year])

    log("timing")
    count_median, _, counted = timed(count_year)
    sql_median, _, _ = timed(sql_rollup)
    median, best, result = timed(full_rollup)
    regions_with_cells = len(result.cells)
    check_root = result.get(roots[0].pk, year)
    assert check_root, "aggregation returned nothing for a province"
    verdict = "meets" if median < GOAL_S else "misses"
    return (
        f"{info['values']:,} values ({info['regions']:,} regions: 30 provinces, 300 cities, "
        f"{info['regions'] - 330:,} counties × {ELEMENTS} elements × {len(YEARS)} years) on a throwaway "
        f"PostgreSQL (scripts/pg.sh), Python {platform.python_version()}, 2 shared cores; median of {REPEATS}.\n\n"
        "| measurement | median |\n|---|---|\n"
        f"| baseline: `SELECT COUNT(*), SUM(value)` over one year ({counted[0]:,} rows) | {count_median * 1000:.0f} ms |\n"
        f"| baseline: SQL-only GROUP BY on path prefixes (city + province sums) | {sql_median * 1000:.0f} ms |\n"
        f"| `aggregation.aggregate`: full hierarchy, one year, all rules, own-value precedence "
        f"({regions_with_cells:,} regions with values) | **{median * 1000:.0f} ms** (best {best * 1000:.0f} ms) |\n\n"
        f"Goal < {GOAL_S:.0f} s: {verdict}. Ratio to the SQL-only roll-up: {median / sql_median:.1f}×.\n"
    )


def main() -> str:
    with tempfile.TemporaryDirectory(prefix="kesu-bench-ind-") as directory:
        os.chmod(directory, 0o777)
        url = subprocess.check_output(["bash", str(REPO / "scripts" / "pg.sh"), "start", directory], text=True).strip()
        try:
            return measure(fill(url))
        finally:
            from django.db import connections

            connections.close_all()
            subprocess.run(["bash", str(REPO / "scripts" / "pg.sh"), "stop", directory], check=False)


if __name__ == "__main__":
    print(main())
