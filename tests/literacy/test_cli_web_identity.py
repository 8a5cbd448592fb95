"""One file, two doors: `kesu survey estimate` and the upload page prepare their columns with the
same rules (kesu.survey.columns) and so give the same estimates, domain by domain.

The wave is written as a real CSV whose literate column spells its answers 是/否 (with a few 1/0
and one unscored, blank respondent) and whose sex column has blank values, with strata, PSUs,
an fpc and weights.  The command line estimates it with --na-rm (the web always leaves unscored
respondents out); the web estimates it through the real upload, mapping and confirm views.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from tests.literacy.conftest import csv_bytes, make_wave, scored_wave, upload_and_confirm
from typer.testing import CliRunner

from kesu.cli import _register, app
from kesu.literacy.models import LiteracyEstimate, SurveyWave
from kesu.survey.columns import MISSING_LEVEL
from kesu.survey.intervals import CI_METHODS

pytestmark = pytest.mark.django_db

_register()
runner = CliRunner()

# Both sides give shares (0–1): the CLI's JSON does, and LiteracyEstimate stores shares, which only
# the templates show as percentages.  So the stored numbers are compared as they are, with no
# factor of 100; test_stored_numbers_are_shares below keeps this assumption checked.
TOLERANCE = 1e-12
COMPARED = ("estimate", "se", "ci_low", "ci_high", "deff")
BLANK_SEX_POSITIONS = (3, 40, 77, 120, 161, 202)
BLANK_LITERATE_POSITION = 9


def _wave_file(tmp_path):
    columns = scored_wave(n=300, seed=11)
    literate = np.array(["是" if value == 1 else "否" for value in columns["literate"]], dtype=object)
    literate[:5] = [str(int(value)) for value in columns["literate"][:5]]  # some respondents coded 1/0
    literate[BLANK_LITERATE_POSITION] = ""
    sex = columns["sex"].astype(object)
    sex[list(BLANK_SEX_POSITIONS)] = ""
    columns["literate"], columns["sex"] = literate, sex
    content = csv_bytes(columns)
    path = tmp_path / "wave.csv"
    path.write_bytes(content)
    return path, content


def _cli_rows(path, ci: str, by: str | None) -> tuple[dict[str, dict], str]:
    args = ["survey", "estimate", str(path), "--weight", "weight", "--strata", "stratum", "--psu", "psu",
            "--fpc", "psu_population", "--prop", "literate", "--ci", ci, "--na-rm"]
    if by:
        args += ["--by", by]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stdout + result.stderr
    rows = json.loads(result.stdout)
    keyed = {"|".join(f"{name}={value}" for name, value in row["domain"].items()): row for row in rows}
    return keyed, result.stderr


def _web_rows(client, huzhou, content) -> dict[tuple[str, str], LiteracyEstimate]:
    client.force_login(huzhou.users["statistician"])
    upload_and_confirm(client, "330500", content)
    wave = SurveyWave.objects.get()
    return {(row.ci_method, row.domain_key): row for row in LiteracyEstimate.objects.filter(wave=wave)}


def _same(cli_value: float | None, web_value: float | None) -> bool:
    if cli_value is None or web_value is None:
        return cli_value is None and web_value is None
    return math.isclose(cli_value, web_value, rel_tol=0, abs_tol=TOLERANCE)


def test_cli_and_web_give_the_same_estimates_for_the_same_file(client, huzhou, tmp_path):
    path, content = _wave_file(tmp_path)
    web = _web_rows(client, huzhou, content)

    compared = 0
    for ci in CI_METHODS:
        for by in (None, "sex", "region", "urban"):
            cli, stderr = _cli_rows(path, ci, by)
            web_keys = {key for method, key in web if method == ci and (key.startswith(f"{by}=") if by else key == "")}
            assert set(cli) == web_keys, (ci, by)
            for key, row in cli.items():
                stored = web[(ci, key)]
                assert row["n"] == stored.n, (ci, key)
                for name in COMPARED:
                    assert _same(row[name], getattr(stored, name)), (ci, key, name, row[name], getattr(stored, name))
                compared += 1
            if by == "sex":
                # "警告 / warning: <file>：<中文> / <file>: <English>", one line per warning.
                assert (
                    f" / {path}: by column 'sex': {len(BLANK_SEX_POSITIONS)} blank value(s) "
                    f"(first in row {BLANK_SEX_POSITIONS[0] + 2}) form the group '{MISSING_LEVEL}' (missing)\n"
                ) in stderr and "警告 / warning: " in stderr
    # Overall, 男/女/（缺失）, the five counties, 城镇/乡村.
    assert compared == len(CI_METHODS) * (1 + 3 + len(make_wave.REGIONS) + 2)

    # The blank sex values form the group （缺失） on both sides, with the same respondents.
    cli, _ = _cli_rows(path, "logit", "sex")
    assert cli[f"sex={MISSING_LEVEL}"]["domain"] == {"sex": MISSING_LEVEL}
    missing_group = web[("logit", f"sex={MISSING_LEVEL}")]
    assert missing_group.domain == {"sex": MISSING_LEVEL}
    assert missing_group.n == cli[f"sex={MISSING_LEVEL}"]["n"] == len(BLANK_SEX_POSITIONS)
    # The unscored respondent is left out on both sides.
    overall, _ = _cli_rows(path, "logit", None)
    assert overall[""]["n"] == web[("logit", "")].n == len(np.asarray(scored_wave(n=300, seed=11)["id"])) - 1


def test_stored_numbers_are_shares(client, huzhou, tmp_path):
    _, content = _wave_file(tmp_path)
    web = _web_rows(client, huzhou, content)
    overall = web[("wald", "")]
    assert 0 < overall.ci_low < overall.estimate < overall.ci_high < 1
    assert 0 < overall.se < 0.1
