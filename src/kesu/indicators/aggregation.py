"""Aggregation of region-level values over quarters and up the region hierarchy.

Over periods (quarters → year), by the element's rule: sum adds quarters, average takes their mean,
last takes the latest quarter (stocks such as 常住人口), none does not aggregate. A value entered
for the whole year (quarter 0) wins over its quarters.

Up the hierarchy: the children total of a region is the sum (sum, last) or mean (average) of its
children's effective values; a child's effective value is its own entered value when there is one,
else its children total. A region shows both its own value and its children total, and a mismatch
is flagged when both exist and differ (see docs/decisions.md, “Indicators: aggregation”).

`aggregate` reads everything it needs in two queries (regions of the subtrees, values) whatever
the number of regions, and rolls up in Python — measured faster than the SQL alternatives at
national scale (bench/bench_indicators.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from kesu.indicators.models import AggregationRule

MISMATCH_TOLERANCE = 0.005  # relative; rounding of a total typed by hand should not be flagged

CellKey = tuple[int, int | None]  # (element_id, option_id)


def aggregate_periods(rule: str, quarterly: dict[int, float]) -> float | None:
    """The year's value from {quarter: value} (quarter 0 = entered for the whole year)."""
    if 0 in quarterly:
        return quarterly[0]
    if not quarterly or rule == AggregationRule.NONE:
        return None
    if rule == AggregationRule.SUM:
        return sum(quarterly.values())
    if rule == AggregationRule.AVERAGE:
        return sum(quarterly.values()) / len(quarterly)
    return quarterly[max(quarterly)]


@dataclass(frozen=True)
class Aggregate:
    own: float | None
    children: float | None

    @property
    def effective(self) -> float | None:
        return self.own if self.own is not None else self.children

    @property
    def mismatch(self) -> bool:
        if self.own is None or self.children is None:
            return False
        scale = max(abs(self.own), abs(self.children), 1e-9)
        return abs(self.own - self.children) / scale > MISMATCH_TOLERANCE


def roll_up(
    parents: dict[int, int | None],
    depth: dict[int, int],
    own: dict[int, dict[CellKey, float]],
    rules: dict[int, str],
) -> dict[int, dict[CellKey, Aggregate]]:
    """Bottom-up over the region tree. `parents` maps every loaded region to its parent (None at the
    top of what was loaded); `own` holds the values entered for each region."""
    accumulators: dict[int, dict[CellKey, list[float]]] = defaultdict(dict)
    result: dict[int, dict[CellKey, Aggregate]] = {}
    for region_id in sorted(parents, key=depth.__getitem__, reverse=True):
        own_cells = own.get(region_id, {})
        child_cells = accumulators.pop(region_id, {})
        cells: dict[CellKey, Aggregate] = {}
        for key in own_cells.keys() | child_cells.keys():
            rule = rules[key[0]]
            children_total = None
            if key in child_cells and rule != AggregationRule.NONE:
                total, count = child_cells[key]
                children_total = total / count if rule == AggregationRule.AVERAGE else total
            cells[key] = Aggregate(own_cells.get(key), children_total)
        result[region_id] = cells
        parent = parents[region_id]
        if parent is None:
            continue
        parent_cells = accumulators[parent]
        for key, cell in cells.items():
            value = cell.effective
            if value is None:
                continue
            slot = parent_cells.get(key)
            if slot is None:
                parent_cells[key] = [value, 1]
            else:
                slot[0] += value
                slot[1] += 1
    return result


@dataclass
class AggregatedValues:
    """Aggregates per (region_id, year) → {(element_id, option_id): Aggregate}, for the subtrees of the
    requested regions."""

    cells: dict[tuple[int, int], dict[CellKey, Aggregate]]
    regions: dict[int, tuple[str, int | None]]  # id → (path, parent_id)

    def get(self, region_id: int, year: int) -> dict[CellKey, Aggregate]:
        return self.cells.get((region_id, year), {})


def aggregate(
    roots: Iterable,
    element_rules: dict[int, str],
    years: Iterable[int],
    quarter: int | None = None,
) -> AggregatedValues:
    """Aggregate region-level values (unit IS NULL) of the given elements for the subtrees of `roots`.

    quarter None: whole years (quarters aggregated by rule); a number: that quarter only.
    """
    from kesu.indicators.models import DataValue
    from kesu.org.models import Region

    roots = list(roots)
    years = sorted(set(years))
    if not roots or not years or not element_rules:
        return AggregatedValues({}, {})
    # Keep only the outermost roots so that overlapping subtrees are loaded once.
    paths = sorted({root.path for root in roots})
    outer = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
    in_subtrees = Q()
    for path in outer:
        in_subtrees |= Q(path__startswith=path)
    region_rows = list(Region.objects.filter(in_subtrees).values_list("id", "parent_id", "path"))
    loaded = {row[0] for row in region_rows}
    parents = {rid: (parent if parent in loaded else None) for rid, parent, _ in region_rows}
    depth = {rid: path.count("/") for rid, _, path in region_rows}

    value_filter = Q()
    for path in outer:
        value_filter |= Q(region__path__startswith=path)
    rows = DataValue.objects.filter(
        value_filter, element_id__in=list(element_rules), year__in=years, unit__isnull=True
    )
    if quarter is not None:
        rows = rows.filter(quarter=quarter)
    raw: dict[tuple[int, int], dict[CellKey, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for region_id, element_id, option_id, year, row_quarter, value in rows.values_list(
        "region_id", "element_id", "option_id", "year", "quarter", "value"
    ).iterator(chunk_size=20000):
        raw[(year, region_id)][(element_id, option_id)][row_quarter] = value

    cells: dict[tuple[int, int], dict[CellKey, Aggregate]] = {}
    for year in years:
        own: dict[int, dict[CellKey, float]] = {}
        for (value_year, region_id), by_cell in raw.items():
            if value_year != year:
                continue
            own_cells = {}
            for key, quarterly in by_cell.items():
                value = aggregate_periods(element_rules[key[0]], quarterly)
                if value is not None:
                    own_cells[key] = value
            own[region_id] = own_cells
        for region_id, region_cells in roll_up(parents, depth, own, element_rules).items():
            if region_cells:
                cells[(region_id, year)] = region_cells
    regions = {rid: (path, parents[rid]) for rid, _, path in region_rows}
    return AggregatedValues(cells, regions)
