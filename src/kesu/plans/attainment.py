"""Target attainment, one rule each: what kind a target is, how much of it was reached, how far along
that is, where the trend leads by the deadline, and how much of the time has passed.

Pure Python on purpose (no Django, no other kesu package): the status lights, the task page, the
annual report, the indicators page and the literacy trend all call these functions, so a figure can
no longer be yearly on one page and cumulative on another, or on track on one and off track on the
next (docs/decisions.md, “Target attainment”).

Figures come in one of two bases, and mixing them up double-counts, so every function that adds
figures up asks for it: ``Basis.PER_YEAR`` (each figure is the amount of its own year: indicator
values, survey waves) or ``Basis.TO_DATE`` (each figure is what its source had reached so far, as
progress reports are written; for yearly targets, so far within the calendar year).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    YEARLY = "yearly"
    CUMULATIVE = "cumulative"
    LEVEL = "level"
    CEILING = "ceiling"

    @property
    def label(self) -> str:
        return {"yearly": "每年", "cumulative": "累计", "level": "达到", "ceiling": "不超过"}[self.value]

    @property
    def noun(self) -> str:
        """What pages call a target of this kind, next to the target (年度目标 ≥ 20 场次)."""
        return {"yearly": "年度目标", "cumulative": "累计目标", "level": "水平目标", "ceiling": "上限目标"}[self.value]

    @property
    def rule(self) -> str:
        """How figures are weighed against a target of this kind, in a sentence for a reader."""
        return {
            "yearly": "每年单独计算：当年完成值与目标比较",
            "cumulative": "规划期内累计完成值与目标比较",
            "level": "最新值与目标比较",
            "ceiling": "最新值不超过目标即达标",
        }[self.value]


class Basis(StrEnum):
    PER_YEAR = "per_year"
    TO_DATE = "to_date"


class Verdict(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"met": "已完成", "on_track": "预计可完成", "off_track": "难以完成", "unknown": "数据不足"}[self.value]


CEILING_SYMBOLS = frozenset({"<", "<=", "≤", "＜", "≦", "=<"})
# 低于 and 少于 only without 不 before them: 不低于 / 不少于 are floors.
CEILING_WORDS = ("不超过", "不高于", "不多于", "低于", "少于", "以内", "以下", "控制在", "至多", "最多")
RATE_UNITS = frozenset({"%", "％", "‰", "‱", "个百分点", "百分点"})
# A year written before 年度 (2025年度, 二〇二五年度) makes it a deadline, not a per-year amount.
_YEARLY = re.compile(r"每一?年|年均|(?<![0-9０-９〇零一二三四五六七八九十])年度|annual|yearly|per year", re.I)
_SUB_YEAR = (("每季度", 4), ("每季", 4), ("每半年", 2), ("每学期", 2), ("每月", 12), ("每周", 52))
CUMULATIVE_WORDS = ("累计", "累积", "总计", "合计", "共计", "新增", "新建", "新培育", "新认定", "新创建")
RATIO_WORDS = ("率", "比例", "比重", "占比", "人均", "每人", "每百人", "每千人", "每万人", "每十万人")
LEVEL_WORDS = (*RATIO_WORDS, "建成", "保有", "拥有", "总数", "总量",
               "提高到", "提升到", "增加到", "增至", "稳定在", "保持在")


def is_ceiling(comparator: str) -> bool:
    comparator = (comparator or "").strip()
    if comparator in CEILING_SYMBOLS:
        return True
    return any(word in comparator and "不" + word not in comparator for word in CEILING_WORDS)


def is_rate_unit(unit: str) -> bool:
    """Rates, shares and ratios (%, ‰, 人/万人, 册/人): figures of several units cannot be added up.
    A time denominator (人次/年) is a per-year amount, not a ratio."""
    unit = (unit or "").strip()
    return unit in RATE_UNITS or ("/" in unit and not unit.endswith("/年"))


def periods_per_year(period_text: str) -> int:
    """每季度 → 4, 每月 → 12, …: a sub-year target is judged per calendar year against value × this."""
    return next((n for marker, n in _SUB_YEAR if marker in (period_text or "")), 1)


def target_kind(comparator: str = ">=", period_text: str = "", unit: str = "", *, text: str = "",
                override: Kind | str | None = None) -> Kind:
    """The kind of a target; the first rule that applies wins.

    0. ``override``, the office's correction, always wins.
    1. A ceiling comparator (<, <=, ≤, 不超过, 低于, 控制在 …; not 不低于) → CEILING.
    2. The period says per year (每年, 每年度, 年均, 年度 without a year before it, annually; also a
       period of just 年 and a unit per 年) or per part of a year (每季度, 每月 …) → YEARLY.
    3. A rate unit (%, ‰, 个百分点, x/y) → LEVEL: a rate is a state, never a sum.
    4. 累计/总计/新增/新建 … in the text or period → CUMULATIVE.
    5. A state word in the text (覆盖率, 比例, 人均, 建成, 拥有, 提高到 …) → LEVEL.
    6. Otherwise CUMULATIVE: a count by the deadline (“十四五”期间培训1000名).

    Only the comparator decides a ceiling, not the text: the parser already reads 控制在/以内 into
    the comparator, and 以下/以内 elsewhere in a sentence (以下简称) mean nothing of the kind.
    """
    if override:
        return Kind(override)
    period, unit, text = (period_text or "").strip(), (unit or "").strip(), text or ""
    if is_ceiling(comparator):
        return Kind.CEILING
    if _YEARLY.search(period) or period == "年" or unit.endswith("/年") or periods_per_year(period) > 1:
        return Kind.YEARLY
    if is_rate_unit(unit):
        return Kind.LEVEL
    if any(word in text or word in period for word in CUMULATIVE_WORDS):
        return Kind.CUMULATIVE
    if any(word in text for word in LEVEL_WORDS):
        return Kind.LEVEL
    return Kind.CUMULATIVE


@dataclass(frozen=True)
class Target:
    value: float
    kind: Kind = Kind.CUMULATIVE
    unit: str = ""
    deadline_year: int | None = None
    additive: bool | None = None  # do several sources' figures add up? None: all but rate units do
    periods_per_year: int = 1

    def __post_init__(self):
        object.__setattr__(self, "kind", Kind(self.kind))  # the kind as stored: a plain string

    @classmethod
    def classify(cls, value: float, comparator: str = ">=", period_text: str = "", unit: str = "", *,
                 text: str = "", deadline_year: int | None = None, override: Kind | str | None = None,
                 additive: bool | None = None) -> Target:
        """A plan's target as written (comparator, 期间, unit, original text) with its kind decided
        by :func:`target_kind`; 人均/覆盖率 in the text makes it a ratio even with a count unit."""
        kind = target_kind(comparator, period_text, unit, text=text, override=override)
        if additive is None and any(word in (text or "") for word in RATIO_WORDS):
            additive = False
        return cls(float(value), kind, unit, deadline_year, additive, periods_per_year(period_text))

    @property
    def lower_is_better(self) -> bool:
        return self.kind == Kind.CEILING

    @property
    def adds_up(self) -> bool:
        return self.additive if self.additive is not None else not is_rate_unit(self.unit)

    @property
    def goal(self) -> float:
        """What a judged amount is compared with: a 每季度 target's year must reach value × 4."""
        return self.value * self.periods_per_year if self.kind == Kind.YEARLY else self.value


