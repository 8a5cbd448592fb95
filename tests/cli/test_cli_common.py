"""What every `kesu` command shares: --data-dir and a one-line bilingual message when there is no
database, -f/-o on every command that writes, repeated options that combine, a line naming each file
written, bilingual errors and plain numbers."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer
from rich.cells import cell_len
from tests.paths import unavailable
from tests.plans.plan_io_support import seed_files
from typer.testing import CliRunner

from kesu.cli import _register, app

_register()
runner = CliRunner()
KESU = Path(sys.executable).parent / "kesu"

# Every command that writes a file or data, and every command that opens the database.
WRITES_OUTPUT = [
    ("parse",), ("survey", "score"), ("survey", "estimate"), ("survey", "rake"), ("report", "annual"),
    ("report", "final"), ("resources", "list"),
]
OPENS_DATABASE = [
    ("report", "annual"), ("report", "final"), ("plans", "import"), ("plans", "purge-drafts"), ("regions", "import"),
    ("users", "create"), ("tokens", "create"), ("tokens", "list"), ("tokens", "revoke"), ("indicators", "seed"),
    ("indicators", "template"), ("indicators", "import-values"), ("resources", "import"), ("resources", "list"),
    ("resources", "template"), ("resources", "sync"),
]
SCIENTIFIC = re.compile(r"\d(\.\d+)?e[-+]?\d", re.IGNORECASE)


def command(path: tuple[str, ...]) -> click.Command:
    found = typer.main.get_command(app)
    for name in path:
        found = found.commands[name]
    return found


def options(path: tuple[str, ...]) -> set[str]:
    return {flag for parameter in command(path).params for flag in parameter.opts}


@pytest.mark.parametrize("path", WRITES_OUTPUT, ids=" ".join)
def test_every_command_that_writes_takes_the_same_short_options(path):
    assert {"-f", "--format", "-o", "--output"} <= options(path)


@pytest.mark.parametrize("path", OPENS_DATABASE, ids=" ".join)
def test_every_command_that_opens_the_database_takes_data_dir(path):
    assert "--data-dir" in options(path)


# --- no database: one bilingual line, exit 2 (a fresh process, as a user runs it) ------------------


def kesu_process(*args: str, cwd: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    if not KESU.exists():
        unavailable(f"{KESU} is missing: the editable install `make test` makes")
    env = {key: value for key, value in os.environ.items() if key not in ("KESU_DATA_DIR", "KESU_DATABASE_URL")}
    env.update(environment)
    return subprocess.run([str(KESU), *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd,
                          env=env)


def assert_one_bilingual_line(completed: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith("错误 / error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_data_dir_without_a_database_names_where_it_looked(tmp_path):
    empty = tmp_path / "空目录"
    empty.mkdir()
    line = assert_one_bilingual_line(
        kesu_process("report", "annual", "--region", "371083", "--year", "2026", "--data-dir", str(empty), cwd=tmp_path),
        f"找不到数据库 {empty / 'kesu.sqlite3'}", "--data-dir", "KESU_DATA_DIR", "database not found",
    )
    assert not (empty / "kesu.sqlite3").exists()  # looked, did not create an empty database
    assert "kesu manage migrate" in line


def test_outside_the_checkout_the_default_and_kesu_data_dir_are_named(tmp_path):
    # No --data-dir and no KESU_DATA_DIR: ./var of the working directory, as the settings say.
    assert_one_bilingual_line(kesu_process("tokens", "list", "office", cwd=tmp_path),
                              str(tmp_path / "var" / "kesu.sqlite3"), "KESU_DATA_DIR")
    elsewhere = tmp_path / "data"
    elsewhere.mkdir()
    assert_one_bilingual_line(
        kesu_process("users", "create", "someone", "--role", "leader", "--password", "x", cwd=tmp_path,
                     KESU_DATA_DIR=str(elsewhere)),
        str(elsewhere / "kesu.sqlite3"),
    )


def test_an_empty_database_file_asks_for_migrate_and_a_dead_server_names_kesu_database_url(tmp_path):
    (tmp_path / "kesu.sqlite3").touch()
    assert_one_bilingual_line(kesu_process("indicators", "seed", "--data-dir", str(tmp_path), cwd=tmp_path),
                              "尚未初始化", "kesu manage migrate")
    assert_one_bilingual_line(
        kesu_process("resources", "sync", "--year", "2026", cwd=tmp_path,
                     KESU_DATABASE_URL="postgresql://kesu@127.0.0.1:1/kesu"),
        "无法打开数据库 kesu@127.0.0.1:1", "KESU_DATABASE_URL",
    )


# --- survey: repeated --by, -f, written lines, bilingual errors, plain numbers ----------------------


@pytest.fixture
def survey_file(tmp_path) -> Path:
    path = tmp_path / "调查.csv"
    rows = [
        ["w", "y", "sex", "urban", "stratum"],
        *[[1 + (i % 3), i % 2, "男" if i % 4 < 2 else "女", "城镇" if i % 3 else "乡村", 1 + i % 2] for i in range(48)],
    ]
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def survey(*args: object):
    return runner.invoke(app, ["survey", *map(str, args)])


def test_repeated_by_options_combine_like_a_comma_list(survey_file):
    repeated = survey("estimate", survey_file, "--weight", "w", "--prop", "y", "--by", "sex", "--by", "urban")
    listed = survey("estimate", survey_file, "--weight", "w", "--prop", "y", "--by", "sex,urban")
    mixed = survey("estimate", survey_file, "--weight", "w", "--prop", "y", "--by", "sex", "--by", "urban,sex")
    assert repeated.exit_code == 0, repeated.stderr
    rows = json.loads(repeated.stdout)
    assert {tuple(row["domain"]) for row in rows} == {("sex", "urban")}
    assert len(rows) == 4  # 男/女 × 城镇/乡村, not the last --by alone
    assert json.loads(listed.stdout) == rows == json.loads(mixed.stdout)


def test_short_format_option_and_written_lines(survey_file, tmp_path):
    shown = survey("estimate", survey_file, "--weight", "w", "--mean", "y", "-f", "csv")
    assert shown.exit_code == 0, shown.stderr
    assert next(csv.reader(shown.stdout.splitlines()))[:2] == ["统计量", "变量"]

    out = tmp_path / "结果.xlsx"
    written = survey("estimate", survey_file, "--weight", "w", "--prop", "y", "--by", "sex", "-f", "xlsx", "-o", out)
    assert written.exit_code == 0, written.stderr
    assert out.read_bytes()[:2] == b"PK"
    size = out.stat().st_size
    assert f"已写出 / wrote {out}（{size / 1024:,.0f} KB，2 行估计）" in written.stderr

    from kesu.survey.synthetic import make_wave, write_csv

    answers = tmp_path / "答卷.csv"
    write_csv(answers, make_wave(n=60, seed=3))
    scored = tmp_path / "scores"  # no suffix: -f says what to write
    result = survey("score", answers, "-c", "example-total-score", "-f", "xlsx", "-o", scored)
    assert result.exit_code == 0, result.stderr
    assert scored.read_bytes()[:2] == b"PK" and f"已写出 / wrote {scored}（" in result.stderr
    clash = survey("score", answers, "-c", "example-total-score", "-f", "xlsx", "-o", tmp_path / "s.csv")
    assert clash.exit_code == 2 and "与输出文件" in clash.stderr and "disagrees with the suffix" in clash.stderr
    assert not (tmp_path / "s.csv").exists()

    refused = survey("estimate", survey_file, "--weight", "w", "--mean", "y", "-f", "odt")
    assert refused.exit_code == 2
    assert "-f/--format 只能是 json, csv, xlsx 之一" in refused.stderr and "--format must be one of" in refused.stderr


def test_a_survey_error_is_shown_in_both_languages(survey_file):
    result = survey("estimate", survey_file, "--weight", "wt", "--mean", "y")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("错误 / error: ")
    assert "数据中没有权数列“wt”；是否是“w”？" in line  # Chinese …
    assert "no weight column 'wt'; did you mean 'w'?" in line  # … then English


def test_rake_prints_plain_numbers_and_relative_differences_as_percentages(survey_file, tmp_path):
    margins = tmp_path / "边际.csv"
    with margins.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([["column", "level", "total"], ["sex", "男", 612000], ["sex", "女", 588000],
                                      ["urban", "城镇", 790000], ["urban", "乡村", 410000]])
    out = tmp_path / "raked"
    result = survey("rake", survey_file, "--weight", "w", "--margins", margins, "-f", "xlsx", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes()[:2] == b"PK"
    assert "相对差" in result.stderr and "612,000.0" in result.stderr
    differences = re.findall(r"(<0\.01%|-?\d+\.\d\d%)\s*[│|]?\s*$", result.stderr, re.MULTILINE)
    assert len(differences) == 4 and set(differences) <= {"0.00%", "<0.01%"}
    assert not SCIENTIFIC.search(result.stderr), result.stderr
    assert f"已写出 / wrote {out}" in result.stderr


def test_relative_difference_reads_as_a_percentage():
    from kesu.cli.survey_rake import relative_difference

    assert relative_difference(100.0, 100.0) == "0.00%"
    assert relative_difference(100.0 - 1e-10, 100.0) == "<0.01%"
    assert relative_difference(98.75, 100.0) == "-1.25%"


def test_survey_tables_keep_chinese_names_whole_at_80_columns(survey_file, tmp_path):
    wide = runner.invoke(
        app, ["survey", "estimate", str(survey_file), "--weight", "w", "--total", "y", "--by", "urban,sex",
              "-o", str(tmp_path / "e.json")], env={"COLUMNS": "80"},
    )
    assert wide.exit_code == 0, wide.stderr
    table_lines = [line for line in wide.stderr.splitlines() if "城镇" in line or "乡村" in line]
    assert len(table_lines) == 4  # each domain on one line: neither 城镇 nor 乡村 split over two
    table = [line for line in wide.stderr.splitlines() if not line.startswith("已写出")]
    assert max(cell_len(line) for line in table) <= 80


# --- files written by the other commands ------------------------------------------------------------


def test_parse_to_one_file_names_the_file_written(tmp_path):
    seeds = seed_files()
    if not seeds:
        unavailable("no seed plans in the shared material")
    out = tmp_path / "任务分解表.xlsx"
    result = runner.invoke(app, ["parse", str(seeds[0]), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes()[:2] == b"PK"
    assert re.fullmatch(rf"已写出 / wrote {re.escape(str(out))}（\d+ KB，\d+ 项任务）\n", result.stderr)


@pytest.mark.django_db
def test_resources_list_and_template_name_the_files_written(world, tmp_path):
    listed = tmp_path / "list.json"
    result = runner.invoke(app, ["resources", "list", "-k", "base", "-r", "371083", "-f", "json", "-o", str(listed)])
    assert result.exit_code == 0, result.output
    assert json.loads(listed.read_text(encoding="utf-8")) == []
    assert f"已写出 / wrote {listed}（" in result.stderr and "0 条" in result.stderr
    template = tmp_path / "模板.xlsx"
    result = runner.invoke(app, ["resources", "template", "-k", "expert", "-o", str(template)])
    assert result.exit_code == 0, result.output
    assert f"已写出 / wrote {template}（" in result.stderr
    missing = runner.invoke(app, ["resources", "template", "-k", "expert", "-o", str(tmp_path / "无" / "t.xlsx")])
    assert missing.exit_code == 2 and "输出目录不存在" in missing.stderr and "no such directory" in missing.stderr


@pytest.mark.django_db
def test_unknown_region_and_user_are_one_bilingual_line(world):
    region = runner.invoke(app, ["resources", "list", "-k", "base", "-r", "999999"])
    user = runner.invoke(app, ["tokens", "list", "nobody"])
    for result, zh, en in ((region, "没有区划代码“999999”", "no region with code '999999'"),
                           (user, "没有用户“nobody”", "no such user 'nobody'")):
        assert result.exit_code == 2
        (line,) = result.stderr.splitlines()
        assert line.startswith("错误 / error: ") and zh in line and en in line
