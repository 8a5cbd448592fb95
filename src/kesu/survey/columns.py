"""The one set of rules that turns the columns of a loaded survey wave into design and analysis inputs.

The command line (``kesu survey estimate`` / ``rake``) and the web upload both prepare their
columns here, so a file that one of them estimates the other does not refuse.

Rules, by the part a column plays:

* **weight**, **fpc** — positive finite numbers.  A blank, a text or a value ≤ 0 is an error.
* **strata**, **psu** (one column per stage), **margin** — identifiers.  A blank is an error.
  Values are never re-parsed: a column that kesu.survey.io read as text stays text, so the
  village codes 0101 and 101 stay two units; a numeric column of whole numbers becomes int64, so
  codes print as 330502 rather than 330502.0.
* **outcome** — a 0/1 indicator such as ``literate``.  After NFKC normalisation, trimming and
  upper-casing a value must be a spelling in TRUE_SPELLINGS (1, 1.0, TRUE, T, YES, Y, 是, 对, 具备)
  or FALSE_SPELLINGS (0, 0.0, FALSE, F, NO, N, 否, 错, 不具备); any other value, 2 included, is
  an error.  Full-width ＴＲＵＥ and lower-case true/y are the same spellings after normalisation.
* **numeric** analysis variables (mean, total, ratio) — finite numbers.
* **region**, **by** — domain labels.  Blank values form their own domain, MISSING_LEVEL, with
  one warning per column: domain estimation keeps every row in the design, so that group leaves
  the other groups' estimates and standard errors exactly as they are.

A blank outcome or numeric value is an error naming its row when ``missing="error"``; with
``missing="drop"`` (the command line's --na-rm, the web's unscored respondents) it stays NaN,
for ``estimate(..., na_rm=True)``, with one warning per column — unless every value is blank.

Every problem is a ColumnProblem with the spreadsheet row it concerns (the header is row 1, as in
kesu.survey.io), the column, and a Chinese and an English message.  One kind of problem in one
column lists its first ``rows_per_issue`` rows; the last one listed counts the others in
``unlisted_rows``, so a wrongly chosen column of a million rows yields fifty problems, not a
million.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kesu.survey.io import MISSING_TOKENS, closest_column, display_value, missing_column_texts

ERROR = "error"
WARNING = "warning"
MISSING_POLICIES = ("error", "drop")
# The label of the domain formed by blank domain values; the web app already shows this label.
MISSING_LEVEL = "（缺失）"
ROWS_PER_ISSUE = 50

TRUE_SPELLINGS = frozenset({"1", "1.0", "TRUE", "T", "YES", "Y", "是", "对", "具备"})
FALSE_SPELLINGS = frozenset({"0", "0.0", "FALSE", "F", "NO", "N", "否", "错", "不具备"})

# Chinese label of each part a column can play; the English label is "<role> column".
ROLE_LABELS = {
    "weight": "权数列",
    "strata": "分层列",
    "psu": "初级抽样单元列",
    "fpc": "有限总体校正列",
    "analysis": "分析变量列",
    "region": "区划列",
    "by": "分组列",
    "margin": "边际列",
}

# Problem codes, for callers that treat one kind differently (the CLI adds "--na-rm" to "missing").
MISSING_COLUMN = "missing_column"
MISSING = "missing"
NOT_A_NUMBER = "not_a_number"
NOT_POSITIVE = "not_positive"
NOT_BINARY = "not_binary"
ALL_MISSING = "all_missing"
BLANK_DROPPED = "blank_dropped"
BLANK_GROUP = "blank_group"
ROLE_CONFLICT = "role_conflict"
NO_ROWS = "no_rows"


@dataclass(frozen=True)
class ColumnProblem:
    severity: str  # ERROR or WARNING
    code: str
    column: str
    role: str
    row: int | None  # spreadsheet row (header = 1); None when the problem is the column as a whole
    zh: str
    en: str
    unlisted_rows: int = 0  # further rows with the same problem in this column, not listed one by one

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


Problems = list[ColumnProblem]


def problem_rows(problems: Problems) -> int:
    """How many row problems the list stands for, counting the unlisted ones."""
    return sum(1 + problem.unlisted_rows for problem in problems)


# --- one column --------------------------------------------------------------------------------


def positive_column(
    table: Mapping[str, np.ndarray], name: str, problems: Problems, *, role: str = "weight",
    rows_per_issue: int = ROWS_PER_ISSUE,
) -> np.ndarray | None:
    """Weights or fpc as float64; blanks, text and values ≤ 0 are errors. None if the column is absent."""
    values = _column(table, name, role, problems)
    if values is None:
        return None
    numbers, blank, text = _numbers(values)
    report = _Reporter(table, name, role, problems, rows_per_issue)
    report.rows(NOT_A_NUMBER, text, lambda i: (f"“{_shown(values[i])}”不是数字", f"{_shown(values[i])!r} is not a number"))
    report.rows(MISSING, blank, lambda i: ("缺少取值", "value is missing"))
    with np.errstate(invalid="ignore"):
        not_positive = numbers <= 0
    report.rows(NOT_POSITIVE, not_positive,
                lambda i: (f"{numbers[i]:g} 不是正数", f"{numbers[i]:g} is not a positive number"))
    return numbers


def number_column(
    table: Mapping[str, np.ndarray], name: str, problems: Problems, *, role: str = "analysis",
    missing: str = "error", rows_per_issue: int = ROWS_PER_ISSUE,
) -> np.ndarray | None:
    """A numeric analysis variable as float64 (NaN where blank and `missing` is "drop")."""
    _check_policy(missing)
    values = _column(table, name, role, problems)
    if values is None:
        return None
    numbers, blank, text = _numbers(values)
    report = _Reporter(table, name, role, problems, rows_per_issue)
    report.rows(NOT_A_NUMBER, text, lambda i: (f"“{_shown(values[i])}”不是数字", f"{_shown(values[i])!r} is not a number"))
    report.blanks(blank, missing)
    return numbers


def indicator_column(
    table: Mapping[str, np.ndarray], name: str, problems: Problems, *, role: str = "analysis",
    missing: str = "error", rows_per_issue: int = ROWS_PER_ISSUE,
) -> np.ndarray | None:
    """A 0/1 outcome as float64 1.0/0.0 (NaN where blank and `missing` is "drop"); see TRUE_SPELLINGS."""
    _check_policy(missing)
    values = _column(table, name, role, problems)
    if values is None:
        return None
    if values.dtype.kind == "f":
        indicator = values.astype(np.float64)
        blank = np.isnan(indicator)
        unknown = ~blank & (indicator != 0) & (indicator != 1)
    else:
        distinct, inverse = _distinct(values)
        coded = np.array([_indicator_value(value) for value in distinct], dtype=np.float64).reshape(-1)
        is_blank = np.array([_is_blank(value) for value in distinct], dtype=bool).reshape(-1)
        indicator, blank = coded[inverse], is_blank[inverse]
        unknown = np.isnan(indicator) & ~blank
    indicator[unknown] = np.nan
    report = _Reporter(table, name, role, problems, rows_per_issue)
    report.rows(NOT_BINARY, unknown, lambda i: (
        f"“{_shown(values[i])}”不是 0 或 1（也可写 是/否、具备/不具备、TRUE/FALSE）",
        f"{_shown(values[i])!r} is neither 1 nor 0 (nor 是/否, 具备/不具备, TRUE/FALSE, Y/N)",
    ))
    report.blanks(blank, missing)
    return indicator


def id_column(
    table: Mapping[str, np.ndarray], name: str, problems: Problems, *, role: str = "psu",
    rows_per_issue: int = ROWS_PER_ISSUE,
) -> np.ndarray | None:
    """Stratum, PSU or margin codes as read (whole-number floats as int64); a blank is an error."""
    values = _column(table, name, role, problems)
    if values is None:
        return None
    _Reporter(table, name, role, problems, rows_per_issue).rows(
        MISSING, _blank(values), lambda i: ("缺少取值", "value is missing")
    )
    return _labels(values)


def domain_column(
    table: Mapping[str, np.ndarray], name: str, problems: Problems, *, role: str = "by"
) -> np.ndarray | None:
    """Domain labels; blank values become the label MISSING_LEVEL, with one warning for the column."""
    values = _column(table, name, role, problems)
    if values is None:
        return None
    blank = _blank(values)
    if not blank.any():
        return _labels(values)
    positions = np.flatnonzero(blank)
    first, count = int(_row_numbers(table)[positions[0]]), len(positions)
    problems.append(ColumnProblem(
        WARNING, BLANK_GROUP, name, role, first,
        f"{ROLE_LABELS[role]}“{name}”有 {count} 行缺失（如第 {first} 行），归入“{MISSING_LEVEL}”组",
        f"{role} column {name!r}: {count} blank value(s) (first in row {first}) "
        f"form the group {MISSING_LEVEL!r} (missing)",
        count - 1,
    ))
    # One label type for the whole column: a numeric code next to the text MISSING_LEVEL would not sort.
    distinct, inverse = _distinct(values)
    labels = np.array([MISSING_LEVEL if _is_blank(value) else _shown(value) for value in distinct], dtype=object)
    return labels[inverse]


# --- a whole wave ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnRoles:
    """Which column plays which part; prepare_columns checks the names against the data."""

    weight: str
    strata: str | None = None
    psu: tuple[str, ...] = ()  # one per sampling stage
    fpc: tuple[str, ...] = ()  # one per sampling stage
    outcome: str | None = None  # a 0/1 column, e.g. literate
    numeric: tuple[str, ...] = ()  # variables of a mean, total or ratio
    region: str | None = None
    by: tuple[str, ...] = ()


@dataclass
class PreparedColumns:
    """Columns ready for SurveyDesign.from_columns — but only when `ok`; `problems` says why not."""

    columns: dict[str, np.ndarray]
    problems: Problems = field(default_factory=list)
    incomplete_rows: int = 0  # rows left with a NaN outcome or numeric value (missing="drop")

    @property
    def errors(self) -> Problems:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> Problems:
        return [problem for problem in self.problems if not problem.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


# Parts whose prepared values agree whenever both preparations pass, so one column may play both.
_KINDS = {"weight": "number", "fpc": "number", "analysis": "number", "outcome": "indicator",
          "strata": "label", "psu": "label", "region": "label", "by": "label"}


def prepare_columns(
    table: Mapping[str, np.ndarray], roles: ColumnRoles, *, missing: str = "error",
    rows_per_issue: int = ROWS_PER_ISSUE,
) -> PreparedColumns:
    """Every column named in `roles`, prepared by its part's rule, with all problems found."""
    _check_policy(missing)
    result = PreparedColumns(columns={})
    problems = result.problems
    if len(_row_numbers(table)) == 0:
        problems.append(ColumnProblem(ERROR, NO_ROWS, "", "", None, "数据没有受访者记录", "the data have no rows"))
        return result
    per_issue = {"rows_per_issue": rows_per_issue}
    prepare: dict[str, Callable[[str], np.ndarray | None]] = {
        "weight": lambda name: positive_column(table, name, problems, role="weight", **per_issue),
        "strata": lambda name: id_column(table, name, problems, role="strata", **per_issue),
        "psu": lambda name: id_column(table, name, problems, role="psu", **per_issue),
        "fpc": lambda name: positive_column(table, name, problems, role="fpc", **per_issue),
        "outcome": lambda name: indicator_column(table, name, problems, missing=missing, **per_issue),
        "analysis": lambda name: number_column(table, name, problems, missing=missing, **per_issue),
        "region": lambda name: domain_column(table, name, problems, role="region"),
        "by": lambda name: domain_column(table, name, problems, role="by"),
    }
    # Stricter parts first, so a column that is both a stratum and a by column keeps the stricter rule.
    parts = [
        ("weight", roles.weight),
        *(("strata", name) for name in [roles.strata] if name),
        *(("psu", name) for name in roles.psu),
        *(("fpc", name) for name in roles.fpc),
        *(("outcome", name) for name in [roles.outcome] if name),
        *(("analysis", name) for name in roles.numeric),
        *(("region", name) for name in [roles.region] if name),
        *(("by", name) for name in roles.by),
    ]
    played: dict[str, str] = {}
    for part, name in parts:
        if name in played:
            if _KINDS[played[name]] != _KINDS[part]:
                problems.append(_role_conflict(name, played[name], part))
            continue
        played[name] = part
        values = prepare[part](name)
        if values is not None:
            result.columns[name] = values
    analysed = [result.columns[name] for name, part in played.items()
                if part in ("outcome", "analysis") and name in result.columns]
    if analysed:
        result.incomplete_rows = int(np.logical_or.reduce([np.isnan(values) for values in analysed]).sum())
    return result


