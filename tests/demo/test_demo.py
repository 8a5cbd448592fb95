"""`kesu demo --no-serve` on a temporary data directory builds the demo database: regions, the five
seed plans in their regions, demo users of every role, sample reports, capacity indicators (values,
submissions, target links) and survey waves with estimates; a second run reuses it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests.paths import SEEDS

KESU = Path(sys.executable).with_name("kesu")

pytestmark = pytest.mark.slow


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("KESU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [str(KESU), "demo", "--seeds", str(SEEDS), "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )


def test_demo_builds_and_is_idempotent(tmp_path):
    first = _run("--no-serve", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "演示账号" in first.stdout and "office-371083" in first.stdout

    db = sqlite3.connect(tmp_path / "kesu.sqlite3")
    plans = dict(db.execute(
        "select r.code, count(*) from planning_plan p join org_region r on r.id = p.region_id "
        "where p.is_demo group by r.code"
    ).fetchall())
    assert plans == {"371083": 1, "430503": 1, "371000": 1, "320300": 1, "370105": 1}
    roles = dict(db.execute("select role, count(*) from org_user group by role").fetchall())
    assert roles["office_admin"] == 5 and roles["leader"] == 1 and roles["statistician"] == 1
    assert roles["unit_reporter"] >= 10
    # The city office of 威海市 is above 乳山市, so it sees the county's plan.
    city_path, county_path = (db.execute("select path from org_region where code = ?", (c,)).fetchone()[0]
                              for c in ("371000", "371083"))
    assert county_path.startswith(city_path)
    statuses = {row[0] for row in db.execute("select distinct status from progress_progressreport")}
    assert statuses == {"draft", "submitted", "returned", "accepted"}
    assert db.execute("select count(*) from progress_targetfigure").fetchone()[0] > 0
    assert db.execute("select count(*) from org_unit where is_demo = 0").fetchone()[0] == 0
    tasks_before = db.execute("select count(*) from planning_task").fetchone()[0]

    # Capacity indicators: the national set, 2021–2024 values of each demo region, reported years.
    assert db.execute("select count(*) from indicators_indicator").fetchone()[0] >= 10
    years = dict(db.execute(
        "select r.code, count(distinct v.year) from indicators_datavalue v join org_region r on r.id = v.region_id "
        "where r.is_demo group by r.code"
    ).fetchall())
    assert years == {code: 4 for code in plans}
    statuses = {row[0] for row in db.execute("select distinct status from indicators_submission")}
    assert {"submitted", "accepted"} <= statuses
    assert db.execute("select count(*) from indicators_targetlink where status = 'confirmed'").fetchone()[0] >= 3
    population = db.execute(
        "select v.value from indicators_datavalue v join indicators_dataelement e on e.id = v.element_id "
        "join org_region r on r.id = v.region_id where e.code = 'resident_population' and r.code = '320300' "
        "order by v.year"
    ).fetchall()
    assert len(population) == 4 and all(1_000_000 < value < 20_000_000 for (value,) in population)

    # Surveys: a few active waves per demo region, overall literacy rates plausible and rising.
    waves = db.execute(
        "select r.code, w.year, e.estimate from literacy_surveywave w join org_region r on r.id = w.region_id "
        "join literacy_literacyestimate e on e.wave_id = w.id "
        "where w.status = 'active' and e.domain_key = '' and e.ci_method = 'logit' order by r.code, w.year"
    ).fetchall()
    by_region: dict[str, list[float]] = {}
    wave_years: dict[str, list[int]] = {}
    for code, year, estimate in waves:
        by_region.setdefault(code, []).append(estimate)
        wave_years.setdefault(code, []).append(year)
    assert set(by_region) == set(plans)
    assert wave_years == {code: [2022, 2023, 2024] for code in plans}
    for rates in by_region.values():
        assert all(0.05 < rate < 0.25 for rate in rates)
        assert rates[-1] > rates[0]
    assert all("演示数据" in name for (name,) in db.execute("select name from literacy_surveywave"))
    waves_before = db.execute("select count(*) from literacy_surveywave").fetchone()[0]
    values_before = db.execute("select count(*) from indicators_datavalue").fetchone()[0]
    db.close()
    assert "演示数据 / demo data" in first.stdout and "公民具备科学素质的比例" in first.stdout

    second = _run("--no-serve", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "直接使用" in second.stdout
    db = sqlite3.connect(tmp_path / "kesu.sqlite3")
    assert db.execute("select count(*) from planning_task").fetchone()[0] == tasks_before
    assert db.execute("select count(*) from planning_plan").fetchone()[0] == 5
    assert db.execute("select count(*) from literacy_surveywave").fetchone()[0] == waves_before
    assert db.execute("select count(*) from indicators_datavalue").fetchone()[0] == values_before
    db.close()


def test_parse_only_keeps_the_parser_summary(tmp_path):
    result = _run("--parse-only", "--out", str(tmp_path / "out"), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(list((tmp_path / "out").glob("*.json"))) == 5
    assert not (tmp_path / "kesu.sqlite3").exists()
