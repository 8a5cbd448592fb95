"""Plan targets ↔ indicators: a scoring matcher that suggests which indicator measures a target, the
services that record the office's decision, and progress toward confirmed targets.

Score (0 – about 1.2) = 0.6 × share of the indicator name's character pairs found in the target
+ 0.4 × length of the longest indicator keyword found (8 characters or more count fully, so that
市级科普教育基地 beats 科普教育基地) + 0.2 when the units measure the same kind of thing, − 0.3
when they clearly do not (人 vs 平方米). Suggestions need SUGGESTION_THRESHOLD.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone

from kesu.indicators import formulas
from kesu.indicators.models import AggregationRule, Indicator, LinkStatus, TargetLink
from kesu.plans import attainment
from kesu.plans.attainment import Basis, Kind, Verdict

SUGGESTION_THRESHOLD = 0.5

_UNIT_KINDS = {
    "人次": "person_times", "万人次": "person_times",
    "人": "persons", "名": "persons", "位": "persons", "万人": "persons",
    "个": "count", "家": "count", "所": "count", "座": "count", "处": "count", "站": "count", "馆": "count",
    "平方米": "area", "万平方米": "area", "平米": "area",
    "%": "percent", "个百分点": "percent",
    "元": "money", "万元": "money", "亿元": "money",
    "次": "events", "场": "events", "场次": "events", "期": "events",
}
_RELATED_KINDS = {frozenset({"persons", "person_times"})}


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _unit_kind(unit: str) -> str | None:
    return _UNIT_KINDS.get((unit or "").split("/")[0].strip())


def match_score(target_text: str, target_unit: str, indicator: Indicator) -> float:
    name_pairs = _pairs(indicator.name)
    text_pairs = _pairs(target_text)
    name_share = len(name_pairs & text_pairs) / len(name_pairs) if name_pairs else 0.0
    keywords = [k.strip() for k in indicator.keywords.replace(",", "、").split("、") if k.strip()]
    longest_hit = max((len(k) for k in keywords if k in target_text), default=0)
    score = 0.6 * name_share + 0.4 * min(longest_hit / 8, 1.0)
    target_kind, indicator_kind = _unit_kind(target_unit), _unit_kind(indicator.unit)
    if target_kind and indicator_kind:
        if target_kind == indicator_kind:
            score += 0.2
        elif frozenset({target_kind, indicator_kind}) in _RELATED_KINDS:
            score += 0.1
        else:
            score -= 0.3
    return round(score, 3)


@dataclass(frozen=True)
class Suggestion:
    indicator: Indicator
    score: float


def suggest(target_text: str, target_unit: str, indicators: list[Indicator]) -> Suggestion | None:
    scored = [Suggestion(i, match_score(target_text, target_unit, i)) for i in indicators]
    best = max(scored, key=lambda s: s.score, default=None)
    return best if best is not None and best.score >= SUGGESTION_THRESHOLD else None


def target_text(target) -> str:
    return f"{target.subject or ''} {target.text}"


@transaction.atomic
def suggest_links(plan) -> list[TargetLink]:
    """Create a suggested link for every target of the plan that has none yet (decided links and
    rejected ones are left alone)."""
    from kesu.planning.models import Target

    indicators = list(Indicator.objects.all())
    created = []
    for target in Target.objects.filter(task__plan=plan, indicator_link__isnull=True):
        best = suggest(target_text(target), target.unit, indicators)
        if best is not None:
            created.append(TargetLink.objects.create(target=target, indicator=best.indicator, score=best.score))
    return created


@transaction.atomic
def decide_link(user, target, indicator: Indicator | None, *, confirm: bool) -> TargetLink | None:
    """The office confirms a (possibly corrected) indicator for the target, or rejects the suggestion."""
    from kesu.org.permissions import require_office_admin

    require_office_admin(user, target.task.plan.region)
    link = TargetLink.objects.filter(target=target).first()
    if confirm and indicator is None:
        from kesu.indicators.services import IndicatorError

        raise IndicatorError("请选择要关联的指标")
    if link is None:
        if indicator is None:
            return None
        link = TargetLink(target=target, indicator=indicator, score=0)
    if indicator is not None:
        link.indicator = indicator
    link.status = LinkStatus.CONFIRMED if confirm else LinkStatus.REJECTED
    link.decided_by = user
    link.decided_at = timezone.now()
    link.save()
    return link


# --- progress --------------------------------------------------------------------------------


@dataclass
class TargetProgress:
    """A confirmed target against its indicator's values, judged by kesu.plans.attainment: indicator
    values are each the amount of their own year (Basis.PER_YEAR)."""

    link: TargetLink
    goal: attainment.Target
    series: list[tuple[int, float]] = field(default_factory=list)  # the indicator's values, oldest first
    projection: attainment.Projection | None = None  # None without a year to project to

    @property
    def target(self):
        return self.link.target

    @property
    def deadline_year(self) -> int | None:
        return self.goal.deadline_year

    @property
    def kind_label(self) -> str:
        return self.goal.kind.label

    @property
    def points(self) -> tuple[tuple[int, float], ...]:
        """The amount reached each year (a cumulative target: the running total)."""
        if self.projection is not None:
            return self.projection.points
        return attainment.series(self.goal, self._figures(), basis=Basis.PER_YEAR)

    def _figures(self) -> list[attainment.Figure]:
        return [attainment.Figure(year, value) for year, value in self.series]

    @property
    def current(self) -> tuple[int, float] | None:
        return self.points[-1] if self.points else None

    @property
    def gap(self) -> float | None:
        """How far the latest amount is from the target (positive = still short)."""
        return attainment.gap(self.goal, self.current[1]) if self.current else None

    @property
    def projected(self) -> float | None:
        return self.projection.value if self.projection is not None else None

    @property
    def outcome(self) -> Verdict:
        if self.projection is not None:
            return self.projection.verdict
        met = attainment.is_met(self.goal, self.current[1]) if self.current else None
        return Verdict.MET if met else Verdict.UNKNOWN

    @property
    def verdict(self) -> str:
        return self.outcome.label


def indicator_kind(indicator: Indicator, catalogue) -> Kind | None:
    """LEVEL when the indicator measures a state, not a flow: a ratio (it has a denominator) or a
    stock (every element of its numerator is aggregated as 期末值). None: the target's own kind."""
    if indicator.denominator.strip():
        return Kind.LEVEL
    try:
        codes = {ref.element for ref in formulas.references(formulas.parse(indicator.numerator))}
    except formulas.FormulaError:
        return None
    elements = [catalogue.elements.get(code) for code in codes]
    if elements and all(e is not None and e.aggregation == AggregationRule.LAST for e in elements):
        return Kind.LEVEL
    return None


