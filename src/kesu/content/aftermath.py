"""The after-action report of an emergency event (应急科普处置总结) as a Word document.

Every figure is computed from the event's rows: its publications and pushes (with the recipients'
acknowledgements and reach), the fast-track reviews of the content written during it, and the
timeline. Fonts follow kesu's other Word output (kesu.typesetting), Latin and East Asian set alike.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from kesu.content.models import (
    Channel,
    ContentReview,
    EmergencyEvent,
    Publication,
    PushRecipient,
    Verdict,
)
from kesu.content.selectors import main_timeline
from kesu.typesetting.fonts import BODY_FAMILIES, HEADING_FAMILIES, TITLE_FAMILIES, pick_family
from kesu.typesetting.word import set_font

NO_PUBLICATION = "尚无发布"


def span_text(delta: datetime.timedelta) -> str:
    """A duration as “X小时Y分钟” (whole minutes, rounded down)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}小时{minutes}分钟"


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _publications(event: EmergencyEvent) -> list[Publication]:
    return list(
        Publication.objects.filter(emergency=event).select_related("item", "region")
        .prefetch_related("push__recipients__unit__region", "push__recipients__messenger__region")
        .order_by("published_at", "pk")
    )


def _recipients(publication: Publication) -> list[PushRecipient]:
    if publication.channel != Channel.PUSH or not hasattr(publication, "push"):
        return []
    return list(publication.push.recipients.all())


def first_publication_delay(event: EmergencyEvent) -> datetime.timedelta | None:
    """From the start of the event to its first publication or push (None while nothing went out)."""
    first = Publication.objects.filter(emergency=event).order_by("published_at").values_list(
        "published_at", flat=True).first()
    return None if first is None else first - event.started_at


def figures(event: EmergencyEvent) -> dict:
    """What went out, reach by region and by channel, and the late units: the report's numbers."""
    rows, by_region, by_channel, late = [], defaultdict(int), defaultdict(int), []
    for publication in _publications(event):
        recipients = _recipients(publication)
        channel = publication.get_channel_display()
        reach = publication.reach or 0
        if publication.reach:
            by_region[publication.region.name] += publication.reach
            by_channel[channel] += publication.reach
        for recipient in recipients:
            if recipient.reach:
                reach += recipient.reach
                holder = recipient.unit or recipient.messenger
                by_region[holder.region.name] += recipient.reach
                by_channel[channel] += recipient.reach
        acknowledged = sum(1 for r in recipients if r.acknowledged_at)
        rows.append({
            "item": publication.item.title, "channel": channel, "region": publication.region.name,
            "at": publication.published_at,
            "acknowledged": f"{acknowledged}/{len(recipients)}" if recipients else "—", "reach": reach,
        })
        due = publication.push.due_at if recipients else None
        for recipient in recipients:
            if due and (recipient.acknowledged_at is None or recipient.acknowledged_at > due):
                late.append({
                    "item": publication.item.title, "recipient": str(recipient.unit or recipient.messenger),
                    "due": due, "acknowledged_at": recipient.acknowledged_at,
                })
    return {"rows": rows, "by_region": dict(by_region), "by_channel": dict(by_channel), "late": late,
            "total_reach": sum(row["reach"] for row in rows)}


def fast_track_reviews(event: EmergencyEvent) -> list[dict]:
    reviews = (ContentReview.objects.filter(round__item__emergency=event, round__fast_track=True)
               .select_related("round__item", "expert").order_by("assigned_at", "pk"))
    return [{
        "item": review.round.item.title, "expert": review.expert.name, "verdict": review.get_verdict_display(),
        "taken": span_text(review.decided_at - review.assigned_at)
        if review.decided_at and review.verdict != Verdict.PENDING else "尚未提交",
    } for review in reviews]


class _Writer:
    def __init__(self):
        self.fonts = {"title": pick_family(TITLE_FAMILIES), "heading": pick_family(HEADING_FAMILIES),
                      "body": pick_family(BODY_FAMILIES)}
        self.document = Document()
        set_font(self.document.styles["Normal"], self.fonts["body"], 12)
        for name, family, size in (("Title", self.fonts["title"], 22), ("Heading 1", self.fonts["heading"], 16)):
            set_font(self.document.styles[name], family, size, bold=False)

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph(text, style="Title")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def heading(self, text: str) -> None:
        self.document.add_paragraph(text, style="Heading 1")

    def text(self, text: str) -> None:
        self.document.add_paragraph(text)

    def table(self, header: list[str], rows: list[list]) -> None:
        if not rows:
            self.text("无。")
            return
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, name in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            set_font(cell.paragraphs[0].add_run(name), self.fonts["heading"], 10.5)
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(str(value)).font.size = Pt(10.5)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def after_action_docx(event: EmergencyEvent) -> bytes:
    writer = _Writer()
    writer.title(f"{event.title}应急科普处置总结")
    writer.heading("一、事件概况")
    end = event.closed_at
    regions = "、".join(event.affected_regions.order_by("path").values_list("name", flat=True))
    for line in (
        f"事件类型：{event.get_event_type_display()}", f"响应级别：{event.get_level_display()}",
        f"启动区划：{event.region.name}", f"影响区划：{regions}", f"启动时间：{_local(event.started_at)}",
        f"结束时间：{_local(end) if end else '尚未结束'}",
        f"持续时长：{span_text((end or timezone.now()) - event.started_at)}{'' if end else '（截至目前）'}",
        f"转发时限：{event.distribute_within_hours}小时",
    ):
        writer.text(line)
    delay = first_publication_delay(event)
    writer.heading("二、首次发布用时")
    writer.text(f"自启动至首次发布（含推送）：{span_text(delay) if delay is not None else NO_PUBLICATION}")
    numbers = figures(event)
    writer.heading("三、发布与推送情况")
    writer.table(["内容", "渠道", "区划", "时间", "签收/推送对象", "传播人次"], [
        [row["item"], row["channel"], row["region"], _local(row["at"]), row["acknowledged"], row["reach"]]
        for row in numbers["rows"]
    ])
    writer.text(f"传播人次合计：{numbers['total_reach']}")
    writer.heading("四、传播人次（按区划）")
    writer.table(["区划", "传播人次"], [[name, reach] for name, reach in sorted(numbers["by_region"].items())])
    writer.heading("五、传播人次（按渠道）")
    writer.table(["渠道", "传播人次"], [[name, reach] for name, reach in sorted(numbers["by_channel"].items())])
    writer.heading("六、未按时签收的单位和信息员")
    writer.table(["内容", "推送对象", "完成时限", "签收时间"], [
        [row["item"], row["recipient"], _local(row["due"]), _local(row["acknowledged_at"]) if row["acknowledged_at"]
         else "未签收"] for row in numbers["late"]
    ])
    writer.heading("七、应急快审")
    writer.table(["内容", "审查专家", "结论", "用时"], [
        [row["item"], row["expert"], row["verdict"], row["taken"]] for row in fast_track_reviews(event)
    ])
    writer.heading("八、处置时间线")
    # Acknowledgements and reach reports appear once per push as a summary (the recipients are in 三、六).
    writer.table(["时间", "事项", "内容", "操作人"], [
        [_local(row.at), "签收与反馈", row.text, ""] if getattr(row, "is_summary", False)
        else [_local(row.at), row.get_kind_display(), row.text, row.actor_name]
        for row in main_timeline(event)
    ])
    return writer.bytes()
