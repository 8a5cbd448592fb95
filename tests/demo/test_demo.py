"""`kesu demo --no-serve` on a temporary data directory builds the demo database: regions, the five
seed plans in their regions, demo users of every role, sample reports, capacity indicators (values,
submissions, target links), survey waves with estimates and the registries of outreach resources
(bases at every stage of their lifecycle, experts with a working expert login, volunteers, messengers,
organisations, activities) whose counts feed the statistics; the demo's present (2026—2030 successor
plans with periods open today, closed 2021—2025 plans, audit entries dated like the reports, townships);
a second run reuses it. The database is built once for the module."""

from __future__ import annotations

import datetime
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests.paths import SEEDS

KESU = Path(sys.executable).with_name("kesu")

# The demo always builds its embedded SQLite database (it drops KESU_DATABASE_URL), so the PostgreSQL pass
# of `make test` would build the very same database a second time: the SQLite pass runs it.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("KESU_DATABASE_URL")), reason="the demo is SQLite only; run in the SQLite pass"),
]


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
    # The five seed plans, and the demo's 2026—2030 successors of 威海市 and 徐州市.
    assert plans == {"371083": 1, "430503": 1, "371000": 2, "320300": 2, "370105": 1}
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

    # Capacity indicators: the national set, typed values of each demo region from 2021 to the last full
    # year (the registries' counts are checked in test_registries_feed_the_statistics), reported years.
    last_full_year = datetime.date.today().year - 1
    assert db.execute("select count(*) from indicators_indicator").fetchone()[0] >= 10
    years = dict(db.execute(
        "select r.code, count(distinct v.year) from indicators_datavalue v join org_region r on r.id = v.region_id "
        "where r.is_demo and r.level != 'township' and v.source = 'manual' group by r.code"
    ).fetchall())
    assert years == {code: last_full_year - 2020 for code in plans}
    statuses = {row[0] for row in db.execute("select distinct status from indicators_submission")}
    assert {"submitted", "accepted"} <= statuses
    assert db.execute("select count(*) from indicators_targetlink where status = 'confirmed'").fetchone()[0] >= 3
    population = db.execute(
        "select v.value from indicators_datavalue v join indicators_dataelement e on e.id = v.element_id "
        "join org_region r on r.id = v.region_id where e.code = 'resident_population' and r.code = '320300' "
        "order by v.year"
    ).fetchall()
    assert len(population) == last_full_year - 2020 and all(1_000_000 < value < 20_000_000 for (value,) in population)

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
    assert wave_years == {code: list(range(2022, last_full_year + 1)) for code in plans}
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
    assert db.execute("select count(*) from planning_plan").fetchone()[0] == 7
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


# --- the demo's present: successor plans, closed history, dates, townships ---------------------------

TODAY = datetime.date.today()


def _plans(data_dir: Path) -> dict[tuple[str, int], tuple]:
    """(region code, first year) → (id, title, issued_on, preceding plan id, source name)."""
    return {(code, start): (pk, title, issued, preceding, source) for pk, code, start, title, issued, preceding, source
            in _rows(data_dir, "select p.id, r.code, p.period_start, p.title, p.issued_on, p.preceding_plan_id, "
                               "p.source_name from planning_plan p join org_region r on r.id = p.region_id")}


