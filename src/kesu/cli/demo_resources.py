"""The 科普资源 registries of `kesu demo`: organisations, experts (one of them with the demo expert login),
volunteer teams and volunteers with service records, messengers, outreach bases through their whole
lifecycle (kesu.cli.demo_bases) and activities 2021–this year, some offered as evidence in the demo
progress reports; then the registries' counts are synced into 科普统计 (kesu.resources.feeds).

Everything is written through kesu.resources.services and .lifecycle — the system (actor None)
where the services allow it, the demo office admins for the acts that need an office — so the audit
log, the permission checks and the statistics are the real ones. The data are invented from a
random generator seeded with the region code (kesu.cli.demo_pools): every build is the same. A
region that already has demo bases is skipped, so a reused demo database is completed, not doubled.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import defaultdict

from kesu.cli.demo_bases import Player, schedule_for, stories
from kesu.cli.demo_pools import (
    AUDIENCE_TASK_WORDS,
    SEASONS,
    SERVICE,
    SKILLS,
    SPECIALITIES,
    TEAMS,
    YEAR_FACTOR,
    Names,
    communities,
    fake_id_number,
    fake_phone,
    organisations,
    profile_for,
)

ACTIVITY_FIRST_YEAR = 2021
SYNC_FIRST_YEAR = 2021
EVIDENCE_PER_PLAN = 12
EXPERT_LOGIN = "expert-{code}"

# Host departments of the bases → words of the plan's unit names that apply for them.
HOST_UNITS = {
    "科学技术协会": ("科协",), "教育局": ("教育", "教体"), "气象局": ("气象",), "应急管理局": ("应急",),
    "农业农村局": ("农业农村",), "疾病预防控制中心": ("卫生健康", "卫健"), "人民医院": ("卫生健康", "卫健"),
    "中医院": ("卫生健康", "卫健"), "文化和旅游局": ("文化", "文广"), "文化广电和旅游局": ("文化", "文广"),
    "自然资源和规划局": ("自然资源",), "生态环境局": ("生态环境",), "工业和信息化局": ("工业和信息化", "工信"),
    "海洋发展局": ("海洋",), "水务局": ("水务", "水利"), "林业局": ("林业",),
}


class Units:
    """The plan region's units, found by words of their names."""

    def __init__(self, region):
        from kesu.org.models import Unit

        self.all = list(Unit.objects.filter(region=region).order_by("name"))

    def match(self, *words: str):
        return next((u for word in words for u in self.all if word in u.name), None)

    def for_host(self, host: str):
        return self.match(*HOST_UNITS.get(host, ()))

    @property
    def office(self):
        return self.match("科协") or (self.all[0] if self.all else None)


def demo_resources(plans, console) -> dict[str, int]:
    """Build the registries of every demo region that has none yet, then sync the statistics."""
    from django.db import transaction
    from django.utils import timezone

    from kesu.audit.context import acting_as
    from kesu.resources import feeds
    from kesu.resources.models import OutreachBase

    today = timezone.localdate()
    offices = [office for _, office in plans]
    login_region = next((p.region for p, _ in plans if p.region.level == "city"), plans[0][0].region if plans else None)
    counts: dict[str, int] = defaultdict(int)
    with acting_as(None, reason="kesu demo：科普资源登记册"), feeds.batched():
        for plan, office in plans:
            region = plan.region
            if OutreachBase.objects.filter(region=region, is_demo=True).exists():
                continue
            with transaction.atomic():
                built = _region(plan, office, offices, today, with_login=region == login_region)
            for key, value in built.items():
                counts[key] += value
            console.print(f"{region.name} 科普资源：基地 {built['bases']} 个，专家 {built['experts']} 人，"
                          f"志愿者 {built['volunteers']} 人，信息员 {built['messengers']} 人，"
                          f"活动 {built['activities']} 场")
    with acting_as(None, reason="kesu demo：登记册同步到科普统计"):
        for year in range(SYNC_FIRST_YEAR, today.year + 1):
            result = feeds.sync(actor=None, year=year)
            counts["synced"] += result.written + result.unchanged
            counts["frozen"] += result.frozen
    return dict(counts)