def _role_conflict(name: str, first: str, second: str) -> ColumnProblem:
    first_role, second_role = ("analysis" if part == "outcome" else part for part in (first, second))
    return ColumnProblem(
        ERROR, ROLE_CONFLICT, name, second_role, None,
        f"列“{name}”不能同时作为{ROLE_LABELS[first_role]}和{ROLE_LABELS[second_role]}",
        f"column {name!r} cannot be both the {first_role} column and a {second_role} column",
    )


# --- helpers -----------------------------------------------------------------------------------


def _check_policy(missing: str) -> None:
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {', '.join(MISSING_POLICIES)}, not {missing!r}")


def _row_numbers(table: Mapping[str, np.ndarray]) -> np.ndarray:
    rows = getattr(table, "row_numbers", None)
    if rows is not None:
        return np.asarray(rows)
    # A plain mapping (tests, other callers) is numbered as if read from a file with a header row.
    length = len(next(iter(table.values()))) if table else 0
    return np.arange(2, length + 2)


def _column(table: Mapping[str, np.ndarray], name: str, role: str, problems: Problems) -> np.ndarray | None:
    if name in table:
        return np.asarray(table[name])
    close = closest_column(name, table.keys())
    hint = f"；是否是“{close}”？" if close is not None else ""
    problems.append(ColumnProblem(
        ERROR, MISSING_COLUMN, name, role, None,
        f"数据中没有{ROLE_LABELS[role]}“{name}”{hint}",
        missing_column_texts("", name, table.keys(), role)[1],
    ))
    return None


