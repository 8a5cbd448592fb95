"""Totals, means, proportions and ratios, overall and by domain (R: svytotal, svymean, svyratio, svyciprop, svyby).

Domain estimates are never computed on a subset of the data: every row stays in the design and
rows outside a domain contribute zero to its linearised variable, which is what R's subset
designs do and what gives correct standard errors.  All domains are handled in one pass.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from kesu.survey.design import SurveyDesign, combine_codes, python_value
from kesu.survey.errors import SurveyError
from kesu.survey.intervals import interval
from kesu.survey.variance import Influence, taylor_variance

STATISTICS = ("mean", "prop", "total", "ratio")


@dataclass
class EstimateRow:
    """One estimate; ``domain`` is {} for the whole population, ``n`` the unweighted row count used."""

    domain: dict[str, Any]
    statistic: str
    variable: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    deff: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Domains:
    codes: np.ndarray  # domain of each row
    labels: list[dict[str, Any]]

    @property
    def count(self) -> int:
        return len(self.labels)


def estimate(
    design: SurveyDesign,
    statistic: str,
    variable: str,
    denominator: str | None = None,
    by: Sequence[str] | str | None = None,
    ci: str = "wald",
    level: float = 0.95,
    na_rm: bool = False,
    df: float | None = None,
) -> list[EstimateRow]:
    """Estimate ``statistic`` of ``variable`` for the population and, with ``by``, for every observed domain.

    ``prop`` is the proportion of rows with ``variable == 1`` (or True).  Missing values in the
    analysis variables are an error unless ``na_rm=True``, which drops those rows from the domain
    (R's na.rm).  Confidence intervals use t quantiles with the design degrees of freedom of each
    domain unless ``df`` is given (``df=float('inf')`` for normal quantiles).  A domain whose rows
    all have zero weight or missing values gets NaN estimates and a warning.
    """
    if statistic not in STATISTICS:
        raise SurveyError(f"统计量只能是 {', '.join(STATISTICS)} 之一，而不是 {statistic!r}",
                          f"statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}")
    if statistic == "ratio" and denominator is None:
        raise SurveyError("比率（ratio）需要指定分母列", "statistic 'ratio' needs a denominator column")
    if statistic != "ratio" and denominator is not None:
        raise SurveyError(f"分母列只用于比率（ratio），不用于 {statistic!r}",
                          f"denominator is only used with statistic 'ratio', not {statistic!r}")

    y = _analysis_values(design, variable, as_indicator=statistic == "prop")
    x = _analysis_values(design, denominator, as_indicator=False) if denominator is not None else None
    missing = np.isnan(y) if x is None else np.isnan(y) | np.isnan(x)
    n_missing = int(missing.sum())
    if n_missing and not na_rm:
        which = variable if x is None or not np.isnan(x).any() else f"{variable}/{denominator}"
        raise SurveyError(f"列“{which}”有 {n_missing} 个缺失值；如需剔除这些行，请传入 na_rm=True",
                          f"column {which!r} has {n_missing} missing values; pass na_rm=True to drop them")

    domains = _domains(design, by)
    k = domains.count
    used = ~missing
    column = np.where(used, domains.codes, -1)
    # Without missing values every row is used: views instead of fancy-indexed copies.
    rows = slice(None) if n_missing == 0 else np.flatnonzero(used)
    w = design.weights
    y_used = y[rows]
    dom_used = domains.codes[rows]
    w_used = w[rows]
    weight_sum = np.bincount(dom_used, weights=w_used, minlength=k)
    y_total = np.bincount(dom_used, weights=w_used * y_used, minlength=k)
    n_rows = np.bincount(dom_used, minlength=k)

    with np.errstate(invalid="ignore", divide="ignore"):
        if statistic == "total":
            point = y_total
            linear = y_used
            scale = np.ones(k)
        elif statistic in ("mean", "prop"):
            point = y_total / weight_sum
            linear = y_used - point[dom_used]
            scale = 1 / weight_sum
        else:
            x_used = x[rows]
            x_total = np.bincount(dom_used, weights=w_used * x_used, minlength=k)
            point = y_total / x_total
            linear = y_used - point[dom_used] * x_used
            scale = 1 / x_total
    if n_missing == 0:
        influence_values = w_used * linear * scale[dom_used]
    else:
        influence_values = np.zeros(design.n)
        influence_values[rows] = w_used * linear * scale[dom_used]

    if design.replicate is not None:
        from kesu.survey.replicate import replicate_variance

        variance = replicate_variance(design, statistic, y, x, column, k, point)
    else:
        influence = Influence.from_domains(influence_values, column, k, present_column=column)
        variance = taylor_variance(design, influence)
    se = np.sqrt(variance)

    deff = _design_effect(
        design, statistic, variance, y_used, linear * scale[dom_used], w_used, dom_used, weight_sum
    )
    dof = _domain_degrees_of_freedom(design, domains, k) if df is None else np.full(k, float(df))
    # R's svyciprop(method="beta") counts the rows of the (domain) design; a calibrated design keeps all rows.
    design_rows = np.bincount(domains.codes, minlength=k).astype(float)
    if design.is_calibrated and design.replicate is None:
        design_rows[:] = design.n
    ci_low, ci_high = interval(ci, statistic, point, se, dof, design_rows, level)

    empty = weight_sum == 0
    if statistic == "ratio":
        empty = empty | (n_rows == 0)
    if empty.any():
        names = ", ".join(str(domains.labels[i] or "whole population") for i in np.flatnonzero(empty)[:5])
        warnings.warn(
            f"{int(empty.sum())} 个分组没有权数为正且“{variable}”有值的行（{names}），其估计值为空 / "
            f"{int(empty.sum())} domain(s) have no rows with positive weight and a value of {variable!r}: "
            f"{names}; their estimates are NaN",
            RuntimeWarning,
            stacklevel=2,
        )

    return [
        EstimateRow(
            domain=domains.labels[i],
            statistic=statistic,
            variable=variable if denominator is None else f"{variable}/{denominator}",
            estimate=float(point[i]) if not empty[i] else float("nan"),
            se=float(se[i]) if not empty[i] else float("nan"),
            ci_low=float(ci_low[i]) if not empty[i] else float("nan"),
            ci_high=float(ci_high[i]) if not empty[i] else float("nan"),
            deff=float(deff[i]) if not empty[i] else float("nan"),
            n=int(n_rows[i]),
        )
        for i in range(k)
    ]


def _analysis_values(design: SurveyDesign, name: str, as_indicator: bool) -> np.ndarray:
    values = design.column(name, "analysis column")
    if as_indicator and values.dtype.kind in "iub":
        # Integer and boolean columns cannot be missing: no NaN bookkeeping needed.
        return (values == 1).astype(float)
    if values.dtype.kind == "b":
        values = values.astype(float)
    elif values.dtype.kind not in "iuf":
        try:
            values = values.astype(float)
        except (TypeError, ValueError):
            raise SurveyError(f"分析变量列“{name}”不是数值", f"analysis column {name!r} is not numeric") from None
    values = values.astype(float)
    if as_indicator:
        indicator = (values == 1).astype(float)
        indicator[np.isnan(values)] = np.nan
        return indicator
    return values


def _domains(design: SurveyDesign, by: Sequence[str] | str | None) -> _Domains:
    if by is None or (not isinstance(by, str) and len(by) == 0):
        return _Domains(codes=np.zeros(design.n, dtype=np.int64), labels=[{}])
    names = [by] if isinstance(by, str) else list(by)
    factors = [design.factor(name) for name in names]
    if len(names) == 1:
        levels, codes = factors[0]
        return _Domains(codes=codes, labels=[{names[0]: python_value(v)} for v in levels])
    codes, components = combine_codes([f[1] for f in factors], [len(f[0]) for f in factors])
    labels = [
        {name: python_value(factors[j][0][components[i, j]]) for j, name in enumerate(names)}
        for i in range(len(components))
    ]
    return _Domains(codes=codes, labels=labels)


def _domain_degrees_of_freedom(design: SurveyDesign, domains: _Domains, k: int) -> np.ndarray:
    """R's degf of each domain's subset design: PSUs minus strata among rows with non-zero weight."""
    if design.replicate is not None:
        return np.array([design.degrees_of_freedom(domains.codes == d) for d in range(k)], dtype=float)
    stage = design.stages[0]
    if (design.weights != 0).all():
        combined = stage.cluster_of_row * k + domains.codes
    else:
        keep = design.weights != 0
        combined = stage.cluster_of_row[keep] * k + domains.codes[keep]
    cluster_has = np.bincount(combined, minlength=stage.n_clusters * k).reshape(stage.n_clusters, k) > 0
    stratum_has = np.add.reduceat(cluster_has.astype(np.int64), stage.stratum_starts, axis=0) > 0
    return (cluster_has.sum(axis=0) - stratum_has.sum(axis=0)).astype(float)


def _design_effect(design, statistic, variance, y_used, ratio_residual, w_used, dom_used, weight_sum):
    """Design effect against simple random sampling without replacement (R: deff=TRUE).

    The SRS variance uses the weighted population variance s² (with n/(n−1)) of the analysis
    variable, or of the ratio residual, within each domain and the factor (N − n)/N.
    """
    replicate = design.replicate is not None
    k = len(weight_sum)
    # R counts rows with non-zero weight (Taylor) or all rows of the domain (replicate designs).
    counted = dom_used if replicate or (w_used != 0).all() else dom_used[w_used != 0]
    n_obs = np.bincount(counted, minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        # R's svyratio takes the design effect of the total of (y − R·x)/X̂; for replicate designs
        # survey 4.1 cannot compute it, so there is none here either.
        if statistic == "ratio" and replicate:
            return np.full(k, np.nan)
        values = ratio_residual if statistic == "ratio" else y_used
        centre = np.bincount(dom_used, weights=w_used * values, minlength=k) / weight_sum
        squares = np.bincount(dom_used, weights=w_used * (values - centre[dom_used]) ** 2, minlength=k)
        s2 = n_obs / (n_obs - 1) * squares / weight_sum
        population = weight_sum
        if statistic in ("mean", "prop"):
            srs = s2 * (population - n_obs) / (population * n_obs)
            srs = np.where(population < n_obs, np.nan, srs)
            return variance / srs
        srs = s2 * population**2 * (population - n_obs) / (population * n_obs)
        return variance / srs


def regression_coefficients(
    design: SurveyDesign, response: str, predictors: np.ndarray, names: Sequence[str]
) -> list[EstimateRow]:
    """Survey-weighted least-squares coefficients with linearised SEs (R: svyglm, gaussian).

    ``predictors`` is the n × p model matrix.  Used to check that domain means equal the
    coefficients of a regression on domain indicators.
    """
    y = _analysis_values(design, response, as_indicator=False)
    if np.isnan(y).any():
        missing = int(np.isnan(y).sum())
        raise SurveyError(f"列“{response}”有 {missing} 个缺失值", f"column {response!r} has {missing} missing values")
    model = np.asarray(predictors, dtype=float)
    w = design.weights
    information = model.T @ (model * w[:, None])
    coefficients = np.linalg.solve(information, model.T @ (w * y))
    residuals = y - model @ coefficients
    scores = model * (w * residuals)[:, None]
    influence = Influence.from_dense(np.linalg.solve(information, scores.T).T)
    if design.replicate is not None:
        raise SurveyError("regression_coefficients 只支持线性化（泰勒）方差的设计，不支持重复权数",
                          "regression_coefficients supports linearisation designs only")
    se = np.sqrt(taylor_variance(design, influence))
    dof = np.full(len(coefficients), design.degrees_of_freedom())
    low, high = interval("wald", "coefficient", coefficients, se, dof, design.n, 0.95)
    return [
        EstimateRow(
            domain={},
            statistic="coefficient",
            variable=name,
            estimate=float(coefficients[j]),
            se=float(se[j]),
            ci_low=float(low[j]),
            ci_high=float(high[j]),
            deff=float("nan"),
            n=design.n,
        )
        for j, name in enumerate(names)
    ]
