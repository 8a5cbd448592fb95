"""Post-stratification, raking and GREG calibration (R: postStratify, rake, calibrate) with their variances.

Each calibration records how R's ``svyrecvar`` turns the linearised variable x into residuals
before the cluster variance is taken.  All three are projections of the form

    θ = L · (Hᵀ x),    x ← x − F · θ

with row-level matrices H and F (cell indicators times row values, or dense columns) and a
small matrix L:

* post-stratification: H = 1[cell]·w_old/w_new, L = diag(1 / Σ_cell w_old), F = 1[cell]·w_new;
* raking: ten sweeps over the margins of H = 1[level]/w_m, L = diag(1 / n_level), F = 1[level]·w_m,
  with w_m the weights after margin m in the last raking sweep (R averages unweighted);
* GREG (linear, raking, logit calfun): H = X/g, L = (Xᵀ W₀ X)⁻¹, F = W X.

Because every step is linear, the residual of an influence matrix never has to be formed row by
row: θ of each step is computed from Hᵀx (one bincount per distinct H) and the cross
products Hᵀ F of earlier steps, and cluster totals of the residual are cluster totals of x minus
(cluster sums of F) · θ.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kesu.survey.design import SurveyDesign, combine_codes, python_value
from kesu.survey.errors import SurveyError, plain
from kesu.survey.variance import Influence, Stage

# R's rake residualises the influence with this many sweeps over the margins.
RAKE_VARIANCE_SWEEPS = 10
# R's grake rescales the weights first when every population/sample ratio exceeds this.
GRAKE_RESCALE_THRESHOLD = 20


class RowMatrix:
    """An n × q row-level matrix: cell indicators times row values, or dense columns.

    Values are built on first use, so calibrating stays cheap when no standard error is asked.
    Every product below is a bincount or a small dense product: no n × k matrix is formed.
    """

    def __init__(self, n_columns: int, codes: np.ndarray | None = None, build=None):
        self.n_columns = n_columns
        self.codes = codes  # cell of each row for indicator matrices, None for dense ones
        self._build = build
        self._values = None

    @classmethod
    def indicator(cls, codes: np.ndarray, n_levels: int, build_values) -> RowMatrix:
        return cls(n_levels, codes=codes, build=build_values)

    @classmethod
    def dense(cls, build_matrix, n_columns: int) -> RowMatrix:
        return cls(n_columns, build=build_matrix)

    @property
    def values(self) -> np.ndarray:
        """Row values (indicator) or the n × q matrix (dense)."""
        if self._values is None:
            self._values = self._build()
            self._build = None
        return self._values

    def transpose_times(self, influence: Influence) -> np.ndarray:
        """Hᵀ x for the influence columns → (q × k)."""
        k, q = influence.n_columns, self.n_columns
        if influence.dense is not None:
            if self.codes is None:
                return self.values.T @ influence.dense
            return np.column_stack(
                [
                    np.bincount(self.codes, weights=self.values * influence.dense[:, j], minlength=q)
                    for j in range(k)
                ]
            )
        inside = influence.column >= 0
        column, z = influence.column[inside], influence.values[inside]
        if self.codes is None:
            rows = self.values[inside]
            return np.stack([np.bincount(column, weights=rows[:, p] * z, minlength=k) for p in range(q)])
        combined = self.codes[inside] * k + column
        return np.bincount(combined, weights=self.values[inside] * z, minlength=q * k).reshape(q, k)

    def transpose_times_matrix(self, other: RowMatrix) -> np.ndarray:
        """Hᵀ F → (q_H × q_F)."""
        q, r = self.n_columns, other.n_columns
        if self.codes is not None and other.codes is not None:
            combined = self.codes * r + other.codes
            flat = np.bincount(combined, weights=self.values * other.values, minlength=q * r)
            return flat.reshape(q, r)
        if self.codes is not None:
            return np.column_stack(
                [
                    np.bincount(self.codes, weights=self.values * other.values[:, j], minlength=q)
                    for j in range(r)
                ]
            )
        if other.codes is not None:
            return np.stack(
                [
                    np.bincount(other.codes, weights=self.values[:, p] * other.values, minlength=r)
                    for p in range(q)
                ]
            )
        return self.values.T @ other.values

    def group_sums(self, groups: np.ndarray, n_groups: int) -> np.ndarray:
        """Sums of the rows within groups (e.g. clusters) → (n_groups × q)."""
        q = self.n_columns
        if self.codes is not None:
            flat = np.bincount(groups * q + self.codes, weights=self.values, minlength=n_groups * q)
            return flat.reshape(n_groups, q)
        return np.column_stack(
            [np.bincount(groups, weights=self.values[:, p], minlength=n_groups) for p in range(q)]
        )


@dataclass
class _Projection:
    basis: int  # index into CalibrationState.bases (F)
    projector: int  # index into CalibrationState.projectors (H)
    solve: Any  # r (q × k) → θ (q × k)


@dataclass
class CalibrationState:
    """The ordered projections of all calibrations applied to a design."""

    bases: list[RowMatrix] = field(default_factory=list)
    projectors: list[RowMatrix] = field(default_factory=list)
    steps: list[_Projection] = field(default_factory=list)
    _cross: dict = field(default_factory=dict, repr=False)
    _cluster_sums: dict = field(default_factory=dict, repr=False)

    def extended(self) -> CalibrationState:
        return CalibrationState(
            bases=list(self.bases), projectors=list(self.projectors), steps=list(self.steps)
        )

    def add_basis(self, matrix: RowMatrix) -> int:
        self.bases.append(matrix)
        return len(self.bases) - 1

    def add_projector(self, matrix: RowMatrix) -> int:
        self.projectors.append(matrix)
        return len(self.projectors) - 1

    def coefficients(self, influence: Influence, n_rows: int) -> list[np.ndarray]:
        """Accumulated θ of every basis for the given influence columns."""
        del n_rows
        k = influence.n_columns
        projected: dict[int, np.ndarray] = {}
        thetas = [np.zeros((basis.n_columns, k)) for basis in self.bases]
        touched: set[int] = set()
        for step in self.steps:
            if step.projector not in projected:
                projected[step.projector] = self.projectors[step.projector].transpose_times(influence)
            r = projected[step.projector].copy()
            for b in touched:
                r -= self._cross_product(step.projector, b) @ thetas[b]
            thetas[step.basis] += step.solve(r)
            touched.add(step.basis)
        return thetas

    def cluster_adjustment(self, stage_index: int, stage: Stage, thetas: list[np.ndarray]) -> np.ndarray:
        """Cluster totals of Σ_b F_b·θ_b → (n_clusters, k)."""
        out = np.zeros((stage.n_clusters, thetas[0].shape[1] if thetas else 0))
        for b, theta in enumerate(thetas):
            key = (stage_index, b)
            if key not in self._cluster_sums:
                self._cluster_sums[key] = self.bases[b].group_sums(stage.cluster_of_row, stage.n_clusters)
            out += self._cluster_sums[key] @ theta
        return out

    def _cross_product(self, projector: int, basis: int) -> np.ndarray:
        key = (projector, basis)
        if key not in self._cross:
            self._cross[key] = self.projectors[projector].transpose_times_matrix(self.bases[basis])
        return self._cross[key]


def _diagonal_solver(diagonal: np.ndarray):
    inverse = 1.0 / diagonal
    return lambda r: r * inverse[:, None]


# ---------------------------------------------------------------------- level matching
def _level_index(levels: Sequence[Any], key: Any) -> int | None:
    """Position of a population key among the sample levels: exact, numeric or textual match."""
    for i, level in enumerate(levels):
        if level == key:
            return i
    for i, level in enumerate(levels):
        if isinstance(level, (int, float)) and not isinstance(level, bool):
            try:
                if float(key) == float(level):
                    return i
            except (TypeError, ValueError):
                pass
        if str(level) == str(key):
            return i
    return None


WHAT_ZH = {"post-stratification": "事后分层", "raking": "迭代比例加权", "calibration": "校准"}


def _require_sampling_design(design: SurveyDesign, what: str) -> None:
    if design.replicate is not None:
        raise SurveyError(
            f"重复权数设计不支持{WHAT_ZH.get(what, what)}：请在 to_replicate() 之前校准",
            f"{what} of replicate-weight designs is not supported; calibrate before to_replicate()",
        )


# ---------------------------------------------------------------------- post-stratification
def _cells(design: SurveyDesign, by: Sequence[str]) -> tuple[np.ndarray, list[tuple]]:
    factors = [design.factor(name) for name in by]
    codes, components = combine_codes([f[1] for f in factors], [len(f[0]) for f in factors])
    keys = [
        tuple(python_value(factors[j][0][components[i, j]]) for j in range(len(by)))
        for i in range(len(components))
    ]
    return codes, keys


def _cell_totals(
    keys: list[tuple], totals: Mapping[Any, float], by: Sequence[str], partial: bool
) -> np.ndarray:
    normalised = {}
    for key, value in totals.items():
        key_tuple = key if isinstance(key, tuple) else (key,)
        if len(key_tuple) != len(by):
            raise SurveyError(f"总体单元格 {key!r} 没有为 {list(by)} 各给出一个取值",
                              f"population cell {key!r} does not have one value for each of {list(by)}")
        normalised[key_tuple] = float(value)
    population = np.full(len(keys), np.nan)
    matched = set()
    for i, key in enumerate(keys):
        for pop_key, value in normalised.items():
            if all(
                _level_index([level], pop_level) == 0 for level, pop_level in zip(key, pop_key, strict=True)
            ):
                population[i] = value
                matched.add(pop_key)
                break
    missing_in_population = [keys[i] for i in np.flatnonzero(np.isnan(population))]
    if missing_in_population:
        raise SurveyError(f"以下样本单元格在总体总数中缺失：{missing_in_population[:5]}",
                          f"sample cells missing from the population totals: {missing_in_population[:5]}")
    unmatched = [k for k, v in normalised.items() if k not in matched and v != 0]
    if unmatched:
        if not partial:
            raise SurveyError(
                f"以下总体单元格在样本中没有出现：{unmatched[:5]}；如需忽略，请传入 partial=True",
                f"population cells absent from the sample: {unmatched[:5]}; pass partial=True to ignore them",
            )
        warnings.warn(
            f"已忽略样本中没有出现的总体单元格：{unmatched[:5]} / "
            f"population cells absent from the sample were ignored: {unmatched[:5]}",
            stacklevel=3,
        )
    return population


def poststratify(
    design: SurveyDesign, by: Sequence[str], totals: Mapping[Any, float], partial: bool = False
) -> SurveyDesign:
    """Weights × (population count / weighted sample count) of each cell (R: postStratify)."""
    _require_sampling_design(design, "post-stratification")
    codes, keys = _cells(design, by)
    population = _cell_totals(keys, totals, by, partial)
    old = design.weights
    sample = np.bincount(codes, weights=old, minlength=len(keys))
    if (sample == 0).any():
        empty = [keys[i] for i in np.flatnonzero(sample == 0)]
        raise SurveyError(f"以下单元格的样本权数合计为 0，无法事后分层：{empty[:5]}",
                          f"cells with zero sample weight cannot be post-stratified: {empty[:5]}")
    new = old * (population / sample)[codes]
    state = design.calibration.extended() if design.calibration is not None else CalibrationState()
    _add_poststratum_step(state, codes, len(keys), old, new)
    return design.with_weights(new, state)


def _add_poststratum_step(state: CalibrationState, codes, n_cells, old, new) -> None:
    safe_new = np.where((new == 0) & (old == 0), 1.0, new)
    basis = state.add_basis(RowMatrix.indicator(codes, n_cells, lambda: new))
    projector = state.add_projector(RowMatrix.indicator(codes, n_cells, lambda: old / safe_new))
    old_sums = np.bincount(codes, weights=old, minlength=n_cells)
    state.steps.append(_Projection(basis=basis, projector=projector, solve=_diagonal_solver(old_sums)))


# ---------------------------------------------------------------------- raking
def rake(
    design: SurveyDesign,
    margins: Mapping[str, Mapping[Any, float]],
    max_iter: int = 100,
    tol: float = 1e-10,
    bounds: tuple[float, float] | None = None,
) -> SurveyDesign:
    """Iterative proportional fitting to one-way margins (R: rake).

    Stops when every margin total is within ``tol`` (relative) of its target; otherwise raises
    SurveyError with the iteration count and the largest discrepancy.  With ``bounds`` the weights
    are instead calibrated with the raking function and g-weight bounds (R: calibrate(calfun="raking")).
    """
    _require_sampling_design(design, "raking")
    if not margins:
        raise SurveyError("迭代比例加权至少需要一个边际", "rake needs at least one margin")
    if bounds is not None:
        return calibrate(
            design, list(margins), dict(margins), calfun="raking", bounds=bounds, max_iter=max_iter
        )
    codes_list, targets_list = [], []
    for name, totals in margins.items():
        levels, codes = design.factor(name)
        keys = [(python_value(level),) for level in levels]
        population = {(k if isinstance(k, tuple) else (k,)): v for k, v in totals.items()}
        codes_list.append(codes)
        targets_list.append(_cell_totals(keys, population, [name], False))
    # Raking only depends on the weighted table of the margins' joint cells: iterate on that table
    # and apply the per-level factors to the rows once at the end.
    cell_of_row, cell_levels = combine_codes(codes_list, [len(t) for t in targets_list])
    table = np.bincount(cell_of_row, weights=design.weights, minlength=len(cell_levels))
    n_margins = len(codes_list)
    factors = [np.ones(len(t)) for t in targets_list]
    cell_factor_after_margin: list[np.ndarray] = []
    discrepancy = math.inf
    for _ in range(max_iter):
        cell_factor_after_margin = []
        for m in range(n_margins):
            cell_factor = np.prod([factors[j][cell_levels[:, j]] for j in range(n_margins)], axis=0)
            current = np.bincount(
                cell_levels[:, m], weights=table * cell_factor, minlength=len(targets_list[m])
            )
            if (current == 0).any():
                empty = np.flatnonzero(current == 0)
                raise SurveyError(
                    f"边际“{list(margins)[m]}”有类别的样本权数合计为 0：{empty[:5]}",
                    f"margin {list(margins)[m]!r} has levels with zero sample weight: {empty[:5]}",
                )
            factors[m] = factors[m] * targets_list[m] / current
            cell_factor_after_margin.append(cell_factor * (targets_list[m] / current)[cell_levels[:, m]])
        raked_table = table * cell_factor_after_margin[-1]
        discrepancy = max(
            float(
                np.max(
                    np.abs(np.bincount(cell_levels[:, m], weights=raked_table, minlength=len(t)) - t)
                    / np.abs(t)
                )
            )
            for m, t in enumerate(targets_list)
        )
        if discrepancy <= tol:
            break
    else:
        raise SurveyError(
            f"迭代 {max_iter} 次后仍未收敛：边际的最大相对差为 {plain(discrepancy, 3)}（容限 {plain(tol)}）",
            f"raking did not converge after {max_iter} iterations: largest relative margin discrepancy "
            f"{plain(discrepancy, 3)} (tol {plain(tol)})",
        )
    w0 = design.weights
    w = w0 * cell_factor_after_margin[-1][cell_of_row]
    state = design.calibration.extended() if design.calibration is not None else CalibrationState()
    margin_steps = []
    for codes, targets, cell_factor in zip(codes_list, targets_list, cell_factor_after_margin, strict=True):
        n_levels = len(targets)

        # R's variance uses, for each margin, the weights right after that margin in the last sweep.
        def weights_after(cell_factor=cell_factor):
            return w0 * cell_factor[cell_of_row]

        basis = state.add_basis(RowMatrix.indicator(codes, n_levels, weights_after))
        projector = state.add_projector(
            RowMatrix.indicator(codes, n_levels, lambda f=weights_after: 1.0 / f())
        )
        counts = np.bincount(codes, minlength=n_levels).astype(float)
        margin_steps.append(_Projection(basis=basis, projector=projector, solve=_diagonal_solver(counts)))
    for _ in range(RAKE_VARIANCE_SWEEPS):
        state.steps.extend(margin_steps)
    return design.with_weights(w, state)


# ---------------------------------------------------------------------- GREG calibration
def _model_matrix(
    design: SurveyDesign, formula_columns: Sequence[str] | np.ndarray, population_totals
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    if isinstance(formula_columns, np.ndarray):
        matrix = np.asarray(formula_columns, dtype=float)
        if matrix.ndim != 2 or matrix.shape[0] != design.n:
            raise SurveyError(f"模型矩阵应有 {design.n} 行，实际形状为 {matrix.shape}",
                              f"the model matrix must have {design.n} rows, got shape {matrix.shape}")
        totals = np.asarray(population_totals, dtype=float).reshape(-1)
        if len(totals) != matrix.shape[1]:
            raise SurveyError(f"模型矩阵有 {matrix.shape[1]} 列，总体总数却有 {len(totals)} 个",
                              f"{matrix.shape[1]} model-matrix columns but {len(totals)} population totals")
        return matrix, totals, [f"x{j}" for j in range(matrix.shape[1])]
    if not isinstance(population_totals, Mapping):
        raise SurveyError(
            "population_totals 须为每个校准列给出总体总数（或各类别的总数）",
            "population_totals must map each formula column to its total (or level totals)",
        )
    blocks, totals, names = [], [], []
    population_size = None
    for name in formula_columns:
        if name not in population_totals:
            raise SurveyError(f"population_totals 中没有校准列“{name}”的总体总数",
                              f"population_totals has no entry for calibration column {name!r}")
        target = population_totals[name]
        if isinstance(target, Mapping):
            levels, codes = design.factor(name)
            level_totals = _cell_totals([(python_value(v),) for v in levels], target, [name], False)
            size = float(level_totals.sum())
            first = population_size is None
            if first:
                population_size = size
            elif not math.isclose(size, population_size, rel_tol=1e-9):
                raise SurveyError(
                    f"“{name}”各类别总数合计 {plain(size)}，而前面的边际合计 {plain(population_size)}",
                    f"level totals of {name!r} sum to {plain(size)}, but earlier margins sum to {plain(population_size)}",
                )
            # Only the first categorical column keeps all levels; the others drop their first level
            # because their indicators would otherwise repeat the population size.
            for j in range(0 if first else 1, len(levels)):
                blocks.append((codes == j).astype(float))
                totals.append(level_totals[j])
                names.append(f"{name}={python_value(levels[j])}")
        else:
            values = design.column(name, "calibration column")
            if values.dtype.kind not in "iufb":
                raise SurveyError(
                    f"校准列“{name}”不是数值：请按类别给出各类别的总体总数",
                    f"calibration column {name!r} is not numeric: give level totals as a mapping",
                )
            values = values.astype(float)
            if np.isnan(values).any():
                missing = int(np.isnan(values).sum())
                raise SurveyError(f"校准列“{name}”有 {missing} 个缺失值",
                                  f"calibration column {name!r} has {missing} missing values")
            blocks.append(values)
            totals.append(float(target))
            names.append(name)
    return np.column_stack(blocks), np.asarray(totals), names


def _calibration_function(calfun: str, lower: float, upper: float):
    """(g − 1 as a function of u = x'η, its derivative) for R's cal.linear / cal.raking / cal.logit."""
    if calfun == "linear":
        return (
            lambda u: np.clip(u + 1, lower, upper) - 1,
            lambda u: ((u + 1 > lower) & (u + 1 < upper)) * 1.0,
        )
    if calfun == "raking":

        def raking_derivative(u):
            e = np.exp(u)
            return np.where((e > lower) & (e < upper), e, 0.0)

        return (lambda u: np.clip(np.exp(u), lower, upper) - 1, raking_derivative)
    if calfun == "logit":
        if not (math.isfinite(lower) and math.isfinite(upper)):
            raise SurveyError("logit 校准需要有限的上下界，如 bounds=(0.5, 2.0)",
                              "logit calibration needs finite bounds, e.g. bounds=(0.5, 2.0)")
        if not lower < 1 < upper:
            raise SurveyError(
                f"logit 校准的上下界须满足 下界 < 1 < 上界，实际为 ({lower}, {upper})",
                f"logit calibration bounds must satisfy lower < 1 < upper, got ({lower}, {upper})",
            )
        a = (upper - lower) / ((upper - 1) * (1 - lower))

        def logit_g(u):
            e = np.exp(np.clip(a * u, -700, 700))
            return (lower * (upper - 1) + upper * (1 - lower) * e) / (upper - 1 + (1 - lower) * e) - 1

        def logit_derivative(u):
            e = np.exp(np.clip(a * u, -700, 700))
            denominator = upper - 1 + (1 - lower) * e
            return (upper - lower) * (upper - 1) * (1 - lower) * a * e / denominator**2

        return (logit_g, logit_derivative)
    raise SurveyError(f"calfun 只能是 'linear'、'raking' 或 'logit'，而不是 {calfun!r}",
                      f"calfun must be 'linear', 'raking' or 'logit', not {calfun!r}")


def calibrate(
    design: SurveyDesign,
    formula_columns: Sequence[str] | np.ndarray,
    population_totals,
    calfun: str = "linear",
    bounds: tuple[float, float] | None = None,
    max_iter: int = 50,
    tol: float = 1e-12,
) -> SurveyDesign:
    """Calibrate weights so that weighted totals of the model columns equal the population totals.

    ``formula_columns``: column names (numeric columns enter as they are, categorical ones as level
    indicators whose totals are given as {level: total}) or an n × p model matrix with a
    length-p ``population_totals`` array.  ``bounds`` limit the g-weights (final / sampling weight).
    """
    _require_sampling_design(design, "calibration")
    model, totals, names = _model_matrix(design, formula_columns, population_totals)
    w0 = design.weights
    lower, upper = (-math.inf, math.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if lower >= upper:
        raise SurveyError(f"bounds 须满足 下界 < 上界，实际为 {bounds}", f"bounds must have lower < upper, got {bounds}")
    # Columns are scaled to comparable size before solving; the solution is unchanged.
    column_scale = np.sqrt((model * model * w0[:, None]).sum(axis=0))
    column_scale[column_scale == 0] = 1.0
    scaled = model / column_scale
    scaled_totals = totals / column_scale
    information = scaled.T @ (scaled * w0[:, None])
    sample_totals = scaled.T @ w0
    rank = np.linalg.matrix_rank(information, tol=1e-10 * np.abs(information).max())
    if rank < len(names):
        raise SurveyError(
            f"校准列线性相关（{', '.join(names)} 的秩为 {rank}）：请去掉与其他列重复的列"
            "（如与分类列并列的常数列）",
            f"calibration columns are linearly dependent ({', '.join(names)} have rank {rank}); "
            "drop a column that repeats the others (e.g. a constant next to a categorical column)",
        )

    if calfun == "linear" and bounds is None:
        # R's regcalibrate: the closed-form GREG weights.
        eta = np.linalg.solve(information, scaled_totals - sample_totals)
        g = 1 + scaled @ eta
    else:
        g = _newton_calibration(scaled, w0, scaled_totals, calfun, lower, upper, max_iter, tol, names)

    new = w0 * g
    state = design.calibration.extended() if design.calibration is not None else CalibrationState()
    safe_g = np.where(g == 0, 1.0, g)
    basis = state.add_basis(RowMatrix.dense(lambda: scaled * new[:, None], scaled.shape[1]))
    projector = state.add_projector(RowMatrix.dense(lambda: scaled / safe_g[:, None], scaled.shape[1]))
    factor = np.linalg.cholesky(information)

    def solve(r, factor=factor):
        return np.linalg.solve(factor.T, np.linalg.solve(factor, r))

    state.steps.append(_Projection(basis=basis, projector=projector, solve=solve))
    return design.with_weights(new, state)


def _newton_calibration(model, w0, totals, calfun, lower, upper, max_iter, tol, names) -> np.ndarray:
    """Solve Σ w0·g(x'η)·x = totals by Newton steps with step halving (R: grake)."""
    sample_totals = model.T @ w0
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = totals / sample_totals
    rescale = 1.0
    if np.all(scales > GRAKE_RESCALE_THRESHOLD):
        # R rescales the weights first; bounds then apply to the rescaled g-weights.
        rescale = float(np.mean(scales))
    weights = w0 * rescale
    g_minus_one, derivative = _calibration_function(calfun, lower, upper)
    eta = np.zeros(model.shape[1])
    misfit = totals - model.T @ (weights * (1 + g_minus_one(model @ eta)))
    for _ in range(max_iter):
        u = model @ eta
        jacobian = model.T @ (model * (weights * derivative(u))[:, None])
        step = np.linalg.pinv(jacobian, rcond=1e-13) @ misfit
        new_eta = eta + step
        new_misfit = totals - model.T @ (weights * (1 + g_minus_one(model @ new_eta)))
        halvings = 0
        while (not np.all(np.isfinite(new_misfit)) or _norm(new_misfit) > _norm(misfit)) and halvings < 30:
            step = step / 2
            new_eta = eta + step
            new_misfit = totals - model.T @ (weights * (1 + g_minus_one(model @ new_eta)))
            halvings += 1
        eta, misfit = new_eta, new_misfit
        if np.all(np.abs(misfit) / (1 + np.abs(totals)) < tol):
            break
    else:
        worst = int(np.argmax(np.abs(misfit) / (1 + np.abs(totals))))
        largest = plain(float(np.max(np.abs(misfit) / (1 + np.abs(totals)))), 3)
        bounded = math.isfinite(lower)
        raise SurveyError(
            f"校准（{calfun}）迭代 {max_iter} 次后仍未收敛：最大相对偏差 {largest}，在“{names[worst]}”"
            + (f"——上下界 {plain(lower)}..{plain(upper)} 可能无法满足" if bounded else ""),
            f"calibration ({calfun}) did not converge after {max_iter} iterations; largest relative misfit "
            f"{largest} at {names[worst]!r}"
            + (f" — the bounds {plain(lower)}..{plain(upper)} may be infeasible" if bounded else ""),
        )
    return rescale * (1 + g_minus_one(model @ eta))


def _norm(values: np.ndarray) -> float:
    return float(np.sqrt(np.sum(values * values)))
