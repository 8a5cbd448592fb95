"""Who a targeted push (精准推送) should reach: kesu's proposal, which the office may trim before sending.

For each chosen region the proposal holds
- the units responsible (TaskUnit) for the tasks of the region's plan written for each chosen audience:
  the plan's 提升行动 sections whose titles carry one of the audience's keywords, and their sub-sections;
  the audience 社会公众 means every unit the plan names;
- the region's office unit (Unit.is_office), always, and the office unit of every region below it:
  a push to 威海市 reaches 威海市's own responsible units and each county's office, which relays it to
  its own units with a push of its own (a county's units answer to the county's office, not the city's);
- the units of the chosen regions and their subtrees that subscribed to one of the item's topics;
- the active messengers (科普信息员) of the subtrees when an audience is one they serve (农民, 社区居民,
  老年人, 社会公众), or when they subscribed to one of the topics.

The plan is the one in force this year, or the region's latest ended plan while no successor is in
(its units keep their duties until the next plan names others).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from kesu.content.models import Audience, Subscription, Topic
from kesu.org.models import Region, Unit
from kesu.planning.models import Section, SectionKind, TaskUnit
from kesu.planning.selectors import plan_standing
from kesu.resources.models import Messenger

# Messengers work in villages and communities: these audiences are theirs.
MESSENGER_AUDIENCES = frozenset({"farmers", "residents", "elderly", "public"})
PUBLIC_AUDIENCE = "public"
REASON_MAX = 120


@dataclass
class Proposal:
    """One proposed recipient (a unit or a messenger) and every reason kesu has for it."""

    unit: Unit | None = None
    messenger: Messenger | None = None
    reasons: list[str] = field(default_factory=list)
    # plan title -> the audiences' action sections the unit answers for, in the order first met
    plan_sections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"unit:{self.unit.pk}" if self.unit else f"messenger:{self.messenger.pk}"

    @property
    def full_reason(self) -> str:
        """One clause per plan (its sections listed once) before the other reasons, joined by "；"."""
        plans = [f"《{title}》：{'、'.join(sections)}（责任单位）" for title, sections in self.plan_sections.items()]
        return "；".join(plans + self.reasons)

    @property
    def reason(self) -> str:
        """The stored reason (PushRecipient.reason holds REASON_MAX characters): cut with an ellipsis."""
        text = self.full_reason
        return text if len(text) <= REASON_MAX else text[:REASON_MAX - 1] + "…"

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else str(self.messenger)

    @property
    def region(self) -> Region:
        return self.unit.region if self.unit else self.messenger.region


class _Collector:
    def __init__(self):
        self.proposals: dict[str, Proposal] = {}

    def add(self, reason: str, *, unit: Unit | None = None, messenger: Messenger | None = None) -> None:
        proposal = Proposal(unit=unit, messenger=messenger)
        proposal = self.proposals.setdefault(proposal.key, proposal)
        if reason not in proposal.reasons:
            proposal.reasons.append(reason)

    def add_plan(self, plan_title: str, section: str, *, unit: Unit) -> None:
        proposal = Proposal(unit=unit)
        proposal = self.proposals.setdefault(proposal.key, proposal)
        sections = proposal.plan_sections.setdefault(plan_title, [])
        if section not in sections:
            sections.append(section)


def _subtree(regions: Iterable[Region]) -> Q:
    query = Q(pk__in=[])
    for region in regions:
        query |= Q(region__path__startswith=region.path)
    return query


def _audience_sections(plan, audience: Audience) -> list[Section]:
    """The plan's 提升行动 sections written for `audience` (a keyword in the title)."""
    words = [word.strip() for word in audience.keywords.replace("，", "、").split("、") if word.strip()]
    if not words:
        return []
    actions = Section.objects.filter(plan=plan, kind=SectionKind.ACTION).only("id", "title")
    return [section for section in actions if any(word in section.title for word in words)]


def _plan_units(collector: _Collector, region: Region, audiences: list[Audience], year: int) -> None:
    plan = plan_standing(region, year).plan
    if plan is None:
        return
    assignments = TaskUnit.objects.filter(task__plan=plan, unit__is_active=True).select_related("unit", "task")
    for audience in audiences:
        if audience.code == PUBLIC_AUDIENCE:
            for assignment in assignments.order_by("unit__name"):
                collector.add_plan(plan.title, "全部任务（社会公众）", unit=assignment.unit)
            continue
        for section in _audience_sections(plan, audience):
            sub_ids = [s.pk for s in _audience_sections_under(plan, section)]
            for assignment in assignments.filter(Q(task__section_id__in=sub_ids) | Q(task__group_id=section.pk)):
                collector.add_plan(plan.title, section.title, unit=assignment.unit)


def _audience_sections_under(plan, root: Section) -> list[Section]:
    sections = list(Section.objects.filter(plan=plan).only("id", "parent_id"))
    children: dict[int | None, list[Section]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)
    found, stack = [], [root]
    while stack:
        section = stack.pop()
        found.append(section)
        stack.extend(children.get(section.pk, []))
    return found


def recipients_for(
    *, region_list: Iterable[Region], audiences: Iterable[Audience] = (), topics: Iterable[Topic] = (),
    on: datetime.date | None = None,
) -> list[Proposal]:
    """The proposed recipients of a push to `region_list` for `audiences`, on `topics` (see the module
    docstring for who and why); units first, then messengers, each with its reasons."""
    regions = list(region_list)
    audiences = list(audiences)
    topics = list(topics)
    year = (on or timezone.localdate()).year
    collector = _Collector()
    for region in regions:
        _plan_units(collector, region, audiences, year)
        offices = Unit.objects.filter(region__path__startswith=region.path, is_office=True, is_active=True)
        for unit in offices.select_related("region").order_by("region__path", "name"):
            if unit.region_id == region.pk:
                collector.add("本区划纲要办所在单位", unit=unit)
            else:
                collector.add(f"下级区划（{unit.region.name}）纲要办所在单位，负责转发", unit=unit)
    subtree = _subtree(regions)
    subscriptions = Subscription.objects.filter(topic__in=topics).select_related("topic", "unit", "messenger")
    for subscription in subscriptions.filter(Q(unit__isnull=False) & _unit_subtree(regions)):
        if subscription.unit.is_active:
            collector.add(f"订阅了“{subscription.topic.name}”主题", unit=subscription.unit)
    messengers = Messenger.objects.filter(subtree, is_active=True).select_related("region")
    if any(audience.code in MESSENGER_AUDIENCES for audience in audiences):
        for messenger in messengers:
            collector.add("本区划科普信息员", messenger=messenger)
    for subscription in subscriptions.filter(messenger__in=messengers):
        collector.add(f"订阅了“{subscription.topic.name}”主题", messenger=subscription.messenger)
    proposals = list(collector.proposals.values())
    return sorted(proposals, key=lambda p: (p.messenger is not None, p.region.path, p.name))


def _unit_subtree(regions: Iterable[Region]) -> Q:
    query = Q(pk__in=[])
    for region in regions:
        query |= Q(unit__region__path__startswith=region.path)
    return query
