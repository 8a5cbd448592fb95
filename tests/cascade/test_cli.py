"""`kesu plans align` on a seed plan against the national 纲要 (no database), and on stored plans."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from tests.paths import SEED_NAMES, SEEDS
from typer.testing import CliRunner

from kesu.cli import _register, app
from kesu.plans import parse_file
from kesu.plans.national import load_outline

_register()
runner = CliRunner()


def _named_heading(path: list[str], outline) -> str | None:
    """The national heading whose title or an alias a section heading of the task names."""
    for heading in outline.headings:
        names = (heading.title, *heading.aliases)
        if any(name in part for part in path for name in names):
            return heading.code
    return None


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_every_seed_task_is_linked_and_named_headings_come_first(seed, tmp_path):
    path = SEEDS / seed
    if not path.is_file():
        pytest.skip(f"seed {path} missing")
    out = tmp_path / "links.json"
    result = runner.invoke(app, ["plans", "align", str(path), "--parent", "national", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    tasks = parse_file(path).tasks
    assert [row["id"] for row in rows] == [task.id for task in tasks] and len(rows) >= 5
    outline = load_outline()
    codes = {heading.code for heading in outline.headings}
    named = 0
    for row, task in zip(rows, tasks, strict=True):
        assert row["links"] and all(link["parent"] in codes for link in row["links"]), row
        scores = [link["score"] for link in row["links"]]
        assert scores == sorted(scores, reverse=True)
        expected = _named_heading(task.path, outline)
        if expected is not None:
            named += 1
            assert row["links"][0]["parent"] == expected, (task.path, row["links"])
    assert named >= 5


def test_xlsx_output_has_a_row_per_task(tmp_path):
    path = SEEDS / SEED_NAMES[0]
    if not path.is_file():
        pytest.skip(f"seed {path} missing")
    out = tmp_path / "links.xlsx"
    result = runner.invoke(app, ["plans", "align", str(path), "--parent", "national", "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("任务编号", "任务", "对应1", "对应1名称", "相似度1")
    assert len(rows) - 1 == len(parse_file(path).tasks) and all(row[2] for row in rows[1:])


@pytest.mark.parametrize("args, words", [
    (["no-such-file.txt", "--parent", "national"], "不存在"),
    (["x.txt", "--parent", "province"], "--parent"),
    (["x.txt", "--parent", "national", "-f", "csv"], "csv"),
])
def test_mistakes_end_with_one_bilingual_line(args, words):
    result = runner.invoke(app, ["plans", "align", *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and " / " in lines[0]


@pytest.mark.django_db
def test_stored_plan_against_its_parent_plan(world, city_plan, tmp_path):
    out = tmp_path / "links.json"
    result = runner.invoke(app, ["plans", "align", str(world.plan.pk), "--parent", str(city_plan.pk), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [row["id"] for row in rows] == ["3.1.1", "3.1.2", "3.2.1"]
    assert [row["links"][0]["parent"] for row in rows] == ["1", "1", "2"]
    missing = runner.invoke(app, ["plans", "align", "999999", "--parent", "national"])
    assert missing.exit_code == 2 and "999999" in missing.output
