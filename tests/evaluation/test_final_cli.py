"""`kesu report final`: the plan's final evaluation as a file; user mistakes exit 2 with one line."""

from __future__ import annotations

from unittest import mock

import pytest
from tests.evaluation.final_world import TODAY, build_final_world
from typer.testing import CliRunner

from kesu.cli import _register, app

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_world(world):
    return build_final_world(world)


@pytest.fixture
def runner():
    _register()
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield CliRunner()


def test_writes_the_newest_finished_plan_by_default(final_world, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "final", "--region", "371083", "-f", "xlsx"])
    assert result.exit_code == 0, result.output
    # The 2026—2030 successor has not reached its last year: the 2021—2025 plan is chosen.
    written = tmp_path / "乳山市全民科学素质行动实施方案（2021—2025年）总结评估报告.xlsx"
    assert written.read_bytes()[:2] == b"PK"


def test_plan_option_and_output(final_world, runner, tmp_path):
    out = tmp_path / "总结.docx"
    result = runner.invoke(app, ["report", "final", "--region", "371083", "--plan", str(final_world.plan.pk),
                                 "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "999999"], "未找到行政区划代码“999999”"),
    (["--region", "371083", "-f", "odt"], "不支持的格式“odt”"),
    (["--region", "320300"], "徐州市没有实施期已进入最后一年的实施方案"),
    (["--region", "371083", "--plan", "{other}"], "乳山市没有编号为{other}的实施方案"),
    (["--region", "371083", "--plan", "{successor}"], "总结评估自2030年起提供"),
])
def test_user_mistakes_exit_2_with_one_line(final_world, runner, tmp_path, args, message):
    ids = {"other": final_world.other_plan.pk, "successor": final_world.successor.pk}
    args = [a.format(**ids) for a in args]
    result = runner.invoke(app, ["report", "final", *args, "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message.format(**ids) in lines[0]
    assert not (tmp_path / "x").exists()