def test_successor_plans_hold_todays_work(built):
    from kesu.cli.demo_succession import DEMO_DOCUMENT_MARK, DEMO_PLANS_DIR

    data_dir, first = built
    plans = _plans(data_dir)
    for code in ("320300", "371000"):
        pk, title, issued, preceding, source = plans[(code, 2026)]
        assert title.endswith("（2026—2030年）") and DEMO_DOCUMENT_MARK in (DEMO_PLANS_DIR / source).read_text("utf-8")
        assert datetime.date.fromisoformat(issued) <= TODAY
        old = next(v for (c, start), v in plans.items() if c == code and start != 2026)
        assert preceding == old[0]
        assert _rows(data_dir, "select count(*) from planning_task where plan_id = ?", pk)[0][0] >= 20
        kinds = {t for (t,) in _rows(data_dir, "select t.text from planning_target t join planning_task k "
                                               "on k.id = t.task_id where k.plan_id = ?", pk)}
        assert any("每年" in t for t in kinds) and any("累计" in t for t in kinds) and any("%" in t for t in kinds)
        # Tasks the old plan left unfinished are carried on by tasks of the new one.
        carried = _rows(data_dir, "select o.plan_id from planning_task t join planning_task o on o.id = t.carried_from_id "
                                  "where t.plan_id = ?", pk)
        assert carried and {p for (p,) in carried} == {old[0]}
        # A period holds today, and units are at work in it.
        [(period,)] = _rows(data_dir, "select id from progress_reportingperiod where plan_id = ? "
                                                 "and start <= ? and end >= ?", pk, TODAY.isoformat(), TODAY.isoformat())
        assert _rows(data_dir, "select count(*) from progress_progressreport where period_id = ?", period)[0][0] > 0
        statuses = {s for (s,) in _rows(data_dir, "select distinct r.status from progress_progressreport r "
                                                  "join planning_task t on t.id = r.task_id where t.plan_id = ?", pk)}
        assert statuses == {"draft", "submitted", "returned", "accepted"}
        expected = _rows(data_dir, "select count(*) from planning_taskunit a join planning_task t on t.id = a.task_id "
                                   "join progress_reportingperiod p on p.plan_id = t.plan_id "
                                   "where t.plan_id = ? and p.start <= ?", pk, TODAY.isoformat())[0][0]
        written = _rows(data_dir, "select count(*) from progress_progressreport r join planning_task t "
                                  "on t.id = r.task_id where t.plan_id = ?", pk)[0][0]
        assert 0 < written < expected  # some units have not reported (overdue, or not yet)
        reminders = _rows(data_dir, "select m.sent_at, p.due from progress_reminder m join progress_reportingperiod p "
                                    "on p.id = m.period_id where p.plan_id = ?", pk)
        assert all(due < sent[:10] <= TODAY.isoformat() for sent, due in reminders)
    # The office of a region with two plans is listed with both (the table folds long cells).
    assert "徐州市（2021—2025、2026—2030年方案）" in re.sub(r"[\s│]", "", first.stdout)


def test_finished_plans_are_closed(built):
    data_dir, _ = built
    finished = [v[0] for (code, start), v in _plans(data_dir).items() if start != 2026]
    assert len(finished) == 5
    for pk in finished:
        expected = _rows(data_dir, "select count(*) from planning_taskunit a join planning_task t on t.id = a.task_id "
                                   "join progress_reportingperiod p on p.plan_id = t.plan_id where t.plan_id = ?", pk)
        statuses = _rows(data_dir, "select r.status, count(*) from progress_progressreport r join planning_task t "
                                   "on t.id = r.task_id where t.plan_id = ? group by r.status", pk)
        assert statuses == [("accepted", expected[0][0])]
    # Some were returned once before they were accepted, some came in late.
    assert _rows(data_dir, "select count(*) from progress_reviewevent where kind = 'return'")[0][0] > 0
    late = _rows(data_dir, "select count(*) from progress_progressreport r join progress_reportingperiod p "
                           "on p.id = r.period_id where r.submitted_at > p.due")[0][0]
    assert late > 0


def test_audit_entries_carry_the_dates_of_the_reports(built):
    data_dir, _ = built
    reviews = _rows(data_dir, "select r.reviewed_at, e.at, r.status from progress_progressreport r "
                              "join audit_auditentry e on e.model = 'progress.ProgressReport' and e.object_id = r.id "
                              "and json_extract(e.after, '$.status') = r.status and json_extract(e.before, '$.status') "
                              "= 'submitted' where r.status in ('accepted', 'returned')")
    assert len(reviews) > 1000
    assert all(reviewed == at for reviewed, at, _ in reviews)
    events = _rows(data_dir, "select r.reviewed_at, v.at from progress_progressreport r join progress_reviewevent v "
                             "on v.report_id = r.id and v.kind = 'accept' where r.status = 'accepted'")
    assert events and all(reviewed == at for reviewed, at in events)
    # The 2021—2025 plans' history reads as it happened: nothing of 2025 was reviewed this month.
    assert _rows(data_dir, "select max(e.at) from audit_auditentry e join progress_progressreport r "
                           "on e.model = 'progress.ProgressReport' and e.object_id = r.id join planning_task t "
                           "on t.id = r.task_id join planning_plan p on p.id = t.plan_id where p.period_end = 2025"
                           )[0][0][:10] < f"{TODAY.year}-03-01"


