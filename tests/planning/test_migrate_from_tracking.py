"""A database built by main before the tracking app was split (demo data of commit ca3d76b, five seed
plans with a season of reports, indicator values and survey waves) migrates without loss: every row of
every table is still there under the new table name, and the audit history follows its models."""

from __future__ import annotations

import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "main-ca3d76b.sqlite3.xz"
RENAMED = {
    **{f"tracking_{m}": f"planning_{m}" for m in ("plan", "section", "task", "taskunit", "target")},
    **{f"tracking_{m}": f"progress_{m}" for m in (
        "reportingperiod", "progressreport", "targetfigure", "evidence", "reviewevent", "reminder")},
    **{f"tracking_{m}": f"supervision_{m}" for m in ("scoreweights", "scoreadjustment")},
    **{f"surveys_{m}": f"literacy_{m}" for m in ("surveywave", "literacyestimate")},
}
# Tables whose rows a migration may legitimately add to: its own bookkeeping.
BOOKKEEPING = {"django_migrations", "sqlite_sequence", "auth_permission", "django_content_type"}


def _row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
        return {name: db.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}


def _migrate(data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KESU_DATABASE_URL"}
    env["KESU_DATA_DIR"] = str(data_dir)
    kesu = Path(sys.executable).with_name("kesu")
    return subprocess.run([str(kesu), "manage", "migrate", "--no-input"], env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("old-main")
    database = data_dir / "kesu.sqlite3"
    with lzma.open(FIXTURE) as packed, database.open("wb") as out:
        shutil.copyfileobj(packed, out)
    before = _row_counts(database)
    result = _migrate(data_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    return database, before, _row_counts(database)


@pytest.mark.slow
def test_every_row_survives_under_its_new_table_name(migrated):
    _, before, after = migrated
    assert before["tracking_progressreport"] > 2000  # the fixture really is the demo
    for old, count in before.items():
        if old in BOOKKEEPING:
            continue
        new = RENAMED.get(old, old)
        assert old == new or old not in after, f"{old} was not renamed"
        assert after.get(new) == count, f"{old} → {new}: {count} rows before, {after.get(new)} after"


@pytest.mark.slow
def test_history_and_content_types_follow_the_models(migrated):
    database, before, _ = migrated
    with sqlite3.connect(database) as db:
        labels = dict(db.execute("select model, count(*) from audit_auditentry group by model").fetchall())
        apps = {r[0] for r in db.execute("select distinct app_label from django_content_type")}
        applied = {tuple(r) for r in db.execute("select app, name from django_migrations")}
    assert not [label for label in labels if label.startswith(("tracking.", "surveys."))]
    assert labels["progress.ProgressReport"] > 2000
    assert labels["planning.Task"] > 0
    assert {"planning", "progress", "supervision", "literacy"} <= apps
    assert not {"tracking", "surveys"} & apps
    assert ("planning", "0002_new_table_names") in applied
    assert sum(labels.values()) == before["audit_auditentry"]


@pytest.mark.slow
def test_a_second_migrate_is_a_no_op(migrated):
    database, _, after = migrated
    result = _migrate(database.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "No migrations to apply" in result.stdout
    assert _row_counts(database) == after
