"""Which column plays which part in the sample design, checks of those columns, and the estimates.

Pure numpy and kesu.survey, no Django: guessing the mapping from column names, checking the
mapping, and estimating 公民具备科学素质的比例 overall, by region and by each group column with
every CI method.  The mapped columns are prepared by kesu.survey.columns, the rules the command
line uses too, so `kesu survey estimate` and the upload page accept the same files and give the
same estimates; every problem names its spreadsheet row, so a statistician can fix the file in
one pass.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kesu.survey import SurveyDesign, SurveyError, estimate
from kesu.survey.columns import MISSING_LEVEL, ColumnProblem, ColumnRoles, prepare_columns
from kesu.survey.columns import ROLE_LABELS as COLUMN_ROLE_LABELS
from kesu.survey.design import factorize
from kesu.survey.intervals import CI_METHODS
from kesu.survey.io import Table, display_value
from kesu.survey.scoring import LITERATE_COLUMN
from kesu.survey.variance import LONELY_PSU_OPTIONS

MAX_SHOWN_PROBLEMS = 50
MAX_GROUP_LEVELS = 50
PREVIEW_ROWS = 10

# Spellings of each design role's column, compared after NFKC, lower-casing and removing _ - and spaces.
ROLE_SPELLINGS: dict[str, tuple[str, ...]] = {
    "weight": ("权数", "权重", "最终权数", "抽样权数", "weight", "weights", "w", "wt", "wgt", "finalweight", "pweight"),
    "strata": ("层", "分层", "层号", "抽样层", "层编号", "stratum", "strata", "strat"),
    "psu": ("村居", "村居编号", "村居代码", "初级抽样单元", "抽样单元", "样本点", "psu", "psuid", "cluster"),
    "fpc": ("fpc", "psupopulation", "总体单元数", "抽样框单元数", "层内村居数"),
    "region": ("区划", "区划代码", "行政区划", "行政区划代码", "地区", "区县", "县区", "region", "regioncode", "county"),
}
# Group columns offered by default, and the Chinese name shown for each.
GROUP_SPELLINGS: dict[str, tuple[str, ...]] = {
    "性别": ("性别", "sex", "gender"),
    "年龄组": ("年龄组", "年龄段", "agegroup", "age"),
    "城乡": ("城乡", "城乡类型", "城镇乡村", "urban", "urbanrural", "residence"),
    "文化程度": ("文化程度", "学历", "受教育程度", "education", "edu"),
    "职业": ("职业", "occupation"),
}
# Levels shown in their natural order rather than in sort order (初中 before 大专及以上 before 小学及以下).
LEVEL_ORDERS: tuple[tuple[str, ...], ...] = (
    ("男", "女"),
    ("城镇", "乡村"),
    ("城市", "县城", "农村"),
    ("小学及以下", "初中", "高中", "大专及以上"),
    ("小学及以下", "初中", "高中及中专", "大专", "本科及以上"),
)
# The layer's labels, so that a mapping problem and a column problem name a role alike.
ROLE_LABELS = {**COLUMN_ROLE_LABELS, "group": COLUMN_ROLE_LABELS["by"]}


def _normalised(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).strip().lower()
    return "".join(character for character in text if character not in " _-")


def _matches(column: str, spellings: Iterable[str]) -> bool:
    name = _normalised(column)
    for spelling in spellings:
        if name == spelling:
            return True
        # "最终权数" is a weight, "抽样层号" a stratum; short Latin spellings (w, edu) must match whole.
        if not spelling.isascii() and spelling in name:
            return True
    return False


@dataclass(frozen=True)
class DesignMapping:
    weight: str
    strata: str = ""
    psu: str = ""
    fpc: str = ""
    lonely_psu: str = "fail"
    region: str = ""
    groups: tuple[str, ...] = ()

    def roles(self) -> list[tuple[str, str]]:
        named = [("weight", self.weight), ("strata", self.strata), ("psu", self.psu), ("fpc", self.fpc),
                 ("region", self.region)]
        return [(role, name) for role, name in named if name] + [("group", name) for name in self.groups]


def guess_mapping(columns: Sequence[str], exclude: Iterable[str] = ()) -> DesignMapping:
    """The most likely column for each role; `exclude` (answer and score columns) is never guessed."""
    excluded = set(exclude) | {LITERATE_COLUMN}
    candidates = [name for name in columns if name not in excluded]
    taken: set[str] = set()

    def first(spellings: Sequence[str]) -> str:
        # Exact spellings win over containment, in the order the spellings are listed.
        for spelling in spellings:
            for name in candidates:
                if name not in taken and _normalised(name) == spelling:
                    taken.add(name)
                    return name
        for name in candidates:
            if name not in taken and _matches(name, spellings):
                taken.add(name)
                return name
        return ""

    roles = {role: first(spellings) for role, spellings in ROLE_SPELLINGS.items()}
    groups = tuple(name for spellings in GROUP_SPELLINGS.values() if (name := first(spellings)))
    return DesignMapping(
        weight=roles["weight"], strata=roles["strata"], psu=roles["psu"], fpc=roles["fpc"],
        region=roles["region"], groups=groups,
    )


def suggest_weight_column(columns: Sequence[str], exclude: Iterable[str] = ()) -> str:
    """A column whose name looks like a misspelt weight (weigth, 权 数), when none was guessed."""
    excluded = set(exclude) | {LITERATE_COLUMN}
    by_form = {_normalised(name): name for name in columns if name not in excluded}
    spellings = [spelling for spelling in ROLE_SPELLINGS["weight"] if len(spelling) > 1]
    for spelling in spellings:
        close = difflib.get_close_matches(spelling, list(by_form), n=1, cutoff=0.6)
        if close:
            return by_form[close[0]]
    return ""


def dimension_label(column: str, region_column: str = "") -> str:
    if column and column == region_column:
        return "区划"
    for label, spellings in GROUP_SPELLINGS.items():
        if _normalised(column) in spellings:
            return label
    return column


def natural_order(labels: Sequence[str]) -> list[int]:
    """Positions of `labels` in their natural order when they are levels of a known scale
    (missing last), else their given order."""
    present = [label for label in labels if label != MISSING_LEVEL]
    for order in LEVEL_ORDERS:
        if set(present) <= set(order):
            rank = {label: position for position, label in enumerate(order)}
            return sorted(range(len(labels)), key=lambda i: rank.get(labels[i], len(order)))
    return list(range(len(labels)))


def preview(table: Table, rows: int = PREVIEW_ROWS) -> tuple[list[str], list[list[str]]]:
    header = ["行号", *table]
    shown = []
    for index in range(min(rows, table.n_rows)):
        cells = [str(int(table.row_numbers[index]))]
        for values in table.values():
            value = display_value(values[index])
            cells.append("" if isinstance(value, float) and math.isnan(value) else str(value))
        shown.append(cells)
    return header, shown


class Problems:
    """Every problem counted, the first MAX_SHOWN_PROBLEMS kept for the page."""

    def __init__(self, limit: int = MAX_SHOWN_PROBLEMS):
        self.limit = limit
        self.messages: list[str] = []
        self.count = 0

    def add(self, message: str, count: int = 1) -> None:
        """One message standing for `count` problems (a row problem and the rows like it not listed)."""
        self.count += count
        if len(self.messages) < self.limit:
            self.messages.append(message)

    def extend(self, column_problems: Iterable[ColumnProblem]) -> None:
        for problem in column_problems:
            self.add(problem.zh, 1 + problem.unlisted_rows)

    @property
    def hidden(self) -> int:
        return self.count - len(self.messages)

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class PreparedData:
    """Columns ready for SurveyDesign.from_columns, after every check passed."""

    columns: dict[str, np.ndarray]
    mapping: DesignMapping
    nest: bool
    na_rm: bool


@dataclass
class CheckResult:
    problems: Problems = field(default_factory=Problems)
    warnings: list[str] = field(default_factory=list)
    prepared: PreparedData | None = None
    # One row of the design summary per stratum (for the mapping page), when strata are mapped.
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and self.prepared is not None


def check_mapping(table: Table, mapping: DesignMapping, exclude: Iterable[str] = ()) -> CheckResult:
    """Check the mapped columns; a passing result carries the prepared design columns.

    `exclude` lists answer and score columns, which are never suggested as the weight.
    """
    result = CheckResult()
    problems, notes = result.problems, result.warnings
    if table.n_rows == 0:
        problems.add("数据没有受访者记录")
        return result
    if not mapping.weight:
        suggestion = suggest_weight_column(list(table), exclude)
        hint = f"；“{suggestion}”列是否就是权数？" if suggestion else "；文件中没有常见的权数列名（权数、权重、weight、w）"
        problems.add(f"请选择权数列{hint}")
    seen: dict[str, str] = {}
    for role, name in mapping.roles():
        if name not in table:
            problems.add(f"{ROLE_LABELS[role]}“{name}”不在数据中")
        elif name in seen:
            problems.add(f"列“{name}”不能同时作为{ROLE_LABELS[seen[name]]}和{ROLE_LABELS[role]}")
        else:
            seen[name] = role
    if mapping.lonely_psu not in LONELY_PSU_OPTIONS:
        problems.add(f"未知的单 PSU 层处理方式“{mapping.lonely_psu}”")
    if LITERATE_COLUMN not in table:
        problems.add(f"数据中没有 {LITERATE_COLUMN} 列（1 = 具备科学素质，0 = 不具备）")
    if problems:
        return result

    roles = ColumnRoles(
        weight=mapping.weight,
        strata=mapping.strata or None,
        psu=(mapping.psu,) if mapping.psu else (),
        fpc=(mapping.fpc,) if mapping.fpc else (),
        outcome=LITERATE_COLUMN,
        region=mapping.region or None,
        by=mapping.groups,
    )
    # Unscored respondents (a blank literate) are left out of the estimate, as with the CLI's --na-rm.
    prepared_columns = prepare_columns(table, roles, missing="drop", rows_per_issue=MAX_SHOWN_PROBLEMS)
    problems.extend(prepared_columns.errors)
    notes.extend(problem.zh for problem in prepared_columns.warnings)
    columns = prepared_columns.columns
    na_rm = prepared_columns.incomplete_rows > 0
    for role, name in [("region", mapping.region)] + [("group", name) for name in mapping.groups]:
        if name not in columns:
            continue
        levels = len(factorize(columns[name])[0])
        if levels > MAX_GROUP_LEVELS:
            problems.add(f"{ROLE_LABELS[role]}“{name}”有 {levels} 个不同取值，不适合作为分组（最多 {MAX_GROUP_LEVELS} 个）")
    if problems:
        return result

    nest = _check_clusters(table, mapping, columns, result)
    if problems:
        return result
    prepared = PreparedData(columns=columns, mapping=mapping, nest=nest, na_rm=na_rm)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimate(build_design(prepared), "prop", LITERATE_COLUMN, ci="logit", na_rm=na_rm)
    except SurveyError as exc:
        problems.add(f"抽样设计无法用于估计：{exc.zh}")
        return result
    result.prepared = prepared
    return result


def _check_clusters(table: Table, mapping: DesignMapping, columns: dict[str, np.ndarray], result: CheckResult) -> bool:
    """PSUs per stratum: one-PSU strata under "fail" are named; returns whether PSU ids need nesting."""
    problems = result.problems
    n = table.n_rows
    if mapping.strata:
        strata_levels, strata_codes = factorize(columns[mapping.strata])
    else:
        strata_levels, strata_codes = np.array(["全样本"], dtype=object), np.zeros(n, dtype=np.int64)
    if mapping.psu:
        psu_levels, psu_codes = factorize(columns[mapping.psu])
    else:
        psu_levels, psu_codes = np.arange(n), np.arange(n, dtype=np.int64)

    nest = False
    if mapping.strata and mapping.psu:
        pairs = np.unique(np.stack([psu_codes, strata_codes]), axis=1)
        strata_per_psu = np.bincount(pairs[0], minlength=len(psu_levels))
        shared = np.flatnonzero(strata_per_psu > 1)
        if shared.size:
            nest = True
            result.warnings.append(
                f"初级抽样单元编号在不同层中重复（如“{display_value(psu_levels[shared[0]])}”），"
                "已按“层内编号”处理，即不同层中的同一编号视为不同单元"
            )
        cluster_codes = factorize(strata_codes * len(psu_levels) + psu_codes)[1] if nest else psu_codes
    else:
        cluster_codes = psu_codes

    pairs = np.unique(np.stack([strata_codes, cluster_codes]), axis=1)
    clusters_per_stratum = np.bincount(pairs[0], minlength=len(strata_levels))
    result.summary = {"strata": len(strata_levels), "psus": int(pairs.shape[1]), "rows": n}
    lonely = np.flatnonzero(clusters_per_stratum == 1)
    if lonely.size == 0:
        return nest
    if mapping.lonely_psu != "fail":
        result.warnings.append(
            f"{lonely.size} 个层只有 1 个初级抽样单元，按“{mapping.lonely_psu}”方式处理其方差"
        )
        return nest
    if not mapping.strata:
        problems.add("整个样本只有 1 个初级抽样单元，无法估计抽样误差；请检查初级抽样单元列")
        return nest
    first_row_of_stratum = np.full(len(strata_levels), -1)
    first_row_of_stratum[strata_codes[::-1]] = np.arange(n - 1, -1, -1)
    unit = ROLE_LABELS["psu"] if mapping.psu else "样本"
    for code in lonely:
        row = first_row_of_stratum[code]
        where = f"{mapping.psu}“{display_value(columns[mapping.psu][row])}”" if mapping.psu else "仅 1 名受访者"
        problems.add(
            f"层“{display_value(strata_levels[code])}”只有 1 个{unit}（{where}，第 {table.row_numbers[row]} 行），"
            "在“报错（fail）”方式下无法估计方差；请合并该层，或在“单 PSU 层处理”中改选 adjust 等方式"
        )
    return nest


def build_design(prepared: PreparedData) -> SurveyDesign:
    mapping = prepared.mapping
    return SurveyDesign.from_columns(
        prepared.columns,
        weight=mapping.weight,
        strata=mapping.strata or None,
        psu=mapping.psu or None,
        fpc=mapping.fpc or None,
        lonely_psu=mapping.lonely_psu,
        nest=prepared.nest,
    )


@dataclass(frozen=True)
class ComputedEstimate:
    dimension: str
    domain: dict[str, Any]
    domain_key: str
    ci_method: str
    ci_level: float
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    deff: float | None
    n: int
    order: int


def domain_key(domain: dict[str, Any]) -> str:
    return "|".join(f"{name}={value}" for name, value in domain.items())


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def compute_estimates(
    prepared: PreparedData, methods: Sequence[str] = CI_METHODS, level: float = 0.95
) -> tuple[list[ComputedEstimate], list[str]]:
    """Overall, by region and by each group column, for each CI method; with the core's warnings."""
    design = build_design(prepared)
    mapping = prepared.mapping
    dimensions = [""] + ([mapping.region] if mapping.region else []) + list(mapping.groups)
    results: list[ComputedEstimate] = []
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for method in methods:
            order = 0
            for dimension in dimensions:
                rows = estimate(design, "prop", LITERATE_COLUMN, by=[dimension] if dimension else None,
                                ci=method, level=level, na_rm=prepared.na_rm)
                for row in rows:
                    domain = {name: display_value(value) for name, value in row.domain.items()}
                    results.append(ComputedEstimate(
                        dimension=dimension, domain=domain, domain_key=domain_key(domain), ci_method=method,
                        ci_level=level, estimate=_finite(row.estimate), se=_finite(row.se),
                        ci_low=_finite(row.ci_low), ci_high=_finite(row.ci_high), deff=_finite(row.deff),
                        n=int(row.n), order=order,
                    ))
                    order += 1
    for warning in caught:
        text = str(warning.message)
        if text not in notes:
            notes.append(text)
    return results, notes
