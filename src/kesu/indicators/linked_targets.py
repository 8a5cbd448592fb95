"""Plan targets measured by an indicator, with a region's values of that indicator year by year, as
frozen dataclasses for readers above the domain apps (the evaluation report and the region
dashboard). They judge them with :func:`kesu.plans.attainment.project` on ``Basis.PER_YEAR``: an
indicator value is the amount of its own year.

One query for the links, then :func:`kesu.indicators.selectors.values` once for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kesu.indicators.models import LinkStatus, TargetLink
from kesu.indicators.selectors import Catalogue, values
from kesu.indicators.targets import judged_target
from kesu.org.models import Region
from kesu.planning.models import Plan
from kesu.plans.attainment import Figure, Target


@dataclass(frozen=True)
class LinkedTarget:
    """A plan target the office linked to an indicator (confirmed), with the region's values."""

    indicator_name: str
    unit: str  # the indicator's unit, else the target's
    target_value: float
    target_year: int  # the target's deadline, else the task's, else the plan's last year
    attainment: Target
    figures: tuple[Figure, ...]  # one per year with a value, oldest first (Basis.PER_YEAR)


def linked_targets(region: Region, plan: Plan, year: int) -> tuple[LinkedTarget, ...]:
    """The plan's confirmed target links in plan order, with ``region``'s values from the plan's first
    year up to ``year``."""
    links = list(
        TargetLink.objects.filter(target__task__plan=plan, status=LinkStatus.CONFIRMED)
        .select_related("indicator", "target", "target__task")
        .order_by("target__task__order", "target__order")
    )
    if not links:
        return ()
    indicators = list({link.indicator.code: link.indicator for link in links}.values())
    first_year = plan.period_start or year
    years = range(first_year, year + 1)
    catalogue = Catalogue.load()
    table = values([region], indicators, years, catalogue=catalogue)
    result = []
    for link in links:
        target = link.target
        target_year = target.deadline_year or target.task.deadline_year or plan.period_end or year
        result.append(LinkedTarget(
            indicator_name=link.indicator.name, unit=link.indicator.unit or target.unit,
            target_value=target.value, target_year=target_year,
            # Judged as the indicators page judges it: a stock (基地数量) is a level, not a running total.
            attainment=judged_target(link, target_year, catalogue),
            figures=tuple(
                Figure(y, value) for y in years
                if (value := table.value(region.code, link.indicator.code, y)) is not None
            ),
        ))
    return tuple(result)
