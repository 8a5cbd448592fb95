"""Replicate-weight designs built by kesu (JK1, JKn, bootstrap) and given by the user."""

from __future__ import annotations

import numpy as np
import pytest

from kesu.survey import SurveyDesign, SurveyError, estimate


def stratified(n_strata: int = 8, psus: int = 6, seed: int = 2) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    stratum = np.repeat(np.arange(n_strata), psus * 12)
    psu = stratum * 100 + np.tile(np.repeat(np.arange(psus), 12), n_strata)
    n = len(stratum)
    psu_effect = rng.normal(0, 1, psu.max() + 1)[psu]
    return {
        "stratum": stratum,
        "psu": psu,
        "w": rng.uniform(20, 60, n),
        "y": rng.normal(10, 3, n) + 2 * psu_effect,
        "literate": (rng.random(n) < 0.35 + 0.1 * (psu_effect > 0)).astype(int),
        "region": rng.choice(["east", "west"], n),
        "population_psus": np.full(n, 30.0),
    }


def test_jackknife_of_a_total_equals_the_linearisation_variance() -> None:
    # For a linear statistic, JKn with (n_h - 1)/n_h scaling reproduces the Taylor variance exactly.
    design = SurveyDesign.from_columns(stratified(), weight="w", strata="stratum", psu="psu")
    (taylor,) = estimate(design, "total", "y")
    (jackknife,) = estimate(design.to_replicate("JKn"), "total", "y")
    assert jackknife.estimate == pytest.approx(taylor.estimate, rel=1e-12)
    assert jackknife.se == pytest.approx(taylor.se, rel=1e-10)


def test_jk1_needs_an_unstratified_design_and_jkn_a_stratified_one() -> None:
    stratified_design = SurveyDesign.from_columns(stratified(), weight="w", strata="stratum", psu="psu")
    with pytest.raises(SurveyError, match="JK1 is for unstratified"):
        stratified_design.to_replicate("JK1")
    clustered = SurveyDesign.from_columns(stratified(), weight="w", psu="psu")
    with pytest.raises(SurveyError, match="JKn needs strata"):
        clustered.to_replicate("JKn")
    with pytest.raises(SurveyError, match="replicate method"):
        clustered.to_replicate("BRR")


def test_bootstrap_is_reproducible_and_resamples_within_strata() -> None:
    design = SurveyDesign.from_columns(stratified(), weight="w", strata="stratum", psu="psu")
    first = design.to_replicate("bootstrap", replicates=40, seed=9)
    second = design.to_replicate("bootstrap", replicates=40, seed=9)
    np.testing.assert_array_equal(first.replicate.factors, second.replicate.factors)
    stage = design.stages[0]
    per_stratum = np.add.reduceat(first.replicate.factors, stage.stratum_starts, axis=0)
    np.testing.assert_array_equal(per_stratum, np.repeat(stage.sampled_clusters[:, None], 40, axis=1))


def test_bootstrap_without_replacement_respects_the_fpc() -> None:
    design = SurveyDesign.from_columns(
        stratified(), weight="w", strata="stratum", psu="psu", fpc="population_psus"
    )
    replicate = design.to_replicate("bootstrap", replicates=30, seed=4).replicate
    stage = design.stages[0]
    per_stratum = np.add.reduceat(replicate.factors, stage.stratum_starts, axis=0)
    np.testing.assert_array_equal(per_stratum, np.repeat(stage.sampled_clusters[:, None], 30, axis=1))
    # 30 population PSUs cycle through the 6 sampled ones, so no PSU can be drawn more than 5 times.
    assert replicate.factors.max() <= 5


def test_bootstrap_variance_is_close_to_linearisation() -> None:
    design = SurveyDesign.from_columns(stratified(), weight="w", strata="stratum", psu="psu")
    (taylor,) = estimate(design, "mean", "y")
    (boot,) = estimate(design.to_replicate("bootstrap", replicates=2000, seed=1), "mean", "y")
    assert boot.estimate == pytest.approx(taylor.estimate, rel=1e-12)
    assert 0.85 < boot.se / taylor.se < 1.15


def test_user_replicate_weights_reproduce_generated_ones() -> None:
    data = stratified()
    design = SurveyDesign.from_columns(data, weight="w", strata="stratum", psu="psu")
    generated = design.to_replicate("JKn")
    row_factors = generated.replicate.factors[generated.replicate.unit_of_row]
    user = SurveyDesign.from_replicate_weights(
        data,
        weight="w",
        replicate_weights=row_factors * data["w"][:, None],
        scale=generated.replicate.scale,
        rscales=generated.replicate.rscales,
    )
    expected = estimate(generated, "prop", "literate", by=["region"], ci="korn-graubard")
    actual = estimate(user, "prop", "literate", by=["region"], ci="korn-graubard")
    for a, b in zip(actual, expected, strict=True):
        assert (a.estimate, a.se, a.ci_low, a.ci_high) == pytest.approx(
            (b.estimate, b.se, b.ci_low, b.ci_high), rel=1e-10
        )


def test_replicate_weight_input_checks() -> None:
    data = stratified()
    with pytest.raises(SurveyError, match="rows × R replicates"):
        SurveyDesign.from_replicate_weights(data, weight="w", replicate_weights=np.ones((3, 4)), scale=1.0)
    with pytest.raises(SurveyError, match=r"'rep9'"):
        SurveyDesign.from_replicate_weights(data, weight="w", replicate_weights=["rep9"], scale=1.0)
    design = SurveyDesign.from_columns(data, weight="w", strata="stratum", psu="psu")
    calibrated = design.poststratify(by=["region"], totals={"east": 1000.0, "west": 1200.0})
    with pytest.raises(SurveyError, match="calibrated design"):
        calibrated.to_replicate("JKn")
    with pytest.raises(SurveyError, match="replicate-weight designs is not supported"):
        design.to_replicate("JKn").rake(margins={"region": {"east": 1000.0, "west": 1200.0}})


def test_jkn_lonely_psu_fail_names_the_stratum() -> None:
    data = stratified()
    data["psu"] = np.where(data["stratum"] == 3, 300, data["psu"])
    design = SurveyDesign.from_columns(data, weight="w", strata="stratum", psu="psu")
    with pytest.raises(SurveyError, match="stratum 3 has only one PSU"):
        design.to_replicate("JKn")