@dataclass(frozen=True)
class Figure:
    """One figure of one source (a reporting unit; None for a single series) in one year. ``as_of``
    (the reporting period's end) orders a source's figures within a year; without it, year end."""

    year: int
    value: float
    source: Hashable = None
    as_of: datetime.date | None = None

    @property
    def order(self) -> tuple[int, datetime.date]:
        return self.year, self.as_of or datetime.date(self.year, 12, 31)


def _source_amount(target: Target, figures: list[Figure], year: int, basis: Basis):
    """(order, amount) of one source's figures (sorted) for ``year``, or None."""
    if target.kind == Kind.YEARLY:
        figures = [f for f in figures if f.year == year]
    if not figures:
        return None
    if target.kind == Kind.CUMULATIVE and basis == Basis.PER_YEAR:
        # The latest figure of each year is that year's amount (a later one corrects an earlier one).
        return figures[-1].order, sum({f.year: f.value for f in figures}.values())
    return figures[-1].order, figures[-1].value


def amount_reached(target: Target, figures: Iterable[Figure], year: int | None = None, *,
                   basis: Basis) -> float | None:
    """What ``figures`` reached by the end of ``year`` (default: the latest year with a figure), or
    None when no figure counts. Per source: YEARLY → its figure of ``year``; CUMULATIVE → the sum of
    its years' amounts (PER_YEAR) or its latest figure (TO_DATE); LEVEL and CEILING → its latest
    figure. Then across sources: added up when the target adds up (each unit reports its own
    contribution); otherwise, among the sources with the latest figure, the best one (as the status
    lights have always done: a rate reported twice is not made worse by the second reporter)."""
    figures = sorted(figures, key=lambda f: (f.order, f.value))
    if year is None:
        if not figures:
            return None
        year = figures[-1].year
    by_source: dict[Hashable, list[Figure]] = {}
    for figure in figures:
        if figure.year <= year:
            by_source.setdefault(figure.source, []).append(figure)
    amounts = [a for fs in by_source.values() if (a := _source_amount(target, fs, year, basis)) is not None]
    if not amounts:
        return None
    if target.adds_up:
        return float(sum(amount for _, amount in amounts))
    latest = max(order for order, _ in amounts)
    best = min if target.lower_is_better else max
    return float(best(amount for order, amount in amounts if order == latest))


