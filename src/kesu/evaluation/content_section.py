"""The report's section on 科普内容与应急科普, from kesu.content.summaries.ContentYear alone: a few
sentences, the distribution by channel, the year's key figures and the emergencies.

Like the other sections it is always present, so that a section has the same number in every
region's report and every year's; when the region's subtree had no content work in the year (nothing
reviewed, published, pushed, debunked or responded to), one sentence says so and there are no tables.
"""

from __future__ import annotations

from django.utils import timezone

from kesu.content.summaries import ContentPeriod, ContentYear, EmergencyLine
from kesu.evaluation.narrative import number_text, percent_text

TITLE = "科普内容与应急科普"
NOTHING_TEXT = "本年度未登记科普内容发布、辟谣和应急科普工作。"
# Below this share of recipients acknowledging, pushes are not reaching the grass roots reliably.
ACKNOWLEDGEMENT_FLOOR = 0.8


def duration_text(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours < 48:
        return f"{number_text(round(hours, 1))}小时"
    return f"{number_text(round(hours / 24, 1))}天"


def _moment(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def review_text(c: ContentYear) -> str:
    text = f"{c.year}年，{c.region_name}经科学性审查通过科普内容{number_text(c.items_approved)}条"
    if c.median_hours_to_approval is not None:
        text += f"，从提交审查到通过用时的中位数为{duration_text(c.median_hours_to_approval)}"
    if c.publications:
        channels = "、".join(line.label for line in c.by_channel if line.publications)
        text += (f"；通过{channels}等渠道发布内容{number_text(c.items_published)}条、{number_text(c.publications)}次，"
                 f"登记传播{number_text(c.reach)}人次")
    else:
        text += "；年内未登记内容发布"
    return text + "。"


def push_text(c: ContentYear) -> str:
    if not c.pushes:
        return f"{c.year}年未开展精准推送。"
    text = (f"开展精准推送{number_text(c.pushes)}次，送达成员单位和科普信息员{number_text(c.recipients)}个（人）次，"
            f"已签收{number_text(c.acknowledged)}个（人）次，签收率{percent_text(c.acknowledgement_rate)}")
    if c.push_reach:
        text += f"，推送对象反馈转发传播{number_text(c.push_reach)}人次"
    return text + "。"


def rumour_text(c: ContentYear) -> str:
    if not (c.rumours_recorded or c.rumours_rebutted):
        return f"{c.year}年未登记需处置的谣言。"
    return f"年内登记监测谣言{number_text(c.rumours_recorded)}条，发布经专家审查的辟谣内容{number_text(c.rumours_rebutted)}条。"


def emergency_text(c: ContentYear) -> str:
    if not c.emergencies:
        return f"{c.year}年未启动应急科普响应。"
    text = f"启动应急科普响应{len(c.emergencies)}次，其中{c.emergencies_within_deadline}次在规定时限内发出首条应急科普内容"
    silent = [e for e in c.emergencies if e.first_published_at is None]
    if silent:
        text += f"，{len(silent)}次未登记发布内容"
    return text + "。"


def period_text(p: ContentPeriod) -> str:
    """The final evaluation's paragraph on the period's content work (one sentence when there was none)."""
    span = f"{p.first_year}—{p.last_year}年"
    if p.is_empty:
        return f"实施期内（{span}）未登记科普内容发布、辟谣和应急科普工作。"
    text = (f"实施期内（{span}），{p.region_name}经科学性审查通过科普内容{number_text(p.items_approved)}条，"
            f"发布内容{number_text(p.items_published)}条、{number_text(p.publications)}次，"
            f"登记传播{number_text(p.reach)}人次；开展精准推送{number_text(p.pushes)}次；"
            f"发布经专家审查的辟谣内容{number_text(p.rumours_rebutted)}条")
    if p.emergencies:
        text += (f"；启动应急科普响应{len(p.emergencies)}次，其中{p.emergencies_within_deadline}次"
                 "在规定时限内发出首条应急科普内容")
    else:
        text += "；未启动应急科普响应"
    return text + "。"


def late_emergencies(c: ContentYear) -> list[EmergencyLine]:
    return [e for e in c.emergencies if e.within_deadline is not True]


def issues_and_steps(c: ContentYear) -> tuple[list[str], list[str]]:
    """What the content figures add to 存在问题与下一步工作."""
    issues, steps = [], []
    late = late_emergencies(c)
    if late:
        names = "、".join(e.title for e in late[:3]) + (f"等{len(late)}次" if len(late) > 3 else "")
        issues.append(f"{names}应急科普响应未能在规定时限内发出首条内容。")
        steps.append("按事件类型储备经审查的应急科普资源包，完善快审和转发机制，确保响应启动后及时发布。")
    if c.recipients and c.acknowledgement_rate is not None and c.acknowledgement_rate < ACKNOWLEDGEMENT_FLOOR:
        issues.append(f"精准推送签收率为{percent_text(c.acknowledgement_rate)}，部分成员单位和科普信息员未及时签收。")
        steps.append("督促推送对象及时签收并反馈传播情况，对长期不签收的对象调整推送名单。")
    return issues, steps


def channel_rows(c: ContentYear) -> list[list]:
    """Channels that carried content, then the total (an item counted once however many channels)."""
    return [[line.label, line.publications, line.items, c.push_reach if line.channel == "push" else line.reach]
            for line in c.by_channel if line.publications] + [["合计", c.publications, c.items_published, c.reach]]


def key_rows(c: ContentYear) -> list[list]:
    return [
        ["审查通过内容", c.items_approved, "条", f"审查用时中位数{duration_text(c.median_hours_to_approval)}"],
        ["发布内容", c.items_published, "条", f"发布{number_text(c.publications)}次"],
        ["传播人次", c.reach, "人次", f"其中精准推送反馈{number_text(c.push_reach)}人次"],
        ["精准推送", c.pushes, "次",
         f"推送对象{number_text(c.recipients)}个（人）次，签收率{percent_text(c.acknowledgement_rate)}"],
        ["监测谣言", c.rumours_recorded, "条", f"发布辟谣内容{number_text(c.rumours_rebutted)}条"],
        ["应急科普响应", len(c.emergencies), "次", f"时限内发出首条内容{c.emergencies_within_deadline}次"],
    ]


def emergency_rows(c: ContentYear) -> list[list]:
    return [[e.title, e.event_type, e.region_name, _moment(e.started_at),
             duration_text(e.hours_to_first_publication) if e.first_published_at else "未发布",
             e.distribute_within_hours, e.publications] for e in c.emergencies]


CHANNEL_NOTE = "注：同一条内容经多个渠道发布的，在各渠道分别计入，合计中只计一次；精准推送的传播人次为推送对象反馈之和。"
