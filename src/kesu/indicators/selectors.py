"""Reads: the element/indicator catalogue, indicator tables over regions × years, the entry form's
rows, validation findings and review queues. Query counts are bounded and independent of the
number of regions (see tests/indicators/test_aggregation.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import QuerySet

from kesu.audit.registry import history_for
from kesu.indicators import formulas
from kesu.indicators.aggregation import Aggregate, aggregate
from kesu.indicators.models import (
    LOCKED_STATUSES,
    BlankReason,
    CategoryOption,
    DataElement,
    DataSet,
    DataValue,
    Indicator,
    RuleOperator,
    Submission,
    ValidationRule,
    ValueStatus,
)
from kesu.org.models import Region
from kesu.progress.selectors import HistoryRow, history_rows


@dataclass
class Catalogue:
    """Every data element with its category options, loaded in two queries."""

    elements: dict[str, DataElement]
    options: dict[int, dict[str, CategoryOption]]  # element id → option code → option

    @classmethod
    def load(cls) -> Catalogue:
        elements = {e.code: e for e in DataElement.objects.all()}
        by_category: dict[int, dict[str, CategoryOption]] = {}
        for option in CategoryOption.objects.all():
            by_category.setdefault(option.category_id, {})[option.code] = option
        options = {e.pk: by_category.get(e.category_id, {}) if e.category_id else {} for e in elements.values()}
        return cls(elements, options)

    @cached_property
    def by_id(self) -> dict[int, DataElement]:
        return {e.pk: e for e in self.elements.values()}

    def name_of(self, code: str, option_code: str | None = None) -> str:
        """A reference in words: "科普人员（专职）"; an unknown code stays as typed."""
        element = self.elements.get(code)
        if element is None:
            return f"{code}.{option_code}" if option_code else code
        option = self.options[element.pk].get(option_code) if option_code else None
        if option_code and option is None:
            return f"{element.name}（{option_code}）"
        return f"{element.name}（{option.name}）" if option else element.name

    def formula_text(self, source: str) -> str:
        return formulas.display(source, self.name_of)

    def indicator_text(self, indicator) -> str:
        """The indicator's formula as an office reads it; the stored expression is unchanged."""
        return formulas.display_indicator(indicator.numerator, indicator.denominator or "", indicator.factor,
                                          self.name_of)

    def formula_elements(self) -> dict[str, tuple[str, frozenset[str]]]:
        return {code: (e.unit, frozenset(self.options[e.pk])) for code, e in self.elements.items()}

    def rows_for(self, elements: Iterable[DataElement]) -> list[tuple[DataElement, CategoryOption | None]]:
        """Entry rows (the page's and the Excel template's): one per element, or one per option for a
        disaggregated element; deactivated elements are no longer collected and get none."""
        rows = []
        for element in elements:
            if not element.active:
                continue
            options = list(self.options[element.pk].values())
            rows.extend((element, option) for option in options) if options else rows.append((element, None))
        return rows

    def lookup(self, cells: dict[tuple[int, int | None], float]):
        """A formula lookup over {(element_id, option_id): value}; a disaggregated element's total
        is the sum of its options."""

        def resolve(code: str, option_code: str | None) -> float | None:
            element = self.elements.get(code)
            if element is None:
                return None
            options = self.options[element.pk]
            if option_code:
                option = options.get(option_code)
                return cells.get((element.pk, option.pk)) if option else None
            if not options:
                return cells.get((element.pk, None))
            present = [cells[(element.pk, o.pk)] for o in options.values() if (element.pk, o.pk) in cells]
            return sum(present) if present else None

        return resolve


def check_formula(numerator: str, denominator: str, factor: float, unit: str,
                  catalogue: Catalogue | None = None) -> formulas.FormulaCheck:
    """The editor's check: formulas.check_indicator, plus a warning for each deactivated element the
    formula uses (still valid, as its values are kept, but it gets no new values)."""
    catalogue = catalogue or Catalogue.load()
    check = formulas.check_indicator(numerator, denominator or "", factor, unit, catalogue.formula_elements())
    if check.ok:
        sources = [numerator] + ([denominator] if (denominator or "").strip() else [])
        codes = dict.fromkeys(ref.element for source in sources for ref in formulas.references(formulas.parse(source)))
        check.warnings.extend(
            f"数据项“{catalogue.elements[code].name}”（{code}）已停用，不再收集新数据"
            for code in codes if not catalogue.elements[code].active
        )
    return check


