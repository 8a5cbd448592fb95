"""The 科普内容 of `kesu demo`: a content library in every state, scientific reviews by the registry's
experts, publications and targeted pushes with their answers, subscriptions, rumours and their
rebuttals, emergency packages and, for 威海市, a past typhoon response with its timeline.

Everything goes through the kesu.content services, each step under kesu.audit.context.stamped at the
moment it would have happened (kesu.content.clock honours it). Where a service stamps a row with the
wall clock (timezone.now(), auto_now_add), the row's time is moved to that moment afterwards, as
kesu.cli.demo_reports does for reports: `_settle_*` below. The texts are in kesu.cli.demo_content_pool;
choices come from a random generator seeded with the region code. A region that already has demo
content is skipped.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from kesu.cli.demo_content_pool import PIECES, RUMOURS, Piece
from kesu.cli.demo_reports import moment

EMERGENCY_REGION = "371000"
# Registry fields (kesu.cli.demo_pools SPECIALITIES) whose experts get a login to review content; the
# marine and environmental experts get none, so content on those topics waits for the office to assign.
REVIEWER_FIELDS = ("公共卫生", "临床医学", "中医学", "精神卫生", "大气科学", "安全工程", "地球物理", "作物栽培",
                   "食品科学", "计算机科学", "物理教育", "电气工程")
REVIEWER_LOGIN = "expert-{code}-{n}"
MARINE_PIECE = Piece("plastics", "海洋里的微塑料从哪里来", ("marine",), ("public",),
                     "微塑料来自塑料垃圾的破碎和日用品，减少一次性塑料是关键。",
                     ("直径小于5毫米的塑料颗粒称为微塑料，主要来自塑料垃圾在阳光和海浪作用下的破碎。",
                      "减少使用一次性塑料制品，垃圾分类投放，不向海滩和河道丢弃垃圾，都能减少海洋微塑料。"))
# The fate of each piece: approved (published, maybe pushed), reworked (returned once, then approved),
# edited (approved, then a new version under review), withdrawn, and the states still in review.
FATES = {
    "flood": "reworked", "typhoon": "approved", "storm_surge": "approved", "flu": "edited",
    "food_mushroom": "approved", "food_storage": "approved", "fraud": "reworked", "elder_phone": "under_review",
    "youth_lab": "approved", "youth_water": "approved", "heat": "approved", "earthquake": "approved",
    "forest_fire": "approved", "soil_test": "edited", "apple": "revise", "low_carbon": "draft", "mental": "rejected",
    "gas": "approved", "tides": "withdrawn", "ai_intro": "draft", "plastics": "submitted",
}
CHANNELS = ("public", "wechat", "poster", "broadcast", "unit_package")
REVISE_COMMENT = "第二段表述不够准确，请补充数据来源，并删去未经证实的说法。"
REJECT_COMMENT = "文中关于热线号码和就诊建议的表述与现行规定不符，建议重新撰写。"


def demo_content(plans, console) -> dict[str, int]:
    """Build the content of every demo region (one (plan, office) per region) that has none yet."""
    from django.db import transaction

    from kesu.audit.context import acting_as
    from kesu.content import feeds
    from kesu.content.models import ContentItem

    counts: dict[str, int] = defaultdict(int)
    # One recount into 科普统计 for all regions at the end rather than one per region.
    with acting_as(None, reason="kesu demo：科普内容"), feeds.deferred():
        for plan, office in plans:
            region = plan.region
            if ContentItem.objects.filter(region=region, is_demo=True).exists():
                continue
            with transaction.atomic():
                built = build_region(region, office)
            for key, value in built.items():
                counts[key] += value
            console.print(f"{region.name} 科普内容：{built['items']} 篇，发布 {built['publications']} 次，"
                          f"推送 {built['pushes']} 次，谣言 {built['rumours']} 条"
                          + ("，含往期应急事件 1 起" if built.get("events") else ""))
    return dict(counts)


def build_region(region, office, *, today: datetime.date | None = None) -> dict[str, int]:
    from django.utils import timezone

    from kesu.content.models import ContentItem, EmergencyEvent

    today = today or timezone.localdate()
    story = _Story(region, office, today)
    story.reviewer_accounts()
    story.subscriptions()
    items = {piece.key: story.item(piece) for piece in (*PIECES, MARINE_PIECE)}
    story.packages(items)
    story.rumours()
    if region.code == EMERGENCY_REGION:
        story.typhoon(items)
    ContentItem.objects.filter(pk__in=story.created).update(is_demo=True)
    settle_updated(story.created)
    EmergencyEvent.objects.filter(pk__in=story.events).update(is_demo=True)
    return {"items": len(story.created), **story.counts, "events": len(story.events)}


class _Story:
    def __init__(self, region, office, today: datetime.date):
        self.region, self.office, self.today = region, office, today
        self.rng = random.Random(f"kesu-demo-content-{region.code}")
        self.created: list[int] = []
        self.events: list[int] = []
        self.counts: dict[str, int] = defaultdict(int)

    # --- people ---------------------------------------------------------------------------------

    def reviewer_accounts(self) -> None:
        """Logins for one registry expert of each reviewing field (kesu.resources keeps the registry)."""
        from kesu.cli.demo import DEMO_PASSWORD
        from kesu.org.models import Role, User
        from kesu.org.services import create_user
        from kesu.resources import services
        from kesu.resources.models import Availability, Expert

        pool = (Expert.objects.filter(region=self.region, is_demo=True, is_active=True, user__isnull=True)
                .exclude(availability=Availability.UNAVAILABLE).order_by("pk"))
        number = User.objects.filter(username__startswith=f"expert-{self.region.code}-").count()
        for field in REVIEWER_FIELDS:
            expert = pool.filter(field=field).first()
            if expert is None:
                continue
            number += 1
            user = create_user(actor=None, username=REVIEWER_LOGIN.format(code=self.region.code, n=number),
                               password=DEMO_PASSWORD, role=Role.EXPERT, region=self.region,
                               display_name=f"{expert.name}（审查专家）", is_demo_password_ok=True)
            services.save_record(actor=None, kind="expert", instance=expert, values={"user_id": user.pk})
            self.counts["reviewer_accounts"] += 1

    def _reporter(self, unit):
        from kesu.org.models import Role, User

        return User.objects.filter(role=Role.UNIT_REPORTER, unit=unit, is_active=True).order_by("username").first()

    def subscriptions(self) -> None:
        from kesu.audit.context import stamped
        from kesu.content import distributing
        from kesu.content.models import Topic
        from kesu.org.models import Unit
        from kesu.resources.models import Messenger

        topics = {topic.code: topic for topic in Topic.objects.all()}
        with stamped(moment(self.today - datetime.timedelta(days=380), 9)):
            units = [u for u in Unit.objects.filter(region=self.region, is_active=True).order_by("name")
                     if self._reporter(u)]
            for unit, code in zip(self.rng.sample(units, min(4, len(units))), ("disaster", "health", "agriculture",
                                                                                    "anti_fraud"), strict=False):
                distributing.subscribe(actor=self._reporter(unit), topic=topics[code], unit=unit)
                self.counts["subscriptions"] += 1
            messengers = list(Messenger.objects.filter(region__path__startswith=self.region.path, is_active=True,
                                                       region=self.region).order_by("pk")[:6])
            for messenger, code in zip(messengers, ("disaster", "agriculture", "health", "food_safety", "disaster",
                                                    "anti_fraud"), strict=False):
                distributing.subscribe(actor=self.office, topic=topics[code], messenger=messenger)
                self.counts["subscriptions"] += 1

    # --- the library ----------------------------------------------------------------------------

    def _day(self, piece: Piece) -> datetime.date:
        # Package content is old (ready before the summer); the rest spreads over the last ten months.
        back = 330 + self.rng.randrange(20) if piece.event_type else 40 + self.rng.randrange(260)
        return self.today - datetime.timedelta(days=back)

    def item(self, piece: Piece):
        from kesu.audit.context import stamped
        from kesu.content import authoring

        fate = FATES[piece.key]
        day = self._day(piece)
        at = moment(day, 9 + self.rng.randrange(6), self.rng.randrange(60))
        with stamped(at):
            item = authoring.create_item(
                actor=self.office, region=self.region, kind="article", title=piece.title, topics=piece.topics,
                summary=piece.summary, body_html=piece.body_html, audiences=piece.audiences,
                broadcast_text=piece.broadcast,
                season_start_month=piece.season[0] if piece.season else None,
                season_end_month=piece.season[1] if piece.season else None,
            )
        self.created.append(item.pk)
        settle_created(item, at)
        if fate == "draft":
            if piece.key == "ai_intro":
                self._new_version(item, at + datetime.timedelta(days=3), "补充使用人工智能工具的注意事项")
            return item
        at = self._submit(item, at + datetime.timedelta(days=1, hours=1))
        if fate == "submitted":
            return item
        if fate == "revise":
            self._verdicts(item, at, "revise")
            return item
        if fate == "rejected":
            self._verdicts(item, at, "reject")
            return item
        if fate == "under_review":
            self._verdicts(item, at, "approve", only_first=True)
            return item
        if fate == "reworked":
            at = self._verdicts(item, at, "revise")
            at = self._new_version(item, at + datetime.timedelta(days=2), "按专家意见修改")
            at = self._submit(item, at + datetime.timedelta(hours=2))
        at = self._verdicts(item, at, "approve")
        item.refresh_from_db()
        at = self._publish(item, at + datetime.timedelta(days=1))
        if fate == "edited":
            version_at = max(at, moment(self.today - datetime.timedelta(days=12 + self.rng.randrange(8)), 10))
            self._new_version(item, version_at, "更新数据，补充就诊和咨询方式")
            self._submit(item, version_at + datetime.timedelta(hours=3))
        if fate == "withdrawn":
            with stamped(min(at + datetime.timedelta(days=20), self._limit())):
                authoring.withdraw_item(actor=self.office, item=item, reason="潮汐时间表述有误，待核实后重新发布")
        return item

    def _new_version(self, item, at: datetime.datetime, note: str) -> datetime.datetime:
        from kesu.audit.context import stamped
        from kesu.content import authoring

        item.refresh_from_db()
        current = item.current_version
        with stamped(at):
            version = authoring.revise_item(actor=self.office, item=item, note=note,
                                            body_html=current.body_html + f"<p>（{note}，{at:%Y年%m月}修订）</p>")
        type(version).objects.filter(pk=version.pk).update(created_at=at)
        return at

    def _submit(self, item, at: datetime.datetime) -> datetime.datetime:
        from kesu.audit.context import stamped
        from kesu.content import authoring

        with stamped(at):
            round_ = authoring.submit_item(actor=self.office, item=item)
        _settle_round(round_, at)
        return at

    def _verdicts(self, item, at: datetime.datetime, verdict: str, *, only_first: bool = False) -> datetime.datetime:
        """The assigned experts answer the open round of `item`, each a few hours to days later."""
        from kesu.audit.context import stamped
        from kesu.content import reviewing
        from kesu.content.models import ReviewRound, RoundStatus, Verdict

        round_ = ReviewRound.objects.filter(item=item, status=RoundStatus.OPEN).order_by("-pk").first()
        if round_ is None:
            return at
        reviews = list(round_.reviews.select_related("expert__user").order_by("pk"))
        # Still under review: all but the last of the assigned experts have answered.
        for index, review in enumerate(reviews[:-1] if only_first else reviews):
            at = at + (datetime.timedelta(minutes=40 + self.rng.randrange(140)) if round_.fast_track
                       else datetime.timedelta(hours=20 + self.rng.randrange(70)))
            answer = Verdict.APPROVE if index or verdict == "approve" else verdict
            comments = {"approve": "内容科学准确，同意发布。", "revise": REVISE_COMMENT, "reject": REJECT_COMMENT}
            with stamped(at):
                reviewing.give_verdict(actor=review.expert.user, review=review, verdict=answer,
                                       comments=comments[answer])
            _settle_verdict(review, at)
            self.counts["reviews"] += 1
            if answer != Verdict.APPROVE:
                break
        return at

    # --- distribution ---------------------------------------------------------------------------

    def _publish(self, item, at: datetime.datetime, emergency=None) -> datetime.datetime:
        """Publish on two or three channels (with reach where the channel counts it), push half of them."""
        from kesu.audit.context import stamped
        from kesu.content import distributing

        if item.approved_version_id is None:
            return at
        channels = [c for c in CHANNELS if c != "broadcast" or item.approved_version.broadcast_text]
        chosen = ["public", *self.rng.sample(channels[1:], 1 + self.rng.randrange(2))]
        if emergency is not None and "broadcast" in channels:
            chosen = ["broadcast", "wechat", "public"]
        for channel in chosen:
            at = at + datetime.timedelta(hours=1 + self.rng.randrange(5 if emergency else 30))
            if not item.in_season(at.date()) or at > self._limit():
                continue
            reach = None if channel == "public" else self.rng.randrange(300, 12000)
            with stamped(at):
                distributing.publish(actor=self.office, item=item, channel=channel, region=self.region,
                                     reach=reach, emergency=emergency)
            self.counts["publications"] += 1
        if emergency is not None or self.rng.random() < 0.55:
            at = self._push(item, at + datetime.timedelta(hours=2), emergency)
        return at

    def _limit(self) -> datetime.datetime:
        from django.utils import timezone

        return timezone.now() - datetime.timedelta(hours=2)

    def _push(self, item, at: datetime.datetime, emergency=None, regions=None) -> datetime.datetime:
        from kesu.audit.context import stamped
        from kesu.content import distributing
        from kesu.content.errors import ContentError

        if not item.in_season(at.date()) or at > self._limit():
            return at
        due = None if emergency else at + datetime.timedelta(days=7)
        try:
            with stamped(at):
                push = distributing.push_item(
                    actor=self.office, item=item, regions=regions or [self.region], audiences=list(item.audiences.all()),
                    message="请转发至本单位和服务对象", due_at=due, emergency=emergency,
                )
        except ContentError:
            return at  # nobody to push to in this region
        self.counts["pushes"] += 1
        self.answer(push, at)
        return at

    def answer(self, push, sent: datetime.datetime) -> None:
        """Most recipients sign within the time limit, some late, some never; about half report reach."""
        from kesu.audit.context import stamped
        from kesu.content import distributing

        due = push.due_at or sent + datetime.timedelta(days=3)
        span = (due - sent).total_seconds()
        for recipient in push.recipients.select_related("unit", "messenger").order_by("pk"):
            draw = self.rng.random()
            if draw < 0.15:
                continue
            late = draw > 0.85
            signed = sent + datetime.timedelta(seconds=span * (1.2 + self.rng.random() if late
                                                               else 0.1 + 0.7 * self.rng.random()))
            if signed > self._limit():
                continue
            reach = self.rng.randrange(20, 2500) if self.rng.random() < 0.6 else None
            reported = signed + datetime.timedelta(hours=2 + self.rng.randrange(30))
            if recipient.unit_id is not None:
                actor = self._reporter(recipient.unit)
                if actor is None:
                    continue
                with stamped(signed):
                    distributing.acknowledge(actor=actor, recipient=recipient)
                if reach is not None and reported <= self._limit():
                    with stamped(reported):
                        distributing.report_reach(actor=actor, recipient=recipient, reach=reach,
                                                  note="已在工作群和宣传栏转发")
            else:
                with stamped(signed):
                    distributing.acknowledge_by_token(recipient.token)
                if reach is not None and reported <= self._limit():
                    with stamped(reported):
                        distributing.report_reach_by_token(recipient.token, reach // 4 + 10, "村（居）微信群转发")
            self.counts["acknowledged"] += 1

    def packages(self, items: dict) -> None:
        from kesu.audit.context import stamped
        from kesu.content import emergency
        from kesu.content.models import EventType

        by_type: dict[str, list] = defaultdict(list)
        for piece in PIECES:
            item = items[piece.key]
            item.refresh_from_db()
            if piece.event_type and item.approved_version_id and item.status != "withdrawn":
                by_type[piece.event_type].append(item)
        with stamped(moment(self.today - datetime.timedelta(days=300), 15)):
            for event_type, members in sorted(by_type.items()):
                package = emergency.create_package(actor=self.office, region=self.region, event_type=event_type,
                                                   name=f"{EventType(event_type).label}应急科普资源包")
                emergency.set_package_items(actor=self.office, package=package, items=members)
                self.counts["packages"] += 1

    # --- rumours --------------------------------------------------------------------------------

    def rumours(self) -> None:
        from kesu.audit.context import stamped
        from kesu.content import debunking
        from kesu.content.models import Rumour, Topic

        fates = ("rebutted", "closed", "rebutted", "reviewing", "drafting", "closed_note", "monitoring")
        for index, (claim, topic, where, spread, title, paragraphs, broadcast) in enumerate(RUMOURS):
            fate = fates[index]
            seen = self.today - datetime.timedelta(days=20 + 23 * index + self.rng.randrange(10))
            at = moment(seen + datetime.timedelta(days=1), 10)
            with stamped(at):
                rumour = debunking.record_rumour(actor=self.office, region=self.region, claim=claim,
                                                 topic=Topic.objects.get(code=topic), first_seen=seen,
                                                 where_seen=where, spread=spread)
            Rumour.objects.filter(pk=rumour.pk).update(created_at=at)
            self.counts["rumours"] += 1
            if fate == "closed_note":
                with stamped(at + datetime.timedelta(days=5)):
                    debunking.close_rumour(actor=self.office, rumour=rumour, note="传播范围小，经核查已自行平息，未另行辟谣")
                _settle_rumour(rumour, closed=at + datetime.timedelta(days=5))
                continue
            if fate == "monitoring" or not title:
                continue
            at += datetime.timedelta(hours=5)
            with stamped(at):
                item = debunking.draft_rebuttal(actor=self.office, rumour=rumour, title=title,
                                                body_html="".join(f"<p>{p}</p>" for p in paragraphs),
                                                summary=paragraphs[0][:60], broadcast_text=broadcast)
            self.created.append(item.pk)
            settle_created(item, at)
            if fate == "drafting":
                continue
            at = self._submit(item, at + datetime.timedelta(hours=1))
            if fate == "reviewing":
                continue
            at = self._verdicts(item, at, "approve")
            _settle_rumour(rumour, rebutted=at)
            item.refresh_from_db()
            if item.approved_version_id:
                self._publish(item, at + datetime.timedelta(hours=2))
            if fate == "closed":
                closed = at + datetime.timedelta(days=14)
                with stamped(closed):
                    debunking.close_rumour(actor=self.office, rumour=rumour, note="辟谣文章发布后未再发现传播")
                _settle_rumour(rumour, closed=closed)

    # --- the past emergency ---------------------------------------------------------------------

    def typhoon(self, items: dict) -> None:
        from kesu.cli.demo_content_emergency import play_typhoon
        from kesu.content.models import Push

        event = play_typhoon(self, items)
        self.events.append(event.pk)
        self.counts["event_pushes"] += Push.objects.filter(emergency=event).count()


# --- rows a service stamped with the wall clock, moved to the moment of the story ---------------


def settle_updated(pks: list[int]) -> None:
    """An item's last change is its last step in the story, not the moment the demo was built."""
    from django.db.models import Max

    from kesu.content.models import ContentItem

    steps = ContentItem.objects.filter(pk__in=pks).annotate(
        version=Max("versions__created_at"), verdict=Max("rounds__reviews__decided_at"),
        published=Max("publications__published_at"),
    )
    for item in steps:
        last = max(at for at in (item.created_at, item.version, item.verdict, item.published) if at is not None)
        ContentItem.objects.filter(pk=item.pk).update(updated_at=last)