def test_plans_are_linked_to_their_parents(built):
    data_dir, first = built
    plans = _plans(data_dir)
    parents = {plan: (parent, national) for plan, parent, national in _rows(
        data_dir, "select plan_id, parent_plan_id, national_version from cascade_planparent")}
    # 乳山市's plan answers to 威海市's document of the same years; every other demo plan to the 纲要.
    county, city = plans[next(key for key in plans if key[0] == "371083")][0], plans[("371000", 2024)][0]
    assert parents.pop(county) == (city, "")
    assert set(parents) == {v[0] for v in plans.values()} - {county}
    assert all(parent is None and national for parent, national in parents.values())
    for pk, _, _, _, _ in plans.values():
        tasks, linked, confirmed = _rows(data_dir, "select count(distinct t.id), count(distinct l.task_id), "
                                                   "sum(l.state = 'confirmed') from planning_task t left join "
                                                   "cascade_tasklink l on l.task_id = t.id where t.plan_id = ?", pk)[0]
        assert tasks and linked == tasks and 0.8 * tasks <= confirmed <= tasks
    # The county's links point at the city's tasks, the others' at national headings.
    assert {p for (p,) in _rows(data_dir, "select distinct k.plan_id from cascade_tasklink l join planning_task t on "
                                          "t.id = l.task_id join planning_task k on k.id = l.parent_task_id")} == {city}
    assert _rows(data_dir, "select count(*) from cascade_tasklink l join planning_task t on t.id = l.task_id "
                           "where t.plan_id != ? and l.national_code = ''", county)[0][0] == 0
    # Confirmed by each region's office, on the demo's dates: the audit log says when, as the link does.
    confirmations = _rows(data_dir, "select l.decided_at, e.at, u.username, r.code from cascade_tasklink l "
                                    "join audit_auditentry e on e.model = 'cascade.TaskLink' and e.object_id = l.id "
                                    "and e.reason = '确认任务对应' join org_user u on u.id = l.decided_by_id "
                                    "join planning_task t on t.id = l.task_id join planning_plan p on p.id = t.plan_id "
                                    "join org_region r on r.id = p.region_id")
    assert len(confirmations) > 100
    assert all(decided == at and user == f"office-{code}" for decided, at, user, code in confirmations)
    seeds = [v[0] for (code, start), v in plans.items() if start != 2026]
    assert _rows(data_dir, "select max(e.at) from audit_auditentry e join cascade_tasklink l on e.model = "
                           f"'cascade.TaskLink' and e.object_id = l.id join planning_task t on t.id = l.task_id "
                           f"where t.plan_id in ({','.join('?' * len(seeds))})", *seeds)[0][0][:4] <= "2025"
    assert "上下联动" in first.stdout