def indicators_using(element: DataElement) -> list[Indicator]:
    """Indicators whose formulas refer to `element` (parsed, so a code inside another is no match)."""
    return [
        indicator for indicator in Indicator.objects.all()
        if any(ref.element == element.code for node in compiled(indicator) if node is not None
               for ref in formulas.references(node))
    ]


def definition_history(definition, limit: int = 50) -> list[HistoryRow]:
    """The audit log of a data element or indicator, newest first, as the tracking pages show it."""
    return history_rows(list(history_for(definition)[:limit]))


def compiled(indicator: Indicator) -> tuple[formulas.Node, formulas.Node | None]:
    numerator = formulas.parse(indicator.numerator)
    denominator = formulas.parse(indicator.denominator) if indicator.denominator.strip() else None
    return numerator, denominator


def referenced_element_ids(catalogue: Catalogue, nodes: Iterable[formulas.Node | None]) -> set[int]:
    ids = set()
    for node in nodes:
        if node is None:
            continue
        for ref in formulas.references(node):
            if ref.element in catalogue.elements:
                ids.add(catalogue.elements[ref.element].pk)
    return ids


@dataclass
class IndicatorCell:
    result: formulas.IndicatorResult
    children_result: formulas.IndicatorResult | None
    mismatch: bool


@dataclass
class IndicatorTable:
    regions: list[Region]
    indicators: list[Indicator]
    years: list[int]
    cells: dict[tuple[str, str, int], IndicatorCell] = field(default_factory=dict)

    def get(self, region_code: str, indicator_code: str, year: int) -> IndicatorCell:
        return self.cells[(region_code, indicator_code, year)]

    def value(self, region_code: str, indicator_code: str, year: int) -> float | None:
        return self.get(region_code, indicator_code, year).result.value


def _effective(cells: dict, pick) -> dict:
    return {key: value for key, agg in cells.items() if (value := pick(agg)) is not None}


def values(
    regions: Iterable[Region],
    indicators: Iterable[Indicator],
    periods: Iterable[int],
    *,
    quarter: int | None = None,
    catalogue: Catalogue | None = None,
) -> IndicatorTable:
    """Every indicator for every region (its subtree aggregated) and year: catalogue (2 queries),
    regions (1) and values (1), whatever the number of regions, indicators or years."""
    regions, indicators, years = list(regions), list(indicators), sorted(set(periods))
    catalogue = catalogue or Catalogue.load()
    parsed = {indicator.code: compiled(indicator) for indicator in indicators}
    element_ids = referenced_element_ids(catalogue, (n for pair in parsed.values() for n in pair))
    rules = {eid: catalogue.by_id[eid].aggregation for eid in element_ids}
    aggregated = aggregate(regions, rules, years, quarter=quarter)
    table = IndicatorTable(regions, indicators, years)
    for region in regions:
        for year in years:
            cells = aggregated.get(region.pk, year)
            effective = catalogue.lookup(_effective(cells, lambda a: a.effective))
            from_children = catalogue.lookup(
                _effective(cells, lambda a: a.children if a.children is not None else a.own)
            )
            any_mismatch = any(agg.mismatch for agg in cells.values())
            for indicator in indicators:
                numerator, denominator = parsed[indicator.code]
                result = formulas.compute_indicator(
                    numerator, denominator, indicator.factor, effective, indicator.decimals
                )
                children_result = None
                mismatch = False
                if any_mismatch:
                    ids = referenced_element_ids(catalogue, (numerator, denominator))
                    if any(agg.mismatch for key, agg in cells.items() if key[0] in ids):
                        mismatch = True
                        children_result = formulas.compute_indicator(
                            numerator, denominator, indicator.factor, from_children, indicator.decimals
                        )
                table.cells[(region.code, indicator.code, year)] = IndicatorCell(result, children_result, mismatch)
    return table


# --- data entry ------------------------------------------------------------------------------


