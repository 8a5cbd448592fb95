"""The after-action report, read back with python-docx and checked against the event's rows."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.utils import timezone

from kesu.content import aftermath, distributing, emergency
from kesu.content.models import (
    ContentReview,
    Publication,
    PushRecipient,
    ReviewRound,
    TimelineKind,
    Verdict,
)


def _read(data: bytes):
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return text, tables


def _table_after(tables, header_first):
    return next(table for table in tables if table[0][0] == header_first and len(table[0]) > 1)


@pytest.fixture
def event(county, county_office, approved_item):
    package = emergency.create_package(actor=county_office, region=county, event_type="flood", name="防汛包")
    emergency.set_package_items(actor=county_office, package=package, items=[approved_item("洪水来了怎么办")])
    started = timezone.now() - datetime.timedelta(hours=2)
    return emergency.start_emergency(actor=county_office, region=county, event_type="flood", title="7·20暴雨",
                                     level="3", affected_regions=[county], started_at=started,
                                     distribute_within_hours=3)


def test_report_without_publication(county, county_office):
    event = emergency.start_emergency(actor=county_office, region=county, event_type="heat", title="高温",
                                      level="4", affected_regions=[county])
    text, _ = _read(aftermath.after_action_docx(event))
    assert "尚无发布" in text and "高温应急科普处置总结" in text and "尚未结束" in text


def test_report_figures(event, county, county_office, approved_item, experts):
    push = event.pushes.get()
    recipients = list(push.recipients.order_by("pk"))
    assert len(recipients) >= 2
    # The first publication 1小时25分钟 after the start.
    Publication.objects.filter(pk=push.publication_id).update(
        published_at=event.started_at + datetime.timedelta(minutes=85))
    on_time, late = recipients[0], recipients[1]
    PushRecipient.objects.filter(pk=on_time.pk).update(acknowledged_at=event.started_at + datetime.timedelta(hours=1),
                                                       reach=120)
    PushRecipient.objects.filter(pk=late.pk).update(acknowledged_at=push.due_at + datetime.timedelta(hours=1),
                                                    reach=30)
    distributing.publish(actor=county_office, item=push.item, channel="wechat", region=county, reach=300,
                         emergency=event)
    fast = approved_item("暴雨后防疫要点", topics=("health",), emergency=event)
    assigned = timezone.now() - datetime.timedelta(hours=1)
    round_ = ReviewRound.objects.create(item=fast, version=fast.approved_version, required=1, fast_track=True,
                                        opened_at=assigned, due_at=assigned + datetime.timedelta(hours=4))
    ContentReview.objects.create(round=round_, expert=experts["doctor"], verdict=Verdict.APPROVE,
                                 assigned_at=assigned, decided_at=assigned + datetime.timedelta(minutes=50))
    emergency.close_emergency(actor=county_office, event=event)

    text, tables = _read(aftermath.after_action_docx(event))
    assert "自启动至首次发布（含推送）：1小时25分钟" in text
    assert "事件类型：洪涝灾害" in text and "影响区划：乳山市" in text
    went_out = _table_after(tables, "内容")
    assert went_out[1][1] == "精准推送" and went_out[1][4] == f"2/{len(recipients)}" and went_out[1][5] == "150"
    assert went_out[2][1] == "微信公众号" and went_out[2][5] == "300"
    assert "传播人次合计：450" in text
    assert _table_after(tables, "区划")[1:] == [["乳山市", "450"]]
    assert sorted(_table_after(tables, "渠道")[1:]) == [["微信公众号", "300"], ["精准推送", "150"]]
    late_rows = next(t for t in tables if t[0][:2] == ["内容", "推送对象"])[1:]
    late_names = {row[1] for row in late_rows}
    assert str(on_time.unit) not in late_names and str(late.unit) in late_names
    assert len(late_rows) == len(recipients) - 1
    assert sum(row[3] == "未签收" for row in late_rows) == len(recipients) - 2
    reviews = next(t for t in tables if t[0][:2] == ["内容", "审查专家"])
    assert reviews[1] == ["暴雨后防疫要点", "王医生", "通过", "0小时50分钟"]
    timeline = next(t for t in tables if t[0][0] == "时间")
    kinds = [row[1] for row in timeline[1:]]
    assert kinds[0] == TimelineKind.STARTED.label and kinds[-1] == TimelineKind.CLOSED.label
    assert len(timeline) - 1 == event.timeline.count() + 1
    summary = next(row for row in timeline[1:] if row[1] == "签收与反馈")
    assert summary[2] == f"《洪水来了怎么办》：已签收 2/{len(recipients)}，反馈传播 150 人次"
    # The summary follows its push's own line.
    assert timeline[timeline.index(summary) - 1][1] == TimelineKind.PUSHED.label


def test_acknowledgements_fold_into_one_line_per_push(event):
    from kesu.content import timeline as lines

    push = event.pushes.get()
    for recipient in push.recipients.all():
        lines.note(event, TimelineKind.ACKNOWLEDGED, f"{recipient}签收《洪水来了怎么办》", item=push.item)
        lines.note(event, TimelineKind.REACH, f"{recipient}反馈传播1人次", item=push.item)
    _, tables = _read(aftermath.after_action_docx(event))
    timeline = next(t for t in tables if t[0][0] == "时间")
    kinds = [row[1] for row in timeline[1:]]
    assert TimelineKind.ACKNOWLEDGED.label not in kinds and TimelineKind.REACH.label not in kinds
    assert kinds.count("签收与反馈") == 1


def test_fast_track_review_through_authoring_and_reviewing(event, county_office, experts):
    from kesu.content import authoring, reviewing

    item = authoring.create_item(actor=county_office, region=event.region, kind="article", title="灾后饮水安全",
                                 topics=["health"], body_html="<p>烧开再喝。</p>", emergency=event)
    round_ = authoring.submit_item(actor=county_office, item=item)
    assert round_.fast_track and round_.required == 1
    review = round_.reviews.select_related("expert__user").get()
    reviewing.give_verdict(actor=review.expert.user, review=review, verdict="approve", comments="可以")
    _, tables = _read(aftermath.after_action_docx(event))
    reviews = next(t for t in tables if t[0][:2] == ["内容", "审查专家"])
    assert reviews[1][:3] == ["灾后饮水安全", review.expert.name, "通过"]
    assert reviews[1][3] == "0小时0分钟"
    kinds = [entry.kind for entry in event.timeline.all()]
    assert TimelineKind.DRAFTED in kinds