def _region(plan, office, offices, today: datetime.date, *, with_login: bool) -> dict[str, int]:
    region = plan.region
    rng = random.Random(f"kesu-demo-resources-{region.code}")
    profile = profile_for(region.code, region.name, region.level == "city")
    units = Units(region)
    names = Names(rng)
    counts: dict[str, int] = {}
    orgs = _organisations(region, profile)
    counts["organisations"] = len(orgs)
    login = _login_expert(rng, region, names) if with_login else None
    experts = _experts(rng, region, profile, names, today) + ([login] if login else [])
    counts["experts"] = len(experts)
    teams, volunteers = _teams_and_volunteers(rng, region, profile, names, today)
    counts["teams"], counts["volunteers"] = len(teams), len(volunteers)
    counts["messengers"] = _messengers(rng, region, names, today)

    player = Player(rng, region, profile, offices, login, {o.kind: o for o in reversed(orgs)}, units, names, today.year)
    own = "city" if region.level == "city" else "county"
    player.set_policies(own)
    schedule = schedule_for(region, large=region.code == "320300" or len(profile.places) > 6, has_login=login is not None)
    player.play(stories(rng, region, profile, schedule, today.year))
    counts.update({k: v for k, v in player.counts.items()})

    activities = _activities(rng, plan, profile, units, experts, teams, today)
    counts["activities"] = len(activities)
    counts["service_records"] = _service_records(rng, office, volunteers, activities, today)
    counts["evidence"] = _evidence(rng, plan, units, activities)
    return counts


# --- people and organisations ----------------------------------------------------------------


def _save(kind: str, values: dict, **kwargs):
    from kesu.resources import services

    return services.save_record(actor=None, kind=kind, values={**values, "is_demo": True}, **kwargs)


def _organisations(region, profile) -> list:
    return [
        _save("organisation", {"name": name, "region": region, "kind": kind, "members": members,
                               "contact_name": "", "contact_phone": fake_phone(index)})
        for index, (name, kind, members) in enumerate(organisations(region.name, profile.crops))
    ]


def _login_expert(rng, region, names):
    """The expert who signs in with the printed demo login and scores the application assigned."""
    from kesu.cli.demo import DEMO_PASSWORD
    from kesu.org.models import Role
    from kesu.org.services import create_user

    name = names()
    user = create_user(actor=None, username=EXPERT_LOGIN.format(code=region.code), password=DEMO_PASSWORD,
                       role=Role.EXPERT, region=region, display_name=f"{name}（评审专家）", is_demo_password_ok=True)
    return _save("expert", {
        "name": name, "region": region, "field": "科学教育", "title": "正高级教师",
        "organisation": f"{region.name}教育科学研究院", "availability": "available", "is_lecturer": True,
        "phone": fake_phone(9999), "id_number": fake_id_number(rng, region.code, 1972), "user_id": user.pk,
    }, tags=["科学教育", "物理与天文"])


def _experts(rng, region, profile, names, today) -> list:
    specialities = [s for s in SPECIALITIES if profile.coastal or not s.coastal_only]
    count = 22 if profile.is_city else 12
    experts = []
    for index in range(count):
        spec = specialities[index % len(specialities)] if index < len(specialities) else rng.choice(specialities)
        place = rng.choice(profile.places[:3])
        tags = list(spec.tags) + (["数字素养"] if rng.random() < 0.1 and "数字素养" not in spec.tags else [])
        experts.append(_save("expert", {
            "name": names(), "region": region, "field": spec.field, "title": rng.choice(spec.titles),
            "organisation": f"{place}{spec.organisation}",
            "availability": rng.choices(("available", "limited", "unavailable"), (70, 22, 8))[0],
            "is_lecturer": rng.random() < 0.45, "is_emergency": rng.random() < spec.emergency,
            "phone": fake_phone(index), "id_number": fake_id_number(rng, region.code, rng.randrange(1960, 1991)),
        }, tags=tags))
    return experts