def series(target: Target, figures: Iterable[Figure], *, basis: Basis,
           until: int | None = None) -> tuple[tuple[int, float], ...]:
    """(year, amount reached) for every year up to ``until`` that has a figure, oldest first."""
    figures = [f for f in figures if until is None or f.year <= until]
    years = sorted({f.year for f in figures})
    return tuple((y, amount) for y in years if (amount := amount_reached(target, figures, y, basis=basis)) is not None)


def is_met(target: Target, amount: float | None) -> bool | None:
    """Boundaries count as met for every comparator: the parser reads 超过 as >=, and plans do not
    distinguish < from <= in practice."""
    if amount is None:
        return None
    return amount <= target.goal if target.lower_is_better else amount >= target.goal


def progress(target: Target, amount: float | None) -> float | None:
    """Share of the target met, not capped (1.3 = 30 % over; callers that average cap it).

    At least-targets: amount / goal, floored at 0. Ceilings: 1 while within, else goal / amount,
    the factor by which the figure still has to shrink, so both kinds read alike: 1 exactly at the
    boundary, continuous, and falling as the figure moves the wrong way. A goal of 0 or less has
    no meaningful ratio: 1 if met, else 0."""
    if amount is None:
        return None
    if is_met(target, amount):
        return amount / target.goal if target.goal > 0 and not target.lower_is_better else 1.0
    if target.goal <= 0:
        return 0.0
    return target.goal / amount if target.lower_is_better else max(0.0, amount / target.goal)


def gap(target: Target, amount: float | None) -> float | None:
    """How far the amount still is from the goal, in the target's unit (positive = not there yet)."""
    if amount is None:
        return None
    return amount - target.goal if target.lower_is_better else target.goal - amount


@dataclass(frozen=True)
class Line:
    """A least-squares line, kept as slope and centroid (numerically sound for years near 2000)."""

    slope: float
    mean_year: float
    mean_value: float

    def at(self, year: float) -> float:
        return self.mean_value + self.slope * (year - self.mean_year)


def fit_line(points: Iterable[tuple[float, float]]) -> Line | None:
    """Ordinary least squares on every (year, value) point; None with fewer than two distinct years.
    Points are sorted first so that the sums, and so the result, do not depend on their order."""
    points = sorted(points)
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return Line(sxy / sxx, mean_x, mean_y)


@dataclass(frozen=True)
class Projection:
    year: int  # the year projected to (the deadline)
    points: tuple[tuple[int, float], ...]  # the amounts the line was fitted to
    line: Line | None
    value: float | None  # the amount projected for ``year``
    verdict: Verdict

    @property
    def current(self) -> tuple[int, float] | None:
        return self.points[-1] if self.points else None


def project(target: Target, figures: Iterable[Figure], *, basis: Basis, year: int | None = None,
            until: int | None = None) -> Projection:
    """The amount reached each year (YEARLY: the year's amount; CUMULATIVE: the running total;
    LEVEL/CEILING: the standing figure), fitted by OLS and read at ``year`` (default: the target's
    deadline). Counts are floored at 0; nothing else is clamped (an impossible projection is a
    sign to read, not to hide). Verdict, first that applies: no figure → UNKNOWN; the latest amount
    meets the target → MET; the deadline has been reached without it → OFF_TRACK; fewer than two
    years → UNKNOWN; else ON_TRACK or OFF_TRACK as the projected amount meets the target or not."""
    deadline = year if year is not None else target.deadline_year
    if deadline is None:
        raise ValueError("projection needs a target year")
    points = series(target, figures, basis=basis, until=until)
    line = fit_line(points)
    value = None if line is None else line.at(deadline)
    if value is not None and target.adds_up:
        value = max(0.0, value)
    if not points:
        verdict = Verdict.UNKNOWN
    elif is_met(target, points[-1][1]):
        verdict = Verdict.MET
    elif points[-1][0] >= deadline:
        verdict = Verdict.OFF_TRACK
    elif value is None:
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.ON_TRACK if is_met(target, value) else Verdict.OFF_TRACK
    return Projection(deadline, points, line, value, verdict)


def expected_share(first_year: int, last_year: int, through: datetime.date) -> float:
    """Where a target should be by the end of ``through`` if it advanced evenly: the share of the
    days from 1 January ``first_year`` to 31 December ``last_year`` (both whole) that have passed.
    ``through`` is the last day counted (for status lights: the end of the latest past-due period)."""
    start, end = datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
    if through >= end:
        return 1.0
    if through < start:
        return 0.0
    return ((through - start).days + 1) / ((end - start).days + 1)