class _Reporter:
    """Row problems of one column, each kind listing its first rows_per_issue rows."""

    def __init__(self, table: Mapping[str, np.ndarray], name: str, role: str, problems: Problems, rows_per_issue: int):
        self.rows_of = _row_numbers(table)
        self.name, self.role, self.problems = name, role, problems
        self.limit = max(1, rows_per_issue)

    def rows(self, code: str, mask: np.ndarray, detail: Callable[[int], tuple[str, str]]) -> None:
        positions = np.flatnonzero(mask)
        listed = positions[: self.limit]
        for number, index in enumerate(listed.tolist(), start=1):
            zh, en = detail(index)
            row = int(self.rows_of[index])
            self.problems.append(ColumnProblem(
                ERROR, code, self.name, self.role, row,
                f"第 {row} 行，{ROLE_LABELS[self.role]}“{self.name}”：{zh}",
                f"row {row}, {self.role} column {self.name!r}: {en}",
                len(positions) - len(listed) if number == len(listed) else 0,
            ))

    def blanks(self, blank: np.ndarray, missing: str) -> None:
        if missing == "error":
            self.rows(MISSING, blank, lambda i: ("缺少取值", "value is missing"))
            return
        positions = np.flatnonzero(blank)
        if not positions.size:
            return
        label = ROLE_LABELS[self.role]
        if positions.size == len(blank):
            self.problems.append(ColumnProblem(
                ERROR, ALL_MISSING, self.name, self.role, None,
                f"{label}“{self.name}”全部缺失，无法估计", f"{self.role} column {self.name!r}: every value is blank",
            ))
            return
        first, count = int(self.rows_of[positions[0]]), len(positions)
        self.problems.append(ColumnProblem(
            WARNING, BLANK_DROPPED, self.name, self.role, first,
            f"{label}“{self.name}”有 {count} 行缺失（如第 {first} 行），估计时剔除",
            f"{self.role} column {self.name!r}: {count} blank value(s) (first in row {first}) are left out",
            count - 1,
        ))


