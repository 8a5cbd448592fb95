"""科普资源 registries at national scale: 150,000 outreach bases and ~1,000,000 activities (with
experts, volunteers, messengers … in proportion; bench/generate_resources.py) on a throwaway
PostgreSQL.

1. The roll-up of every registry feed into 科普统计 for the current year
   (`kesu.resources.feeds.sync(actor=None, year=Y)`: counts, subtree totals, writes): cold (nothing
   stored yet: every value created and audited), warm (run again, nothing changed), and the recount
   one saved record triggers for its kind (`feeds.sync_after_commit`). Goal < 2 s.
2. The registry list pages, the public directory and the API list endpoint, served by gunicorn in the
   production layout, as a city and a province office admin, page 1 and a deep page, filtered by
   region and year, under 20 concurrent clients (the client of bench/bench_platform.py). Goal: p95 <
   150 ms. The login page is timed in the same run as the baseline.

    .venv/bin/python bench/run.py resources                  # full scale (loading takes minutes)
    KESU_BENCH_SCALE=0.1 .venv/bin/python bench/run.py resources

Everything it starts (PostgreSQL on a Unix socket, gunicorn on 127.0.0.1) it stops.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECTION = "科普资源 registries at national scale"

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
sys.path.insert(0, str(REPO / "bench"))

from bench_platform import (  # noqa: E402
    CLIENTS,
    GUNICORN_CONFIG,
    SINGLE_CLIENT_REQUESTS,
    Session,
    free_port,
    hammer,
    page_rows,
    server_layout,
    setup_django,
    wait_for_server,
)

REQUESTS_PER_PAGE = int(os.environ.get("KESU_BENCH_REQUESTS", 200))
GOAL_P95_MS = 150.0
GOAL_SYNC_S = 2.0
WARM_REPEATS = 3


def log(message: str) -> None:
    print(f"[bench_resources] {message}", file=sys.stderr, flush=True)


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


class QueryCounter:
    """Counts the statements the default connection runs inside the block (no SQL kept)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def timed_sync(**kwargs):
    from kesu.resources import feeds

    with QueryCounter() as counter:
        start = time.perf_counter()
        result = feeds.sync(actor=None, **kwargs)
        seconds = time.perf_counter() - start
    return seconds, counter.n, result


