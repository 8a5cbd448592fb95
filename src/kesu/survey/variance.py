"""Taylor-linearisation variance: stratified multi-stage between-cluster variance of estimated totals.

Every estimator in this package is reduced to the estimated total of a linearised variable
("influence") z; its variance is the design variance of that total.  This module computes that
variance the way R's ``survey`` package does (``svyrecvar`` → ``multistage`` → ``onestage`` →
``onestrat``), but for many columns (domains) at once and without loops over strata or clusters:
cluster totals come from one ``np.bincount`` on combined (cluster, column) codes and stratum sums
from ``np.add.reduceat`` over clusters sorted by stratum.

An influence matrix is never materialised as n × k: for domain estimates each row belongs to at
most one column, so it is stored as one value and one column index per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kesu.survey.errors import SurveyError

if TYPE_CHECKING:
    from kesu.survey.design import SurveyDesign

LONELY_PSU_OPTIONS = ("fail", "remove", "adjust", "average", "certainty")

# R's onestrat treats a stratum whose finite-population factor is below this as fully enumerated.
CENSUS_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Stage:
    """One sampling stage: clusters (codes sorted by stratum) and the strata they were drawn from.

    At stage 1 the strata are the design strata; at later stages each cluster of the previous
    stage is the stratum of its sub-units (as R's ``svydesign`` builds them).
    """

    cluster_of_row: np.ndarray  # int64, 0..n_clusters-1, codes ordered so that strata are contiguous
    n_clusters: int
    stratum_of_cluster: np.ndarray  # int64, non-decreasing
    stratum_starts: np.ndarray  # first cluster of each stratum (for np.add.reduceat)
    sampled_clusters: np.ndarray  # n_h, float
    population_clusters: np.ndarray | None  # N_h (may be inf) or None without fpc
    parent_of_stratum: np.ndarray  # cluster code at the previous stage (0 at stage 1)
    stratum_labels: list

    @property
    def n_strata(self) -> int:
        return len(self.stratum_starts)

    @property
    def fpc_factor(self) -> np.ndarray:
        """(N_h - n_h) / N_h, or 1 without fpc or with infinite N_h (R's onestrat)."""
        if self.population_clusters is None:
            return np.ones(self.n_strata)
        population = self.population_clusters
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = (population - self.sampled_clusters) / population
        return np.where(np.isinf(population), 1.0, factor)

    @property
    def sampling_fraction(self) -> np.ndarray:
        """n_h / N_h: the weight R gives to the variance of the next stage within each cluster."""
        if self.population_clusters is None:
            return np.zeros(self.n_strata)
        return self.sampled_clusters / self.population_clusters


@dataclass
class Influence:
    """Linearised variables for k estimates: sparse form (one value and column per row) or dense n × k.

    ``present`` marks the rows that R would keep in the (sub)design for each column; it decides
    which strata count as present for the lonely-PSU rules.  None means every row of the design.
    """

    n_columns: int
    values: np.ndarray | None = None
    column: np.ndarray | None = None  # -1 for rows outside every column
    dense: np.ndarray | None = None
    present_column: np.ndarray | None = None  # column of each present row (-1 = absent), sparse form

    @classmethod
    def from_domains(cls, values: np.ndarray, column: np.ndarray, n_columns: int, present_column=None):
        return cls(n_columns=n_columns, values=values, column=column, present_column=present_column)

    @classmethod
    def from_dense(cls, matrix: np.ndarray):
        matrix = np.asarray(matrix, dtype=float)
        if matrix.ndim == 1:
            matrix = matrix[:, None]
        return cls(n_columns=matrix.shape[1], dense=matrix)

    def group_totals(self, codes: np.ndarray, n_codes: int) -> np.ndarray:
        """Sum of the influence over groups of rows (e.g. clusters) → (n_codes, k)."""
        k = self.n_columns
        if self.dense is not None:
            out = np.empty((n_codes, k))
            for j in range(k):
                out[:, j] = np.bincount(codes, weights=self.dense[:, j], minlength=n_codes)
            return out
        inside = self.column >= 0
        combined = codes[inside] * k + self.column[inside]
        flat = np.bincount(combined, weights=self.values[inside], minlength=n_codes * k)
        return flat.reshape(n_codes, k)

    def present_counts(self, codes: np.ndarray, n_codes: int) -> np.ndarray:
        """Rows that R keeps for each column, counted per group → (n_codes, k)."""
        k = self.n_columns
        if self.dense is not None or self.present_column is None:
            counts = np.bincount(codes, minlength=n_codes).astype(float)
            return np.repeat(counts[:, None], k, axis=1)
        inside = self.present_column >= 0
        flat = np.bincount(codes[inside] * k + self.present_column[inside], minlength=n_codes * k)
        return flat.reshape(n_codes, k).astype(float)


def taylor_variance(design: SurveyDesign, influence: Influence) -> np.ndarray:
    """Variance of the estimated totals of each influence column (length k), as R's svyrecvar."""
    calibration = design.calibration
    adjustments = calibration.coefficients(influence, design.n) if calibration is not None else None
    # R keeps every row of a calibrated design when taking a domain, so all strata are present there.
    all_present = calibration is not None

    use_later_stages = design.has_fpc and len(design.stages) > 1
    n_stages = len(design.stages) if use_later_stages else 1
    total = np.zeros(influence.n_columns)
    multiplier = np.ones(1)  # per stratum of the current stage: product of ancestor sampling fractions
    for stage_index in range(n_stages):
        stage = design.stages[stage_index]
        totals = influence.group_totals(stage.cluster_of_row, stage.n_clusters)
        if adjustments is not None:
            totals -= calibration.cluster_adjustment(stage_index, stage, adjustments)
        present = None
        if _needs_presence(stage, design.lonely_psu):
            if all_present:
                present = np.ones((stage.n_strata, influence.n_columns), dtype=bool)
            else:
                counts = influence.present_counts(stage.cluster_of_row, stage.n_clusters)
                present = np.add.reduceat(counts, stage.stratum_starts, axis=0) > 0
        per_stratum = _stage_contributions(totals, stage, design.lonely_psu, present, stage_index + 1)
        if stage_index == 0:
            stage_multiplier = np.ones(stage.n_strata)
        else:
            stage_multiplier = multiplier[stage.parent_of_stratum]
        per_parent = _combine_within_parents(per_stratum, stage, design.lonely_psu, present)
        parent_multiplier = _parent_multiplier(stage, stage_multiplier)
        total += parent_multiplier @ per_parent
        # Each cluster of this stage weights its sub-stage variance by n_h / N_h of its stratum.
        multiplier = (stage_multiplier * stage.sampling_fraction)[stage.stratum_of_cluster]
    return total


def _needs_presence(stage: Stage, lonely_psu: str) -> bool:
    lonely = (stage.sampled_clusters == 1) & (stage.fpc_factor >= CENSUS_TOLERANCE)
    return bool(lonely.any()) and lonely_psu in ("fail", "average")


def _stage_contributions(
    totals: np.ndarray, stage: Stage, lonely_psu: str, present: np.ndarray | None, stage_number: int
) -> np.ndarray:
    """Per-stratum variance contributions (n_strata × k); NaN marks lonely strata under "average"."""
    n_h = stage.sampled_clusters
    stratum_sums = np.add.reduceat(totals, stage.stratum_starts, axis=0)
    means = stratum_sums / n_h[:, None]
    deviations = totals - means[stage.stratum_of_cluster]
    squares = np.add.reduceat(deviations * deviations, stage.stratum_starts, axis=0)
    f = stage.fpc_factor
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(n_h > 1, f * n_h / (n_h - 1), f)
    contributions = squares * scale[:, None]
    census = f < CENSUS_TOLERANCE
    contributions[census] = 0.0
    lonely = (n_h == 1) & ~census
    if lonely.any():
        if lonely_psu == "fail":
            hit = lonely[:, None] & present
            if hit.any():
                stratum = int(np.flatnonzero(hit.any(axis=1))[0])
                label = stage.stratum_labels[stratum]
                raise SurveyError(
                    f"第 {stage_number} 阶段的层“{label}”只有一个抽样单元（PSU），无法估计方差；请选择 "
                    "lonely_psu='remove'、'adjust'、'average' 或 'certainty'",
                    f"stratum {label!r} has only one PSU at stage {stage_number}; choose lonely_psu="
                    "'remove', 'adjust', 'average' or 'certainty' (R: options(survey.lonely.psu=...))",
                )
        elif lonely_psu == "adjust":
            # R leaves a lonely PSU uncentred: its whole total counts as deviation.
            contributions[lonely] = (totals[stage.stratum_starts[lonely]] ** 2) * f[lonely][:, None]
        elif lonely_psu == "average":
            contributions[lonely] = np.nan
        else:  # "remove" and "certainty": a single centred PSU contributes nothing
            contributions[lonely] = 0.0
    return contributions


def _combine_within_parents(
    per_stratum: np.ndarray, stage: Stage, lonely_psu: str, present: np.ndarray | None
) -> np.ndarray:
    """Sum strata within each parent cluster; under "average" rescale by strata / non-lonely strata."""
    parents = stage.parent_of_stratum
    n_parents = int(parents.max()) + 1 if len(parents) else 0
    k = per_stratum.shape[1]
    lonely_nan = np.isnan(per_stratum)
    summed = _sum_by_group(np.where(lonely_nan, 0.0, per_stratum), parents, n_parents, k)
    if lonely_psu != "average" or not lonely_nan.any():
        return summed
    n_strata = _sum_by_group(present.astype(float), parents, n_parents, k)
    n_lonely = _sum_by_group((present & lonely_nan).astype(float), parents, n_parents, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = n_strata / (n_strata - n_lonely)
    factor = np.where(n_strata == 0, 1.0, factor)
    # A parent whose strata are all lonely has 0 · ∞ = NaN variance, as in R.
    with np.errstate(invalid="ignore"):
        return summed * factor


def _sum_by_group(values: np.ndarray, groups: np.ndarray, n_groups: int, k: int) -> np.ndarray:
    if n_groups == 1:
        return values.sum(axis=0, keepdims=True)
    out = np.zeros((n_groups, k))
    np.add.at(out, groups, values)
    return out


def _parent_multiplier(stage: Stage, stratum_multiplier: np.ndarray) -> np.ndarray:
    """Multiplier of each parent cluster's sub-stage variance (the same for all its strata)."""
    parents = stage.parent_of_stratum
    n_parents = int(parents.max()) + 1 if len(parents) else 0
    out = np.zeros(n_parents)
    out[parents] = stratum_multiplier
    return out
