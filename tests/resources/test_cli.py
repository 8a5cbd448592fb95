"""`kesu resources …`: import (counts, exit 2 with one line per bad row, --skip-invalid), list (table,
JSON, xlsx masked unless --personal), template and sync."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from kesu.cli import _register, app
from kesu.resources.kinds import KINDS
from kesu.resources.models import OutreachBase

HEADERS = ["名称", "级别", "区划代码", "依托单位", "展教面积(平方米)", "年接待人次", "年开放天数", "联系电话"]


def write_xlsx(path, rows, headers=HEADERS):
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def row(name, level="县级", code="371083", days=250, phone="13812345678"):
    return [name, level, code, "乳山市教育和体育局", 1200, 30000, days, phone]


@pytest.fixture
def run():
    _register()
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["resources", *map(str, args)])


@pytest.fixture
def imported(run, tmp_path, county):
    path = write_xlsx(tmp_path / "bases.xlsx", [row("甲馆"), row("乙馆", "市级")])
    result = run("import", path, "--kind", "base", "--region", "371083")
    assert result.exit_code == 0, result.output
    return result


def test_the_kinds_offered_are_the_registry_kinds():
    from kesu.cli.resources import KindName

    assert [k.value for k in KindName] == [kind.code for kind in KINDS]


def test_import_prints_counts_and_a_second_run_changes_nothing(run, imported, tmp_path):
    assert "新增 2 条，更新 0 条，未变 0 条，跳过 0 行" in imported.stdout
    again = run("import", tmp_path / "bases.xlsx", "--kind", "base", "--region", "371083")
    assert again.exit_code == 0 and "新增 0 条，更新 0 条，未变 2 条" in again.stdout
    assert OutreachBase.objects.count() == 2


def test_refused_import_exits_2_with_one_line_per_bad_row(run, tmp_path, county):
    path = write_xlsx(tmp_path / "bad.xlsx", [row("甲馆"), row("乙馆", days=400), row("丙馆", code="320300")])
    result = run("import", path, "--kind", "base", "--region", "371083")
    assert result.exit_code == 2
    assert result.stdout.strip() == "未导入任何数据：共 2 处问题"
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("第3行 年开放天数：不能超过366")
    assert lines[1] == "第4行 区划代码：徐州市（320300）不在本次导入范围“乳山市”内"
    assert len(lines) == 2 and not OutreachBase.objects.exists()


def test_skip_invalid_imports_the_rest_and_lists_skipped_rows(run, tmp_path, county):
    path = write_xlsx(tmp_path / "bad.xlsx", [row("甲馆"), row("乙馆", level="区级")])
    result = run("import", path, "--kind", "base", "--region", "371083", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "新增 1 条" in result.stdout and "跳过 1 行" in result.stdout
    assert "第3行 级别：“区级”不是可选值" in result.stdout


def test_unknown_region_or_kind_is_a_usage_error(run, tmp_path, county):
    path = write_xlsx(tmp_path / "b.xlsx", [row("甲馆")])
    assert run("import", path, "--kind", "base", "--region", "999999").exit_code == 2
    assert run("import", path, "--kind", "museum", "--region", "371083").exit_code == 2
    assert not OutreachBase.objects.exists()


def test_list_json_gives_the_summary_fields(run, imported):
    result = run("list", "--kind", "base", "--region", "371000", "-f", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert {r["name"] for r in records} == {"甲馆", "乙馆"}
    first = next(r for r in records if r["name"] == "乙馆")
    assert {"id", "name", "kind", "region", "status", "level"} <= set(first)
    assert (first["kind"], first["region"], first["status"], first["level"]) == ("base", "371083", "recognised", "city")


def test_list_json_of_another_region_is_empty(run, imported):
    result = run("list", "--kind", "base", "--region", "320300", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_list_table(run, imported):
    result = run("list", "--kind", "base", "--region", "371083")
    assert result.exit_code == 0, result.output
    assert "甲馆" in result.stdout and "市级" in result.stdout and "已认定" in result.stdout


def test_list_xlsx_masks_unless_personal(run, imported, tmp_path):
    masked, whole = tmp_path / "masked.xlsx", tmp_path / "whole.xlsx"
    assert run("list", "--kind", "base", "--region", "371083", "-f", "xlsx", "-o", masked).exit_code == 0
    assert run("list", "--kind", "base", "--region", "371083", "-f", "xlsx", "-o", whole, "--personal").exit_code == 0
    phones = {}
    for path in (masked, whole):
        sheet = load_workbook(path)["科普教育基地"]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == [column.header for column in KINDS["base"].columns]
        phones[path.name] = {r[rows[0].index("联系电话")] for r in rows[1:]}
    assert phones == {"masked.xlsx": {"138****5678"}, "whole.xlsx": {"13812345678"}}
    # the masked export imports back without touching the stored numbers
    again = run("import", masked, "--kind", "base", "--region", "371083")
    assert again.exit_code == 0 and "未变 2 条" in again.stdout
    assert set(OutreachBase.objects.values_list("contact_phone", flat=True)) == {"13812345678"}


def test_list_xlsx_needs_an_output_file(run, imported):
    assert run("list", "--kind", "base", "--region", "371083", "-f", "xlsx").exit_code == 2


def test_template(run, tmp_path, db):
    path = tmp_path / "expert.xlsx"
    result = run("template", "--kind", "expert", "-o", path)
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["科普专家", "填写说明"]


def test_sync_recounts_the_fed_elements(run, imported, national):
    from kesu.indicators.models import DataValue

    year = datetime.date.today().year  # the recognitions were imported without a year: this year's
    result = run("sync", "--year", year)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{year}年：写入")
    assert DataValue.objects.filter(element__code="outreach_bases", year=year).exists()
