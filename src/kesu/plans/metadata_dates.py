"""When a plan was signed and which years it covers: the date and period rules of `metadata`.

Split from metadata.py (which reads title, 文号, issuer and region) at the seam between *who and
what* and *when*; every rule here is a confidence rule (kesu.plans.confidence) declared beside
the code that applies it.
"""

from __future__ import annotations

import re

from kesu.plans.confidence import Doubt, rule
from kesu.plans.metadata_blocks import parse_date, split_number_and_date
from kesu.plans.model import Period

_PERIOD = re.compile(
    r"[（(\[［【〔] *(?P<start>\d{4}) *年? *[—\-–－~～至到]+ *(?P<end>\d{4}) *年? *[)）\]］】〕]"
)

DATE_SIGNATURE = rule(
    "metadata.date.signature", 0.98, "日期：落款日期（标题前通知的日期行，或方案末尾落款日期行）"
)
DATE_FOOTER = rule(
    "metadata.date.print_footer", 0.5, "日期：版记“…年…月…日印发”行（印发日期，可能晚于成文日期）"
)
DATE_SITE_WRITTEN = rule("metadata.date.site_written", 0.67, "日期：网站信息栏的“成文日期/发文日期”字段")
DATE_SITE_PUBLISHED = rule(
    "metadata.date.site_published", 0.5, "日期：网站信息栏的“发布日期/发布时间”（上网日期，常晚于成文日期）"
)
DATE_FLATTENED = rule(
    "metadata.date.flattened_notice", 0.67, "日期：压成一行的通知中紧挨“（此件公开发布）”、页码“— 1 —”或通知末句后发文机关的日期"
)
# Trust order of the date (why: the signed date is the document's 成文日期; a site's 发布时间 is
# when the page went online, often days later): the signed date of the notice or plan, then the
# footer's 印发 date, then a site block's 成文日期, then its 发布日期.
_SHORT_YEAR = re.compile(r"^[〇零○Ｏ一二三四五六七八九]{2}年")
_FLATTENED_DATE = re.compile(
    r"(?:此件[^)）]{0,6}公开[^)）]{0,4}[)）]) *(?P<a>\d{4} *年 *\d{1,2} *月 *\d{1,2} *日)"
    r"|(?P<b>\d{4} *年 *\d{1,2} *月 *\d{1,2} *日) *(?:[(（] *此件|[—－-] *1 *[—－-])"
    # …请认真组织实施。德阳市人民政府2023年3月23日德阳市…: the notice's last sentence, its issuer and
    # the signed date run together when a site flattens the notice into one line
    r"|(?:实施|执行|落实|办理)[。.] *[\u4e00-\u9fff（）()]{2,30}?"
    r"(?:政府|办公室|办公厅|委员会|科协|协会|局|纲要办)[）)]? *(?P<c>\d{4} *年 *\d{1,2} *月 *\d{1,2} *日)"
)


def date_of(
    texts: list[str], body_start: int, body_end: int, site: object
) -> tuple[str | None, str, list[Doubt]]:
    """The date, the rule that found it and the doubts on it (trust order above)."""
    date, date_rule, printed = _find_date(texts, body_start, body_end)
    if date is None:
        for text in texts[: max(body_start, 1) + 1]:
            match = _FLATTENED_DATE.search(text)
            if match:
                date, date_rule, printed = parse_date(match["a"] or match["b"] or match["c"]), DATE_FLATTENED, ""
                break
    written, published = getattr(site, "date", None), getattr(site, "published", None)
    if date is None:
        if written:
            return written, DATE_SITE_WRITTEN, []
        if published:
            return published, DATE_SITE_PUBLISHED, []
        return None, DATE_SIGNATURE, []
    doubts = []
    others = {d for d in (written, published) if d}
    if others and date not in others:
        doubts.append(Doubt(f"两个候选日期不一致：落款{date}，网站信息栏{'、'.join(sorted(others))}", 0.1))
    if _SHORT_YEAR.match(printed):
        doubts.append(Doubt("日期为短写年份，按上下文推断", 0.1))
    return date, date_rule, doubts


def _find_date(texts: list[str], body_start: int, body_end: int) -> tuple[str | None, str, str]:
    for text in texts[:body_start]:
        date = parse_date(text) or split_number_and_date(text)[1]
        if date:
            return date, DATE_SIGNATURE, text
    for text in texts[body_end:]:
        date = parse_date(text)
        if date:
            return date, DATE_FOOTER if text.endswith(("印发", "印")) else DATE_SIGNATURE, text
    for text in texts[body_start:body_end][-5:]:
        date = parse_date(text)
        if date:
            return date, DATE_SIGNATURE, text
    return None, DATE_SIGNATURE, ""


PERIOD_TITLE = rule("metadata.period.title", 0.98, "期限：标题中的（2021—2025年）")
PERIOD_NOTICE = rule("metadata.period.notice_title", 0.5, "期限：通知标题中所引方案名的（2021—2025年）")
PERIOD_FIVE_YEAR = rule("metadata.period.five_year_title", 0.8, "期限：标题中的“十四五”等五年规划名")
PERIOD_BODY = rule(
    "metadata.period.body", 0.75, "期限：正文目标段的“2021—2025年”或“十四五”期间（标题中没有期限时）"
)


def period_of_title(title: str | None) -> Period | None:
    if not title:
        return None
    match = _PERIOD.search(title)
    if not match:
        return None
    start, end = int(match.group("start")), int(match.group("end"))
    if start > end or end - start > 30:
        return None
    return Period(start, end)


_BODY_RANGE = re.compile(r"(?<!\d)(?P<start>20\d{2}) *年? *[—\-–－~～至到]+ *(?P<end>20\d{2}) *年")
_FIVE_YEAR_PLAN = re.compile(r"[“\"‘]?十(?P<n>[三四五六])五[”\"’]?(?:期间|时期)")
_FIVE_YEAR_START = {"三": 2016, "四": 2021, "五": 2026, "六": 2031}
_CITED = re.compile(r"《[^《》]*》")
_GOALS = re.compile(r"目标|期间|时期|到20\d{2}年")


def five_year_period(title: str) -> Period | None:
    """溧川市“十四五”全民科学素质行动实施方案 → 2021—2025."""
    match = re.search(r"十(?P<n>[三四五六])五", title or "")
    if not match:
        return None
    start = _FIVE_YEAR_START[match.group("n")]
    return Period(start, start + 4)


def period_from_body(paragraphs: list[str]) -> Period | None:
    """The plan period as the body states it, for a plan whose title does not: a 2021—2025年 range
    (at most ten years) or “十四五”期间, preferring the goals paragraphs (目标, 到2025年)."""
    texts = [_CITED.sub("", text) for text in paragraphs]
    ordered = [t for t in texts if _GOALS.search(t)] + [t for t in texts if not _GOALS.search(t)]
    for text in ordered:
        for match in _BODY_RANGE.finditer(text):
            start, end = int(match.group("start")), int(match.group("end"))
            if 0 < end - start <= 10:
                return Period(start, end)
    for text in ordered:
        match = _FIVE_YEAR_PLAN.search(text)
        if match:
            start = _FIVE_YEAR_START[match.group("n")]
            return Period(start, start + 4)
    return None