def judged_target(link: TargetLink, deadline_year: int | None, catalogue) -> attainment.Target:
    """The linked target as attainment judges it. The office's kind wins; otherwise a state
    indicator makes a yearly or cumulative reading a level (a ceiling stays a ceiling)."""
    goal = link.target.attainment_target(deadline_year)
    if link.target.kind or goal.kind not in (Kind.YEARLY, Kind.CUMULATIVE):
        return goal
    kind = indicator_kind(link.indicator, catalogue)
    return goal if kind is None else replace(goal, kind=kind)


def progress_for(links: list[TargetLink], last_year: int) -> list[TargetProgress]:
    """Progress of confirmed links, their regions' indicator values read in one `values()` call."""
    from kesu.indicators.selectors import Catalogue, values

    if not links:
        return []
    plans = {link.target.task.plan for link in links}
    first_year = min((p.period_start or last_year - 4) for p in plans)
    regions = {p.region.pk: p.region for p in plans}
    indicators = {link.indicator.pk: link.indicator for link in links}
    catalogue = Catalogue.load()
    table = values(regions.values(), indicators.values(), range(first_year, last_year + 1), catalogue=catalogue)
    result = []
    for link in links:
        plan = link.target.task.plan
        series = [
            (year, value) for year in range(max(plan.period_start or first_year, first_year), last_year + 1)
            if (value := table.value(plan.region.code, link.indicator.code, year)) is not None
        ]
        goal = judged_target(link, link.target.task.deadline_year or plan.period_end or plan.headline_year, catalogue)
        item = TargetProgress(link, goal, series)
        if goal.deadline_year:
            item.projection = attainment.project(goal, item._figures(), basis=Basis.PER_YEAR)
        result.append(item)
    return result
