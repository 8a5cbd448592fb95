"""Identities every correct domain estimator satisfies (in the spirit of R survey's tests/domain.R)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kesu.survey import SurveyDesign, estimate, regression_coefficients


def clustered_sample(seed: int = 11) -> dict[str, np.ndarray]:
    """Six strata of four PSUs; the domain "rural" is absent from some PSUs on purpose."""
    rng = np.random.default_rng(seed)
    rows = []
    for h in range(6):
        for j in range(4):
            size = int(rng.integers(4, 9))
            rural_share = 0.0 if (h + j) % 3 == 0 else 0.5
            for _ in range(size):
                rows.append((f"S{h}", f"S{h}P{j}", rng.random() < rural_share, rng.uniform(5, 20)))
    stratum, psu, rural, weight = (np.array(column) for column in zip(*rows, strict=True))
    n = len(rows)
    score = rng.normal(50, 12, n) + 5 * rural
    return {
        "stratum": stratum,
        "psu": psu,
        "area": np.where(rural, "rural", "urban"),
        "weight": weight,
        "score": score,
        "literate": (rng.random(n) < 0.4).astype(int),
        "fpc": np.full(n, 40.0),
        "hours": rng.uniform(1, 10, n),
    }


AREA_TOTALS = {"rural": 900.0, "urban": 1500.0}


@pytest.fixture(params=["plain", "fpc", "poststratified", "raked", "greg"])
def design(request) -> SurveyDesign:
    data = clustered_sample()
    fpc = "fpc" if request.param != "plain" else None
    design = SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu", fpc=fpc)
    if request.param == "poststratified":
        design = design.poststratify(by=["area"], totals={(k,): v for k, v in AREA_TOTALS.items()})
    elif request.param == "raked":
        stratum_totals = {f"S{h}": 400.0 for h in range(6)}
        design = design.rake(margins={"area": AREA_TOTALS, "stratum": stratum_totals})
    elif request.param == "greg":
        design = design.calibrate(["area", "hours"], {"area": AREA_TOTALS, "hours": 5.5 * 2400.0})
    return design


def test_domain_mean_equals_ratio_and_regression_coefficient(design: SurveyDesign) -> None:
    rural = (design.columns["area"] == "rural").astype(float)
    design.columns["score_if_rural"] = design.columns["score"] * rural
    design.columns["is_rural"] = rural
    domain = {row.domain["area"]: row for row in estimate(design, "mean", "score", by=["area"])}["rural"]
    (ratio,) = estimate(design, "ratio", "score_if_rural", denominator="is_rural")
    indicators = np.column_stack([rural, 1 - rural])
    coefficient = regression_coefficients(design, "score", indicators, ["rural", "urban"])[0]
    assert ratio.estimate == pytest.approx(domain.estimate, rel=1e-12)
    assert coefficient.estimate == pytest.approx(domain.estimate, rel=1e-12)
    assert ratio.se == pytest.approx(domain.se, rel=1e-10)
    assert coefficient.se == pytest.approx(domain.se, rel=1e-10)


def test_domain_se_is_not_the_naive_subset_se() -> None:
    data = clustered_sample()
    design = SurveyDesign.from_columns(data, weight="weight", strata="stratum", psu="psu")
    domain = {row.domain["area"]: row for row in estimate(design, "mean", "score", by=["area"])}["rural"]
    keep = data["area"] == "rural"
    subset = SurveyDesign.from_columns(
        {name: values[keep] for name, values in data.items()},
        weight="weight",
        strata="stratum",
        psu="psu",
        lonely_psu="remove",
    )
    (naive,) = estimate(subset, "mean", "score")
    # Same point estimate, but dropping the PSUs without rural rows changes n_h and so the variance.
    assert naive.estimate == pytest.approx(domain.estimate, rel=1e-12)
    assert abs(naive.se - domain.se) > 1e-6 * domain.se


def test_proportion_is_mean_of_indicator_and_total_is_mean_times_population(design: SurveyDesign) -> None:
    (prop,) = estimate(design, "prop", "literate")
    (mean,) = estimate(design, "mean", "literate")
    assert (prop.estimate, prop.se) == pytest.approx((mean.estimate, mean.se), rel=1e-12)
    population = design.weights.sum()
    design.columns["one"] = np.ones(design.n)
    (total,) = estimate(design, "total", "literate")
    (ratio,) = estimate(design, "ratio", "literate", denominator="one")
    assert total.estimate == pytest.approx(mean.estimate * population, rel=1e-12)
    assert ratio.se == pytest.approx(mean.se, rel=1e-10)


def test_domains_over_two_columns_partition_the_sample(design: SurveyDesign) -> None:
    rows = estimate(design, "total", "score", by=["stratum", "area"])
    assert sum(row.n for row in rows) == design.n
    (overall,) = estimate(design, "total", "score")
    assert sum(row.estimate for row in rows) == pytest.approx(overall.estimate, rel=1e-12)


def test_ci_methods_bracket_the_proportion(design: SurveyDesign) -> None:
    for method in ("wald", "logit", "korn-graubard", "wilson"):
        for row in estimate(design, "prop", "literate", by=["area"], ci=method, level=0.9):
            assert row.ci_low < row.estimate < row.ci_high, method
            if method != "wald":
                assert row.ci_low >= 0
                assert row.ci_high <= 1


def test_to_dict_has_the_cli_fields(design: SurveyDesign) -> None:
    (row,) = estimate(design, "prop", "literate")
    assert set(row.to_dict()) == {
        "domain",
        "statistic",
        "variable",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "deff",
        "n",
    }
    assert row.to_dict()["domain"] == {}


@st.composite
def random_samples(draw):
    n_strata = draw(st.integers(1, 4))
    psus_per_stratum = draw(st.lists(st.integers(2, 4), min_size=n_strata, max_size=n_strata))
    stratum, psu = [], []
    for h, n_psu in enumerate(psus_per_stratum):
        for j in range(n_psu):
            size = draw(st.integers(1, 4))
            stratum += [h] * size
            psu += [h * 10 + j] * size
    n = len(stratum)
    weights = draw(st.lists(st.floats(0.5, 50, allow_nan=False), min_size=n, max_size=n))
    values = draw(st.lists(st.floats(-100, 100, allow_nan=False), min_size=n, max_size=n))
    order = draw(st.permutations(range(n)))
    scale = draw(st.floats(0.01, 100))
    return (
        {
            "stratum": np.array(stratum),
            "psu": np.array(psu),
            "w": np.array(weights),
            "y": np.array(values),
        },
        np.array(order),
        scale,
    )


@settings(max_examples=60, deadline=None)
@given(random_samples())
def test_mean_is_invariant_to_row_order_and_weight_scale(sample) -> None:
    data, order, scale = sample
    design = SurveyDesign.from_columns(data, weight="w", strata="stratum", psu="psu")
    (base,) = estimate(design, "mean", "y")
    shuffled = {name: values[order] for name, values in data.items()}
    (reordered,) = estimate(
        SurveyDesign.from_columns(shuffled, weight="w", strata="stratum", psu="psu"), "mean", "y"
    )
    scaled = dict(data, w=data["w"] * scale)
    (rescaled,) = estimate(
        SurveyDesign.from_columns(scaled, weight="w", strata="stratum", psu="psu"), "mean", "y"
    )
    assert base.se >= 0
    tolerance = 1e-9 * (1 + abs(base.estimate))
    assert reordered.estimate == pytest.approx(base.estimate, abs=tolerance)
    assert rescaled.estimate == pytest.approx(base.estimate, abs=tolerance)
    se_tolerance = 1e-7 * (1 + base.se)
    assert reordered.se == pytest.approx(base.se, abs=se_tolerance)
    assert rescaled.se == pytest.approx(base.se, abs=se_tolerance)
