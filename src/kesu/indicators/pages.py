"""Reads shaped for the indicators pages (list, editor, trend, entry, targets), so that the views
only scope, call and render. Built on kesu.indicators.selectors."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from kesu.indicators.models import (
    LOCKED_STATUSES,
    CategoryOption,
    DataElement,
    DataSet,
    DataValue,
    ElementGroup,
    Indicator,
    LinkStatus,
    Submission,
    TargetLink,
)
from kesu.indicators.selectors import (
    Catalogue,
    Completeness,
    EntryRow,
    Finding,
    IndicatorCell,
    compiled,
    completeness,
    entry_rows,
    referenced_element_ids,
    submission_for,
    validate,
    values,
)
from kesu.org.models import Region, RegionLevel


def default_year() -> int:
    # Statistics for a year are collected in the following spring.
    return datetime.date.today().year - 1


def data_set_or_default(code: str | None) -> DataSet | None:
    return DataSet.objects.filter(code=code).first() or DataSet.objects.first()


@dataclass
class CatalogueGroup:
    label: str
    indicators: list[Indicator]
    elements: list[DataElement]


def catalogue_groups(catalogue: Catalogue) -> list[CatalogueGroup]:
    """Indicators and active elements by group, as the list page shows them."""
    indicators = list(Indicator.objects.all())
    for indicator in indicators:
        indicator.formula_text = catalogue.indicator_text(indicator)
    elements = list(catalogue.elements.values())
    return [
        CatalogueGroup(label, [i for i in indicators if i.group == value],
                       [e for e in elements if e.group == value and e.active])
        for value, label in ElementGroup.choices
    ]


def fed_elements(indicator: Indicator, catalogue: Catalogue | None = None) -> list[DataElement]:
    """The elements of the indicator's formulas that a registry fills, for naming the source."""
    catalogue = catalogue or Catalogue.load()
    ids = referenced_element_ids(catalogue, compiled(indicator))
    return [catalogue.by_id[pk] for pk in sorted(ids) if catalogue.by_id[pk].feed is not None]


def inactive_elements(catalogue: Catalogue) -> list[DataElement]:
    return [e for e in catalogue.elements.values() if not e.active]


INDICATOR_FIELDS = ("code", "name", "group", "numerator", "denominator", "factor", "unit", "decimals", "keywords",
                    "definition")


def indicator_fields(indicator: Indicator) -> dict:
    return {name: getattr(indicator, name) for name in INDICATOR_FIELDS}


def indicator_copy(code: str, region: Region) -> dict | None:
    """The fields of indicator `code` as `region`'s own copy: how an office adapts a national one."""
    source = Indicator.objects.filter(code=code).first() if code else None
    if source is None:
        return None
    suffix = f"_{region.code}"
    return indicator_fields(source) | {
        "code": f"{source.code[:40 - len(suffix)]}{suffix}", "name": f"{source.name}（{region.name}）",
    }


def formula_sample(region: Region, fields: dict) -> tuple[Region, int, IndicatorCell]:
    """An unsaved indicator tried on the region's real values for the latest year."""
    unsaved = Indicator(**{k: fields[k] for k in ("code", "name", "numerator", "factor", "unit", "decimals")},
                        denominator=fields["denominator"] or "")
    year = default_year()
    return region, year, values([region], [unsaved], [year]).get(region.code, unsaved.code, year)


def element_fields(element: DataElement) -> dict:
    return {"code": element.code, "name": element.name, "group": element.group, "value_type": element.value_type,
            "unit": element.unit, "aggregation": element.aggregation, "category": element.category_id,
            "definition": element.definition}


def value_count(element: DataElement) -> int:
    return DataValue.objects.filter(element=element).count()


@dataclass
class IndicatorTrend:
    """An indicator for a region and each region under it over `years`, lower regions ranked by the
    latest year that has a value (those without one go last)."""

    years: list[int]
    own: list[IndicatorCell]
    rows: list[dict]
    charts: dict[str, dict]


