"""SurveyDesign: weights, strata, multi-stage clusters and fpc of a complex sample (R: svydesign)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from kesu.survey.errors import SurveyError, missing_column_error, plain, role_name
from kesu.survey.variance import LONELY_PSU_OPTIONS, Stage

if TYPE_CHECKING:
    from kesu.survey.calibration import CalibrationState
    from kesu.survey.replicate import ReplicateWeights


def factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and the int64 code of each row.

    Small-range integers are coded with a bincount table and fixed-width strings character by
    character (linear time); anything else goes through one np.unique sort.
    """
    values = np.asarray(values)
    if values.dtype.kind in "iub" and len(values):
        low, high = int(values.min()), int(values.max())
        if high - low <= 4 * len(values) + 1024:
            shifted = values.astype(np.int64) - low
            seen = np.bincount(shifted, minlength=high - low + 1) > 0
            code_of = np.cumsum(seen) - 1
            return np.flatnonzero(seen) + low, code_of[shifted].astype(np.int64)
    if values.dtype == object:
        sample = values[: min(len(values), 1000)]
        if all(isinstance(v, str) for v in sample) and all(isinstance(v, str) for v in values):
            values = values.astype(str)
        else:
            kinds = {type(v) for v in sample}
            if len(kinds) > 1 and not all(issubclass(k, (int, float, np.number)) for k in kinds):
                values = values.astype(str)
    if values.dtype.kind == "U" and len(values) and values.dtype.itemsize:
        return _factorize_strings(values)
    levels, codes = np.unique(values, return_inverse=True)
    return levels, codes.astype(np.int64).reshape(-1)


