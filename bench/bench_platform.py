"""The supervision pages at national scale: dashboard, responsibility matrix, review queue and region
dashboard of a city and a county office admin, served by gunicorn from a throwaway PostgreSQL filled
by bench/generate_national.py, under 20 concurrent clients.

Goal: p95 < 150 ms per page. The login page (no database query, one small template) is timed in the
same run as the baseline, so that the ratio page/baseline stays comparable on a busy machine.

    .venv/bin/python bench/bench_platform.py                 # scale from KESU_BENCH_SCALE, default 1
    KESU_BENCH_SCALE=0.05 .venv/bin/python bench/run.py platform

Everything it starts (PostgreSQL on a Unix socket, gunicorn on 127.0.0.1) it stops, and the request
loop is bounded (REQUESTS_PER_PAGE per page).
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

SECTION = "Platform at scale"

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
CLIENTS = 20
# Sequential requests per page from one client: the page's own cost, free of queueing behind the other
# 19 clients (with 20 clients on 2 cores, latency ≈ 20 × cost / 2 whatever the page does).
SINGLE_CLIENT_REQUESTS = 30
REQUESTS_PER_PAGE = int(os.environ.get("KESU_BENCH_REQUESTS", 400))
GOAL_P95_MS = 150.0
WORKERS, THREADS = 2, 8


def log(message: str) -> None:
    print(f"[bench_platform] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Session:
    """A logged-in browser-alike: cookies kept per session, one keep-alive connection per thread."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        if getattr(self.local, "connection", None) is None:
            self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.local.connection

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed an idle keep-alive connection; reconnect once.
                connection.close()
                self.local.connection = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def login(self, username: str, password: str) -> None:
        status, _, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page answered {status} without a CSRF token")
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
        )
        status, _, _ = self.request(
            "POST", "/login/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed (HTTP {status})")


def hammer(session: Session, path: str, total: int, clients: int) -> dict:
    """`total` GETs of `path` from `clients` threads; latency of each, in milliseconds. Each thread first
    makes one unmeasured request, so that connection set-up and worker warm-up are not counted."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    remaining = [total]

    def worker():
        session.request("GET", path)
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            start = time.perf_counter()
            status, _, _ = session.request("GET", path)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(status)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies),
        "p95": latencies[max(0, round(0.95 * len(latencies)) - 1)],
        "max": latencies[-1],
        "rps": len(latencies) / wall,
        "failures": failures,
    }


def wait_for_server(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start listening in time")


def setup_django(database_url: str, data_dir: str) -> None:
    os.environ["KESU_DATABASE_URL"] = database_url
    os.environ["KESU_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
    import django

    django.setup()


def pick_offices():
    """An office admin of a city in the middle of the data set, and one of a county under it, with the
    plan each one's dashboard opens on."""
    from kesu.org.models import Region, RegionLevel, User
    from kesu.tracking.selectors_dashboard import dashboard_plans

    cities = list(Region.objects.filter(level=RegionLevel.CITY).order_by("code").values_list("code", flat=True))
    city_code = cities[len(cities) // 2]
    county = Region.objects.filter(level=RegionLevel.COUNTY, parent__code=city_code).order_by("code").first()
    chosen = []
    for username in (f"office_{city_code}", f"office_{county.code}"):
        user = User.objects.get(username=username)
        plans = dashboard_plans(user)
        plan = plans.filter(region=user.region).first() or plans.first()
        chosen.append((user, plan))
    return chosen


def page_paths(plan_id: int, region_code: str) -> dict[str, str | None]:
    from django.urls import NoReverseMatch, reverse

    pages = {
        "region dashboard (地区仪表盘)": ("reports:region_dashboard", {"code": region_code}),
        "dashboard (督办总览)": ("tracking:dashboard", {"plan_id": plan_id}),
        "responsibility matrix (责任矩阵)": ("tracking:matrix", {"plan_id": plan_id}),
        "review queue (待审核)": ("tracking:review_queue", {}),
        "API plan statuses (/api/plans/{id}/statuses)": ("api:list_plan_statuses", {"plan_id": plan_id}),
    }
    paths = {}
    for label, (name, kwargs) in pages.items():
        try:
            paths[label] = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            paths[label] = None
    return paths


def data_sizes() -> dict[str, int]:
    from django.db import connection

    tables = ["org_region", "org_unit", "org_user", "tracking_plan", "tracking_task", "tracking_taskunit",
              "tracking_target", "tracking_reportingperiod", "tracking_progressreport", "tracking_targetfigure",
              "tracking_reviewevent"]
    sizes = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
    return sizes


def main() -> str:
    scale = float(os.environ.get("KESU_BENCH_SCALE", "1"))
    sys.path.insert(0, str(REPO / "bench"))
    from generate_national import BENCH_PASSWORD, generate

    workdir = Path(tempfile.mkdtemp(prefix="kesu-bench-platform-"))
    workdir.chmod(0o755)  # pg.sh runs the server as the postgres user, which must reach its directory
    pgdir = workdir / "pg"
    log(f"starting PostgreSQL in {pgdir}")
    database_url = subprocess.run(
        ["bash", str(REPO / "scripts" / "pg.sh"), "start", str(pgdir)], check=True, capture_output=True, text=True
    ).stdout.strip()
    server = None
    try:
        env = {**os.environ, "KESU_DATABASE_URL": database_url, "KESU_DATA_DIR": str(workdir / "data"),
               "DJANGO_SETTINGS_MODULE": "kesu.web.settings", "KESU_DEBUG": "0"}
        subprocess.run([str(BIN / "kesu"), "manage", "migrate", "-v0"], check=True, env=env)
        setup_django(database_url, str(workdir / "data"))
        log(f"generating national data at scale {scale}")
        counts = generate(scale=scale, progress=sys.stderr.isatty())
        sizes = data_sizes()
        offices = pick_offices()

        from django.db import connections

        from kesu.api.tokens import create_token

        tokens = {user.username: create_token(user=user, name="bench")[1] for user, _ in offices}
        connections.close_all()

        port = free_port()
        log(f"starting gunicorn on 127.0.0.1:{port} ({WORKERS} workers × {THREADS} threads)")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "kesu.web.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--worker-class", "gthread", "--workers", str(WORKERS), "--threads", str(THREADS),
             "--keep-alive", "30", "--log-level", "warning"],
            env=env, cwd=REPO,
        )
        wait_for_server(port, server)

        results = []
        baseline = hammer(Session(port), "/login/", REQUESTS_PER_PAGE, CLIENTS)
        baseline["single"] = hammer(Session(port), "/login/", SINGLE_CLIENT_REQUESTS, 1)
        log(f"baseline /login/: p95 {baseline['p95']:.1f} ms")
        results.append(("—", "baseline: login page (/login/)", "/login/", baseline))
        for user, plan in offices:
            session = Session(port)
            session.login(user.username, BENCH_PASSWORD)
            for label, path in page_paths(plan.pk, plan.region.code).items():
                if path is None:
                    results.append((user.region.name, label, "(URL not defined)", None))
                    continue
                if path.startswith("/api/"):
                    api_session = _ApiSession(port, tokens[user.username])
                    status, _, _ = api_session.request("GET", path)
                    measured = hammer(api_session, path, REQUESTS_PER_PAGE, CLIENTS)
                    measured["single"] = hammer(api_session, path, SINGLE_CLIENT_REQUESTS, 1)
                else:
                    status, _, _ = session.request("GET", path)  # warm-up, and a check that it is a 200
                    measured = hammer(session, path, REQUESTS_PER_PAGE, CLIENTS)
                    measured["single"] = hammer(session, path, SINGLE_CLIENT_REQUESTS, 1)
                if status != 200:
                    raise RuntimeError(f"{path} as {user.username} answered {status}")
                log(f"{user.username} {label}: p50 {measured['p50']:.1f} ms, p95 {measured['p95']:.1f} ms")
                results.append((f"{user.region.name}（{user.region.get_level_display()}）", label, path, measured))
        return render(scale, counts, sizes, results)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        subprocess.run(["bash", str(REPO / "scripts" / "pg.sh"), "stop", str(pgdir)], check=False)


