"""`kesu survey score|estimate|rake` end to end, checked against numbers computed independently."""

from __future__ import annotations

import csv
import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kesu.cli import _register, app
from kesu.survey import SurveyDesign, estimate
from kesu.survey.io import read_table
from kesu.survey.scoring import load_questionnaire, score_answers

_register()
runner = CliRunner()


def _load_make_wave():
    path = Path(__file__).parent / "fixtures" / "make_wave.py"
    spec = importlib.util.spec_from_file_location("kesu_survey_make_wave", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_wave = _load_make_wave()


def kesu(*args: object):
    return runner.invoke(app, ["survey", *map(str, args)])


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.startswith("错误 / error: ")  # Chinese first, then the English the fragments match
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def write_rows(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def wave_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wave")
    make_wave.write_csv(folder / "wave.csv", make_wave.make_wave(n=600, seed=7))
    make_wave.write_margins(folder / "margins.csv")
    result = kesu("score", folder / "wave.csv", "--config", "example-total-score", "-o", folder / "scored.csv")
    assert result.exit_code == 0, result.stderr
    return folder


# --- score ---------------------------------------------------------------------------------------


def test_score_writes_input_plus_the_scores_of_score_answers(wave_dir):
    original = read_table(wave_dir / "wave.csv")
    scored = read_table(wave_dir / "scored.csv")
    expected = score_answers(original, load_questionnaire("example-total-score"))
    assert list(scored) == [*original, *expected]
    for name, values in expected.items():
        np.testing.assert_allclose(scored[name], values, rtol=1e-12)
    assert scored["q08"].tolist() == original["q08"].tolist()


def test_score_prints_a_summary_and_writes_xlsx(wave_dir, tmp_path):
    out = tmp_path / "scored.xlsx"
    result = kesu("score", wave_dir / "wave.csv", "-c", "example-all-dimensions", "-o", out)
    assert result.exit_code == 0, result.stderr
    literate = score_answers(read_table(wave_dir / "wave.csv"), load_questionnaire("example-all-dimensions"))["literate"]
    assert f"n = {len(literate)}" in result.stderr
    assert f"{literate.mean():.1%}" in result.stderr
    assert "科学与社会" in result.stderr
    np.testing.assert_array_equal(read_table(out)["literate"], literate)


def test_score_with_a_missing_answer_column_exits_2(tmp_path):
    answers = write_rows(tmp_path / "a.csv", ["id", "q1"], [[1, "A"]])
    result = kesu("score", answers, "--config", "example-total-score", "-o", tmp_path / "out.csv")
    assert_one_line_error(result, "no column 'q01'")
    assert not (tmp_path / "out.csv").exists()


# --- estimate ------------------------------------------------------------------------------------


def test_estimate_json_equals_the_core_called_directly(wave_dir):
    result = kesu(
        "estimate", wave_dir / "scored.csv", "--weight", "weight", "--strata", "stratum", "--psu", "psu",
        "--prop", "literate", "--by", "region", "--ci", "logit",
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    table = read_table(wave_dir / "scored.csv")
    design = SurveyDesign.from_columns(table, weight="weight", strata="stratum", psu="psu")
    direct = estimate(design, "prop", "literate", by=["region"], ci="logit")
    assert len(rows) == len(direct) == len(make_wave.REGIONS)
    for row, expected in zip(rows, direct, strict=True):
        expected = expected.to_dict()
        assert row["domain"] == {"region": int(expected["domain"]["region"])}
        assert isinstance(row["domain"]["region"], int)  # region codes stay numbers
        for field in ("estimate", "se", "ci_low", "ci_high", "deff"):
            assert row[field] == pytest.approx(expected[field], rel=1e-12)
        assert row["statistic"] == "prop" and row["variable"] == "literate" and row["n"] == expected["n"]


def test_srs_mean_and_se_match_the_with_replacement_textbook_formula(tmp_path):
    """Equal weights, no strata, no clusters: R's svymean(~y, svydesign(ids=~1, weights=~w)).

    The linearised value of row i is z_i = w (y_i − ȳ) / Σw = (y_i − ȳ) / n, and the
    with-replacement variance of their total is n/(n−1) · Σ z_i² = Σ(y_i − ȳ)² / (n (n−1)) = s²/n
    with s² the sample variance (divisor n−1).  (The n/(n−1) factor cancels the (n−1)/n of the
    plug-in variance Σ(y−ȳ)²/n, so SE = s/√n.)  The interval is ȳ ± t(n−1) · SE.
    """
    y = [3.0, 7.0, 8.0, 1.0, 4.0, 9.0, 6.0, 2.0, 5.0, 10.0, 4.5]
    data = write_rows(tmp_path / "srs.csv", ["id", "w", "y"], [[i, 2.5, value] for i, value in enumerate(y)])
    result = kesu("estimate", data, "--weight", "w", "--mean", "y")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    n = len(y)
    se = np.std(y, ddof=1) / math.sqrt(n)
    assert row["domain"] == {}
    assert row["estimate"] == pytest.approx(np.mean(y), rel=1e-13)
    assert row["se"] == pytest.approx(se, rel=1e-12)
    assert row["se"] == pytest.approx(math.sqrt(sum((v - np.mean(y)) ** 2 for v in y) / (n * (n - 1))), rel=1e-12)
    from scipy import stats

    half_width = stats.t.ppf(0.975, n - 1) * se
    assert row["ci_low"] == pytest.approx(np.mean(y) - half_width, rel=1e-12)
    assert row["ci_high"] == pytest.approx(np.mean(y) + half_width, rel=1e-12)
    assert row["n"] == n


def test_prop_by_two_columns_matches_weighted_shares_by_hand(wave_dir):
    result = kesu(
        "estimate", wave_dir / "scored.csv", "--weight", "weight", "--strata", "stratum", "--psu", "psu",
        "--prop", "literate", "--by", "urban,sex",
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    table = read_table(wave_dir / "scored.csv")
    w, literate = table["weight"], table["literate"]
    assert len(rows) == 4
    for row in rows:
        rows_in_domain = (table["urban"] == row["domain"]["urban"]) & (table["sex"] == row["domain"]["sex"])
        share = np.sum(w[rows_in_domain] * (literate[rows_in_domain] == 1)) / np.sum(w[rows_in_domain])
        assert row["estimate"] == pytest.approx(share, rel=1e-12)
        assert row["n"] == int(rows_in_domain.sum())


def test_prop_accepts_yes_no_text(tmp_path):
    data = write_rows(
        tmp_path / "yn.csv", ["w", "flag"], [[1, "是"], [2, "否"], [3, "true"], [4, "no"], [5, "Y"]]
    )
    result = kesu("estimate", data, "--weight", "w", "--prop", "flag")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["estimate"] == pytest.approx((1 + 3 + 5) / 15)


def test_yes_no_text_and_a_blank_group_estimate_exactly_like_the_same_data_written_as_1_0(tmp_path):
    rng = np.random.default_rng(11)
    header = ["stratum", "psu", "w", "literate", "urban"]
    records = []
    for row in range(60):
        stratum = row % 3
        literate = int(rng.random() < 0.3)
        urban = "" if row % 7 == 3 else ("城镇" if rng.random() < 0.5 else "乡村")
        records.append([f"0{stratum}", f"{stratum}-{row % 4}", round(float(rng.uniform(50, 150)), 2), literate, urban])
    yes, no = ["是", "具备", "TRUE", "y"], ["否", "不具备", "false", "N"]
    as_text = [[*record[:3], (yes if record[3] else no)[index % 4], record[4]] for index, record in enumerate(records)]
    as_labelled = [[*record[:4], record[4] or "（缺失）"] for record in records]
    files = {
        name: write_rows(tmp_path / f"{name}.csv", header, rows)
        for name, rows in [("text", as_text), ("numeric", records), ("labelled", as_labelled)]
    }
    options = ["--weight", "w", "--strata", "stratum", "--psu", "psu", "--prop", "literate", "--by", "urban",
               "--ci", "logit"]
    results = {name: kesu("estimate", path, *options) for name, path in files.items()}
    for result in results.values():
        assert result.exit_code == 0, result.stderr
    estimates = {name: json.loads(result.stdout) for name, result in results.items()}
    assert estimates["text"] == estimates["numeric"] == estimates["labelled"]
    assert {row["domain"]["urban"] for row in estimates["text"]} == {"城镇", "乡村", "（缺失）"}
    assert "warning:" in results["text"].stderr and "by column 'urban'" in results["text"].stderr
    assert "form the group '（缺失）'" in results["text"].stderr
    assert results["labelled"].stderr == ""


def test_csv_output_puts_domain_columns_first(wave_dir, tmp_path):
    out = tmp_path / "est.csv"
    result = kesu(
        "estimate", wave_dir / "scored.csv", "--weight", "weight", "--strata", "stratum", "--psu", "psu",
        "--mean", "score_total", "--by", "urban", "-o", out,
    )
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8-sig") as stream:
        records = list(csv.reader(stream))
    assert records[0] == ["urban", "统计量", "变量", "估计值", "标准误", "95%置信区间下限", "95%置信区间上限",
                          "设计效应", "样本量"]
    assert {record[0] for record in records[1:]} == {"城镇", "乡村"}
    assert {record[1] for record in records[1:]} == {"均值"}
    assert "score_total" in result.stderr  # the rich table goes to stderr when writing a file
    assert result.stdout == ""


def test_csv_gives_a_proportion_in_per_cent_and_raw_keeps_machine_names(wave_dir, tmp_path):
    common = ("estimate", wave_dir / "scored.csv", "--weight", "weight", "--strata", "stratum", "--psu", "psu",
              "--prop", "literate")
    shown, raw = tmp_path / "shown.csv", tmp_path / "raw.csv"
    assert kesu(*common, "-o", shown).exit_code == 0
    assert kesu(*common, "--raw", "-o", raw).exit_code == 0
    with shown.open(encoding="utf-8-sig") as stream:
        header, row = list(csv.reader(stream))
    with raw.open(encoding="utf-8-sig") as stream:
        raw_header, raw_row = list(csv.reader(stream))
    assert header[2:7] == ["估计值（%）", "标准误（百分点）", "95%置信区间下限（%）", "95%置信区间上限（%）", "设计效应"]
    assert raw_header == ["statistic", "variable", "estimate", "se", "ci_low", "ci_high", "deff", "n"]
    assert raw_row[0] == "prop" and row[0] == "比例"
    for position in range(2, 6):  # the same figures, in per cent
        assert float(row[position]) == pytest.approx(100 * float(raw_row[position]), rel=1e-9)
    assert 0 < float(raw_row[2]) < 1 < float(row[2]) < 100


def test_xlsx_output_formats_proportions_as_percentages(wave_dir, tmp_path):
    out = tmp_path / "est.xlsx"
    result = kesu(
        "estimate", wave_dir / "scored.csv", "--weight", "weight", "--strata", "stratum", "--psu", "psu",
        "--prop", "literate", "--by", "region", "--ci", "korn-graubard", "--level", "0.9", "-o", out,
    )
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["region", "统计量"]
    assert "90%置信区间下限" in header and "设计效应" in header
    estimate_cell = sheet.cell(row=2, column=header.index("估计值") + 1)
    assert estimate_cell.number_format == "0.00%"
    assert 0 < estimate_cell.value < 1
    assert sheet.cell(row=2, column=1).value in make_wave.REGIONS
    assert "90%置信区间" in result.stderr


def test_multistage_psu_and_fpc_lists_reach_the_design(wave_dir):
    result = kesu(
        "estimate", wave_dir / "scored.csv", "--weight", "weight", "--strata", "stratum", "--psu", "psu,id",
        "--fpc", "psu_population,psu_population", "--total", "literate",
    )
    assert result.exit_code == 0, result.stderr
    table = read_table(wave_dir / "scored.csv")
    design = SurveyDesign.from_columns(
        table, weight="weight", strata="stratum", psu=["psu", "id"], fpc=["psu_population", "psu_population"]
    )
    (expected,) = estimate(design, "total", "literate")
    (row,) = json.loads(result.stdout)
    assert row["estimate"] == pytest.approx(np.sum(table["weight"] * table["literate"]), rel=1e-12)
    assert row["se"] == pytest.approx(expected.se, rel=1e-12)


def test_ratio_is_the_ratio_of_weighted_totals(tmp_path):
    data = write_rows(tmp_path / "r.csv", ["w", "num", "den"], [[1, 2, 4], [2, 3, 5], [1.5, 1, 2], [3, 6, 7]])
    result = kesu("estimate", data, "--weight", "w", "--ratio", "num/den")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    w, num, den = np.array([1, 2, 1.5, 3]), np.array([2, 3, 1, 6]), np.array([4, 5, 2, 7])
    assert row["estimate"] == pytest.approx(np.sum(w * num) / np.sum(w * den), rel=1e-13)
    assert row["variable"] == "num/den"


def test_a_domain_without_values_gives_nulls_strict_json_and_a_warning(tmp_path):
    data = write_rows(tmp_path / "empty.csv", ["w", "y", "g"], [[1, 1, "a"], [3, "", "b"], [1, 0, "a"], [2, 1, "a"]])
    result = kesu("estimate", data, "--weight", "w", "--mean", "y", "--by", "g", "--na-rm")
    assert result.exit_code == 0, result.stderr

    def reject(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    rows = json.loads(result.stdout, parse_constant=reject)
    assert rows[0]["estimate"] == pytest.approx(3 / 4)
    assert rows[1]["domain"] == {"g": "b"} and rows[1]["estimate"] is None and rows[1]["n"] == 0
    assert result.stderr.startswith("警告 / warning: ") and "{'g': 'b'}" in result.stderr
    assert "analysis column 'y': 1 blank value(s) (first in row 3) are left out" in result.stderr


# --- estimate: bad input ---------------------------------------------------------------------------


def test_misspelled_column_suggests_the_right_one(wave_dir, tmp_path):
    out = tmp_path / "est.json"
    result = kesu("estimate", wave_dir / "scored.csv", "--weight", "weight", "--prop", "literat", "-o", out)
    assert_one_line_error(result, "no analysis column 'literat'; did you mean 'literate'?")
    assert not out.exists()


@pytest.mark.parametrize("bad_weight", [-3, 0])
def test_a_weight_that_is_not_positive_names_its_row(tmp_path, bad_weight):
    data = write_rows(tmp_path / "neg.csv", ["w", "y"], [[1, 1], [2, 0], [bad_weight, 1], [1, 1]])
    assert_one_line_error(
        kesu("estimate", data, "--weight", "w", "--mean", "y"),
        f"neg.csv: row 4, weight column 'w': {bad_weight} is not a positive number",
    )


def test_every_bad_row_is_counted_in_the_one_line(tmp_path):
    data = write_rows(tmp_path / "blank.csv", ["w", "y"], [[1, 1], ["", 0], [1, 1], ["", 1], [-1, 0]])
    assert_one_line_error(
        kesu("estimate", data, "--weight", "w", "--mean", "y"),
        "row 3, weight column 'w': value is missing (3 problems in all)",
    )


def test_non_numeric_weight_names_its_row(tmp_path):
    data = write_rows(tmp_path / "text.csv", ["w", "y"], [[1, 1], [2, 0], [1, 1], ["二", 1]])
    assert_one_line_error(
        kesu("estimate", data, "--weight", "w", "--mean", "y"), "text.csv: row 5, weight column 'w': '二' is not a number"
    )


def test_one_psu_stratum_fails_unless_lonely_psu_is_adjusted(tmp_path):
    rows = [[1, 1, 10, 1], [1, 2, 10, 0], [2, 3, 10, 1], [2, 4, 10, 1], [3, 5, 10, 0], [3, 5, 10, 1]]
    data = write_rows(tmp_path / "lonely.csv", ["stratum", "psu", "w", "y"], rows)
    failing = kesu("estimate", data, "--weight", "w", "--strata", "stratum", "--psu", "psu", "--mean", "y")
    assert_one_line_error(failing, "stratum 3 has only one PSU")
    adjusted = kesu(
        "estimate", data, "--weight", "w", "--strata", "stratum", "--psu", "psu", "--mean", "y", "--lonely-psu", "adjust"
    )
    assert adjusted.exit_code == 0, adjusted.stderr
    assert json.loads(adjusted.stdout)[0]["estimate"] == pytest.approx(4 / 6)


def test_missing_values_in_the_variable_need_na_rm(tmp_path):
    data = write_rows(tmp_path / "na.csv", ["w", "y"], [[1, 1], [1, ""], [1, 3]])
    assert_one_line_error(kesu("estimate", data, "--weight", "w", "--mean", "y"), "row 3", "--na-rm")
    dropped = kesu("estimate", data, "--weight", "w", "--mean", "y", "--na-rm")
    assert dropped.exit_code == 0, dropped.stderr
    assert json.loads(dropped.stdout)[0]["estimate"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--mean", "y", "--prop", "y"], "exactly one of --mean"),
        ([], "exactly one of --mean"),
        (["--ratio", "y"], "--ratio needs NUM/DEN"),
        (["--mean", "y", "--format", "pdf"], "--format must be one of json, csv, xlsx"),
        (["--mean", "y", "--level", "95"], "--level must be between 0 and 1"),
        (["--mean", "y", "--ci", "exact"], "--ci must be one of wald, logit, korn-graubard, wilson, not 'exact'"),
        (["--mean", "y", "--lonely-psu", "drop"], "--lonely-psu must be one of fail,"),
    ],
)
def test_bad_options_exit_2_with_one_line(tmp_path, options, message):
    data = write_rows(tmp_path / "d.csv", ["w", "y"], [[1, 1], [1, 0], [1, 1]])
    assert_one_line_error(kesu("estimate", data, "--weight", "w", *options), message)


def test_missing_data_file_exits_2(tmp_path):
    assert_one_line_error(kesu("estimate", tmp_path / "absent.csv", "--weight", "w", "--mean", "y"), "no such file")


# --- rake ----------------------------------------------------------------------------------------


def test_rake_reproduces_the_margin_totals(wave_dir, tmp_path):
    out = tmp_path / "raked.csv"
    result = kesu("rake", wave_dir / "scored.csv", "--weight", "weight", "--margins", wave_dir / "margins.csv", "-o", out)
    assert result.exit_code == 0, result.stderr
    raked = read_table(out)
    original = read_table(wave_dir / "scored.csv")
    assert list(raked) == [*original, "weight_raked"]
    np.testing.assert_array_equal(raked["weight"], original["weight"])
    for column, level, target in make_wave.population_margins():
        achieved = raked["weight_raked"][raked[column] == level].sum()
        assert achieved == pytest.approx(target, rel=1e-9), (column, level)
    assert "achieved margins" in result.stderr and "age_group" in result.stderr


def test_rake_with_bounds_keeps_weight_ratios_inside_them(wave_dir, tmp_path):
    out = tmp_path / "bounded.xlsx"
    result = kesu(
        "rake", wave_dir / "scored.csv", "--weight", "weight", "--margins", wave_dir / "margins.csv", "-o", out,
        "--bounds", "0.8,1.2", "--out-weight", "w_final",
    )
    assert result.exit_code == 0, result.stderr
    raked = read_table(out)
    ratio = raked["w_final"] / raked["weight"]
    assert ratio.min() >= 0.8 - 1e-9 and ratio.max() <= 1.2 + 1e-9
    for column, level, target in make_wave.population_margins():
        assert raked["w_final"][raked[column] == level].sum() == pytest.approx(target, rel=1e-6)


def test_rake_matches_numeric_levels_to_numeric_columns(tmp_path):
    data = write_rows(tmp_path / "d.csv", ["region", "w"], [[330502, 1], [330502, 1], [330503, 2], [330503, 1]])
    margins = write_rows(tmp_path / "m.csv", ["column", "level", "total"], [["region", 330502, 40], ["region", 330503, 60]])
    out = tmp_path / "out.csv"
    result = kesu("rake", data, "--weight", "w", "--margins", margins, "-o", out)
    assert result.exit_code == 0, result.stderr
    np.testing.assert_allclose(read_table(out)["w_raked"], [20, 20, 40, 20])


@pytest.mark.parametrize(
    ("margin_rows", "message"),
    [
        ([["urbn", "城镇", 1]], "no margin column 'urbn'; did you mean 'urban'?"),
        ([["urban", "城区", 5], ["urban", "乡村", 5]], "row 2: level '城区' of 'urban' does not occur"),
        ([["urban", "城镇", 5]], "no population total for 'urban' = '乡村'"),
        ([["urban", "城镇", 5], ["urban", "城镇", 5]], "row 3: 'urban' = '城镇' is listed twice"),
        ([["urban", "城镇", 5], ["urban", "乡村", -1]], "row 3: population total must be positive"),
        ([["urban", "城镇", 5], ["urban", "乡村", 5], ["sex", "男", 1], ["sex", "女", 1]], "disagree on the population size"),
    ],
)
def test_bad_margins_exit_2_and_write_nothing(wave_dir, tmp_path, margin_rows, message):
    margins = write_rows(tmp_path / "m.csv", ["column", "level", "total"], margin_rows)
    out = tmp_path / "raked.csv"
    result = kesu("rake", wave_dir / "scored.csv", "--weight", "weight", "--margins", margins, "-o", out)
    assert_one_line_error(result, message)
    assert not out.exists()


def test_rake_refuses_to_overwrite_an_existing_weight_column(wave_dir, tmp_path):
    result = kesu(
        "rake", wave_dir / "scored.csv", "--weight", "weight", "--margins", wave_dir / "margins.csv",
        "-o", tmp_path / "o.csv", "--out-weight", "psu",
    )
    assert_one_line_error(result, "already has a column 'psu'")
