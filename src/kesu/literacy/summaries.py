"""公民具备科学素质的比例 for readers above the domain apps (the evaluation report and the region
dashboard): a wave's estimates and the trend across waves as frozen dataclasses whose every rate is
a share between 0 and 1, so that no reader has to guess whether a number is a share or a percentage.
"""

from __future__ import annotations

from dataclasses import dataclass

from kesu.literacy.selectors import (
    DEFAULT_CI_METHOD,
    headline_share,
    literacy_estimates,
    literacy_trend,
)
from kesu.org.models import Region
from kesu.planning.models import Plan


@dataclass(frozen=True)
class LiteracyShare:
    """One domain of a wave: the share (0–1), its standard error and confidence bounds (shares)."""

    domain: str  # "总体" for the whole population, else "<group>：<level>" (性别：女, 区划：吴兴区)
    overall: bool
    share: float
    se: float | None
    low: float | None
    high: float | None
    n: int
    wave_year: int
    region_name: str


@dataclass(frozen=True)
class SharePoint:
    """The whole population's share (0–1) in one survey year, with its confidence bounds."""

    year: int
    share: float
    low: float | None
    high: float | None


def wave_shares(region: Region, year: int | None = None, *, ci: str = DEFAULT_CI_METHOD) -> tuple[LiteracyShare, ...]:
    """The estimates of the region's wave of ``year`` (None: its latest), overall first; domains
    without an estimate are left out. Empty when there is no such wave."""
    return tuple(
        LiteracyShare(
            domain=row.domain, overall=not row.dimension, share=row.estimate, se=row.se, low=row.ci_low,
            high=row.ci_high, n=row.n, wave_year=row.wave_year, region_name=row.region_name,
        )
        for row in literacy_estimates(region, year, ci=ci)
        if row.estimate is not None
    )


def share_trend(region: Region, *, until_year: int | None = None,
                ci: str = DEFAULT_CI_METHOD) -> tuple[SharePoint, ...]:
    """The overall share of every active wave up to ``until_year``, oldest first (one query)."""
    return tuple(
        SharePoint(point.year, point.estimate, point.ci_low, point.ci_high)
        for point in literacy_trend(region, until_year=until_year, ci=ci)
        if point.estimate is not None
    )


def headline_target_share(plan: Plan) -> float | None:
    """The plan's headline target (公民具备科学素质的比例) as a share, or None when it sets none."""
    return None if plan.headline_value is None else headline_share(plan)

