"""`kesu report annual`: files written, exit code 2 with one line for user mistakes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kesu.cli import _register, app

pytestmark = pytest.mark.django_db


@pytest.fixture
def runner():
    _register()
    return CliRunner()


def test_writes_the_requested_file(annual_world, runner, tmp_path):
    out = tmp_path / "报告.xlsx"
    result = runner.invoke(app, ["report", "annual", "--region", "371083", "--year", "2024", "--format", "xlsx",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"


def test_default_file_name_is_the_title(annual_world, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "annual", "--region", "371083", "--year", "2024", "--format", "pdf"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "乳山市2024年度全民科学素质行动实施情况评估报告.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "999999", "--year", "2024"], "未找到行政区划代码“999999”"),
    (["--region", "371083", "--year", "2019"], "乳山市没有覆盖2019年的全民科学素质行动实施方案"),
    (["--region", "371083", "--year", "2024", "--format", "odt"], "不支持的格式“odt”"),
])
def test_user_mistakes_exit_2_with_one_line(world, runner, tmp_path, args, message):
    result = runner.invoke(app, ["report", "annual", *args, "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0]
    assert not (tmp_path / "x").exists()