def settle_created(item, at: datetime.datetime) -> None:
    from kesu.content.models import ContentItem, ContentVersion

    ContentItem.objects.filter(pk=item.pk).update(created_at=at)
    ContentVersion.objects.filter(item=item, number=1).update(created_at=at)


def _settle_round(round_, at: datetime.datetime) -> None:
    from kesu.content.models import ContentReview, ReviewRound

    ReviewRound.objects.filter(pk=round_.pk).update(opened_at=at, due_at=at + (round_.due_at - round_.opened_at))
    ContentReview.objects.filter(round=round_).update(assigned_at=at)


def _settle_verdict(review, at: datetime.datetime) -> None:
    from kesu.content.models import ContentReview, ReviewRound

    ContentReview.objects.filter(pk=review.pk).update(decided_at=at)
    ReviewRound.objects.filter(pk=review.round_id, closed_at__isnull=False).update(closed_at=at)


def _settle_rumour(rumour, *, rebutted=None, closed=None) -> None:
    from kesu.content.models import Rumour

    if rebutted:
        Rumour.objects.filter(pk=rumour.pk, rebutted_at__isnull=False).update(rebutted_at=rebutted)
    if closed:
        Rumour.objects.filter(pk=rumour.pk, closed_at__isnull=False).update(closed_at=closed)