def _distinct(values: np.ndarray) -> tuple[list[Any], np.ndarray]:
    """Distinct values and each row's position among them: respondents give few distinct values."""
    rows = values.tolist()
    position_of: dict[Any, int] = {}
    inverse = np.fromiter(
        (position_of.setdefault(value, len(position_of)) for value in rows), dtype=np.int64, count=len(rows)
    )
    return list(position_of), inverse


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return isinstance(value, str) and value.strip().lower() in MISSING_TOKENS


def _blank(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind in "iub":
        return np.zeros(len(values), dtype=bool)
    distinct, inverse = _distinct(values)
    return np.array([_is_blank(value) for value in distinct], dtype=bool).reshape(-1)[inverse]


def _numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """float64 values (NaN where blank or not a number), the blank rows and the not-a-number rows."""
    if values.dtype.kind in "iub":
        return values.astype(np.float64), np.zeros(len(values), dtype=bool), np.zeros(len(values), dtype=bool)
    if values.dtype.kind == "f":
        numbers = values.astype(np.float64)
        infinite = np.isinf(numbers)
        numbers[infinite] = np.nan
        return numbers, np.isnan(values), infinite
    distinct, inverse = _distinct(values)
    parsed = np.full(len(distinct), np.nan)
    blank = np.zeros(len(distinct), dtype=bool)
    text = np.zeros(len(distinct), dtype=bool)
    for position, value in enumerate(distinct):
        if _is_blank(value):
            blank[position] = True
            continue
        number = _finite_number(value)
        if number is None:
            text[position] = True
        else:
            parsed[position] = number
    return parsed[inverse], blank[inverse], text[inverse]


def _finite_number(value: Any) -> float | None:
    if isinstance(value, bool | np.bool_):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return None
    # float() also reads "inf" and "nan"; no weight or answer legitimately is one.
    return number if math.isfinite(number) else None


def _indicator_value(value: Any) -> float:
    """1.0, 0.0, or NaN for a blank or an unknown spelling (told apart by _is_blank)."""
    if _is_blank(value):
        return math.nan
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, int | float | np.number):
        return float(value) if value in (0, 1) else math.nan
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    if text in TRUE_SPELLINGS:
        return 1.0
    if text in FALSE_SPELLINGS:
        return 0.0
    number = _finite_number(text)
    return number if number in (0.0, 1.0) else math.nan


def _labels(values: np.ndarray) -> np.ndarray:
    """Whole-number codes read as floats become int64, so that 330502.0 is shown as 330502."""
    if (
        values.dtype.kind == "f" and len(values) and np.isfinite(values).all()
        and np.all(np.mod(values, 1) == 0) and np.abs(values).max() < 2**53
    ):
        return values.astype(np.int64)
    return values


def _shown(value: Any) -> str:
    return str(display_value(value))
