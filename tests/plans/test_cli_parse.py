"""`kesu parse` and `kesu demo`: outputs, exit codes, and one-line errors for bad input."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import jsonschema
import pytest
from openpyxl import load_workbook
from tests.paths import unavailable
from tests.plans.plan_io_support import (
    FIXTURES,
    REPO,
    plan_schema,
    seed_files,
)
from typer.testing import CliRunner

from kesu.cli import _register, app
from kesu.cli.parse import output_names

SEEDS = seed_files()
BAD_INPUTS = ("empty.txt", "binary.txt", "plan.rtf", "scanned.pdf", "weather_news.txt")

_register()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _assert_one_line_error(stderr: str, name: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if name in line]
    assert len(lines) == 1, stderr
    return lines[0]


def test_single_file_json_to_stdout_validates(runner):
    result = runner.invoke(app, ["parse", str(SEEDS[2])])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, plan_schema())
    assert data["source"] == SEEDS[2].name
    assert data["tasks"]


def test_single_file_markdown_to_stdout(runner):
    result = runner.invoke(app, ["parse", str(SEEDS[1]), "--format", "md"])
    assert result.exit_code == 0, result.stderr
    title = json.loads(runner.invoke(app, ["parse", str(SEEDS[1])]).stdout)["title"]
    assert result.stdout.startswith(f"# {title}\n")
    assert "## 任务分解" in result.stdout


def test_output_format_follows_the_suffix(runner, tmp_path):
    target = tmp_path / "nested" / "plan.xlsx"
    result = runner.invoke(app, ["parse", str(SEEDS[2]), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    workbook = load_workbook(target)
    assert workbook.sheetnames[:2] == ["任务分解表", "责任单位"]
    sheet = workbook["任务分解表"]
    assert sheet.freeze_panes == "A3"
    assert sheet["C2"].value == "任务"
    assert sheet.column_dimensions["C"].width == 60
    assert sheet.max_row > 2
    data = json.loads(runner.invoke(app, ["parse", str(SEEDS[2])]).stdout)
    assert sheet.max_row == 2 + len(data["tasks"])
    assert sheet["D3"].value == "、".join(data["tasks"][0]["lead_units"])


def test_explicit_format_wins_over_suffix(runner, tmp_path):
    target = tmp_path / "plan.out"
    result = runner.invoke(app, ["parse", str(SEEDS[0]), "-f", "md", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("# ")


def test_docx_and_pdf_inputs_parse(runner, tmp_path):
    for name in ("plan.docx", "plan.pdf"):
        target = tmp_path / f"{name}.json"
        result = runner.invoke(app, ["parse", str(FIXTURES / name), "-o", str(target)])
        assert result.exit_code == 0, result.stderr
        data = json.loads(target.read_text(encoding="utf-8"))
        jsonschema.validate(data, plan_schema())
        assert data["source"] == name
        assert data["tasks"]


def test_single_file_into_an_existing_directory(runner, tmp_path):
    result = runner.invoke(app, ["parse", str(SEEDS[1]), "-f", "md", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / f"{SEEDS[1].stem}.md").read_text(encoding="utf-8").startswith("# ")


def test_xlsx_needs_an_output_file(runner):
    result = runner.invoke(app, ["parse", str(SEEDS[0]), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "-o" in result.stderr


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_gives_one_line_and_exit_2(runner, name):
    path = FIXTURES / name
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    line = _assert_one_line_error(result.stderr, str(path))
    assert line.startswith(f"kesu: {path}: ")


def test_scanned_pdf_error_mentions_ocr(runner):
    result = runner.invoke(app, ["parse", str(FIXTURES / "scanned.pdf")])
    assert "OCR" in _assert_one_line_error(result.stderr, "scanned.pdf")


def test_missing_file(runner, tmp_path):
    missing = tmp_path / "nowhere.txt"
    result = runner.invoke(app, ["parse", str(missing)])
    assert result.exit_code == 2
    assert "not found" in _assert_one_line_error(result.stderr, str(missing))


def test_parser_crash_is_one_line_not_a_traceback(runner, monkeypatch):
    import kesu.plans.parser as parser_module

    def explode(text, name, **options):
        raise RuntimeError("unexpected layout")

    monkeypatch.setattr(parser_module, "parse_text", explode)
    result = runner.invoke(app, ["parse", str(SEEDS[0])])
    assert result.exit_code == 2
    line = _assert_one_line_error(result.stderr, SEEDS[0].name)
    assert "RuntimeError: unexpected layout" in line


def test_several_files_one_bad(runner, tmp_path):
    out = tmp_path / "out"
    bad = FIXTURES / "binary.txt"
    result = runner.invoke(app, ["parse", str(SEEDS[0]), str(bad), str(SEEDS[3]), "-o", str(out)])
    assert result.exit_code == 2
    _assert_one_line_error(result.stderr, str(bad))
    written = sorted(path.name for path in out.iterdir())
    assert written == sorted(f"{seed.stem}.json" for seed in (SEEDS[0], SEEDS[3]))
    for path in out.iterdir():
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), plan_schema())


def test_several_files_all_good_as_xlsx(runner, tmp_path):
    out = tmp_path / "tables"
    result = runner.invoke(app, ["parse", *map(str, SEEDS), "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in out.iterdir()) == sorted(f"{seed.stem}.xlsx" for seed in SEEDS)
    assert "Traceback" not in result.stderr


def test_several_files_need_an_output_directory(runner):
    result = runner.invoke(app, ["parse", str(SEEDS[0]), str(SEEDS[1])])
    assert result.exit_code == 2
    assert "-o" in result.stderr


def test_output_directory_cannot_be_a_file(runner, tmp_path):
    existing = tmp_path / "taken"
    existing.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(SEEDS[0]), str(SEEDS[1]), "-o", str(existing)])
    assert result.exit_code == 2
    assert "not a directory" in result.stderr


def test_inputs_sharing_a_stem_keep_their_extension(tmp_path):
    files = [tmp_path / "plan.docx", tmp_path / "plan.pdf", tmp_path / "other.txt"]
    assert output_names(files, ".json") == {
        files[0]: "plan.docx.json",
        files[1]: "plan.pdf.json",
        files[2]: "other.json",
    }


def test_demo_writes_json_and_xlsx_and_summarises(runner, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for seed in SEEDS[:2]:
        shutil.copy(seed, seeds / seed.name)
    (seeds / "README").write_text("not a plan file", encoding="utf-8")
    out = tmp_path / "demo-out"
    # a wide console, so the summary table does not fold the file names
    result = runner.invoke(
        app, ["demo", "--parse-only", "--seeds", str(seeds), "--out", str(out)], env={"COLUMNS": "240"}
    )
    assert result.exit_code == 0, result.stderr
    expected = sorted(f"{seed.stem}{suffix}" for seed in SEEDS[:2] for suffix in (".json", ".xlsx"))
    assert sorted(path.name for path in out.iterdir()) == expected
    for seed in SEEDS[:2]:
        assert seed.name in result.stdout
        data = json.loads((out / f"{seed.stem}.json").read_text(encoding="utf-8"))
        assert str(len(data["tasks"])) in result.stdout


def test_demo_reports_a_bad_plan(runner, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS[0], seeds / SEEDS[0].name)
    shutil.copy(FIXTURES / "weather_news.txt", seeds / "weather_news.txt")
    result = runner.invoke(app, ["demo", "--parse-only", "--seeds", str(seeds), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    _assert_one_line_error(result.stderr, "weather_news.txt")
    assert (tmp_path / "o" / f"{SEEDS[0].stem}.json").exists()


# --------------------------------------------------------------------------------------------
# The installed command, as a person runs it

KESU = REPO / ".venv" / "bin" / "kesu"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    if not KESU.exists():
        unavailable(f"{KESU} is missing: the editable install `make test` makes")
    return subprocess.run([str(KESU), *args], capture_output=True, text=True, timeout=120, check=False)


def test_subprocess_bad_inputs_fail_cleanly(tmp_path):
    good = SEEDS[0]
    bad = [FIXTURES / "empty.txt", FIXTURES / "plan.rtf"]
    completed = _run("parse", str(bad[0]), str(good), str(bad[1]), "-o", str(tmp_path))
    assert completed.returncode == 2
    for path in bad:
        _assert_one_line_error(completed.stderr, str(path))
    assert (tmp_path / f"{good.stem}.json").exists()


def test_subprocess_json_validates(tmp_path):
    target = tmp_path / "plan.json"
    completed = _run("parse", str(SEEDS[4]), "-o", str(target))
    assert completed.returncode == 0, completed.stderr
    jsonschema.validate(json.loads(target.read_text(encoding="utf-8")), plan_schema())
    stdout = _run("parse", str(SEEDS[4]), "--format", "md")
    assert stdout.returncode == 0 and stdout.stdout.startswith("# ")


# --- kesu parse --explain ----------------------------------------------------------------------

CORPUS_DIR = REPO / "tests" / "plans" / "corpus"
_CONFIDENCE_LINE = re.compile(r"^(\d\.\d\d) (待核对|      ) \[(task|assignment|target|metadata)\] ")


def _explained(stdout: str) -> list[list[str]]:
    """The explanation blocks of the output, each a list of its lines."""
    blocks: list[list[str]] = []
    for line in stdout.splitlines():
        if line.startswith("== "):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    return blocks


_SPLIT_AND_CUT_OFF = (
    "某县科普工作要点\n一、强化科普阵地\n"
    "1.完善科普设施。一是新建社区科普馆5个；二是改造科普画廊20处；三是建设流动科技馆1座"
    "（县科协牵头，县财政局参与）。\n"
    "2.办好科技活动周。每年举办科技活动周主场活动1次（县科技局牵头，县教育局、县"
)


def test_explain_prints_each_item_with_its_rule_doubtful_first(runner, tmp_path):
    from kesu.plans.confidence import RULES
    from kesu.plans.parser import parse_file

    # an item split into 一是/二是 parts is always to be checked; the text stops mid-clause
    document = tmp_path / "工作要点.txt"
    document.write_text(_SPLIT_AND_CUT_OFF, encoding="utf-8")
    plan = parse_file(document)
    result = runner.invoke(app, ["parse", "--explain", str(document)])
    assert result.exit_code == 0, result.stderr
    assert not result.stdout.lstrip().startswith("{")  # the explanation, not the JSON
    [block] = _explained(result.stdout)
    items = [line for line in block if _CONFIDENCE_LINE.match(line)]
    assert len(items) == len(plan.judgements)
    confidences = [float(line[:4]) for line in items]
    assert confidences == sorted(confidences)
    doubtful = [line for line in items if "待核对" in line]
    assert doubtful and f"{len(doubtful)} 项待核对" in block[0]
    # each item is followed by its rule and what the rule reads; a doubt by its reason and penalty
    rule_lines = [line.strip() for line in block if line.strip().startswith("规则 ")]
    assert len(rule_lines) == len(items)
    for line in rule_lines:
        rule_id, description = line.removeprefix("规则 ").split("：", 1)
        assert RULES[rule_id].description == description
    assert any("存疑：文本在此项处中断" in line for line in block)


def test_explain_with_output_writes_the_json_and_explains_on_stdout(runner, tmp_path):
    target = tmp_path / "plan.json"
    result = runner.invoke(app, ["parse", "--explain", str(SEEDS[1]), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.validate(data, plan_schema())
    [block] = _explained(result.stdout)
    assert block[0].startswith(f"== {SEEDS[1].name}：{len(data['judgements'])} 项判断")
    judged_rules = {j["rule"] for j in data["judgements"]}
    assert {
        line.strip().removeprefix("规则 ").split("：")[0] for line in block if "规则 " in line
    } == judged_rules


def test_explain_several_files_one_block_each_and_bad_file_reported(runner, tmp_path):
    bad = FIXTURES / "empty.txt"
    documents = [SEEDS[0], CORPUS_DIR / "p6_xlsx_merged.xlsx", bad]
    result = runner.invoke(app, ["parse", "--explain", *map(str, documents)])
    assert result.exit_code == 2
    blocks = _explained(result.stdout)
    assert [block[0].split("：")[0] for block in blocks] == [f"== {SEEDS[0].name}", "== p6_xlsx_merged.xlsx"]
    assert any("task.workbook_row" in line for line in blocks[1])
    _assert_one_line_error(result.stderr, "empty.txt")
    out = tmp_path / "out"
    result = runner.invoke(app, ["parse", "--explain", str(SEEDS[0]), str(SEEDS[2]), "-o", str(out) + "/"])
    assert result.exit_code == 0, result.stderr
    assert len(_explained(result.stdout)) == 2
    assert sorted(p.suffix for p in out.iterdir()) == [".json", ".json"]
