"""SurveyDesign construction: input checks with clear errors, factorisation, stage structure."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from kesu.survey import SurveyDesign, SurveyError, estimate
from kesu.survey.design import factorize


def small_sample(n: int = 60, seed: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    stratum = np.repeat(["north", "south", "west"], n // 3)
    psu = np.array([f"{s}-{i % 4}" for i, s in enumerate(stratum)])
    return {
        "stratum": stratum,
        "psu": psu,
        "weight": rng.uniform(10, 30, n),
        "literate": rng.integers(0, 2, n),
        "score": rng.normal(60, 10, n),
        "region": rng.choice(["A", "B"], n),
    }


def test_missing_column_is_named_with_the_closest_suggestion() -> None:
    with pytest.raises(SurveyError, match=r"'wieght'.*did you mean 'weight'"):
        SurveyDesign.from_columns(small_sample(), weight="wieght")
    design = SurveyDesign.from_columns(small_sample(), weight="weight")
    with pytest.raises(SurveyError, match=r"'scor'.*did you mean 'score'"):
        estimate(design, "mean", "scor")
    with pytest.raises(SurveyError, match=r"'regoin'.*did you mean 'region'"):
        estimate(design, "mean", "score", by=["regoin"])


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (np.array(["a"] * 60, dtype=object), "not numeric"),
        (np.r_[np.ones(59), -1.0], "1 negative"),
        (np.r_[np.ones(58), np.nan, np.nan], "2 missing"),
        (np.r_[np.ones(59), np.inf], "infinite"),
    ],
)
def test_invalid_weights_are_rejected(weights: np.ndarray, message: str) -> None:
    data = small_sample()
    data["weight"] = weights
    with pytest.raises(SurveyError, match=message):
        SurveyDesign.from_columns(data, weight="weight")


def test_missing_analysis_values_need_na_rm() -> None:
    data = small_sample()
    data["score"] = data["score"].copy()
    data["score"][[1, 5, 9]] = np.nan
    design = SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu")
    with pytest.raises(SurveyError, match=r"'score' has 3 missing values"):
        estimate(design, "mean", "score")
    (row,) = estimate(design, "mean", "score", na_rm=True)
    keep = ~np.isnan(data["score"])
    expected = np.sum(data["weight"][keep] * data["score"][keep]) / np.sum(data["weight"][keep])
    assert row.estimate == pytest.approx(expected, rel=1e-12)
    assert row.n == 57


def test_domain_without_usable_rows_warns_and_gives_nan() -> None:
    data = small_sample()
    data["score"] = data["score"].copy()
    data["score"][data["region"] == "B"] = np.nan
    design = SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = estimate(design, "mean", "score", by=["region"], na_rm=True)
    by_region = {row.domain["region"]: row for row in rows}
    assert np.isnan(by_region["B"].estimate) and np.isnan(by_region["B"].se)
    assert np.isfinite(by_region["A"].estimate)
    assert any("no rows with positive weight" in str(w.message) for w in caught)


def test_lonely_psu_fail_names_the_stratum() -> None:
    data = small_sample()
    data["psu"] = np.where(data["stratum"] == "west", "west-only", data["psu"])
    design = SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu")
    with pytest.raises(SurveyError, match=r"stratum 'west' has only one PSU"):
        estimate(design, "mean", "score")
    removed = SurveyDesign.from_columns(
        data, weight="weight", strata="stratum", psu="psu", lonely_psu="remove"
    )
    (row,) = estimate(removed, "mean", "score")
    assert row.se > 0


def test_unknown_lonely_psu_option_is_rejected() -> None:
    with pytest.raises(SurveyError, match="lonely_psu must be one of"):
        SurveyDesign.from_columns(small_sample(), weight="weight", lonely_psu="ignore")


def test_psus_must_nest_in_strata_unless_nest_is_true() -> None:
    data = small_sample()
    data["psu"] = np.array([str(i % 4) for i in range(60)])
    with pytest.raises(SurveyError, match="nest=True"):
        SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu")
    nested = SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu", nest=True)
    assert nested.stages[0].n_clusters == 12


def test_fpc_checks() -> None:
    data = small_sample()
    data["fpc"] = np.where(data["stratum"] == "north", 0.5, 40.0)
    with pytest.raises(SurveyError, match="not a mixture"):
        SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu", fpc="fpc")
    data["fpc"] = np.full(60, 3.0)
    with pytest.raises(SurveyError, match="more than 100% sampling"):
        SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu", fpc="fpc")
    with pytest.raises(SurveyError, match="one column per sampling stage"):
        SurveyDesign.from_columns(data, weight="weight", psu=["stratum", "psu"], fpc="fpc")


def test_population_count_and_sampling_fraction_fpc_agree() -> None:
    data = small_sample()
    data["population_psus"] = np.full(60, 20.0)
    data["fraction"] = 4 / data["population_psus"]
    by_count = SurveyDesign.from_columns(
        data, weight="weight", strata="stratum", psu="psu", fpc="population_psus"
    )
    by_fraction = SurveyDesign.from_columns(
        data, weight="weight", strata="stratum", psu="psu", fpc="fraction"
    )
    without = SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu")
    (a,) = estimate(by_count, "mean", "score")
    (b,) = estimate(by_fraction, "mean", "score")
    (c,) = estimate(without, "mean", "score")
    assert a.se == pytest.approx(b.se, rel=1e-12)
    # With 4 of 20 PSUs sampled in each stratum the variance shrinks by exactly 1 - 4/20.
    assert a.se**2 == pytest.approx(c.se**2 * (1 - 4 / 20), rel=1e-12)


def test_later_stages_only_count_with_fpc() -> None:
    data = small_sample()
    data["ssu"] = np.array([f"u{i % 2}" for i in range(60)])
    one_stage = SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu")
    two_stage = SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu=["psu", "ssu"])
    (a,) = estimate(one_stage, "total", "score")
    (b,) = estimate(two_stage, "total", "score")
    assert a.se == pytest.approx(b.se, rel=1e-12)


def test_single_psu_design_is_rejected() -> None:
    data = small_sample()
    data["psu"] = np.full(60, "only")
    with pytest.raises(SurveyError, match="only one primary sampling unit"):
        SurveyDesign.from_columns(data, weight="weight", psu="psu")


def test_statistic_and_ci_checks() -> None:
    design = SurveyDesign.from_columns(small_sample(), weight="weight")
    with pytest.raises(SurveyError, match="statistic must be one of"):
        estimate(design, "median", "score")
    with pytest.raises(SurveyError, match="needs a denominator"):
        estimate(design, "ratio", "score")
    with pytest.raises(SurveyError, match="for proportions"):
        estimate(design, "mean", "score", ci="logit")
    with pytest.raises(SurveyError, match="ci must be one of"):
        estimate(design, "prop", "literate", ci="exact")


@pytest.mark.parametrize(
    "values",
    [
        np.array(["b", "a", "ab", "", "b", "zz", "a", "abc", "ab"]),
        np.array(["北京", "上海", "北京", "广州"], dtype=object),
        np.array([5, -3, 5, 1_000_000_000_000, 0]),
        np.array([2.5, 1.0, 2.5, -7.25]),
        np.array([True, False, True]),
    ],
)
def test_factorize_matches_numpy_unique(values: np.ndarray) -> None:
    levels, codes = factorize(values)
    expected_levels, expected_codes = np.unique(
        values.astype(str) if values.dtype == object else values, return_inverse=True
    )
    assert list(levels) == list(expected_levels)
    assert codes.tolist() == expected_codes.reshape(-1).tolist()