def test_annual_report_of_this_year_reads_the_successor_plan(built, tmp_path):
    data_dir, _ = built
    env = {k: v for k, v in os.environ.items() if k not in ("KESU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["KESU_DATA_DIR"] = str(data_dir)
    plans = _plans(data_dir)
    for code, year in (("320300", TODAY.year), ("371000", TODAY.year), ("320300", 2025)):
        title = next(v[1] for (c, start), v in plans.items() if c == code and (start == 2026) == (year >= 2026))
        out = tmp_path / f"{code}-{year}.xlsx"
        result = subprocess.run([str(KESU), "report", "annual", "--region", code, "--year", str(year),
                                 "--format", "xlsx", "-o", str(out)],
                                capture_output=True, text=True, env=env, timeout=300, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        from openpyxl import load_workbook

        text = " ".join(str(c) for ws in load_workbook(out).worksheets for row in ws.iter_rows(values_only=True)
                        for c in row if c is not None)
        assert title in text, (code, year)


def test_townships_in_statistics_and_surveys(built):
    data_dir, _ = built
    townships = dict(_rows(data_dir, "select p.code, count(*) from org_region t join org_region p on p.id = t.parent_id "
                                     "where t.level = 'township' and t.is_demo group by p.code"))
    assert townships == {"370105": 15, "371083": 15}
    valued = _rows(data_dir, "select count(distinct v.region_id) from indicators_datavalue v join org_region r "
                             "on r.id = v.region_id where r.level = 'township'")[0][0]
    assert valued == 30
    names = {n for (n,) in _rows(data_dir, "select name from org_region where level = 'township'")}
    domains = [k for (k,) in _rows(data_dir, "select distinct e.domain_key from literacy_literacyestimate e "
                                             "join literacy_surveywave w on w.id = e.wave_id join org_region r "
                                             "on r.id = w.region_id where r.code = '371083'")]
    assert sum(any(name in key or code in key for name in names for code in ("371083001", "371083100")) for key in domains) > 0


def test_the_successor_is_issued_before_the_build_day_whenever_it_is():
    from kesu.cli.demo_succession import issue_date

    written = datetime.date(2026, 2, 16)
    assert issue_date(written, datetime.date(2026, 12, 5)) == written
    assert issue_date(written, datetime.date(2027, 6, 1)) == written  # 2026 is history, 2027 is open
    assert issue_date(written, datetime.date(2026, 2, 20)) == datetime.date(2026, 1, 21)
    assert issue_date(None, datetime.date(2028, 3, 31)) == datetime.date(2028, 3, 1)


@pytest.mark.parametrize("today", [datetime.date(2026, 12, 5), datetime.date(2027, 1, 10), datetime.date(2029, 7, 16)])
def test_report_stories_never_happen_after_the_build_day(today):
    """Whatever day the demo is built, no report step is dated after it and past periods are reviewed."""
    from types import SimpleNamespace

    from django.utils import timezone

    from kesu.cli import demo_reports

    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8)))
    periods = [SimpleNamespace(start=datetime.date(y, m, 1), end=datetime.date(y, m + 5, 30 if m == 1 else 31),
                               due=datetime.date(y + (m == 7), 7 if m == 1 else 1, 15))
               for y in range(2026, 2031) for m in (1, 7)]
    started = [p for p in periods if p.start <= today]
    past = [p for p in started if p.due < today]
    outcomes = set()
    for period in started:
        for n in range(200):
            key = (1, f"1.{n}", 7, period.start)
            draw = demo_reports.share(*key)
            if period.due >= today:
                story = demo_reports._open_story(draw, key, period, now)
            elif period is not past[-1]:
                story = demo_reports._closed_story(draw, key, period)
                assert story.outcome in ("accepted", "resubmitted")
            else:
                story = demo_reports._season_story(draw, key, period, now)
            story = demo_reports._bounded(story, now)
            steps = [story.drafted, story.submitted, story.reviewed, story.resubmitted, story.accepted]
            assert all(at < now for at in steps if at is not None)
            outcomes.add(story.outcome)
    assert {"accepted", "submitted", "returned", "draft", "missing"} <= outcomes


def test_the_demo_in_a_browser_shows_todays_work(built, chromium):
    """Served as `make demo` serves it, the demo opens on current work: the office of 徐州市 lands on the
    2026—2030 plan with a period open today, and a unit's 我的任务 offers that period first."""
    import socket
    import time
    import urllib.request

    from kesu.cli.demo import DEMO_PASSWORD

    data_dir, _ = built
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("KESU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(KESU_DATA_DIR=str(data_dir), KESU_DEMO="1")
    server = subprocess.Popen([str(KESU), "manage", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        (period_label,) = _rows(data_dir, "select p.label from progress_reportingperiod p join planning_plan n "
                                          "on n.id = p.plan_id join org_region r on r.id = n.region_id where r.code = "
                                          "'320300' and n.period_start = 2026 and p.start <= ? and p.end >= ?",
                                TODAY.isoformat(), TODAY.isoformat())[0]
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for username, path in (("office-320300", "/"), ("unit-320300-1", "/tasks/mine/")):
            page.goto(base + "/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.goto(base + path)
            heading = page.locator("main h1" if username.startswith("office") else "main section.card h2").first
            assert "2026—2030" in heading.inner_text()
            page.context.clear_cookies()
        first_block = page.locator("main section.card").first
        assert "2026—2030" in first_block.locator("h2").inner_text()
        assert period_label in first_block.locator("select[name=period] option[selected]").inner_text()
        context.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