def _teams_and_volunteers(rng, region, profile, names, today) -> tuple[list, list]:
    count = 7 if profile.is_city else 5
    teams = []
    for index, (suffix, kind, host) in enumerate(TEAMS[:count]):
        teams.append(_save("team", {
            "name": f"{region.name}{suffix}", "region": region, "kind": kind, "host_organisation": f"{region.name}{host}",
            "leader_name": names(), "leader_phone": fake_phone(100 + index), "founded_year": rng.randrange(2015, 2024),
        }))
    volunteers = []
    for index in range(48 if profile.is_city else 30):
        team = rng.choice(teams) if rng.random() < 0.9 else None
        senior = (team is not None and team.kind == "senior") or rng.random() < 0.08
        start = datetime.date(max(team.founded_year if team else 2019, 2019), 1, 1)
        registered = start + datetime.timedelta(days=rng.randrange(max(1, (today - start).days)))
        volunteers.append(_save("volunteer", {
            "name": names(), "region": region, "team_id": team.pk if team else None,
            "skills": "、".join(rng.sample(SKILLS, rng.choice((1, 2)))), "is_senior": senior,
            "registered_on": registered, "phone": fake_phone(1000 + index),
            "id_number": fake_id_number(rng, region.code, rng.randrange(1950, 1963) if senior else rng.randrange(1970, 2005)),
        }))
    return teams, volunteers


def _messengers(rng, region, names, today) -> int:
    places = communities(rng, 20 if region.level == "city" else 16)
    count = 0
    for index in range(34 if region.level == "city" else 24):
        community = places[index % len(places)]
        since = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange((today - datetime.date(2020, 1, 1)).days))
        _save("messenger", {
            "name": names(), "region": region, "community": community,
            "organisation": community + ("村民委员会" if community.endswith("村") else "居民委员会"),
            "since": since, "is_active": rng.random() > 0.05, "phone": fake_phone(2000 + index),
            "id_number": fake_id_number(rng, region.code, rng.randrange(1965, 2000)),
        })
        count += 1
    return count


# --- activities ------------------------------------------------------------------------------


def _task_matcher(plan):
    """The plan's tasks with their text and units, and a pick of the one whose words fit best."""
    tasks = [(task, " ".join([*task.path, task.title]), {u.pk for u in task.units.all()})
             for task in plan.tasks.prefetch_related("units").order_by("order")]

    def pick(organiser, words: tuple[str, ...]):
        if organiser is None:
            return None
        scored = [(sum(word in text for word in words), -index, task)
                  for index, (task, text, unit_ids) in enumerate(tasks) if organiser.pk in unit_ids]
        best = max(scored, default=None, key=lambda s: s[:2])
        return best[2] if best and best[0] > 0 else None

    return pick


def _activities(rng, plan, profile, units, experts, teams, today) -> list:
    from kesu.resources.models import OutreachBase

    region = plan.region
    pick_task = _task_matcher(plan)
    by_tag = defaultdict(list)
    for expert in experts:
        for tag in expert.tags.all():
            by_tag[tag.name].append(expert)
    bases = list(OutreachBase.objects.filter(region=region, level__gt="").order_by("pk"))
    places = communities(rng, 12)
    seen: set[tuple[str, datetime.date]] = set()
    created = []
    for year in range(ACTIVITY_FIRST_YEAR, today.year + 1):
        for season in SEASONS:
            topics = [t for t in season.topics if profile.coastal or not t.coastal_only]
            count = season.per_year[1 if profile.is_city else 0]
            order = [topics[0], *rng.sample(topics[1:], len(topics) - 1)] * 3
            for topic in order[:count]:
                start = datetime.date(year, rng.choice(season.months), rng.randint(*season.days))
                if start > today:
                    continue
                organiser = units.match(*topic.organisers) or units.office
                name = topic.name.format(place=region.name, year=year)
                if season.kind in ("lecture", "countryside") or (season.kind == "science_day" and "{year}" not in topic.name):
                    name += f"（{rng.choice(places)}）"
                while (name, start) in seen:
                    start += datetime.timedelta(days=1)
                seen.add((name, start))
                created.append(_activity(rng, region, profile, season, topic, name, start, organiser, year,
                                         bases, by_tag, experts, teams, pick_task))
    return created