def measure_rollup(year: int) -> dict:
    """Cold, warm and per-write recounts of every registry feed for `year`, and each feed's own
    counting query (the part done by PostgreSQL)."""
    from django.db import transaction

    from kesu.resources import feeds
    from kesu.resources.models import Activity

    out: dict = {"year": year}
    log("roll-up: cold")
    out["cold"] = timed_sync(year=year)
    log(f"  {out['cold'][0]:.2f} s, {out['cold'][2].written:,} values written")
    warm = [timed_sync(year=year) for _ in range(WARM_REPEATS)]
    out["warm"] = sorted(warm, key=lambda item: item[0])[len(warm) // 2]
    out["warm_all"] = [seconds for seconds, _, _ in warm]
    log(f"  warm median {out['warm'][0]:.2f} s")

    # What each feed's compute costs alone: the GROUP BY (and, for bases, the standing-at-year scan).
    out["feeds"] = []
    for feed in feeds.all_feeds():
        start = time.perf_counter()
        cells = feed.compute(year)
        out["feeds"].append((feed.element_code, time.perf_counter() - start, len(cells)))

    # One saved record makes sync_after_commit recount its kind for the current year; time that
    # recount right after one new activity (so one value per region on its path changes).
    region_id, organiser_id = Activity.objects.filter(year=year).values_list("region_id", "organiser_id").first()
    Activity.objects.create(name="基准测试新增活动", region_id=region_id, organiser_id=organiser_id,
                            start_date=dt.date(year, 6, 1), end_date=dt.date(year, 6, 1), participants=100)
    out["per_kind"] = []
    for kind in ("activity", "base", "volunteer", "expert", "team", "messenger"):
        seconds, queries, result = timed_sync(year=year, kinds=[kind])
        out["per_kind"].append((kind, seconds, queries, result.written))

    # The first activity saved in a new year finds no stored values for that year: its recount
    # creates every region's activity values. Timed on the previous year, then rolled back.
    try:
        with transaction.atomic():
            out["cold_activity"] = timed_sync(year=year - 1, kinds=["activity"])
            raise _RollBack
    except _RollBack:
        pass
    out["saves"] = measure_saves(year)
    return out


class _RollBack(Exception):
    pass


def measure_saves(year: int) -> list[tuple[str, float, int]]:
    """A county office saving one activity and one base through services.save_record, as the form
    and the API do: the write, its audit entry and the recount run on commit (sync_after_commit)."""
    from django.db import transaction

    from kesu.org.models import Region, RegionLevel, Unit, User
    from kesu.resources import services

    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    office = User.objects.get(username=f"office_{county.code}")
    unit = Unit.objects.filter(region=county).order_by("pk").first()
    writes = (
        ("activity", {"name": "基准测试讲座", "kind": "lecture", "region": county, "organiser_id": unit.pk,
                      "start_date": dt.date(year, 6, 2), "end_date": dt.date(year, 6, 2), "participants": 80}),
        ("base", {"name": "基准测试科普馆", "region": county, "host_organisation": unit.name,
                  "exhibition_area": 500.0, "annual_visitors": 20000, "open_days": 250}),
    )
    saves = []
    for kind, values in writes:
        with QueryCounter() as counter:
            start = time.perf_counter()
            with transaction.atomic():  # the request's transaction: the recount runs when it commits
                services.save_record(actor=office, kind=kind, values=values)
            saves.append((kind, time.perf_counter() - start, counter.n))
    return saves


# --- pages -----------------------------------------------------------------------------------


def url_or_none(name: str, **kwargs) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def pick_admins():
    """The office admin of a city in the middle of the data set, and of its province."""
    from kesu.org.models import Region, RegionLevel, User

    cities = list(Region.objects.filter(level=RegionLevel.CITY).order_by("code"))
    city = cities[len(cities) // 2]
    return [User.objects.select_related("region").get(username=f"office_{code}")
            for code in (city.code, city.parent.code)]


PAGE_SIZE = 50  # kesu.resources.views.PAGE_SIZE and the API's default limit


def last_page(rows: int) -> int:
    return max(1, -(-rows // PAGE_SIZE))


def with_page(path: str, page: int) -> str:
    return f"{path}{'&' if '?' in path else '?'}page={page}"


def page_plan(user, year: int) -> list[tuple[str, str | None, str, int]]:
    """(label, path, how to reach it, rows listed) for one admin; `how` is `session` (signed in) or
    `api` (token). The rows are counted here, in-process, so that the deep page is the last one."""
    from django.http import QueryDict

    from kesu.resources import selectors

    code = user.region.code
    plan = []
    lists = (
        ("base", "bases in scope (基地名录)", f"region={code}"),
        ("base", "bases standing at year end (指标溯源链接)", f"region={code}&standing=1&year={year}"),
        ("base", "bases, 省级", f"region={code}&level=province"),
        ("activity", "activities of the year (活动登记册)", f"region={code}&year={year}"),
        ("activity", "lectures of the year (讲座)", f"region={code}&year={year}&kind=lecture"),
    )
    for kind, label, query in lists:
        path = url_or_none("resources:list", kind=kind)
        rows = selectors.visible_records(kind, user=user, filters=selectors.Filters.from_query(QueryDict(query))).count()
        plan.append((label, path and f"{path}?{query}", "session", rows))
    for kind, label, query in lists[0], lists[3]:
        # django-ninja names every kind's list route after its function: reverse one, swap the kind.
        probe = url_or_none("api:list_records")
        path = probe and f"{probe.rsplit('/', 1)[0]}/{kind}"
        rows = selectors.visible_records(kind, user=user, filters=selectors.Filters.from_query(QueryDict(query))).count()
        plan.append((f"API {label}", path and f"{path}?{query}", "api", rows))
    return plan


def measure_pages(port: int, year: int, tokens: dict[str, str]) -> list[tuple]:
    from generate_national import BENCH_PASSWORD
    from kesu.org.models import Region, RegionLevel
    from kesu.resources import selectors

    results = []
    baseline = hammer(Session(port), "/login/", REQUESTS_PER_PAGE, CLIENTS)
    baseline["single"] = hammer(Session(port), "/login/", SINGLE_CLIENT_REQUESTS, 1)
    log(f"baseline /login/: p95 {baseline['p95']:.1f} ms")
    results.append(("—", "baseline: login page", "/login/", baseline))

    def run(who: str, label: str, session: Session, path: str, rows: int, api: bool = False):
        last = last_page(rows)
        targets = [(f"{label}, page 1 ({rows:,} rows)", path)]
        if last > 1:
            deep = f"{path}&offset={(last - 1) * PAGE_SIZE}" if api else with_page(path, last)
            targets.append((f"{label}, last page ({last:,})", deep))
        for shown, target in targets:
            status, _, _ = session.request("GET", target)  # warm-up, and a check that it is a 200
            if status != 200:
                raise RuntimeError(f"{target} as {who} answered {status}")
            measured = hammer(session, target, REQUESTS_PER_PAGE, CLIENTS)
            measured["single"] = hammer(session, target, SINGLE_CLIENT_REQUESTS, 1)
            log(f"{who} {shown}: p50 {measured['p50']:.1f} ms, p95 {measured['p95']:.1f} ms")
            results.append((who, shown, target, measured))

    for user in pick_admins():
        who = f"{user.region.name}（{user.region.get_level_display()}）"
        session = Session(port)
        session.login(user.username, BENCH_PASSWORD)
        api_session = Session(port, {"Authorization": f"Bearer {tokens[user.username]}"})
        for label, path, how, rows in page_plan(user, year):
            if path is None:
                results.append((who, label, "(URL not defined)", None))
                continue
            run(who, label, api_session if how == "api" else session, path, rows, api=how == "api")

    directory = url_or_none("resources:directory")
    if directory is None:
        results.append(("public", "directory (科普教育基地名录)", "(URL not defined)", None))
        return results
    province = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    for label, query, filters in (
        ("directory, whole country", "", selectors.Filters()),
        ("directory, one province, 市级", f"?region={province.code}&level=city",
         selectors.Filters(region=province.code, level="city")),
    ):
        run("public", label, Session(port), directory + query, selectors.public_bases(filters).count())
    return results


def data_sizes() -> dict[str, int]:
    from django.db import connection

    tables = ["org_region", "org_user", "resources_outreachbase", "resources_baseapplication",
              "resources_baseannualreport", "resources_expert", "resources_volunteerteam", "resources_volunteer",
              "resources_servicerecord", "resources_messenger", "resources_organisation", "resources_activity",
              "resources_activity_bases", "indicators_datavalue", "audit_auditentry"]
    sizes = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
    return sizes


def main() -> str:
    scale = float(os.environ.get("KESU_BENCH_SCALE", "1"))
    from generate_resources import generate

    workdir = Path(tempfile.mkdtemp(prefix="kesu-bench-resources-"))
    workdir.chmod(0o755)  # pg.sh runs the server as the postgres user, which must reach its directory
    pgdir = workdir / "pg"
    log(f"starting PostgreSQL in {pgdir} (load average {load_average()})")
    database_url = subprocess.run(
        ["bash", str(REPO / "scripts" / "pg.sh"), "start", str(pgdir)], check=True, capture_output=True, text=True
    ).stdout.strip()
    server = None
    try:
        env = {**os.environ, "KESU_DATABASE_URL": database_url, "KESU_DATA_DIR": str(workdir / "data"),
               "DJANGO_SETTINGS_MODULE": "kesu.web.settings", "KESU_DEBUG": "0"}
        subprocess.run([str(BIN / "kesu"), "manage", "migrate", "-v0"], check=True, env=env)
        setup_django(database_url, str(workdir / "data"))
        from django.db import connections

        from kesu.indicators.services import seed_national_set

        seed_national_set(actor=None)
        log(f"generating registries at scale {scale}")
        counts = generate(scale=scale, progress=sys.stderr.isatty())
        year = dt.date.today().year
        load_before = load_average()
        rollup = measure_rollup(year)
        sizes = data_sizes()

        from kesu.api.tokens import create_token

        admins = pick_admins()
        tokens = {user.username: create_token(user=user, name="bench")[1] for user in admins}
        connections.close_all()
        port = free_port()
        log(f"starting gunicorn on 127.0.0.1:{port} ({server_layout()})")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", f"python:{GUNICORN_CONFIG}", "kesu.web.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            env=env, cwd=REPO,
        )
        wait_for_server(port, server)
        pages = measure_pages(port, year, tokens)
        return render(scale, counts, sizes, rollup, pages, load_before, load_average())
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django never set up: nothing to close
            pass
        subprocess.run(["bash", str(REPO / "scripts" / "pg.sh"), "stop", str(pgdir)], check=False)
        shutil.rmtree(workdir, ignore_errors=True)


def render(scale, counts, sizes, rollup, pages, load_before, load_after) -> str:
    cold_s, cold_q, cold = rollup["cold"]
    warm_s, warm_q, warm = rollup["warm"]
    cold_act = rollup["cold_activity"]
    compute_total = sum(seconds for _, seconds, _ in rollup["feeds"])
    lines = [
        f"Measured {dt.date.today():%Y-%m-%d} on {platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}, PostgreSQL from scripts/pg.sh (Unix socket, fsync off). 1/5/15-minute "
        f"load average {load_before} before the roll-up, {load_after} after the pages.",
        "",
        f"Data (bench/generate_resources.py, scale {scale:g}), loaded in {counts.seconds:.0f} s with COPY "
        "(not measured):",
        "",
        "| table | rows |",
        "|---|---:|",
        *[f"| {table} | {number:,d} |" for table, number in sizes.items()],
        "",
        f"**Roll-up into 科普统计** (`feeds.sync(actor=None, year={rollup['year']})`, all {len(rollup['feeds'])} fed "
        f"elements, in-process). Goal < {GOAL_SYNC_S:.0f} s.",
        "",
        "| run | seconds | queries | values written / unchanged | goal |",
        "|---|---:|---:|---|---|",
        f"| cold: nothing stored yet | {cold_s:.2f} | {cold_q:,} | {cold.written:,} / {cold.unchanged:,} "
        f"| {'met' if cold_s < GOAL_SYNC_S else '**missed**'} |",
        f"| warm: again, nothing changed (median of {WARM_REPEATS}: "
        f"{', '.join(f'{s:.2f}' for s in rollup['warm_all'])}) | {warm_s:.2f} | {warm_q:,} "
        f"| {warm.written:,} / {warm.unchanged:,} | {'met' if warm_s < GOAL_SYNC_S else '**missed**'} |",
        *[f"| recount after one saved {kind} record (`sync(kinds=['{kind}'])`) | {seconds:.2f} | {queries:,} "
          f"| {written:,} / – | {'met' if seconds < GOAL_SYNC_S else '**missed**'} |"
          for kind, seconds, queries, written in rollup["per_kind"]],
        f"| cold, activity kind only: the first activity saved in a new year "
        f"(`sync(year={rollup['year'] - 1}, kinds=['activity'])`, rolled back) | {cold_act[0]:.2f} | {cold_act[1]:,} "
        f"| {cold_act[2].written:,} / {cold_act[2].unchanged:,} | {'met' if cold_act[0] < GOAL_SYNC_S else '**missed**'} |",
        *[f"| a county office saves one {kind} (`services.save_record` + audit + on-commit recount) | {seconds:.2f} "
          f"| {queries:,} | – | {'met' if seconds < GOAL_SYNC_S else '**missed**'} |"
          for kind, seconds, queries in rollup["saves"]],
        "",
        f"The feeds' own counting (each `Feed.compute` alone, {compute_total:.2f} s in all): "
        + ", ".join(f"{code} {seconds * 1000:.0f} ms" for code, seconds, _ in
                    sorted(rollup["feeds"], key=lambda item: -item[1])[:6])
        + "; the rest of a warm run is reading the stored values, subtree totals and comparing.",
        "",
        f"**Pages**: gunicorn {server_layout()} on 127.0.0.1, DEBUG off, {CLIENTS} concurrent clients "
        f"(bench_platform's raw-socket client), {REQUESTS_PER_PAGE} requests per page; goal p95 < {GOAL_P95_MS:.0f} ms.",
        "",
        "| who | page | p50 ms | p95 ms | max ms | req/s | p95 ÷ baseline | goal | 1 client p50 / p95 ms |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    lines.extend(page_rows(pages, single_ratio=False, goal_ms=GOAL_P95_MS))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
