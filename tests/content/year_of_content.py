"""A year (2024) of content in 威海市 → 乳山市 (+ 荣成市), created row by row through the models, with
the figures worked out by hand. Shared by tests/content/test_feeds.py, test_summaries.py and
tests/evaluation/test_content_section.py. Times are Beijing time.

items (region, review rounds → hours from submission to approval)
    A 夏季防溺水安全知识  乳山  2024-03-01 revise, 03-03 → approved 03-04 10:00  → 72 h
    B 流感季节防护要点    乳山  2024-05-10 08:00 → approved 20:00               → 12 h
    C 台风来临前的准备    乳山  2023-12-30 → approved 2023-12-31 (not a 2024 approval)
    D 地震来了怎么避险    威海  2024-06-01 10:00 → approved 06-03 10:00         → 48 h
    E 吃碘盐不能防辐射    乳山  2024-08-01 09:00 → approved 13:00 (a rebuttal)  → 4 h
    乳山 2024: approved A B E, median 12 h; 威海: A B D E, median (12 + 48) / 2 = 30 h

publications in 2024 (region, channel, reach)
    A 乳山 public 1000 · A 乳山 wechat 2500 · A 荣成 wechat 400 · B 乳山 poster — ·
    C 乳山 broadcast 8000 at 2024-01-01 00:30 (still 2023 in UTC) · C 乳山 broadcast 5000 during 台风 ·
    E 乳山 public 300 · D 威海 wechat 5000 · B 乳山 push (—) · D 威海 push (—)
    and A 乳山 public 99 on 2023-12-31 23:30 (last year)
pushes
    B from 乳山 to 市教育和体育局 (ack, 600), 团市委 (ack), 周信息员, 吴信息员 (ack, 150)
    D from 威海 to 乳山's 市科协 (ack, 200)
→ 乳山: 7 publications of 4 items (A B C E), own reach 16,800, pushes' reach 950 (600 + 150 + 200, the
  last reported in 乳山 though 威海 pushed), total 17,750; 1 push, 4 recipients, 3 acknowledged
→ 威海: reach 17,750 + 400 + 5,000 = 23,150; the statistics' 发布条数 4 + 1 (荣成: A) + 1 (威海: D) = 6,
  the report's distinct items A B C D E = 5

rumours: 乳山 first seen 2024-07-30 rebutted 08-01 (by E) · 乳山 first seen 2024-09-01 monitoring ·
    乳山 first seen 2023-12-01 rebutted 2024-01-10 · 威海 first seen 2024-02-01 rebutted 02-03
→ 乳山 recorded 2, rebutted 2; 威海 rebutted 3
emergencies: 乳山 台风 2024-08-10 06:00 (first publication 08:30, 2.5 h, limit 6 h) ·
    乳山 疫情 2024-11-01 (nothing published) · 威海 地震 2024-03-15 → 乳山 2, 威海 3
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kesu.content.models import (
    Channel,
    EmergencyEvent,
    EventType,
    Publication,
    Push,
    PushRecipient,
    ReviewRound,
    RoundStatus,
    Rumour,
    RumourStatus,
    Topic,
)
from kesu.org.models import Region, RegionLevel
from kesu.resources.models import Messenger

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR = 2024


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


@dataclass
class ContentWorld:
    city: Region
    county: Region
    county2: Region
    items: dict
    typhoon: EmergencyEvent


def _round(item, opened, closed, status):
    return ReviewRound.objects.create(item=item, version=item.approved_version, required=1, status=status,
                                      opened_at=opened, due_at=opened + datetime.timedelta(days=7), closed_at=closed)


def _publish(item, channel, region, when, reach=None, emergency=None):
    return Publication.objects.create(item=item, version=item.approved_version, channel=channel, region=region,
                                      published_at=when, reach=reach, emergency=emergency)


def _push(item, region, when, recipients):
    publication = _publish(item, Channel.PUSH, region, when)
    push = Push.objects.create(item=item, version=item.approved_version, publication=publication, sent_at=when)
    push.regions.set([region])
    for kind, who, acknowledged, reach in recipients:
        PushRecipient.objects.create(push=push, **{kind: who}, reach=reach,
                                     acknowledged_at=when + datetime.timedelta(hours=2) if acknowledged else None)
    return push


def build_year(world, make_item, county2: Region | None = None) -> ContentWorld:
    """`make_item` is the `approved_item` fixture of tests/content/conftest.py."""
    city, county = world.city, world.county
    county2 = county2 or Region.objects.filter(code="371082").first() or Region.objects.create(
        code="371082", name="荣成市", level=RegionLevel.COUNTY, parent=city)
    units = world.units
    messengers = [Messenger.objects.create(name="周信息员", region=county, community="城区社区"),
                  Messenger.objects.create(name="吴信息员", region=county, community="夏村")]
    items = {
        "A": make_item("夏季防溺水安全知识"),
        "B": make_item("流感季节防护要点", topics=("health",)),
        "C": make_item("台风来临前的准备", topics=("disaster",)),
        "D": make_item("地震来了怎么避险", region=city, topics=("disaster",)),
        "E": make_item("吃碘盐不能防辐射", topics=("health",), is_rebuttal=True),
    }
    a, b, c, d, e = (items[k] for k in "ABCDE")
    _round(a, at(2024, 3, 1), at(2024, 3, 2), RoundStatus.REVISE)
    _round(a, at(2024, 3, 3), at(2024, 3, 4), RoundStatus.APPROVED)
    _round(b, at(2024, 5, 10, 8), at(2024, 5, 10, 20), RoundStatus.APPROVED)
    _round(c, at(2023, 12, 30), at(2023, 12, 31), RoundStatus.APPROVED)
    _round(d, at(2024, 6, 1), at(2024, 6, 3), RoundStatus.APPROVED)
    _round(e, at(2024, 8, 1, 9), at(2024, 8, 1, 13), RoundStatus.APPROVED)

    typhoon = EmergencyEvent.objects.create(region=county, event_type=EventType.TYPHOON, title="台风“贝碧嘉”防御",
                                            started_at=at(2024, 8, 10, 6), distribute_within_hours=6)
    EmergencyEvent.objects.create(region=county, event_type=EventType.EPIDEMIC, title="诺如病毒聚集性疫情",
                                  started_at=at(2024, 11, 1))
    EmergencyEvent.objects.create(region=city, event_type=EventType.EARTHQUAKE, title="海域4.1级地震",
                                  started_at=at(2024, 3, 15))

    _publish(a, Channel.PUBLIC, county, at(2023, 12, 31, 23, 30), 99)
    _publish(a, Channel.PUBLIC, county, at(2024, 3, 5), 1000)
    _publish(a, Channel.WECHAT, county, at(2024, 3, 6), 2500)
    _publish(a, Channel.WECHAT, county2, at(2024, 3, 7), 400)
    _publish(b, Channel.POSTER, county, at(2024, 5, 11))
    _publish(c, Channel.BROADCAST, county, at(2024, 1, 1, 0, 30), 8000)
    _publish(c, Channel.BROADCAST, county, at(2024, 8, 10, 8, 30), 5000, emergency=typhoon)
    _publish(e, Channel.PUBLIC, county, at(2024, 8, 1, 14), 300)
    _publish(d, Channel.WECHAT, city, at(2024, 6, 4), 5000)
    _push(b, county, at(2024, 5, 11, 9), [
        ("unit", units["市教育和体育局"], True, 600), ("unit", units["团市委"], True, None),
        ("messenger", messengers[0], False, None), ("messenger", messengers[1], True, 150),
    ])
    _push(d, city, at(2024, 6, 5), [("unit", units["市科协"], True, 200)])

    topic = Topic.objects.get(code="health")
    for region, claim, seen, rebutted, rebuttal in (
        (county, "吃碘盐可以防核辐射", datetime.date(2024, 7, 30), at(2024, 8, 1, 14), e),
        (county, "喝板蓝根能预防所有流感", datetime.date(2024, 9, 1), None, None),
        (county, "隔夜菜一律致癌", datetime.date(2023, 12, 1), at(2024, 1, 10), None),
        (city, "地震前井水一定会变浑", datetime.date(2024, 2, 1), at(2024, 2, 3), None),
    ):
        Rumour.objects.create(region=region, claim=claim, first_seen=seen, topic=topic, rebuttal=rebuttal,
                              rebutted_at=rebutted,
                              status=RumourStatus.REBUTTED if rebutted else RumourStatus.MONITORING)
    return ContentWorld(city, county, county2, items, typhoon)
