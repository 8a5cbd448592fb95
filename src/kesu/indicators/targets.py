"""Plan targets ↔ indicators: a scoring matcher that suggests which indicator measures a target, the
services that record the office's decision, and progress toward confirmed targets.

Score (0 – about 1.2) = 0.6 × share of the indicator name's character pairs found in the target
+ 0.4 × length of the longest indicator keyword found (8 characters or more count fully, so that
市级科普教育基地 beats 科普教育基地) + 0.2 when the units measure the same kind of thing, − 0.3
when they clearly do not (人 vs 平方米). Suggestions need SUGGESTION_THRESHOLD.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kesu.indicators.models import Indicator, LinkStatus, TargetLink

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
    link: TargetLink
    series: list[tuple[int, float]] = field(default_factory=list)
    deadline_year: int | None = None
    projected: float | None = None

    @property
    def target(self):
        return self.link.target

    @property
    def current(self) -> tuple[int, float] | None:
        return self.series[-1] if self.series else None

    @property
    def gap(self) -> float | None:
        """How far the latest value is from the target (positive = still short)."""
        if not self.series:
            return None
        value = self.series[-1][1]
        return value - self.target.value if self.target.comparator == "<=" else self.target.value - value

    @property
    def verdict(self) -> str:
        if self.projected is None:
            return "数据不足，无法预测"
        meets = (
            self.projected <= self.target.value if self.target.comparator == "<="
            else self.projected >= self.target.value
        )
        return "预计可完成" if meets else "难以完成"


def linear_projection(points: list[tuple[int, float]], year: int) -> float | None:
    """Least-squares line through (year, value) evaluated at `year`; None with fewer than 2 years."""
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return mean_y + slope * (year - mean_x)


def progress_for(links: list[TargetLink], last_year: int) -> list[TargetProgress]:
    """Progress of confirmed links, their regions' indicator values read in one `values()` call."""
    from kesu.indicators.selectors import values

    if not links:
        return []
    plans = {link.target.task.plan for link in links}
    first_year = min((p.period_start or last_year - 4) for p in plans)
    regions = {p.region.pk: p.region for p in plans}
    indicators = {link.indicator.pk: link.indicator for link in links}
    table = values(regions.values(), indicators.values(), range(first_year, last_year + 1))
    result = []
    for link in links:
        plan = link.target.task.plan
        series = [
            (year, value) for year in range(max(plan.period_start or first_year, first_year), last_year + 1)
            if (value := table.value(plan.region.code, link.indicator.code, year)) is not None
        ]
        deadline = link.target.deadline_year or plan.period_end or plan.headline_year
        projected = linear_projection(series, deadline) if deadline else None
        result.append(TargetProgress(link, series, deadline, projected))
    return result
