"""Replicate-weight designs: JK1, JKn and bootstrap weights and the replicate variance (R: as.svrepdesign, svrVar).

Replicate weights built from a design are stored per PSU (PSUs × replicates factors that multiply
the full-sample weight), so replicate totals of all domains are one bincount plus one matrix product.
Published replicate weights (:meth:`SurveyDesign.from_replicate_weights`) are stored per row.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from kesu.survey.errors import SurveyError

METHODS = ("JK1", "JKn", "bootstrap")


@dataclass
class ReplicateWeights:
    factors: np.ndarray  # units × R: multipliers of the full-sample weight
    unit_of_row: np.ndarray | None  # PSU of each row, or None when units are rows
    scale: float
    rscales: np.ndarray
    mse: bool
    kind: str
    base_weights: np.ndarray

    @classmethod
    def from_row_factors(cls, factors, scale, rscales, mse, kind, base_weights):
        factors = np.asarray(factors, dtype=float)
        n_replicates = factors.shape[1]
        rscales = np.ones(n_replicates) if rscales is None else np.asarray(rscales, dtype=float).reshape(-1)
        if len(rscales) != n_replicates:
            raise SurveyError(f"rscales 有 {len(rscales)} 个值，而重复权数有 {n_replicates} 组",
                              f"rscales has {len(rscales)} values for {n_replicates} replicates")
        return cls(factors, None, scale, rscales, mse, kind, base_weights)

    @property
    def n_replicates(self) -> int:
        return self.factors.shape[1]

    def replicate_totals(self, values: np.ndarray, column: np.ndarray, k: int) -> np.ndarray:
        """Σ w·f_r·v over the rows of each column → (R × k)."""
        inside = np.flatnonzero(column >= 0)
        weighted = self.base_weights[inside] * values[inside]
        if self.unit_of_row is not None:
            n_units = self.factors.shape[0]
            unit_totals = np.bincount(
                self.unit_of_row[inside] * k + column[inside], weights=weighted, minlength=n_units * k
            ).reshape(n_units, k)
            return self.factors.T @ unit_totals
        by_column = sparse.csr_matrix((weighted, (column[inside], inside)), shape=(k, len(column)))
        return np.asarray(by_column @ self.factors).T

    def degrees_of_freedom(self, rows: np.ndarray | None = None) -> int:
        """R's degf of a replicate design: rank of the analysis weights − 1 (rows: a domain mask)."""
        keep = self.base_weights != 0
        if rows is not None:
            keep = keep & rows
        if self.unit_of_row is not None:
            units = np.unique(self.unit_of_row[keep])
            matrix = self.factors[units]
        else:
            matrix = self.factors[keep] * self.base_weights[keep][:, None]
        if matrix.size == 0:
            return -1
        return int(np.linalg.matrix_rank(matrix)) - 1

    def variance(self, thetas: np.ndarray, full_sample: np.ndarray) -> np.ndarray:
        """scale · Σ_r rscale_r (θ_r − centre)² per column (R: svrVar); centre = mean of replicates or θ."""
        good = np.isfinite(thetas)
        if not good.all():
            dropped = int((~good).any(axis=1).sum())
            warnings.warn(f"{dropped} 组重复权数的估计无定义，已舍弃 / "
                          f"{dropped} replicate(s) gave undefined estimates and were discarded", stacklevel=3)
        positive = (self.rscales > 0)[:, None] & good
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.mse:
                centre = full_sample
            else:
                centre = np.where(positive, thetas, 0).sum(axis=0) / positive.sum(axis=0)
            deviations = np.where(good, thetas - centre, 0.0)
        return self.scale * (self.rscales[:, None] * deviations * deviations).sum(axis=0)


