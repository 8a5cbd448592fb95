"""The outreach bases of the demo: each base gets a story (recognitions, upgrades, 复核, annual reports,
an application still open) and the stories of a region are played year by year, 2019 to this year,
through kesu.resources.lifecycle, so that every state a base can be in is there and the audit log and
the statistics are the real ones.

Recognitions before 2023, or at a level whose recognising office has no demo login (province,
nation, the cities above 大祥区 and 天桥区), are entered as made before kesu (`record_recognition`, the
system); the others go through application, screening, an expert panel with scores and recognition
by the demo office admins.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from kesu.cli.demo_pools import HIGH_BASES, OTHER_BASES, Profile, base_figures, fake_phone
from kesu.org.models import RegionLevel
from kesu.resources import lifecycle, selectors, services
from kesu.resources.models import BaseLevel, BaseStatus
from kesu.resources.permissions import RECOGNISING_OFFICE

FIRST_YEAR = 2019
KESU_SINCE = 2023  # recognitions before this are entered from the paper register
ANNUAL_REPORT_YEARS = (2023, 2024, 2025)
RE_EXAMINATION_YEARS = 3

CITY_CRITERIA = [("场馆设施与展教资源", 25), ("科普活动开展情况", 25), ("科普队伍建设", 20),
                 ("制度建设与运行管理", 15), ("社会效益与公众满意度", 15)]
COUNTY_CRITERIA = [("场地设施", 30), ("科普活动", 30), ("人员队伍", 20), ("管理与成效", 20)]


@dataclass(frozen=True)
class Schedule:
    new: dict[int, int]  # recognitions at the region's own level, by year
    upgrades: tuple[tuple[int, int], ...] = ()  # (own-level year, year of the upgrade one level up)
    from_lower: tuple[tuple[int, int], ...] = ()  # (lower-level year, own-level year)
    provincial: int = 0
    national: int = 0
    provincial_to_national: tuple[tuple[int, int], ...] = ()
    lower: int = 0  # bases left at the level below the region's own
    open: tuple[str, ...] = ()  # stages of the applications still open this year
    declined: tuple[int, ...] = ()
    revoked: bool = False
    rectify_then_revoke: bool = False


LARGE_CITY = Schedule(
    new={2019: 3, 2020: 3, 2021: 3, 2022: 4, 2023: 4, 2024: 6, 2025: 5, 2026: 2},
    upgrades=((2019, 2022), (2020, 2024), (2021, 2025)), from_lower=((2019, 2022), (2020, 2024)),
    provincial=3, national=1, provincial_to_national=((2019, 2023),), lower=4,
    open=("applied", "applied", "returned", "screened", "review_login", "review_full"), declined=(2025,),
    revoked=True, rectify_then_revoke=True,
)
SMALL_CITY = Schedule(
    new={2019: 3, 2020: 2, 2021: 2, 2022: 2, 2023: 2, 2024: 3, 2025: 2, 2026: 1},
    upgrades=((2020, 2023),), provincial=2, national=1, lower=2, open=("applied", "screened", "review_partial"),
    revoked=True,
)
COUNTY = Schedule(
    new={2019: 3, 2020: 2, 2021: 2, 2022: 2, 2023: 2, 2024: 2, 2025: 2, 2026: 1},
    upgrades=((2019, 2022), (2020, 2024)), provincial=1, open=("applied", "returned", "review_partial"),
    declined=(2024,),
)
LEVEL_UP = {BaseLevel.COUNTY: BaseLevel.CITY, BaseLevel.CITY: BaseLevel.PROVINCE}
LEVEL_DOWN = {BaseLevel.CITY: BaseLevel.COUNTY, BaseLevel.COUNTY: None}


@dataclass
class Story:
    name: str
    category: str
    host: str
    place: str
    recognitions: list[tuple[int, str]] = field(default_factory=list)
    re_examinations: list[tuple[int, str]] = field(default_factory=list)
    open: tuple[str, str] | None = None  # (level, stage) of an application open this year
    declined: tuple[int, str] | None = None
    base: object = None


class _Namer:
    """Unique base names of a region: place (the region or one of its districts) + kind of site."""

    def __init__(self, rng: random.Random, profile: Profile):
        self.rng = rng
        self.high = [(p, t) for t in HIGH_BASES for p in profile.places]
        self.other = [(p, t) for t in (*OTHER_BASES, *profile.extra_bases) for p in profile.places]
        rng.shuffle(self.other)
        # The region's own name first for the flagship sites: 徐州市科技馆 rather than 沛县科技馆.
        self.high.sort(key=lambda pt: (pt[0] != profile.places[0], rng.random()))
        self.used: set[str] = set()

    def take(self, *, high: bool = False) -> Story:
        pool = self.high if high and self.high else self.other or self.high
        while True:
            place, (suffix, category, host) = pool.pop(0)
            if place + suffix not in self.used:
                self.used.add(place + suffix)
                return Story(place + suffix, category, place + host, place)


def schedule_for(region, *, large: bool, has_login: bool) -> Schedule:
    schedule = COUNTY if region.level != RegionLevel.CITY else (LARGE_CITY if large else SMALL_CITY)
    if has_login and "review_login" not in schedule.open:
        stages = list(schedule.open)
        stages[-1] = "review_login"
        schedule = Schedule(**{**schedule.__dict__, "open": tuple(stages)})
    return schedule


def stories(rng: random.Random, region, profile: Profile, schedule: Schedule, now: int) -> list[Story]:
    own = BaseLevel.CITY if region.level == RegionLevel.CITY else BaseLevel.COUNTY
    up, down = LEVEL_UP[own], LEVEL_DOWN[own]
    namer = _Namer(rng, profile)
    result: list[Story] = []
    for _ in range(schedule.national):
        result.append(_story(namer, [(FIRST_YEAR, BaseLevel.NATIONAL)], high=True))
    for first, later in schedule.provincial_to_national:
        result.append(_story(namer, [(first, BaseLevel.PROVINCE), (later, BaseLevel.NATIONAL)], high=True))
    for index in range(schedule.provincial):
        result.append(_story(namer, [(FIRST_YEAR + index % 2, BaseLevel.PROVINCE)], high=True))
    upgrades, from_lower = list(schedule.upgrades), list(schedule.from_lower)
    own_stories = []
    for year, count in sorted(schedule.new.items()):
        for _ in range(count):
            if year > now:
                continue
            path = [(year, own)]
            lower = next((p for p in from_lower if p[1] == year), None)
            if lower is not None and down is not None:
                from_lower.remove(lower)
                path.insert(0, (lower[0], down))
            upgrade = next((p for p in upgrades if p[0] == year), None)
            if upgrade is not None and upgrade[1] <= now:
                upgrades.remove(upgrade)
                path.append((upgrade[1], up))
            story = _story(namer, path, high=upgrade is not None)
            own_stories.append(story)
            result.append(story)
    for index in range(schedule.lower if down is not None else 0):
        result.append(_story(namer, [(FIRST_YEAR + index, down)]))
    _plan_re_examinations(own_stories, own, schedule, now)
    for stage in schedule.open:
        story = namer.take()
        story.open = (own, stage)
        result.append(story)
    for year in schedule.declined:
        story = namer.take()
        story.declined = (year, own)
        result.append(story)
    # An upgrade waiting on the office above: a base standing since KESU_SINCE, never re-examined badly.
    steady = [s for s in own_stories if len(s.recognitions) == 1 and s.recognitions[0][0] == KESU_SINCE
              and all(outcome == "passed" for _, outcome in s.re_examinations)]
    if steady and up is not None:
        steady[0].open = (up, "screened")
    return result


def _story(namer: _Namer, recognitions, *, high: bool = False) -> Story:
    story = namer.take(high=high)
    story.recognitions = list(recognitions)
    return story


def _plan_re_examinations(own_stories: list[Story], own: str, schedule: Schedule, now: int) -> None:
    """复核 every RE_EXAMINATION_YEARS years while a base stays at the region's own level: mostly
    passed; one base put under rectification and passed the next year, one still rectifying, and in
    some regions one revoked."""
    plain = [s for s in own_stories if len(s.recognitions) == 1]
    special: dict[int, list[tuple[int, str]]] = {}

    def pick(first_years, outcomes):
        for story in plain:
            year = story.recognitions[0][0]
            if id(story) not in special and year in first_years:
                special[id(story)] = [(year + RE_EXAMINATION_YEARS + i, o) for i, o in enumerate(outcomes)]
                return

    pick({now - RE_EXAMINATION_YEARS - 1, now - RE_EXAMINATION_YEARS}, ["rectify"])
    pick({now - RE_EXAMINATION_YEARS - 2, now - RE_EXAMINATION_YEARS - 1}, ["rectify", "passed"])
    if schedule.revoked:
        pick({FIRST_YEAR, FIRST_YEAR + 1, FIRST_YEAR + 2},
             ["rectify", "revoked"] if schedule.rectify_then_revoke else ["revoked"])
    for story in own_stories:
        if id(story) in special:
            story.re_examinations = [(y, o) for y, o in special[id(story)] if y <= now]
            continue
        recognitions = story.recognitions
        for index, (year, level) in enumerate(recognitions):
            if level != own:
                continue
            until = recognitions[index + 1][0] if index + 1 < len(recognitions) else now + 1
            at = year + RE_EXAMINATION_YEARS
            while at < until and at <= now:
                story.re_examinations.append((at, "passed"))
                at += RE_EXAMINATION_YEARS


# --- playing the stories -----------------------------------------------------------------------


class Player:
    """Plays a region's stories through the lifecycle services as the demo offices."""

    def __init__(self, rng: random.Random, region, profile: Profile, offices, login_expert, organisations,
                 units, names, now: int):
        self.rng, self.region, self.profile, self.now = rng, region, profile, now
        self.offices = offices  # every demo office admin
        self.local = self._office_at(region, region.level)
        self.login_expert = login_expert
        self.organisations = organisations
        self.units = units
        self.names = names
        self.plaques: dict[tuple[str, int], int] = {}
        self.counts = {"bases": 0, "recorded": 0, "panel": 0, "re_examinations": 0, "annual_reports": 0,
                       "open": 0}

    def _office_at(self, region, level):
        return next((o for o in self.offices if o.region.level == level and region.is_within(o.region)), None)

    def recogniser(self, level):
        return self._office_at(self.region, RECOGNISING_OFFICE[BaseLevel(level)])

    def set_policies(self, own: str) -> None:
        office = self.recogniser(own)
        if office is None or office.region_id != self.region.pk:
            return
        criteria = CITY_CRITERIA if own == BaseLevel.CITY else COUNTY_CRITERIA
        lifecycle.set_policy(actor=office, region=self.region, level=own, validity_years=5,
                             re_examination_years=RE_EXAMINATION_YEARS, pass_score=70 if own == BaseLevel.CITY else 65,
                             criteria=criteria)

    def create(self, story: Story) -> None:
        rng = self.rng
        unit = self.units.for_host(story.host.removeprefix(story.place)) if story.place == self.region.name else None
        organisation = self.organisations.get("rural") if story.category == "production" else None
        values = {
            "name": story.name, "region": self.region, "category": story.category,
            "host_organisation": story.host, **base_figures(rng, story.category),
            "address": f"{story.place}{rng.choice(('人民路', '建设路', '文化路', '科技路', '滨河路', '学府路'))}"
                       f"{rng.randrange(1, 300)}号",
            "contact_name": self.names(), "contact_phone": fake_phone(rng.randrange(10000)),
            "description": f"依托{story.host}建设，面向公众开放，开展科普展示、讲解、体验和研学活动。",
            "applicant_unit_id": unit.pk if unit else None,
            "applicant_organisation_id": organisation.pk if organisation else None, "is_demo": True,
        }
        story.base = services.save_record(actor=None, kind="base", values=values)
        self.counts["bases"] += 1

    def events(self, stories: list[Story]):
        """(year, phase, order, action) of every story: annual reports of the year before first, then
        recognitions and applications, then 复核."""
        for order, story in enumerate(stories):
            for year, level in story.recognitions:
                yield year, 1, order, lambda s=story, y=year, lv=level: self.recognise(s, lv, y)
            for year, outcome in story.re_examinations:
                yield year, 2, order, lambda s=story, y=year, o=outcome: self.re_examine(s, y, o)
            for year in ANNUAL_REPORT_YEARS:
                if year + 1 <= self.now:
                    yield year + 1, 0, order, lambda s=story, y=year: self.annual_report(s, y)
            if story.declined:
                year, level = story.declined
                yield year, 1, order, lambda s=story, y=year, lv=level: self.decline(s, lv, y)
            if story.open:
                yield self.now, 3, order, lambda s=story: self.open_application(s)

    def play(self, stories: list[Story]) -> None:
        for story in stories:
            self.create(story)
        for year, _, _, action in sorted(self.events(stories), key=lambda e: e[:3]):
            if year <= self.now:
                action()

    # --- the acts -------------------------------------------------------------------------------

    def plaque(self, level: str, year: int) -> str:
        issuer = {BaseLevel.NATIONAL: "全国", BaseLevel.PROVINCE: self.profile.province or "省"}.get(level)
        if issuer is None:
            office = self.recogniser(level)
            if office is not None:
                issuer = office.region.name
            elif level == BaseLevel.CITY and self.region.level != RegionLevel.CITY and self.region.parent_id:
                issuer = self.region.parent.name
            else:
                issuer = self.region.name
        key = (f"{issuer}{level}", year)
        self.plaques[key] = self.plaques.get(key, 0) + 1
        return f"{issuer}科普基地〔{year}〕{self.plaques[key]:03d}号"

    def recognise(self, story: Story, level: str, year: int) -> None:
        base = story.base
        recogniser = self.recogniser(level)
        if year < KESU_SINCE or recogniser is None:
            lifecycle.record_recognition(actor=None, base=base, level=level, year=year,
                                         plaque_number=self.plaque(level, year))
            self.counts["recorded"] += 1
            return
        application = self.panel(base, level, year, recogniser, scored=3)
        lifecycle.recognise(actor=recogniser, application=application, plaque_number=self.plaque(level, year),
                            year=year, comment="经专家评审，符合认定条件，同意认定。")
        self.counts["panel"] += 1

    def panel(self, base, level: str, year: int, recogniser, *, scored: int, share=(0.74, 0.96), login=False):
        application = lifecycle.apply(actor=self.local, base=base, level=level, year=year)
        lifecycle.screen(actor=self.local, application=application, passed=True, comment="申报材料齐全，同意推荐。")
        pool = [e for e in selectors.experts_for_panel(recogniser.region).order_by("pk") if e.user_id is None]
        experts = self.rng.sample(pool, min(3, len(pool)))
        if login and self.login_expert is not None:
            experts = [self.login_expert, *experts[:2]]
        assignments = lifecycle.assign_panel(actor=recogniser, application=application, experts=experts)
        criteria = lifecycle.policy_for(base.region, level).criteria
        for assignment in assignments:
            if scored <= 0 or assignment.expert.user_id is not None:
                continue
            scores = {c.pk: round(c.max_score * self.rng.uniform(*share), 1) for c in criteria}
            lifecycle.submit_scores(actor=recogniser, assignment=assignment, scores=scores,
                                    comment=self.rng.choice(("展教内容丰富，运行管理规范。", "活动开展常态化，队伍较稳定。",
                                                             "设施较完善，建议加强数字化展项。")))
            scored -= 1
        return application

    def decline(self, story: Story, level: str, year: int) -> None:
        recogniser = self.recogniser(level)
        if recogniser is None:
            return
        application = self.panel(story.base, level, year, recogniser, scored=3, share=(0.42, 0.58))
        lifecycle.decline(actor=recogniser, application=application,
                          comment="专家评审平均分未达到通过分数线，建议完善展教设施、充实科普队伍后再行申报。")

    def open_application(self, story: Story) -> None:
        level, stage = story.open
        base, year = story.base, self.now
        recogniser = self.recogniser(level)
        if stage.startswith("review") and recogniser is None:
            stage = "screened"
        self.counts["open"] += 1
        if stage.startswith("review"):
            scored = {"review_full": 3, "review_partial": 1, "review_login": 1}[stage]
            self.panel(base, level, year, recogniser, scored=scored, login=stage == "review_login")
            return
        application = lifecycle.apply(actor=self.local, base=base, level=level, year=year)
        if stage == "returned":
            lifecycle.screen(actor=self.local, application=application, passed=False,
                             comment="申报材料缺少近三年科普活动台账和开放接待记录，请补充后重新提交。")
        elif stage == "screened":
            lifecycle.screen(actor=self.local, application=application, passed=True, comment="同意推荐上报。")

    def re_examine(self, story: Story, year: int, outcome: str) -> None:
        base = story.base
        base.refresh_from_db()
        office = self.recogniser(base.level) if base.level else None
        if office is None or not base.is_standing:
            return
        comments = {
            "passed": "",
            "rectify": "年度开放天数不足、科普活动台账不完整，限期整改。",
            "revoked": "整改期满仍未达到认定条件（场馆长期停止对外开放），撤销科普教育基地称号。",
        }
        lifecycle.re_examine(actor=office, base=base, year=year, outcome=outcome, comment=comments[outcome],
                             rectify_by=datetime.date(year + 1, 6, 30) if outcome == "rectify" else None)
        self.counts["re_examinations"] += 1

    def annual_report(self, story: Story, year: int) -> None:
        base = story.base
        base.refresh_from_db()
        if not base.is_standing or base.status == BaseStatus.REVOKED or (base.recognised_year or 0) > year:
            return
        rng = self.rng
        growth = 1 + 0.06 * (year - ANNUAL_REPORT_YEARS[0])
        lifecycle.file_annual_report(
            actor=self.local, base=base, year=year,
            visitors=int(base.annual_visitors * growth * rng.uniform(0.85, 1.1)),
            activities=rng.randrange(12, 160), open_days=min(366, max(120, base.open_days + rng.randrange(-15, 10))),
            summary=f"{year}年开放{rng.choice(('正常', '有序'))}，组织科普讲解和主题活动，接待中小学生研学团队"
                    f"{rng.randrange(10, 80)}批次。",
        )
        self.counts["annual_reports"] += 1
