"""Reporting periods (填报周期) of a plan: the default scheme created on import and changes to it."""

from __future__ import annotations

import datetime

from django.db import transaction

from kesu.audit.models import AuditAction
from kesu.audit.registry import record, snapshot
from kesu.planning.models import Plan
from kesu.progress.models import PeriodKind, ReportingPeriod

# Units report this many days after a period ends.
DUE_AFTER_DAYS = 15


class PeriodSchemeError(ValueError):
    pass


def _periods_of_year(year: int, kind: str) -> list[tuple[str, datetime.date, datetime.date]]:
    if kind == PeriodKind.YEARLY:
        return [(f"{year}年度", datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    if kind == PeriodKind.HALF_YEARLY:
        return [
            (f"{year}年上半年", datetime.date(year, 1, 1), datetime.date(year, 6, 30)),
            (f"{year}年下半年", datetime.date(year, 7, 1), datetime.date(year, 12, 31)),
        ]
    if kind == PeriodKind.QUARTERLY:
        ends = [(3, 31), (6, 30), (9, 30), (12, 31)]
        return [
            (f"{year}年第{q + 1}季度", datetime.date(year, 3 * q + 1, 1), datetime.date(year, *ends[q]))
            for q in range(4)
        ]
    raise PeriodSchemeError(f"填报周期类型“{kind}”无效，应为 {'/'.join(PeriodKind.values)}")


def plan_years(plan: Plan) -> tuple[int, int]:
    """The plan's period; when the document gave none, its headline year bounds a five-year span."""
    end = plan.period_end or plan.headline_year or (plan.period_start + 4 if plan.period_start else None)
    start = plan.period_start or (end - 4 if end else None)
    if start is None or end is None:
        year = (plan.issued_on or datetime.date.today()).year
        start, end = year, year + 4
    if end < start:
        raise PeriodSchemeError(f"方案实施期 {start}—{end} 年无效：截止年早于起始年")
    return start, end


@transaction.atomic
def create_reporting_periods(
    plan: Plan, kind: str = PeriodKind.HALF_YEARLY, *, start_from: datetime.date | None = None,
    before_issue: bool = False,
) -> list[ReportingPeriod]:
    """Lay the plan's period out in reporting periods of `kind`, each due 15 days after it ends.

    The first period is the one containing the plan's issue date (`plan.issued_on`): units cannot
    have reported on a plan before it was issued (a plan for 2021—2025 issued in January 2024 starts
    with 2024). `before_issue=True` lays out the whole plan period instead, when the office says at
    import that the units reported on the earlier years too. A plan without an issue date gets
    the whole period.

    Changing the scheme later: periods that already hold reports are kept (their history must not
    move); the other existing periods are removed and the new scheme fills the remaining time.
    `start_from` skips periods that ended before that date (used for a revised plan version, whose
    past periods belong to the previous version).
    """
    if not before_issue and plan.issued_on is not None:
        start_from = max(start_from or plan.issued_on, plan.issued_on)
    start_year, end_year = plan_years(plan)
    layout = [p for year in range(start_year, end_year + 1) for p in _periods_of_year(year, kind)]

    kept = list(plan.periods.filter(reports__isnull=False).distinct())
    for period in plan.periods.filter(reports__isnull=True):
        record(AuditAction.DELETE, period, snapshot(period), None, reason="更换填报周期方案")
        period.delete()

    created = []
    for label, start, end in layout:
        if start_from is not None and end < start_from:
            continue
        if any(k.label == label or (k.start <= end and start <= k.end) for k in kept):
            continue
        period = ReportingPeriod.objects.create(
            plan=plan, kind=kind, label=label, start=start, end=end,
            due=end + datetime.timedelta(days=DUE_AFTER_DAYS),
        )
        record(AuditAction.CREATE, period, None, snapshot(period), reason="生成填报周期")
        created.append(period)
    return created