def replicate_variance(design, statistic, y, x, column, k, point) -> np.ndarray:
    """Replicate variance of totals, means/proportions or ratios for each domain column."""
    rep = design.replicate
    y_clean = np.where(np.isnan(y), 0.0, y)
    totals = rep.replicate_totals(y_clean, column, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        if statistic == "total":
            thetas = totals
        elif statistic in ("mean", "prop"):
            thetas = totals / rep.replicate_totals(np.ones(len(y)), column, k)
        else:
            thetas = totals / rep.replicate_totals(np.where(np.isnan(x), 0.0, x), column, k)
    return rep.variance(thetas, point)


def to_replicate(
    design, method: str, replicates: int | None = None, seed: int | None = None, mse: bool = False
):
    """Replicate design from a linearisation design (R: as.svrepdesign(type=…, compress=TRUE)).

    Only the first-stage PSUs and fpc are used (R drops later-stage fpc with a warning).
    """
    if method not in METHODS:
        raise SurveyError(f"重复权数方法只能是 {', '.join(METHODS)} 之一，而不是 {method!r}",
                          f"replicate method must be one of {', '.join(METHODS)}, not {method!r}")
    if design.replicate is not None:
        raise SurveyError("该设计已有重复权数", "the design already has replicate weights")
    if design.calibration is not None:
        raise SurveyError(
            "对已校准的设计调用 to_replicate() 不会对每组重复权数重新校准：请对校准前的设计转换",
            "to_replicate() on a calibrated design would not re-calibrate each replicate; convert the "
            "uncalibrated design instead",
        )
    stage = design.stages[0]
    if design.has_fpc and len(design.stages) > 1:
        warnings.warn("第一阶段以后的有限总体校正已忽略 / "
                      "finite population corrections after the first stage are dropped", stacklevel=3)
    population = stage.population_clusters if design.has_fpc else None
    if method == "JK1":
        if design.has_strata:
            raise SurveyError("JK1 用于不分层的设计；分层设计请用 'JKn'",
                              "JK1 is for unstratified designs; use 'JKn' for a stratified design")
        factors, scale, rscales = _jk1(stage.n_clusters, None if population is None else float(population[0]))
    elif method == "JKn":
        if not design.has_strata:
            raise SurveyError("JKn 需要分层；不分层的设计请用 'JK1' 或 'bootstrap'",
                              "JKn needs strata; use 'JK1' or 'bootstrap' for an unstratified design")
        factors, scale, rscales = _jkn(stage, population, design.lonely_psu)
    else:
        n_replicates = 50 if replicates is None else int(replicates)
        if n_replicates < 2:
            raise SurveyError("bootstrap 至少需要 2 组重复", "bootstrap needs at least 2 replicates")
        factors, scale, rscales = _bootstrap(stage, population, n_replicates, np.random.default_rng(seed))
    replicate = ReplicateWeights(
        factors=factors,
        unit_of_row=stage.cluster_of_row,
        scale=scale,
        rscales=rscales,
        mse=mse,
        kind=method,
        base_weights=design.weights,
    )
    return dataclasses.replace(design, replicate=replicate, _factor_cache=design._factor_cache)


def _jk1(n: int, population: float | None):
    if n < 2:
        raise SurveyError("刀切法（jackknife）至少需要两个抽样单元（PSU）", "the jackknife needs at least two PSUs")
    correction = 1.0 if population is None else (population - n) / population
    factors = np.full((n, n), n / (n - 1))
    np.fill_diagonal(factors, 0.0)
    return factors, correction * (n - 1) / n, np.ones(n)


def _jkn(stage, population, lonely_psu: str):
    n_strata = stage.n_strata
    n_clusters = stage.n_clusters
    columns, rscales = [], []
    for h in range(n_strata):
        start = int(stage.stratum_starts[h])
        n_h = int(stage.sampled_clusters[h])
        if n_h == 1:
            if lonely_psu == "fail":
                raise SurveyError(
                    f"层“{stage.stratum_labels[h]}”只有一个抽样单元（PSU）；请选择 lonely_psu='remove'、"
                    "'adjust'、'average' 或 'certainty'",
                    f"stratum {stage.stratum_labels[h]!r} has only one PSU; choose lonely_psu='remove', "
                    "'adjust', 'average' or 'certainty'",
                )
            if lonely_psu == "adjust":
                # R: drop the stratum, scale every other PSU by H/(H−1), with rscale (H−1)/H.
                factor = np.full(n_clusters, n_strata / (n_strata - 1))
                factor[start] = 0.0
                columns.append(factor)
                rscales.append((n_strata - 1) / n_strata)
            continue
        correction = 1.0 if population is None else (population[h] - n_h) / population[h]
        block = np.ones((n_clusters, n_h))
        block[start : start + n_h] = n_h / (n_h - 1)
        block[np.arange(start, start + n_h), np.arange(n_h)] = 0.0
        columns.append(block)
        rscales.extend([correction * (n_h - 1) / n_h] * n_h)
    if not columns:
        raise SurveyError("没有哪一层有两个以上的抽样单元（PSU），无法构造刀切法重复权数",
                          "no stratum has more than one PSU, so there are no jackknife replicates")
    factors = np.column_stack(columns)
    scale = 1.0
    if lonely_psu == "average" and factors.shape[1] < n_clusters:
        scale = n_clusters / factors.shape[1]
    return factors, scale, np.asarray(rscales)


def _bootstrap(stage, population, n_replicates: int, rng: np.random.Generator):
    """Canty–Davison bootstrap as R's bootweights: PSU counts of n_h draws with replacement per stratum.

    With fpc the n_h draws are without replacement from N_h copies cycling through the PSUs.
    """
    n_clusters = stage.n_clusters
    n_h = stage.sampled_clusters.astype(np.int64)
    factors = np.zeros((n_clusters, n_replicates))
    replicate_index = np.repeat(np.arange(n_replicates)[None, :], n_clusters, axis=0)
    if population is None:
        stratum = stage.stratum_of_cluster
        draws = rng.random((n_clusters, n_replicates))
        chosen = stage.stratum_starts[stratum][:, None] + np.floor(draws * n_h[stratum][:, None]).astype(
            np.int64
        )
        np.add.at(factors, (chosen, replicate_index), 1.0)
    else:
        for h in range(stage.n_strata):
            size = round(population[h]) if np.isfinite(population[h]) else 100 * int(n_h[h])
            positions = rng.random((n_replicates, size)).argsort(axis=1)[:, : n_h[h]] % n_h[h]
            rows = stage.stratum_starts[h] + positions
            columns = np.repeat(np.arange(n_replicates)[:, None], n_h[h], axis=1)
            np.add.at(factors, (rows, columns), 1.0)
    psu_per_stratum = 1.0 / np.mean(1.0 / n_h)
    scale = psu_per_stratum / ((psu_per_stratum - 1) * (n_replicates - 1))
    return factors, scale, np.ones(n_replicates)