def _activity(rng, region, profile, season, topic, name, start, organiser, year, bases, by_tag, experts, teams,
              pick_task):
    from kesu.resources.models import Audience, BaseStatus

    long = {"exhibition": (7, 30), "science_week": (1, 3), "competition": (0, 2), "training": (1, 5)}
    end = start + datetime.timedelta(days=rng.randint(*long.get(season.kind, (0, 0))))
    scale = YEAR_FACTOR.get(year, 1.2) * (1.5 if profile.is_city else 1.0)
    participants = int(rng.randint(*topic.participants) * scale)
    online = int(rng.randint(3_000, 120_000) * scale) if rng.random() < topic.online else 0
    links: dict[str, list[int]] = {}
    place = f"{region.name}{rng.choice(('科技馆', '青少年活动中心', '文化广场', '党群服务中心', '新时代文明实践中心'))}"
    standing = [b for b in bases if b.recognised_year and b.recognised_year <= year
                and (b.status != BaseStatus.REVOKED or (b.revoked_year or 0) > year)]
    if topic.at_base and standing:
        base = rng.choice(standing)
        links["bases"], place = [base.pk], base.name
    invited = by_tag.get(topic.tag) or ([e for e in experts if e.is_lecturer] if season.kind == "lecture" else [])
    if invited:
        links["experts"] = [e.pk for e in rng.sample(invited, min(len(invited), rng.choice((1, 1, 2))))]
    if season.kind in ("science_day", "countryside", "science_week") or rng.random() < 0.2:
        active = [t for t in teams if (t.founded_year or 0) <= year]
        if active:
            links["teams"] = [t.pk for t in rng.sample(active, min(len(active), rng.choice((1, 2))))]
    words = topic.tasks + tuple(w for a in topic.audiences for w in AUDIENCE_TASK_WORDS.get(a, ()))
    task = pick_task(organiser, words)
    if task is not None:
        links["tasks"] = [task.pk]
    labels = dict(Audience.choices)
    audience_text = "、".join(labels[a] for a in topic.audiences)
    values = {
        "name": name, "region": region, "kind": season.kind, "start_date": start, "end_date": end,
        "organiser_id": organiser.pk if organiser else None,
        "organiser_name": "" if organiser else f"{region.name}科学技术协会",
        "place": place, "audiences": ",".join(topic.audiences), "participants": participants, "online_reach": online,
        "description": f"{organiser.name if organiser else region.name}主办，面向{audience_text}，"
                       f"现场参与{participants}人次" + (f"，线上直播观看{online}人次。" if online else "。"),
    }
    return _save("activity", values, links=links)


def _service_records(rng, office, volunteers, activities, today) -> int:
    from kesu.resources import services

    by_team = defaultdict(list)
    for activity in activities:
        for team_id in activity.teams.values_list("pk", flat=True):
            by_team[team_id].append(activity)
    count = 0
    for volunteer in volunteers:
        joined = volunteer.registered_on or datetime.date(2021, 1, 1)
        served = [a for a in by_team.get(volunteer.team_id, ()) if a.start_date >= joined]
        for _ in range(rng.randint(1, 4)):
            activity = rng.choice(served) if served and rng.random() < 0.6 else None
            if activity is not None:
                day, what = activity.start_date, f"参加{activity.name}志愿服务"
            else:
                day = joined + datetime.timedelta(days=rng.randrange(max(1, (today - joined).days)))
                what = rng.choice(SERVICE)
            services.add_service_record(actor=office, volunteer=volunteer, date=day,
                                        hours=rng.choice((2, 2.5, 3, 4, 4, 6, 8)), description=what,
                                        beneficiaries=rng.randrange(20, 300), activity=activity)
            count += 1
    return count