@dataclass
class EntryRow:
    element: DataElement
    option: CategoryOption | None
    value: DataValue | None
    aggregate: Aggregate | None  # the region's children total, when it has children
    provenance_url: str | None = None  # the registry's list of the records behind a fed value
    blank_reason: BlankReason | None = None  # why the cell is left blank, when it is

    @property
    def fill(self) -> str:
        """How the cell stands for the completeness check: "filled" (a number, or counted by a
        registry or from the regions below), "zero", "explained" (blank with a reason) or "blank"."""
        if self.value is not None:
            return "zero" if self.value.value == 0 else "filled"
        if self.fed_by or (self.aggregate is not None and self.aggregate.children is not None):
            return "filled"
        return "explained" if self.blank_reason is not None else "blank"

    @property
    def reason_kind(self) -> str:
        return self.blank_reason.kind if self.blank_reason else ""

    @property
    def reason_note(self) -> str:
        return self.blank_reason.note if self.blank_reason else ""

    @property
    def label(self) -> str:
        return f"{self.element.name}（{self.option.name}）" if self.option else self.element.name

    @property
    def key(self) -> str:
        return f"{self.element.code}.{self.option.code}" if self.option else self.element.code

    @property
    def locked(self) -> bool:
        return self.value is not None and self.value.status in LOCKED_STATUSES

    @property
    def fed_by(self) -> str | None:
        """The registry the value is summed from (the row is then read-only), if any."""
        feed = self.element.feed
        return feed.source if feed else None


def own_values(region: Region, year: int, quarter: int, unit=None, element_ids=None) -> dict:
    rows = DataValue.objects.filter(region=region, year=year, quarter=quarter, unit=unit)
    if element_ids is not None:
        rows = rows.filter(element_id__in=element_ids)
    return {(v.element_id, v.option_id): v for v in rows}


def entry_rows(
    data_set: DataSet, region: Region, year: int, quarter: int = 0, unit=None, catalogue: Catalogue | None = None
) -> list[EntryRow]:
    catalogue = catalogue or Catalogue.load()
    elements = list(data_set.elements.order_by("order", "code"))
    stored = own_values(region, year, quarter, unit)
    children: dict = {}
    if unit is None and region.children.exists():
        rules = {e.pk: e.aggregation for e in elements}
        children = aggregate([region], rules, [year], quarter=quarter or None).get(region.pk, year)
    reasons = {(r.element_id, r.option_id): r
               for r in BlankReason.objects.filter(region=region, year=year, quarter=quarter, unit=unit)}
    rows = []
    for element, option in catalogue.rows_for(elements):
        cell = (element.pk, option.pk if option else None)
        feed = element.feed
        # Registries count by year; a unit's own values are not theirs.
        url = feed.url_for(region.code, year, option.code if option else None) if feed and unit is None else None
        value = stored.get(cell)
        rows.append(EntryRow(element, option, value, children.get(cell), url,
                             reasons.get(cell) if value is None else None))
    return rows


@dataclass(frozen=True)
class Completeness:
    """How far a data set's cells are filled in, as checked before 报送: a blank needs a reason."""

    total: int
    filled: int  # numbers other than 0, and cells counted by a registry or from the regions below
    zero: int
    explained: int  # blank, with a reason
    missing: tuple[EntryRow, ...]  # blank, without a reason

    @property
    def complete(self) -> bool:
        return not self.missing

    def refusal(self, shown: int = 10) -> str:
        """Why 报送 is refused, naming the blank cells (the first `shown` of them)."""
        names = "、".join(row.label for row in self.missing[:shown])
        more = f"等 {len(self.missing)} 项" if len(self.missing) > shown else ""
        return (f"{self.total} 项中 {len(self.missing)} 项未填写，且未说明原因：{names}{more}。"
                "请填写数值（没有的填 0），或为空项选择原因（数据暂缺、不适用或其他）后再报送")


def completeness(rows: list[EntryRow]) -> Completeness:
    by_fill: dict[str, list[EntryRow]] = {"filled": [], "zero": [], "explained": [], "blank": []}
    for row in rows:
        by_fill[row.fill].append(row)
    return Completeness(len(rows), len(by_fill["filled"]), len(by_fill["zero"]), len(by_fill["explained"]),
                        tuple(by_fill["blank"]))


def submission_for(data_set: DataSet, region: Region, year: int, quarter: int = 0, unit=None) -> Submission | None:
    return Submission.objects.filter(data_set=data_set, region=region, year=year, quarter=quarter, unit=unit).first()


