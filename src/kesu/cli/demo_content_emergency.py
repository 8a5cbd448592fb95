"""The past emergency of the demo: a typhoon over 威海市 one summer, from the start of the response
(packages pushed, experts on call) through fast-track content, publications, the recipients'
answers and the office's notes to the close — so its page and its after-action report
(kesu.content.aftermath) have a whole story to tell. Driven by kesu.cli.demo_content's _Story."""

from __future__ import annotations

import datetime

from kesu.cli.demo_content_pool import TYPHOON_NOTES, Piece
from kesu.cli.demo_reports import moment

FAST_TRACK = (
    (Piece("after_health", "台风过后防病防疫要点", ("health", "disaster"), ("public", "residents"),
           "灾后清理家园、饮水消毒和防蚊灭蝇。",
           ("台风过后，被水浸泡过的食物不要再吃，饮用水要烧开，水井被淹后要清淤消毒后再使用。",
            "清理家园时戴手套、穿胶鞋，皮肤有伤口时避免接触污水；及时清除积水，防止蚊虫滋生。",
            "出现发热、腹泻等症状时及时就医。"),
           "台风过后饮水要烧开，被淹食物不要吃，清理积水防蚊虫，发热腹泻及时就医。"), "approve"),
    (Piece("evacuate", "沿海人员转移安置须知", ("disaster", "emergency"), ("public", "farmers"),
           "转移时带好证件和常用药，未解除预警前不要返回。",
           ("接到转移通知后，带好身份证件、常用药品和手机充电器，关闭家中水电气，按指定路线到安置点。",
            "到达安置点后服从管理，在预警解除、接到通知之前不要擅自返回。"),
           "接到转移通知立即撤离，带好证件和药品；预警解除前不要返回家中。"), "reworked"),
    (Piece("after_food", "灾后食品安全提醒", ("food_safety",), ("public",),
           "不吃被污水浸泡、变质的食品，不吃病死的畜禽和水产品。",
           ("被洪水或海水浸泡过的包装食品、散装食品都不要再食用。",
            "不吃病死、死因不明的畜禽和水产品；冰箱断电时间较长时，里面的食物要检查后再吃。"),
           "被水浸泡的食品不要吃，病死畜禽水产品不要吃，断电冰箱内食物检查后再吃。"), "approve"),
)


def event_day(today: datetime.date) -> datetime.date:
    """The most recent August 12th at least two months ago: the typhoon season of the coast."""
    day = datetime.date(today.year, 8, 12)
    return day if (today - day).days >= 60 else datetime.date(today.year - 1, 8, 12)


def play_typhoon(story, items: dict):
    from kesu.audit.context import stamped
    from kesu.cli.demo_content import settle_created
    from kesu.content import authoring, emergency
    from kesu.content.models import EmergencyEvent, Push
    from kesu.org.models import Region

    region, office = story.region, story.office
    day = event_day(story.today)
    start = moment(day, 7, 40)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    affected = [region, *[r for r in children if r.code == "371083"], *[r for r in children if r.code != "371083"][:2]]
    with stamped(start):
        event = emergency.start_emergency(
            actor=office, region=region, event_type="typhoon", title=f"{day.year}年第9号台风应急科普响应", level="3",
            affected_regions=affected, started_at=start, distribute_within_hours=6,
            description="受台风影响，我市沿海地区出现大风和强降雨，局地风暴潮增水明显。",
        )
    # The packages went out at the start (kesu.content.emergency); when the service kept them back, the
    # office pushes them by hand a quarter of an hour later, as its timeline advises.
    pushes = list(Push.objects.filter(emergency=event).order_by("pk"))
    for push in pushes:
        story.answer(push, push.sent_at)
    if not pushes:
        for package in emergency.packages_for(event):
            for item in package.items.order_by("title"):
                story._push(item, start + datetime.timedelta(minutes=15), event, affected)
    notes = (start + datetime.timedelta(minutes=30), start + datetime.timedelta(hours=3),
             start + datetime.timedelta(hours=9), start + datetime.timedelta(hours=30))
    for at, text in zip(notes, TYPHOON_NOTES, strict=True):
        with stamped(at):
            emergency.add_note(actor=office, event=event, text=text)
    at = start + datetime.timedelta(hours=1)
    for piece, fate in FAST_TRACK:
        with stamped(at):
            item = authoring.create_item(
                actor=office, region=region, kind="article", title=piece.title, topics=piece.topics,
                summary=piece.summary, body_html=piece.body_html, audiences=piece.audiences,
                broadcast_text=piece.broadcast, emergency=event,
            )
        story.created.append(item.pk)
        settle_created(item, at)
        step = story._submit(item, at + datetime.timedelta(minutes=10))
        if fate == "reworked":
            step = story._verdicts(item, step, "revise")
            step = story._new_version(item, step + datetime.timedelta(minutes=40), "按快审意见修改")
            step = story._submit(item, step + datetime.timedelta(minutes=5))
        step = story._verdicts(item, step, "approve")
        item.refresh_from_db()
        story._publish(item, step + datetime.timedelta(minutes=20), emergency=event)
        at += datetime.timedelta(hours=14)
    closed = moment(day + datetime.timedelta(days=3), 10)
    with stamped(closed):
        emergency.close_emergency(actor=office, event=event, closed_at=closed)
    return EmergencyEvent.objects.get(pk=event.pk)