class _ApiSession(Session):
    def __init__(self, port: int, raw_token: str):
        super().__init__(port)
        self.raw_token = raw_token

    def request(self, method, path, body=None, headers=None):
        return super().request(method, path, body, {**(headers or {}), "Authorization": f"Bearer {self.raw_token}"})


def render(scale, counts, sizes, results) -> str:
    baseline_p95 = results[0][3]["p95"]
    baseline_single_p50 = results[0][3]["single"]["p50"]
    lines = [
        f"Measured {dt.date.today():%Y-%m-%d} on {platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}, PostgreSQL from scripts/pg.sh (Unix socket, fsync off), "
        f"gunicorn {WORKERS} gthread workers × {THREADS} threads on 127.0.0.1, Django DEBUG off. "
        f"{CLIENTS} concurrent clients (threads, keep-alive), {REQUESTS_PER_PAGE} requests per page, each "
        f"latency measured by the client. Goal: p95 < {GOAL_P95_MS:.0f} ms.",
        "",
        f"Data (bench/generate_national.py, scale {scale:g}), generated in {counts.seconds:.0f} s with COPY:",
        "",
        "| table | rows |",
        "|---|---:|",
        *[f"| {table} | {number:,d} |" for table, number in sizes.items()],
        "",
        "| office | page | p50 ms | p95 ms | max ms | req/s | p95 ÷ baseline | goal | 1 client p50 / p95 ms "
        "(÷ baseline p50) |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for region, label, path, measured in results:
        if measured is None:
            lines.append(f"| {region} | {label} | — | — | — | — | — | URL not defined | — |")
            continue
        failures = f" ({len(measured['failures'])} non-200)" if measured["failures"] else ""
        single = measured["single"]
        verdict = "met" if measured["p95"] < GOAL_P95_MS else "**missed**"
        lines.append(
            f"| {region} | {label} `{path}` | {measured['p50']:.1f} | {measured['p95']:.1f} | {measured['max']:.1f} "
            f"| {measured['rps']:.0f} | {measured['p95'] / baseline_p95:.1f}× | {verdict}{failures} "
            f"| {single['p50']:.1f} / {single['p95']:.1f} ({single['p50'] / baseline_single_p50:.1f}×) |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
