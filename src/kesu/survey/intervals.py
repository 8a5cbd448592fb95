"""Confidence intervals for survey estimates: Wald, logit, Korn–Graubard (beta) and Wilson.

All use Student-t quantiles with the design degrees of freedom (R's ``svyciprop`` default
``df = degf(design)``); pass ``df=inf`` for normal quantiles (R's ``confint`` default).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from kesu.survey.errors import SurveyError

CI_METHODS = ("wald", "logit", "korn-graubard", "wilson")
PROPORTION_ONLY = ("logit", "korn-graubard", "wilson")


def t_quantile(probability: float, df: np.ndarray) -> np.ndarray:
    """Student-t quantile; infinite df gives the normal quantile and df ≤ 0 gives NaN (as R's qt)."""
    df = np.asarray(df, dtype=float)
    out = np.full(df.shape, np.nan)
    finite = np.isfinite(df) & (df > 0)
    out[finite] = stats.t.ppf(probability, df[finite])
    out[np.isinf(df) & (df > 0)] = stats.norm.ppf(probability)
    return out


def wald(estimate, se, df, level: float):
    """estimate ± t(df) · se (R: confint(svymean(...), df=df); svyciprop method="mean")."""
    half = t_quantile(1 - (1 - level) / 2, df) * se
    return estimate - half, estimate + half


def logit(p, se, df, level: float):
    """Wald interval on the logit scale (R: svyciprop method="logit", an intercept-only svyglm)."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = special.logit(p)
        se_logit = se / (p * (1 - p))
        half = t_quantile(1 - (1 - level) / 2, df) * se_logit
    return special.expit(centre - half), special.expit(centre + half)


def korn_graubard(p, se, df, n_rows, level: float):
    """Clopper–Pearson interval with the effective sample size (R: svyciprop method="beta").

    n_eff = p(1−p)/var, multiplied by (t(n−1)/t(df))² where n is the number of rows of the
    (domain) design, as in R.
    """
    p = np.asarray(p, dtype=float)
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = p * (1 - p) / (se * se)
        n_eff = (
            n_eff
            * (t_quantile(alpha / 2, np.asarray(n_rows, dtype=float) - 1) / t_quantile(alpha / 2, df)) ** 2
        )
        low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
        high = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
    return low, high


def wilson(p, se, df, level: float):
    """Wilson score interval with the effective sample size n_eff = p(1−p)/se² and z = t(df).

    R's survey has no Wilson method; this is the usual design-based version (n replaced by the
    effective sample size n/deff), and the reference values compute it in R from svymean's
    estimate and SE.
    """
    p = np.asarray(p, dtype=float)
    z = t_quantile(1 - (1 - level) / 2, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = p * (1 - p) / (se * se)
        z2n = z * z / n_eff
        centre = (p + z2n / 2) / (1 + z2n)
        half = z / (1 + z2n) * np.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff))
    return centre - half, centre + half


def interval(method: str, statistic: str, estimate, se, df, n_rows, level: float):
    if method not in CI_METHODS:
        raise SurveyError(f"置信区间方法只能是 {', '.join(CI_METHODS)} 之一，而不是 {method!r}",
                          f"ci must be one of {', '.join(CI_METHODS)}, not {method!r}")
    if not 0 < level < 1:
        raise SurveyError(f"置信水平须在 0 与 1 之间，而不是 {level!r}", f"level must be between 0 and 1, not {level!r}")
    if method in PROPORTION_ONLY and statistic != "prop":
        raise SurveyError(f"ci={method!r} 只用于比例：请改用统计量 'prop' 或 ci='wald'",
                          f"ci={method!r} is for proportions; use statistic 'prop' or ci='wald'")
    if method == "wald":
        return wald(estimate, se, df, level)
    if method == "logit":
        return logit(estimate, se, df, level)
    if method == "korn-graubard":
        return korn_graubard(estimate, se, df, n_rows, level)
    return wilson(estimate, se, df, level)