def _factorize_strings(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorise fixed-width strings from their character codes, without sorting strings.

    Character positions are combined as mixed-radix digits (each position's distinct characters
    in order), compacting whenever the key range would outgrow a bincount table, so the level
    order is lexicographic — the same as np.unique's.
    """
    width = values.dtype.itemsize // 4
    matrix = values.view(np.uint32).reshape(len(values), width)
    # Fixed-width arrays are often far wider than their longest string: drop the empty positions,
    # and transpose once so that every position is contiguous (strided columns are slow).
    occupied = np.flatnonzero(matrix.max(axis=0))
    width = int(occupied[-1]) + 1 if len(occupied) else 0
    characters = np.ascontiguousarray(matrix[:, :width].T)
    limit = 4 * len(values) + 1024
    key = np.zeros(len(values), dtype=np.int64)
    key_range = 1
    for position in range(width):
        column = characters[position]
        char_levels, char_codes = factorize(column)
        radix = len(char_levels)
        if key_range * radix > limit:
            key = factorize(key)[1]
            key_range = int(key.max()) + 1
        key = key * radix + char_codes
        key_range *= radix
    _, codes = factorize(key)
    first_row = np.empty(int(codes.max()) + 1, dtype=np.int64)
    first_row[codes[::-1]] = np.arange(len(values) - 1, -1, -1)
    return values[first_row], codes


def combine_codes(code_arrays: Sequence[np.ndarray], sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the observed combinations of several coded columns (lexicographic order).

    Returns (combination codes per row, matrix of the component codes of each combination).
    """
    combined = np.zeros(len(code_arrays[0]), dtype=np.int64)
    for codes, size in zip(code_arrays, sizes, strict=True):
        combined = combined * size + codes
    levels, codes = factorize(combined)
    components = np.empty((len(levels), len(sizes)), dtype=np.int64)
    rest = levels.copy()
    for position in range(len(sizes) - 1, -1, -1):
        components[:, position] = rest % sizes[position]
        rest //= sizes[position]
    return codes, components


def python_value(value: Any) -> Any:
    """numpy scalars → Python scalars (for domain labels in results)."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass
class SurveyDesign:
    """A complex-sample design over columnar data.

    Build it with :meth:`from_columns` (Taylor linearisation) or :meth:`from_replicate_weights`;
    calibrate with :meth:`poststratify`, :meth:`rake` or :meth:`calibrate`, convert with
    :meth:`to_replicate`, and estimate with :func:`kesu.survey.estimate`.
    """

    columns: Mapping[str, np.ndarray]
    weights: np.ndarray
    stages: list[Stage]
    has_strata: bool
    has_fpc: bool
    lonely_psu: str
    calibration: CalibrationState | None = None
    replicate: ReplicateWeights | None = None
    sampling_weights: np.ndarray | None = None  # before calibration
    _factor_cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_columns(
        cls,
        data: Mapping[str, Any],
        weight: str,
        strata: str | None = None,
        psu: str | Sequence[str] | None = None,
        fpc: str | Sequence[str] | None = None,
        lonely_psu: str = "fail",
        nest: bool = False,
    ) -> SurveyDesign:
        """Design from columns (R: ``svydesign(ids=~psu(+ssu…), strata=~strata, weights=~w, fpc=~fpc, nest=)``).

        ``fpc`` holds the population count of units at each stage (N_h), or the sampling fraction
        when every value is ≤ 1, as in R.  ``psu=None`` makes every row its own PSU.
        """
        columns = {name: np.asarray(values) for name, values in data.items()}
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise SurveyError(f"lonely_psu 只能是 {', '.join(LONELY_PSU_OPTIONS)} 之一，而不是 {lonely_psu!r}",
                              f"lonely_psu must be one of {', '.join(LONELY_PSU_OPTIONS)}, not {lonely_psu!r}")
        lengths = {len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise SurveyError(f"各列长度不一：{sorted(lengths)}", f"columns have different lengths: {sorted(lengths)}")
        w = _validated_weights(_get(columns, weight, "weight column"), weight)
        n = len(w)
        if n == 0:
            raise SurveyError("数据中没有任何行", "the data have no rows")

        psu_names = [] if psu is None else [psu] if isinstance(psu, str) else list(psu)
        fpc_names = [] if fpc is None else [fpc] if isinstance(fpc, str) else list(fpc)
        if fpc_names and psu_names and len(fpc_names) != len(psu_names):
            raise SurveyError(
                f"有限总体校正须每个抽样阶段一列：抽样单元有 {len(psu_names)} 个阶段，有限总体校正列有 {len(fpc_names)} 列",
                f"fpc needs one column per sampling stage: {len(psu_names)} stage(s) in psu, "
                f"{len(fpc_names)} fpc column(s)",
            )
        if fpc_names and not psu_names and len(fpc_names) != 1:
            raise SurveyError("未指定抽样单元时只有一个抽样阶段，请只给一列有限总体校正",
                              "without psu there is one sampling stage, so give one fpc column")

        if strata is not None:
            strata_values = _get(columns, strata, "strata column")
            _reject_missing(strata_values, strata)
            strata_levels, strata_codes = factorize(strata_values)
        else:
            strata_levels, strata_codes = np.array([1]), np.zeros(n, dtype=np.int64)

        stage_ids: list[np.ndarray] = []
        if psu_names:
            for name in psu_names:
                values = _get(columns, name, "psu column")
                _reject_missing(values, name)
                stage_ids.append(factorize(values)[1])
        else:
            stage_ids.append(np.arange(n, dtype=np.int64))

        if stage_ids[0].max() == 0 and not (nest and strata is not None):
            raise SurveyError("抽样设计只有一个初级抽样单元（PSU），无法估计方差",
                              "the design has only one primary sampling unit (PSU)")

        # Later-stage ids are nested in earlier ones (R always does this); nest=True also nests in strata.
        nested_ids = []
        previous = strata_codes if nest and strata is not None else None
        for ids in stage_ids:
            if previous is None:
                nested = ids
            else:
                nested = combine_codes([previous, ids], [int(previous.max()) + 1, int(ids.max()) + 1])[0]
            nested_ids.append(nested)
            previous = nested
        if strata is not None and not nest:
            n_strata_of_psu = _distinct_pairs_per_first(nested_ids[0], strata_codes)
            if n_strata_of_psu.max() > 1:
                raise SurveyError(
                    "初级抽样单元（PSU）未嵌套在层内：同一 PSU 编号出现在多个层中；"
                    "如 PSU 编号只在层内唯一，请传入 nest=True",
                    "PSUs are not nested in strata: the same PSU id occurs in several strata; pass "
                    "nest=True if PSU ids are only unique within strata",
                )

        fpc_values = [np.asarray(_get(columns, name, "fpc column"), dtype=float) for name in fpc_names]
        for name, values in zip(fpc_names, fpc_values, strict=True):
            if np.isnan(values).any():
                missing = int(np.isnan(values).sum())
                raise SurveyError(f"有限总体校正列“{name}”有 {missing} 个缺失值",
                                  f"fpc column {name!r} has {missing} missing values")
        if fpc_values:
            stacked = np.concatenate(fpc_values)
            is_population = bool((stacked > 1).any())
            if is_population != bool((stacked >= 1).all()):
                raise SurveyError(
                    "有限总体校正列须全为总体单元数（≥ 1）或全为抽样比（≤ 1），不能混用",
                    "fpc must be all population counts (≥ 1) or all sampling fractions (≤ 1), not a mixture",
                )

        stages = []
        stratum_of_row = strata_codes
        stratum_label_values = [python_value(v) for v in strata_levels]
        for stage_index, cluster_ids in enumerate(nested_ids):
            if stage_index > 0:
                # Sub-units are drawn within each cluster of the previous stage.
                stratum_of_row = stages[-1].cluster_of_row
                previous_ids = columns[psu_names[stage_index - 1]]
                first_row = np.unique(stratum_of_row, return_index=True)[1]
                stratum_label_values = [
                    f"{psu_names[stage_index - 1]}={python_value(previous_ids[row])}" for row in first_row
                ]
            fpc_column = fpc_values[stage_index] if fpc_values else None
            stages.append(
                _build_stage(
                    cluster_ids,
                    stratum_of_row,
                    fpc_column,
                    is_population if fpc_values else True,
                    stratum_label_values,
                    stages[-1] if stages else None,
                    fpc_names[stage_index] if fpc_values else None,
                )
            )
        return cls(
            columns=columns,
            weights=w,
            stages=stages,
            has_strata=strata is not None,
            has_fpc=bool(fpc_values),
            lonely_psu=lonely_psu,
            sampling_weights=w,
        )

    @classmethod
    def from_replicate_weights(
        cls,
        data: Mapping[str, Any],
        weight: str,
        replicate_weights: Sequence[str] | np.ndarray,
        scale: float,
        rscales: Sequence[float] | np.ndarray | None = None,
        mse: bool = False,
        combined_weights: bool = True,
    ) -> SurveyDesign:
        """Design from published replicate weights (R: ``svrepdesign(repweights=, scale=, rscales=, mse=)``).

        ``replicate_weights`` are column names or an n × R array.  With ``combined_weights=True``
        (R's default) they are the analysis weights of each replicate; otherwise they are factors
        that multiply the full-sample weight.
        """
        from kesu.survey.replicate import ReplicateWeights

        columns = {name: np.asarray(values) for name, values in data.items()}
        w = _validated_weights(_get(columns, weight, "weight column"), weight)
        if isinstance(replicate_weights, np.ndarray):
            matrix = np.asarray(replicate_weights, dtype=float)
        else:
            names = list(replicate_weights)
            if not names:
                raise SurveyError("replicate_weights 没有列出任何列", "replicate_weights names no columns")
            matrix = np.column_stack(
                [np.asarray(_get(columns, name, "replicate weight column"), dtype=float) for name in names]
            )
        if matrix.ndim != 2 or matrix.shape[0] != len(w):
            raise SurveyError(f"重复权数应为 {len(w)} 行 × R 列（每列一组重复），实际形状为 {matrix.shape}",
                              f"replicate weights must be {len(w)} rows × R replicates, got shape {matrix.shape}")
        if np.isnan(matrix).any() or (matrix < 0).any():
            raise SurveyError("重复权数须为非负数且不能有缺失值",
                              "replicate weights must be non-negative numbers without missing values")
        factors = matrix / np.where(w > 0, w, 1.0)[:, None] if combined_weights else matrix
        replicate = ReplicateWeights.from_row_factors(
            factors, scale=float(scale), rscales=rscales, mse=mse, kind="user", base_weights=w
        )
        return cls(
            columns=columns,
            weights=w,
            stages=[],
            has_strata=False,
            has_fpc=False,
            lonely_psu="fail",
            replicate=replicate,
            sampling_weights=w,
        )

    # ------------------------------------------------------------------ access
    @property
    def n(self) -> int:
        return len(self.weights)

    def column(self, name: str, role: str = "column") -> np.ndarray:
        return _get(self.columns, name, role)

    def factor(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Levels and codes of a column, computed once per design."""
        if name not in self._factor_cache:
            values = self.column(name, "by column")
            _reject_missing(values, name)
            self._factor_cache[name] = factorize(values)
        return self._factor_cache[name]

    def degrees_of_freedom(self, rows: np.ndarray | None = None) -> float:
        """Design degrees of freedom (R: degf): PSUs − strata, over rows with non-zero weight.

        ``rows`` restricts to a domain (boolean mask), as R does for a subset design.
        """
        if self.replicate is not None:
            return float(self.replicate.degrees_of_freedom(rows))
        keep = self.weights != 0
        if rows is not None:
            keep = keep & rows
        stage = self.stages[0]
        clusters = np.unique(stage.cluster_of_row[keep])
        strata = np.unique(stage.stratum_of_cluster[clusters])
        return float(len(clusters) - len(strata))

    @property
    def is_calibrated(self) -> bool:
        return self.calibration is not None

    def with_weights(self, weights: np.ndarray, calibration: CalibrationState | None) -> SurveyDesign:
        """A copy with new final weights and calibration record; data and structure are shared."""
        return dataclasses.replace(
            self, weights=weights, calibration=calibration, _factor_cache=self._factor_cache
        )

    # ------------------------------------------------------------------ calibration and replicates
    def poststratify(self, by: Sequence[str] | str, totals: Mapping[Any, float], partial: bool = False):
        """Post-stratify to known population counts of the cells of ``by`` (R: postStratify)."""
        from kesu.survey.calibration import poststratify

        return poststratify(self, [by] if isinstance(by, str) else list(by), totals, partial=partial)

    def rake(
        self,
        margins: Mapping[str, Mapping[Any, float]],
        max_iter: int = 100,
        tol: float = 1e-10,
        bounds: tuple[float, float] | None = None,
    ):
        """Rake (iterative proportional fitting) to known margins (R: rake)."""
        from kesu.survey.calibration import rake

        return rake(self, margins, max_iter=max_iter, tol=tol, bounds=bounds)

    def calibrate(
        self,
        formula_columns: Sequence[str] | np.ndarray,
        population_totals: Mapping[str, Any] | np.ndarray,
        calfun: str = "linear",
        bounds: tuple[float, float] | None = None,
        max_iter: int = 50,
        tol: float = 1e-12,
    ):
        """Generalised-regression calibration (R: calibrate with calfun linear / raking / logit)."""
        from kesu.survey.calibration import calibrate

        return calibrate(
            self, formula_columns, population_totals, calfun=calfun, bounds=bounds, max_iter=max_iter, tol=tol
        )

    def to_replicate(self, method: str = "JK1", replicates: int | None = None, seed: int | None = None):
        """Replicate-weight version of this design (R: as.svrepdesign type JK1 / JKn / bootstrap)."""
        from kesu.survey.replicate import to_replicate

        return to_replicate(self, method, replicates=replicates, seed=seed)


# ---------------------------------------------------------------------- helpers
def _get(columns: Mapping[str, np.ndarray], name: str, role: str) -> np.ndarray:
    if not isinstance(name, str):
        raise SurveyError(f"{role_name(role)}须以列名给出，而不是 {name!r}", f"{role} must be given by name, got {name!r}")
    if name not in columns:
        raise missing_column_error(name, columns.keys(), role)
    return columns[name]


def _validated_weights(values: np.ndarray, name: str) -> np.ndarray:
    values = np.asarray(values)
    if values.dtype.kind not in "iufb":
        try:
            values = values.astype(float)
        except (TypeError, ValueError):
            raise SurveyError(f"权数列“{name}”不是数值", f"weight column {name!r} is not numeric") from None
    values = values.astype(float)
    if np.isnan(values).any():
        missing = int(np.isnan(values).sum())
        raise SurveyError(f"权数列“{name}”有 {missing} 个缺失值", f"weight column {name!r} has {missing} missing values")
    if np.isinf(values).any():
        raise SurveyError(f"权数列“{name}”有无穷大的值", f"weight column {name!r} has infinite values")
    if (values < 0).any():
        negative = int((values < 0).sum())
        raise SurveyError(f"权数列“{name}”有 {negative} 个负权数", f"weight column {name!r} has {negative} negative weights")
    return values


def _reject_missing(values: np.ndarray, name: str) -> None:
    if values.dtype.kind == "f":
        missing = int(np.isnan(values).sum())
    elif values.dtype == object:
        missing = int(sum(v is None or (isinstance(v, float) and v != v) for v in values))
    else:
        missing = 0
    if missing:
        raise SurveyError(f"列“{name}”有 {missing} 个缺失值", f"column {name!r} has {missing} missing values")


def _distinct_pairs_per_first(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    n_second = int(second.max()) + 1
    pairs, _ = factorize(first * n_second + second)
    return np.bincount(pairs // n_second)


def _build_stage(
    cluster_ids: np.ndarray,
    stratum_of_row: np.ndarray,
    fpc_column: np.ndarray | None,
    fpc_is_population: bool,
    stratum_label_values: list | None,
    previous: Stage | None,
    fpc_name: str | None,
) -> Stage:
    """Recode clusters so that each stratum's clusters are contiguous, and count n_h (and N_h)."""
    n_strata_rows = int(stratum_of_row.max()) + 1
    n_cluster_ids = int(cluster_ids.max()) + 1
    # Clusters are nested in strata here, so (stratum, cluster) pairs identify clusters.
    cluster_of_row, components = combine_codes([stratum_of_row, cluster_ids], [n_strata_rows, n_cluster_ids])
    stratum_of_cluster_raw = components[:, 0]
    strata_present, stratum_of_cluster = np.unique(stratum_of_cluster_raw, return_inverse=True)
    stratum_of_cluster = stratum_of_cluster.astype(np.int64)
    n_clusters = len(components)
    n_strata = len(strata_present)
    sampled = np.bincount(stratum_of_cluster, minlength=n_strata).astype(float)
    starts = np.concatenate([[0], np.cumsum(sampled[:-1])]).astype(np.int64)
    row_stratum = stratum_of_cluster[cluster_of_row]

    population = None
    if fpc_column is not None:
        low = np.full(n_strata, np.inf)
        high = np.full(n_strata, -np.inf)
        np.minimum.at(low, row_stratum, fpc_column)
        np.maximum.at(high, row_stratum, fpc_column)
        varies = np.flatnonzero(low != high)
        if len(varies):
            raise SurveyError(
                f"有限总体校正列“{fpc_name}”在同一层内取值不一（第 {varies[0] + 1} 层）",
                f"fpc column {fpc_name!r} varies within a stratum (stratum number {varies[0] + 1})",
            )
        with np.errstate(divide="ignore"):
            population = low if fpc_is_population else sampled / low
        too_small = np.flatnonzero(population < sampled)
        if len(too_small):
            h = too_small[0]
            raise SurveyError(
                f"有限总体校正列“{fpc_name}”意味着抽样比超过 100%：某层总体 {plain(population[h])} 个单元，"
                f"却抽中 {int(sampled[h])} 个",
                f"fpc column {fpc_name!r} implies more than 100% sampling: population {plain(population[h])} "
                f"< {int(sampled[h])} sampled units in a stratum",
            )

    labels = [stratum_label_values[s] for s in strata_present]
    # At later stages the stratum *is* a cluster of the previous stage.
    parent = np.zeros(n_strata, dtype=np.int64) if previous is None else strata_present.astype(np.int64)
    return Stage(
        cluster_of_row=cluster_of_row,
        n_clusters=n_clusters,
        stratum_of_cluster=stratum_of_cluster,
        stratum_starts=starts,
        sampled_clusters=sampled,
        population_clusters=population,
        parent_of_stratum=parent,
        stratum_labels=labels,
    )