def visible_submissions(user) -> QuerySet[Submission]:
    """Submissions of the user's region and every region under it."""
    if not user.is_authenticated or user.region_id is None:
        return Submission.objects.none()
    return Submission.objects.filter(region__path__startswith=user.region.path).select_related(
        "region", "data_set", "unit"
    )


def pending_reviews(user) -> list[Submission]:
    """Submissions of regions strictly below the user's region awaiting review."""
    return list(
        visible_submissions(user).filter(status=ValueStatus.SUBMITTED).exclude(region_id=user.region_id)
        .select_related("submitted_by").order_by("submitted_at")
    )


# --- validation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A rule the values break, with both sides in words (the elements' names) and figures."""

    rule: ValidationRule
    left: float | None
    right: float | None
    left_label: str = ""
    right_label: str = ""

    @property
    def is_error(self) -> bool:
        return self.rule.importance == "error"

    @property
    def comparison(self) -> str:
        """What is wrong, in the order the rule reads: "政府拨款（600）不应大于年度科普经费筹集额（560）"."""
        left_label = self.left_label or self.rule.left
        if self.rule.operator == RuleOperator.JUMP:
            change = (self.left / self.right - 1) * 100 if self.left is not None and self.right else None
            changed = f"，变动 {_fmt(round(change, 1))}%" if change is not None else ""
            return (f"{left_label}本期 {_fmt(self.left)}，上年 {_fmt(self.right)}{changed}，"
                    f"超过允许的 {_fmt(float(self.rule.right))}%")
        right_label = self.right_label or self.rule.right
        words = BROKEN_RULE_WORDS[self.rule.operator]
        return f"{left_label}（{_fmt(self.left)}）{words}{right_label}（{_fmt(self.right)}）"

    def __str__(self) -> str:
        return f"{self.rule.name}：{self.comparison}"


# What a broken rule means, read left to right: `left <= right` broken means left is too large.
BROKEN_RULE_WORDS = {
    RuleOperator.LE: "不应大于",
    RuleOperator.LT: "应小于",
    RuleOperator.GE: "不应小于",
    RuleOperator.GT: "应大于",
    RuleOperator.EQ: "应等于",
}


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


_COMPARE = {
    RuleOperator.LE: lambda a, b: a <= b,
    RuleOperator.LT: lambda a, b: a < b,
    RuleOperator.GE: lambda a, b: a >= b,
    RuleOperator.GT: lambda a, b: a > b,
    RuleOperator.EQ: lambda a, b: abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1),
}


def _safe(node, lookup) -> float | None:
    try:
        return formulas.evaluate(node, lookup)
    except formulas.ZeroDenominator:
        return None


def validate(
    data_set: DataSet, region: Region, year: int, quarter: int = 0, unit=None, catalogue: Catalogue | None = None
) -> list[Finding]:
    """Violations of the data set's rules on the region's (or unit's) own values; rules whose
    values are missing are skipped (nothing to check yet)."""
    catalogue = catalogue or Catalogue.load()
    rows = DataValue.objects.filter(region=region, unit=unit, quarter=quarter, year__in=[year - 1, year])
    by_year: dict[int, dict] = {year - 1: {}, year: {}}
    for row in rows.values_list("year", "element_id", "option_id", "value"):
        by_year[row[0]][(row[1], row[2])] = row[3]
    current, previous = catalogue.lookup(by_year[year]), catalogue.lookup(by_year[year - 1])
    findings = []
    for rule in data_set.rules.all():
        left_node = formulas.parse(rule.left)
        if rule.operator == RuleOperator.JUMP:
            now, before = _safe(left_node, current), _safe(left_node, previous)
            limit = float(rule.right)
            if now is not None and before not in (None, 0) and abs(now / before - 1) * 100 > limit:
                findings.append(Finding(rule, now, before, catalogue.formula_text(rule.left)))
            continue
        left, right = _safe(left_node, current), _safe(formulas.parse(rule.right), current)
        if left is not None and right is not None and not _COMPARE[rule.operator](left, right):
            findings.append(Finding(rule, left, right, catalogue.formula_text(rule.left),
                                    catalogue.formula_text(rule.right)))
    return findings