def indicator_trend(indicator: Indicator, region: Region, last_year: int, span: int) -> IndicatorTrend:
    years = list(range(last_year - span + 1, last_year + 1))
    lower = list(region.children.order_by("code"))
    table = values([region, *lower], [indicator], years)
    rows = [{"region": r, "cells": [table.get(r.code, indicator.code, y) for y in years]} for r in lower]
    rows.sort(key=lambda row: (row["cells"][-1].result.value is None, -(row["cells"][-1].result.value or 0)))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["cells"][-1].result.value is not None else None
    charts = {
        f"trend_{row['region'].code}": {
            "title": row["region"].name, "type": "bar", "unit": indicator.unit, "colours": ["#2f6db5"],
            "categories": [str(y) for y in years],
            "series": [{"name": indicator.name, "data": [c.result.value for c in row["cells"]]}],
            "rows": [[str(y), c.result.value] for y, c in zip(years, row["cells"], strict=True)],
        }
        for row in rows
    }
    own = [table.get(region.code, indicator.code, y) for y in years]
    return IndicatorTrend(years, own, rows, charts)


@dataclass
class EntryPage:
    data_sets: Any
    submission: Submission | None
    locked: bool
    rows: list[EntryRow]
    findings: list[Finding]
    lower: Any
    completeness: Completeness


def entry_page(data_set: DataSet, region: Region, year: int, quarter: int, unit=None) -> EntryPage:
    submission = submission_for(data_set, region, year, quarter, unit)
    rows = entry_rows(data_set, region, year, quarter, unit)
    return EntryPage(
        data_sets=DataSet.objects.all(), submission=submission,
        locked=submission is not None and submission.status in LOCKED_STATUSES,
        rows=rows, findings=validate(data_set, region, year, quarter, unit),
        lower=region.children.order_by("code") if unit is None else [],
        completeness=completeness(rows),
    )


def entry_cell(catalogue: Catalogue, data_set: DataSet, key: str) -> tuple[DataElement, CategoryOption | None] | None:
    """The active element (and category option) of `data_set` an entry page's key names, or None."""
    element_code, _, option_code = (key or "").partition(".")
    element = catalogue.elements.get(element_code)
    if element is None or not element.active or not data_set.elements.filter(pk=element.pk).exists():
        return None
    return element, catalogue.options[element.pk].get(option_code) if option_code else None


def plan_target_links(plan) -> list[tuple]:
    """Each target of the plan with its indicator link (None when there is none)."""
    from kesu.planning.models import Target

    targets = Target.objects.filter(task__plan=plan).select_related("task", "indicator_link__indicator")
    return [(t, getattr(t, "indicator_link", None)) for t in targets]


def confirmed_links(plan) -> list[TargetLink]:
    return list(
        TargetLink.objects.filter(target__task__plan=plan, status=LinkStatus.CONFIRMED)
        .select_related("target__task__plan__region", "indicator")
    )


def targets_in(tasks):
    """The plan targets of `tasks` (a scoped queryset), ready for a link decision."""
    from kesu.planning.models import Target

    return Target.objects.filter(task__in=tasks).select_related("task__plan__region")


@dataclass(frozen=True)
class RegionChoice:
    code: str
    label: str


@dataclass(frozen=True)
class RegionGroup:
    label: str
    regions: list[RegionChoice]


def region_groups(regions) -> list[RegionGroup]:
    """The regions a picker offers (a scoped queryset), grouped by level from the top down; a county
    or township is named with the region above it, as two townships of one name are common."""
    rows = list(regions.select_related("parent").order_by("path"))
    groups = []
    for level, label in RegionLevel.choices:
        choices = [
            RegionChoice(r.code, f"{r.name}（{r.parent.name}）" if r.parent_id and level != RegionLevel.CITY
                         else r.name)
            for r in rows if r.level == level
        ]
        if choices:
            groups.append(RegionGroup(label, choices))
    return groups
