"""Calibration: control totals reproduced exactly, raking ≡ post-stratification on one margin, clear failures."""

from __future__ import annotations

import numpy as np
import pytest

from kesu.survey import SurveyDesign, SurveyError, estimate


def sample(n: int = 400, seed: int = 5, equal_weights: bool = False) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, 4, n)
    return {
        "stratum": stratum,
        "psu": stratum * 100 + rng.integers(0, 6, n),
        "w": np.full(n, 25.0) if equal_weights else rng.uniform(10, 40, n),
        "sex": rng.choice(["f", "m"], n),
        "age": rng.choice(["18-39", "40-59", "60-69"], n, p=[0.4, 0.35, 0.25]),
        "income": rng.gamma(2.0, 3000.0, n),
        "literate": rng.integers(0, 2, n),
    }


SEX = {"f": 5100.0, "m": 4900.0}
AGE = {"18-39": 4200.0, "40-59": 3600.0, "60-69": 2200.0}


def weighted_totals(design: SurveyDesign, column: str) -> dict:
    values = design.columns[column]
    return {level: float(design.weights[values == level].sum()) for level in np.unique(values)}


def make_design(**kwargs) -> SurveyDesign:
    return SurveyDesign.from_columns(sample(**kwargs), weight="w", strata="stratum", psu="psu")


def test_poststratified_weights_reproduce_cell_totals() -> None:
    totals = {(s, a): SEX[s] * AGE[a] / 10000.0 for s in SEX for a in AGE}
    design = make_design().poststratify(by=["sex", "age"], totals=totals)
    data = design.columns
    for (s, a), target in totals.items():
        cell = (data["sex"] == s) & (data["age"] == a)
        assert design.weights[cell].sum() == pytest.approx(target, rel=1e-12)


def test_raked_weights_reproduce_every_margin() -> None:
    design = make_design().rake(margins={"sex": SEX, "age": AGE}, tol=1e-12)
    assert weighted_totals(design, "sex") == pytest.approx(SEX, rel=1e-10)
    assert weighted_totals(design, "age") == pytest.approx(AGE, rel=1e-10)


@pytest.mark.parametrize(
    ("calfun", "bounds"), [("linear", None), ("raking", None), ("logit", (0.3, 3.0)), ("linear", (0.5, 2.0))]
)
def test_calibrated_weights_reproduce_totals_within_bounds(calfun, bounds) -> None:
    base = make_design()
    income_total = float(np.sum(base.weights * base.columns["income"])) * 1.05
    totals = {"sex": SEX, "age": AGE, "income": income_total}
    design = base.calibrate(["sex", "age", "income"], totals, calfun=calfun, bounds=bounds)
    assert weighted_totals(design, "sex") == pytest.approx(SEX, rel=1e-9)
    assert weighted_totals(design, "age") == pytest.approx(AGE, rel=1e-9)
    assert float(np.sum(design.weights * design.columns["income"])) == pytest.approx(income_total, rel=1e-9)
    g = design.weights / base.weights
    if bounds is not None:
        assert g.min() >= bounds[0] - 1e-9 and g.max() <= bounds[1] + 1e-9


def test_model_matrix_calibration_equals_named_columns() -> None:
    base = make_design()
    female = (base.columns["sex"] == "f").astype(float)
    matrix = np.column_stack([np.ones(base.n), female])
    by_matrix = base.calibrate(matrix, np.array([10000.0, SEX["f"]]))
    by_name = base.calibrate(["sex"], {"sex": SEX})
    np.testing.assert_allclose(by_matrix.weights, by_name.weights, rtol=1e-12)


@pytest.mark.parametrize("equal_weights", [False, True])
def test_raking_on_one_margin_is_post_stratification(equal_weights: bool) -> None:
    base = make_design(equal_weights=equal_weights)
    raked = base.rake(margins={"age": AGE})
    poststratified = base.poststratify(by=["age"], totals=AGE)
    np.testing.assert_allclose(raked.weights, poststratified.weights, rtol=1e-12)
    (a,) = estimate(raked, "prop", "literate")
    (b,) = estimate(poststratified, "prop", "literate")
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
    if equal_weights:
        # R's rake residualises with unweighted cell means, postStratify with weighted ones; the two
        # SEs coincide when the weights are constant within cells.
        assert a.se == pytest.approx(b.se, rel=1e-10)
    else:
        assert a.se == pytest.approx(b.se, rel=0.05)


def test_calibration_reduces_se_of_a_calibrated_total() -> None:
    base = make_design()
    design = base.poststratify(by=["sex"], totals=SEX)
    design.columns["female"] = (design.columns["sex"] == "f").astype(float)
    (total,) = estimate(design, "total", "female")
    assert total.estimate == pytest.approx(SEX["f"], rel=1e-12)
    assert total.se == pytest.approx(0.0, abs=1e-8 * SEX["f"])


def test_raking_that_cannot_converge_reports_iterations_and_discrepancy() -> None:
    with pytest.raises(SurveyError, match=r"did not converge after 2 iterations: largest relative margin"):
        make_design().rake(margins={"sex": SEX, "age": AGE}, max_iter=2, tol=1e-15)


def test_infeasible_bounds_fail_clearly() -> None:
    with pytest.raises(SurveyError, match="did not converge"):
        make_design().calibrate(
            ["sex"], {"sex": {"f": 9000.0, "m": 1000.0}}, calfun="linear", bounds=(0.9, 1.1)
        )


def test_inconsistent_margins_and_unknown_cells_are_rejected() -> None:
    with pytest.raises(SurveyError, match="sum to"):
        make_design().calibrate(["sex", "age"], {"sex": SEX, "age": {k: v * 2 for k, v in AGE.items()}})
    with pytest.raises(SurveyError, match="absent from the sample"):
        make_design().poststratify(by=["sex"], totals={**SEX, "x": 10.0})
    with pytest.raises(SurveyError, match="missing from the population"):
        make_design().poststratify(by=["sex"], totals={"f": 10.0})


def test_chained_calibrations_keep_earlier_totals_when_consistent() -> None:
    design = (
        make_design().poststratify(by=["sex"], totals=SEX).rake(margins={"sex": SEX, "age": AGE}, tol=1e-12)
    )
    assert weighted_totals(design, "sex") == pytest.approx(SEX, rel=1e-10)
    (row,) = estimate(design, "prop", "literate")
    assert row.se > 0


def test_bounded_raking_keeps_g_weights_within_bounds() -> None:
    base = make_design()
    design = base.rake(margins={"sex": SEX, "age": AGE}, bounds=(0.6, 1.6))
    assert weighted_totals(design, "sex") == pytest.approx(SEX, rel=1e-9)
    assert weighted_totals(design, "age") == pytest.approx(AGE, rel=1e-9)
    g = design.weights / base.weights
    assert g.min() >= 0.6 - 1e-9 and g.max() <= 1.6 + 1e-9


def test_linearly_dependent_calibration_columns_are_rejected() -> None:
    base = make_design()
    base.columns["one"] = np.ones(base.n)
    with pytest.raises(SurveyError, match="linearly dependent"):
        base.calibrate(["sex", "one"], {"sex": SEX, "one": 10000.0})
