"""`kesu demo --no-serve` on a temporary data directory builds the demo database: regions, the five
seed plans in their regions, demo users of every role, sample reports, capacity indicators (values,
submissions, target links), survey waves with estimates and the registries of outreach resources
(bases at every stage of their lifecycle, experts with a working expert login, volunteers, messengers,
organisations, activities) whose counts feed the statistics; a second run reuses it. The database is
built once for the module."""

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


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    first = _run("--no-serve", data_dir=data_dir)
    assert first.returncode == 0, first.stderr[-3000:]
    return data_dir, first


def test_demo_builds_and_is_idempotent(built):
    tmp_path, first = built
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

    # Capacity indicators: the national set, 2021–2024 typed values of each demo region (the registries'
    # counts are checked in test_registries_feed_the_statistics), reported years.
    assert db.execute("select count(*) from indicators_indicator").fetchone()[0] >= 10
    years = dict(db.execute(
        "select r.code, count(distinct v.year) from indicators_datavalue v join org_region r on r.id = v.region_id "
        "where r.is_demo and v.source = 'manual' group by r.code"
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
    registries_before = [db.execute(f"select count(*) from resources_{table}").fetchone()[0]
                         for table in ("outreachbase", "baseapplication", "expert", "volunteer", "activity")]
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
    assert [db.execute(f"select count(*) from resources_{table}").fetchone()[0]
            for table in ("outreachbase", "baseapplication", "expert", "volunteer", "activity")] == registries_before
    db.close()


def _rows(data_dir: Path, sql: str, *params) -> list[tuple]:
    db = sqlite3.connect(data_dir / "kesu.sqlite3")
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def test_bases_are_at_every_stage_of_their_lifecycle(built):
    data_dir, _ = built
    rows = lambda sql: _rows(data_dir, sql)  # noqa: E731
    assert {s for (s,) in rows("select distinct status from resources_outreachbase")} == {
        "candidate", "recognised", "rectifying", "revoked"}
    assert {lv for (lv,) in rows("select distinct level from resources_outreachbase where status in "
                                 "('recognised', 'rectifying')")} == {"county", "city", "province", "national"}
    assert {s for (s,) in rows("select distinct status from resources_baseapplication")} == {
        "applied", "returned", "screened", "under_review", "recognised", "declined"}
    years = {y for (y,) in rows("select distinct year from resources_baseapplication where status = 'recognised'")}
    assert min(years) == 2019 and set(range(2019, 2026)) <= years
    # Older recognitions come from the paper register, recent ones through kesu's own review.
    assert {r for (r,) in rows("select distinct recorded from resources_baseapplication where status = 'recognised'")} \
        == {0, 1}
    upgraded = rows("select base_id from resources_baseapplication where status = 'recognised' "
                    "group by base_id having count(distinct level) > 1")
    assert len(upgraded) >= 5
    # Open reviews with some scores in and some still to come.
    partial = rows("select a.id from resources_baseapplication a where a.status = 'under_review' "
                   "and exists (select 1 from resources_reviewassignment r where r.application_id = a.id "
                   "and r.submitted_at is not null) and exists (select 1 from resources_reviewassignment r "
                   "where r.application_id = a.id and r.submitted_at is null)")
    assert partial
    assert rows("select count(*) from resources_reviewscore")[0][0] > 0
    assert {o for (o,) in rows("select distinct outcome from resources_reexamination")} == {
        "passed", "rectify", "revoked"}
    assert {y for (y,) in rows("select distinct year from resources_baseannualreport")} == {2023, 2024, 2025}
    # Every write went through the audited services.
    assert rows("select count(*) from audit_auditentry where model = 'resources.BaseApplication'")[0][0] >= \
        rows("select count(*) from resources_baseapplication")[0][0]


def test_people_activities_and_evidence(built):
    data_dir, _ = built
    rows = lambda sql: _rows(data_dir, sql)  # noqa: E731
    experts = rows("select is_emergency, is_lecturer, (select count(*) from resources_expert_tags t "
                   "where t.expert_id = e.id) from resources_expert e")
    assert len(experts) >= 60 and all(tags >= 1 for _, _, tags in experts)
    assert 0 < sum(e for e, _, _ in experts) < len(experts) and 0 < sum(lec for _, lec, _ in experts) < len(experts)
    assert {k for (k,) in rows("select distinct kind from resources_volunteerteam")} >= {"senior", "science"}
    assert rows("select count(*) from resources_volunteer where is_senior")[0][0] > 0
    assert rows("select count(*) from resources_servicerecord where activity_id is not null")[0][0] > 0
    communities = {c for (c,) in rows("select community from resources_messenger")}
    assert any(c.endswith("村") for c in communities) and any(c.endswith("社区") for c in communities)
    assert {k for (k,) in rows("select distinct kind from resources_organisation")} >= {"society", "rural", "outreach"}

    activities = rows("select kind, start_date, year from resources_activity")
    assert len(activities) >= 300
    assert {y for _, _, y in activities} == set(range(2021, max(y for _, _, y in activities) + 1))
    months = {}
    for kind, start, _ in activities:
        months.setdefault(kind, set()).add(int(start[5:7]))
    assert months["science_day"] == {9} and months["science_week"] == {5} and months["countryside"] <= {12, 1, 2}
    for link in ("bases", "experts", "teams", "tasks"):
        assert rows(f"select count(*) from resources_activity_{link}")[0][0] > 0, link
    # Offered as evidence only in the organiser's own reports still open for editing.
    evidence = rows("select r.status, r.unit_id = a.organiser_id from resources_activityevidence e "
                    "join progress_progressreport r on r.id = e.report_id join resources_activity a on a.id = e.activity_id")
    assert evidence and all(status in ("draft", "returned") and own for status, own in evidence)


def test_personal_numbers_are_fake_by_construction(built):
    from kesu.cli.demo_pools import gb11643_check

    data_dir, _ = built
    ids = [i for table in ("expert", "volunteer", "messenger")
           for (i,) in _rows(data_dir, f"select id_number from resources_{table} where id_number != ''")]
    assert len(ids) > 100 and all(len(i) == 18 and gb11643_check(i[:17]) != i[17] for i in ids)
    phones = [p for table, column in (("expert", "phone"), ("volunteer", "phone"), ("messenger", "phone"),
                                      ("outreachbase", "contact_phone"), ("volunteerteam", "leader_phone"))
              for (p,) in _rows(data_dir, f"select {column} from resources_{table} where {column} != ''")]
    assert phones and all(p.startswith("1000555") and len(p) == 11 for p in phones)


EXPERT_SESSION = """
import json, os, sys
os.environ["KESU_DATA_DIR"] = sys.argv[1]
from kesu.cli.web import setup_django
setup_django()
from django.test import Client
from django.urls import reverse
from kesu.resources.models import ReviewAssignment
client = Client()
signed_in = client.login(username=sys.argv[2], password=sys.argv[3])
assignment = ReviewAssignment.objects.filter(expert__user__username=sys.argv[2]).select_related("application__base").first()
reviews = client.get(reverse("resources:my_reviews"))
review = client.get(reverse("resources:review", args=[assignment.pk]))
print(json.dumps({"signed_in": signed_in, "base": assignment.application.base.name,
                  "status": assignment.application.status, "scored": assignment.submitted_at is not None,
                  "reviews": reviews.status_code, "review": review.status_code,
                  "listed": assignment.application.base.name in reviews.content.decode()}))
"""


def test_the_expert_login_works(built):
    import json

    from kesu.cli.demo import DEMO_PASSWORD

    data_dir, first = built
    assert "expert-320300" in first.stdout and "评审专家" in first.stdout
    env = {k: v for k, v in os.environ.items() if k not in ("KESU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run([sys.executable, "-c", EXPERT_SESSION, str(data_dir), "expert-320300", DEMO_PASSWORD],
                            capture_output=True, text=True, env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    session = json.loads(result.stdout.strip().splitlines()[-1])
    assert session["signed_in"] and session["status"] == "under_review" and not session["scored"]
    assert session["reviews"] == 200 and session["listed"] and session["review"] == 200


def test_registries_feed_the_statistics(built):
    data_dir, first = built
    rows = lambda sql, *p: _rows(data_dir, sql, *p)  # noqa: E731
    fed_years = dict(rows(
        "select r.code, group_concat(distinct v.year) from indicators_datavalue v "
        "join indicators_dataelement e on e.id = v.element_id join org_region r on r.id = v.region_id "
        "where v.source = 'registry' and e.code = 'outreach_activities' and r.is_demo group by r.code"))
    current = max(y for (y,) in rows("select year from resources_activity"))
    assert {code: {int(y) for y in years.split(",")} for code, years in fed_years.items()} == {
        code: set(range(2021, current + 1)) for code in ("320300", "370105", "371000", "371083", "430503")}
    # 徐州市's new 市级 bases each year, as the statistics hold them and as the registry has them.
    fed = dict(rows(
        "select v.year, v.value from indicators_datavalue v join indicators_dataelement e on e.id = v.element_id "
        "join indicators_categoryoption o on o.id = v.option_id join org_region r on r.id = v.region_id "
        "where e.code = 'new_outreach_bases' and o.code = 'municipal' and r.code = '320300'"))
    counted = dict(rows(
        "select a.year, count(*) from resources_baseapplication a join resources_outreachbase b on b.id = a.base_id "
        "join org_region r on r.id = b.region_id where a.status = 'recognised' and a.level = 'city' "
        "and r.path like '%/320300/%' group by a.year"))
    assert {y: fed.get(y) for y in range(2021, 2026)} == {y: float(counted[y]) for y in range(2021, 2026)}
    assert sum(counted[y] for y in range(2021, 2025)) == 17  # of the 30 the plan sets for 2025
    [(indicator, status)] = rows(
        "select i.code, l.status from indicators_targetlink l join indicators_indicator i on i.id = l.indicator_id "
        "join planning_target t on t.id = l.target_id where t.text like '新评定市级科普教育基地%'")
    assert (indicator, status) == ("new_municipal_bases", "confirmed")
    assert "科普资源 / outreach resources" in first.stdout


def test_parse_only_keeps_the_parser_summary(tmp_path):
    result = _run("--parse-only", "--out", str(tmp_path / "out"), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(list((tmp_path / "out").glob("*.json"))) == 5
    assert not (tmp_path / "kesu.sqlite3").exists()
