"""Every value in reference/reference.json (from R's survey package) is reproduced to a relative 1e-8.

R conventions matched (see make_reference.R): CIs use t quantiles with df = degf() of each domain's
subset design (svyciprop's default; confint(..., df = degf(sub)) for Wald); Korn–Graubard uses the
number of rows of the domain design (all rows for a calibrated design, whose subsets keep every
row); design effects compare with SRS without replacement (deff = TRUE); raking and calibration
are run to full convergence in R (epsilon 1e-14) so that weights agree beyond the tolerance.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.survey._reference_data import dataset, reference, replicate_factors

from kesu.survey import SurveyDesign, SurveyError, estimate, regression_coefficients

RELATIVE_TOLERANCE = 1e-8
# Values that are exactly zero in R (e.g. a CI bound of 0) are compared absolutely.
ABSOLUTE_FLOOR = 1e-12


def names(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def single_or_list(value):
    items = names(value)
    if not items:
        return None
    return items[0] if len(items) == 1 else items


def build_design(case: dict) -> SurveyDesign:
    spec = case["design"]
    data = dataset(spec["dataset"])
    strata = names(spec.get("strata"))
    design = SurveyDesign.from_columns(
        data,
        weight=spec["weight"],
        strata=strata[0] if strata else None,
        psu=single_or_list(spec.get("psu")),
        fpc=single_or_list(spec.get("fpc")),
        lonely_psu=spec["lonely_psu"],
        nest=bool(spec.get("nest")),
    )
    calibration = case.get("calibration")
    if calibration:
        kind = calibration["type"]
        if kind == "poststratify":
            totals = {
                tuple(cell["key"]) if isinstance(cell["key"], list) else (cell["key"],): cell["total"]
                for cell in calibration["cells"]
            }
            design = design.poststratify(by=names(calibration["by"]), totals=totals)
        elif kind == "rake":
            design = design.rake(margins=calibration["margins"], max_iter=500, tol=1e-14)
        else:
            bounds = calibration.get("bounds")
            design = design.calibrate(
                formula_columns=names(calibration["columns"]),
                population_totals=calibration["totals"],
                calfun=calibration["calfun"],
                bounds=tuple(bounds) if bounds else None,
                max_iter=200,
            )
    replicate = case.get("replicate")
    if replicate:
        if replicate["type"] == "bootstrap":
            design = SurveyDesign.from_replicate_weights(
                data,
                weight=spec["weight"],
                replicate_weights=replicate_factors(replicate["factors_file"]),
                scale=case["replicate_scale"],
                rscales=case["replicate_rscales"],
                combined_weights=False,
            )
        else:
            design = design.to_replicate(replicate["type"])
    return design


def domain_key(domain: dict) -> tuple:
    def normal(value):
        try:
            return float(value)
        except (TypeError, ValueError):
            return str(value)

    return tuple(sorted((name, normal(value)) for name, value in domain.items()))


def assert_close(actual: float, expected, what: str) -> None:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        assert math.isnan(actual), f"{what}: R gives NaN, kesu {actual!r}"
        return
    difference = abs(actual - expected)
    assert difference <= RELATIVE_TOLERANCE * abs(expected) or difference <= ABSOLUTE_FLOOR, (
        f"{what}: kesu {actual!r} vs R {expected!r} (relative difference {difference / abs(expected):.3g})"
    )


def case_id(index: int, case: dict) -> str:
    parts = [f"{index:03d}", case["design"]["dataset"], case["design"]["lonely_psu"]]
    if case["design"].get("fpc"):
        parts.append("fpc")
    if len(names(case["design"].get("psu"))) > 1:
        parts.append("2stage")
    if case.get("calibration"):
        parts.append(case["calibration"]["type"] + "-" + str(case["calibration"].get("calfun", "")))
    if case.get("replicate"):
        parts.append(case["replicate"]["type"])
    parts += [case["statistic"], case["variable"], case["ci"], "by-" + "-".join(names(case.get("by")))]
    return "/".join(parts)


CASES = reference()["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case_id(i, c) for i, c in enumerate(CASES)])
def test_matches_r(case: dict) -> None:
    design = build_design(case)
    rows = estimate(
        design,
        case["statistic"],
        case["variable"],
        denominator=case.get("denominator"),
        by=names(case.get("by")) or None,
        ci=case["ci"],
        level=case.get("level", 0.95),
        na_rm=bool(case.get("na_rm")),
    )
    by_domain = {domain_key(row.domain): row for row in rows}
    assert len(rows) == len(case["rows"])
    for expected in case["rows"]:
        key = domain_key(expected["domain"] or {})
        row = by_domain[key]
        for field in ("estimate", "se", "ci_low", "ci_high", "deff"):
            assert_close(getattr(row, field), expected[field], f"{field} of {key}")
    if "weights" in case:
        np.testing.assert_allclose(design.weights, case["weights"], rtol=RELATIVE_TOLERANCE)
    if case.get("replicate") and case["replicate"]["type"] != "bootstrap":
        assert_close(design.replicate.scale, case["replicate_scale"], "replicate scale")
        np.testing.assert_allclose(
            np.sort(design.replicate.rscales), np.sort(case["replicate_rscales"]), rtol=RELATIVE_TOLERANCE
        )


def test_lonely_psu_fail_names_the_stratum() -> None:
    message = reference()["lonely_fail_message"]
    stratum = message.split("(")[1].split(")")[0]
    design = SurveyDesign.from_columns(dataset("lonely"), weight="w", strata="stratum", psu="psu")
    with pytest.raises(SurveyError, match=stratum):
        estimate(design, "mean", "score")


REGRESSION_DESIGNS = {
    "dstrat": dict(dataset="apistrat", strata="stype", psu=None, fpc="fpc"),
    "dclus1": dict(dataset="apiclus1", strata=None, psu="dnum", fpc="fpc"),
    "dclus2": dict(dataset="apiclus2", strata=None, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"]),
}


@pytest.mark.parametrize("name", sorted(REGRESSION_DESIGNS))
def test_regression_coefficients_match_svyglm(name: str) -> None:
    spec = REGRESSION_DESIGNS[name]
    data = dataset(spec["dataset"])
    design = SurveyDesign.from_columns(
        data, weight="pw", strata=spec["strata"], psu=spec["psu"], fpc=spec["fpc"]
    )
    expected = reference()["regressions"][name]
    levels = sorted(set(data["stype"]))
    indicators = np.column_stack([(data["stype"] == level).astype(float) for level in levels])
    slopes = np.column_stack([np.ones(design.n), data["api99"], data["meals"]])
    for matrix, reference_fit in ((indicators, expected["domain_means"]), (slopes, expected["slopes"])):
        fitted = regression_coefficients(design, "api00", matrix, reference_fit["names"])
        for row, value, se in zip(fitted, reference_fit["estimate"], reference_fit["se"], strict=True):
            assert_close(row.estimate, value, f"{name} {row.variable}")
            assert_close(row.se, se, f"{name} se {row.variable}")