def _evidence(rng, plan, units, activities) -> int:
    """Activities offered as evidence in the demo reports still open for editing (drafts and returned
    reports of the last period): the unit's own activities of the period's year, those serving the
    report's task first; where the unit held none, the activity its report describes is recorded."""
    from kesu.org.models import Role, User
    from kesu.progress.models import ProgressReport, ReportStatus
    from kesu.resources import services

    reports = list(
        ProgressReport.objects.filter(task__plan=plan, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
        .select_related("task", "unit", "period").order_by("pk")[:EVIDENCE_PER_PLAN]
    )
    reporters = {u.unit_id: u for u in User.objects.filter(role=Role.UNIT_REPORTER, unit__in=[r.unit for r in reports])}
    by_unit = defaultdict(list)
    for activity in activities:
        by_unit[(activity.organiser_id, activity.year)].append(activity)
    count = 0
    for report in reports:
        reporter = reporters.get(report.unit_id)
        if reporter is None:
            continue
        year = report.period.end.year
        held = by_unit.get((report.unit_id, year), [])
        serving = [a for a in held if report.task_id in {t.pk for t in a.tasks.all()}]
        chosen = (serving or held)[:2]
        if not chosen:
            day = min(report.period.end, datetime.date(year, 11, 20)) - datetime.timedelta(days=rng.randrange(20, 90))
            chosen = [_save("activity", {
                "name": f"{report.task.title}专题科普活动（{report.unit.name}）", "region": plan.region, "kind": "other",
                "start_date": day, "end_date": day, "organiser_id": report.unit_id,
                "place": f"{plan.region.name}新时代文明实践中心", "audiences": "public",
                "participants": rng.randrange(80, 400),
                "description": f"{report.unit.name}围绕“{report.task.title}”组织的专题科普活动。",
            }, links={"tasks": [report.task_id]})]
        for activity in chosen:
            services.attach_activity(actor=reporter, activity=activity, report=report)
            count += 1
    return count


# --- a plan target measured by the registry ---------------------------------------------------

BASE_TARGETS = (
    (re.compile(r"新(?:评定|认定|命名|增)市级科普教育基地"), "new_municipal_bases"),
    (re.compile(r"新(?:评定|认定|命名|增)省级科普教育基地"), "new_provincial_bases"),
    (re.compile(r"新(?:评定|认定|命名|增)县级科普教育基地"), "new_county_bases"),
)


def link_base_targets(plans) -> int:
    """Confirm the link of every demo target on newly recognised bases (徐州市's “新评定市级科普教育基地
    30家”) to the indicator the registry feeds, so that the dashboards show it against the counts."""
    from kesu.audit.context import acting_as
    from kesu.indicators.models import Indicator, LinkStatus, TargetLink
    from kesu.indicators.targets import decide_link
    from kesu.planning.models import Target

    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[code for _, code in BASE_TARGETS])}
    linked = 0
    for plan, office in plans:
        for target in Target.objects.filter(task__plan=plan, text__contains="科普教育基地").select_related("task__plan"):
            code = next((code for pattern, code in BASE_TARGETS if pattern.search(target.text)), None)
            if code is None or code not in indicators:
                continue
            link = TargetLink.objects.filter(target=target).first()
            if link is None or link.indicator_id != indicators[code].pk or link.status != LinkStatus.CONFIRMED:
                with acting_as(office, reason="kesu demo：确认目标与指标的对应"):
                    decide_link(office, target, indicators[code], confirm=True)
            linked += 1
    return linked
