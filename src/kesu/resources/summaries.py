"""Typed figures of the registries for readers above the domain apps (the annual evaluation report and
the region dashboard): one region's subtree, one year, as frozen dataclasses.

The figures count what kesu.resources.feeds counts for 科普统计 (bases standing at the end of the year
by the level of their latest recognition, volunteers registered by then, …), restricted to the
region's subtree, so that the report and the indicators page agree (tests/evaluation checks both
against the registries). Experts carry no dates: they are the register as it stands today.

Three queries whatever the size of the registries: the recognitions behind the standing bases, one
row of scalar sub-selects for every other count, and the year's activities grouped by kind, audience
groups and month.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Func, IntegerField, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth

from kesu.indicators.models import DataValue
from kesu.org.models import Region
from kesu.resources.feeds import standing_bases
from kesu.resources.models import (
    Activity,
    ActivityKind,
    ApplicationStatus,
    Audience,
    BaseAnnualReport,
    BaseApplication,
    BaseLevel,
    Expert,
    Messenger,
    Organisation,
    OutreachBase,
    ReExamination,
    ReExaminationOutcome,
    ServiceRecord,
    TeamKind,
    Volunteer,
    VolunteerTeam,
)

POPULATION_ELEMENT = "resident_population"
UNSPECIFIED_AUDIENCE = "未注明"
# Highest first, as a report lists them.
LEVELS_HIGH_FIRST = tuple(reversed(BaseLevel))


@dataclass(frozen=True)
class LevelLine:
    level: str  # BaseLevel value
    label: str
    standing: int  # at the end of the year
    new: int  # recognised at this level during the year (first recognitions and upgrades)


@dataclass(frozen=True)
class ActivityLine:
    code: str
    label: str
    activities: int
    participants: int


@dataclass(frozen=True)
class ResourcesSummary:
    region_name: str
    year: int
    levels: tuple[LevelLine, ...]  # national first
    exhibition_area: float  # m², bases standing at the end of the year
    population: float | None  # the region's resident population, latest known up to the year
    population_year: int | None
    base_visitors: int  # reported in the bases' annual reports for the year
    annual_reports: int
    re_examined: int  # 复核 decided in the year
    re_examined_rectify: int
    re_examined_revoked: int
    experts: int  # on the register today (experts carry no dates)
    emergency_experts: int
    lecturers: int
    teams: int  # founded by the end of the year, on the register
    senior_teams: int
    volunteers: int  # registered by the end of the year, on the register
    senior_volunteers: int
    service_hours: float  # during the year
    service_records: int
    messengers: int  # appointed by the end of the year, on the register
    communities: int  # villages and communities those messengers serve
    organisations: int  # on the register today
    activities: int  # held in the year
    participants: int
    online_reach: int
    by_kind: tuple[ActivityLine, ...]  # every kind, in ActivityKind order
    by_audience: tuple[ActivityLine, ...]  # each key group an activity names counts it once
    by_month: tuple[int, ...]  # activities starting in January … December

    @property
    def standing(self) -> int:
        return sum(line.standing for line in self.levels)

    @property
    def new(self) -> int:
        return sum(line.new for line in self.levels)

    @property
    def area_per_10k(self) -> float | None:
        """m² of base exhibition area per 10,000 residents, where the population is known."""
        if not self.population:
            return None
        return self.exhibition_area / (self.population / 10_000)

    @property
    def has_people(self) -> bool:
        return any((self.experts, self.teams, self.volunteers, self.messengers, self.organisations))

    @property
    def is_empty(self) -> bool:
        return not (self.standing or self.new or self.has_people or self.activities or self.re_examined)


def _count(queryset: QuerySet, expression=None) -> Coalesce:
    """COUNT over the whole queryset as a scalar sub-select. An aggregate Func rather than Count keeps
    Django from adding a GROUP BY, so the sub-select returns exactly one row."""
    function = Func(expression if expression is not None else F("pk"), function="COUNT", output_field=IntegerField())
    return Coalesce(Subquery(queryset.order_by().annotate(_n=function).values("_n")), Value(0))


def _count_distinct(queryset: QuerySet, field: str) -> Coalesce:
    function = Func(F(field), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)",
                    output_field=IntegerField())
    return Coalesce(Subquery(queryset.order_by().annotate(_n=function).values("_n")), Value(0))


def _sum(queryset: QuerySet, field: str, output=FloatField) -> Coalesce:
    function = Func(F(field), function="SUM", output_field=output())
    return Coalesce(Subquery(queryset.order_by().annotate(_s=function).values("_s")), Value(0), output_field=output())


def _standing_levels(region: Region, year: int) -> dict[str, int]:
    """Standing bases in the subtree by level, by the rule of kesu.resources.feeds."""
    counts = dict.fromkeys((level.value for level in BaseLevel), 0)
    for _, level in standing_bases(year, within=region).values():
        counts[level] += 1
    return counts


def _scalars(region: Region, year: int) -> dict:
    subtree = Q(region__path__startswith=region.path)
    end = datetime.date(year, 12, 31)
    recognised = BaseApplication.objects.filter(status=ApplicationStatus.RECOGNISED,
                                                base__region__path__startswith=region.path)
    standing = OutreachBase.objects.filter(subtree).filter(
        Q(revoked_year__isnull=True) | Q(revoked_year__gt=year),
        pk__in=recognised.filter(year__lte=year).values("base_id"),
    )
    experts = Expert.objects.filter(subtree, is_active=True)
    teams = VolunteerTeam.objects.filter(subtree, Q(founded_year__isnull=True) | Q(founded_year__lte=year),
                                         is_active=True)
    volunteers = Volunteer.objects.filter(subtree, Q(registered_on__isnull=True) | Q(registered_on__lte=end),
                                          is_active=True)
    service = ServiceRecord.objects.filter(volunteer__region__path__startswith=region.path, date__year=year)
    messengers = Messenger.objects.filter(subtree, Q(since__isnull=True) | Q(since__lte=end), is_active=True)
    reports = BaseAnnualReport.objects.filter(base__region__path__startswith=region.path, year=year)
    re_examined = ReExamination.objects.filter(base__region__path__startswith=region.path, year=year)
    population = DataValue.objects.filter(
        region=region, element__code=POPULATION_ELEMENT, year__lte=year, quarter=0, unit__isnull=True,
        option__isnull=True,
    ).order_by("-year")
    columns = {
        "exhibition_area": _sum(standing, "exhibition_area"),
        **{f"new_{level.value}": _count(recognised.filter(year=year, level=level)) for level in BaseLevel},
        "base_visitors": _sum(reports, "visitors", IntegerField),
        "annual_reports": _count(reports),
        "re_examined": _count(re_examined),
        "re_examined_rectify": _count(re_examined.filter(outcome=ReExaminationOutcome.RECTIFY)),
        "re_examined_revoked": _count(re_examined.filter(outcome=ReExaminationOutcome.REVOKED)),
        "experts": _count(experts),
        "emergency_experts": _count(experts.filter(is_emergency=True)),
        "lecturers": _count(experts.filter(is_lecturer=True)),
        "teams": _count(teams),
        "senior_teams": _count(teams.filter(kind=TeamKind.SENIOR)),
        "volunteers": _count(volunteers),
        "senior_volunteers": _count(volunteers.filter(is_senior=True)),
        "service_hours": _sum(service, "hours"),
        "service_records": _count(service),
        "messengers": _count(messengers),
        "communities": _count_distinct(messengers, "community"),
        "organisations": _count(Organisation.objects.filter(subtree, is_active=True)),
        "population": Subquery(population.values("value")[:1]),
        "population_year": Subquery(population.values("year")[:1]),
    }
    return Region.objects.filter(pk=region.pk).annotate(**columns).values(*columns).get()


def _activity_lines(region: Region, year: int):
    rows = (
        Activity.objects.filter(region__path__startswith=region.path, year=year)
        .order_by().values("kind", "audiences", month=ExtractMonth("start_date"))
        .annotate(n=Count("pk"), people=Coalesce(Sum("participants"), 0), online=Coalesce(Sum("online_reach"), 0))
    )
    kinds: Counter = Counter()
    kind_people: Counter = Counter()
    groups: Counter = Counter()
    group_people: Counter = Counter()
    months = [0] * 12
    totals = [0, 0, 0]
    for row in rows:
        n, people = row["n"], row["people"]
        kinds[row["kind"]] += n
        kind_people[row["kind"]] += people
        for code in [c for c in row["audiences"].split(",") if c] or [UNSPECIFIED_AUDIENCE]:
            groups[code] += n
            group_people[code] += people
        months[row["month"] - 1] += n
        totals[0] += n
        totals[1] += people
        totals[2] += row["online"]
    by_kind = tuple(ActivityLine(code, label, kinds[code], kind_people[code]) for code, label in ActivityKind.choices)
    labels = dict(Audience.choices)
    by_audience = tuple(
        ActivityLine(code, labels.get(code, code), groups[code], group_people[code])
        for code in [*labels, *sorted(set(groups) - set(labels))] if groups[code]
    )
    return totals, by_kind, by_audience, tuple(months)


def resources_summary(region: Region, year: int) -> ResourcesSummary:
    standing = _standing_levels(region, year)
    scalars = _scalars(region, year)
    (activities, participants, online), by_kind, by_audience, by_month = _activity_lines(region, year)
    levels = tuple(
        LevelLine(level.value, level.label, standing[level.value], scalars[f"new_{level.value}"])
        for level in LEVELS_HIGH_FIRST
    )
    return ResourcesSummary(
        region_name=region.name, year=year, levels=levels,
        exhibition_area=float(scalars["exhibition_area"]), population=scalars["population"],
        population_year=scalars["population_year"], base_visitors=int(scalars["base_visitors"]),
        annual_reports=scalars["annual_reports"], re_examined=scalars["re_examined"],
        re_examined_rectify=scalars["re_examined_rectify"], re_examined_revoked=scalars["re_examined_revoked"],
        experts=scalars["experts"], emergency_experts=scalars["emergency_experts"], lecturers=scalars["lecturers"],
        teams=scalars["teams"], senior_teams=scalars["senior_teams"], volunteers=scalars["volunteers"],
        senior_volunteers=scalars["senior_volunteers"], service_hours=float(scalars["service_hours"]),
        service_records=scalars["service_records"], messengers=scalars["messengers"],
        communities=scalars["communities"], organisations=scalars["organisations"],
        activities=activities, participants=participants, online_reach=online,
        by_kind=by_kind, by_audience=by_audience, by_month=by_month,
    )
