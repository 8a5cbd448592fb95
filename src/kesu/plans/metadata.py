"""Title, 文号, issuer, date, region and period of a plan.

Most plans are published inside a notice (``X关于印发《Y》的通知`` + 文号 + addressees + signature +
date), followed by the plan itself under its own title. The plan title is Y as printed above the
plan body (lines broken inside it are joined), or Y from the notice when the body repeats no
title, or the first title-like block when there is no notice. The body (what the section parser
reads) starts after that title; a 抄送/印发 footer ends it.

- doc_number: the first 文号 (乳政发〔2022〕6号) before the body, exactly as printed;
- issuer: trust order — the name before 关于印发 in the notice title, else the 落款 above the date
  (a （…代章） line skipped), else the ``X文件`` masthead (often an abbreviation), else a site
  block. For a joint notice by several bodies the first (lead) issuer is taken and the others are
  listed in a warning; `issuer_names` keeps them all (they become unit aliases);
- date (metadata_dates): trust order — the signed date (the notice's date line, or the 落款 at the
  plan's end; 2022年7月12日, 2021 年 6 月 3 日, 二〇二二年七月十二日, 一二年一月十二日), then the
  footer's ``…印发`` date, then a site block's 成文日期, last its 发布日期/发布时间 (the day the page
  went online, often later than the signature); a signed date that differs from the site's is kept
  with a doubt;
- region: the governed area, the last administrative name in front of the title (济南市天桥区 →
  天桥区), else in front of the issuer's name;
- period: （2021—2025年） / (2021-2025年) or “十四五” in the title; when the title has none, the plan
  body's own period (`period_from_body`): 2021—2025年 or “十四五”期间 in the goals paragraph, never a
  range inside a cited title such as 《全民科学素质行动规划纲要（2021—2035年）》.

Every field set records the confidence rule that read it (`rule(...)` beside its code, base
confidence = precision measured on the corpus and on real pages kept outside the repository) and
the doubts found on it, in `Metadata.sources`; kesu.plans.judging turns them into judgements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kesu.plans.confidence import Doubt, rule
from kesu.plans.metadata_blocks import (
    DOC_NUMBER,
    as_printed,
    own_doc_number,
    parse_date,
    read_site_block,
    simplify,
    uncited_doc_number,
)
from kesu.plans.metadata_dates import (
    PERIOD_BODY,
    PERIOD_FIVE_YEAR,
    PERIOD_NOTICE,
    PERIOD_TITLE,
    date_of,
    five_year_period,
    period_from_body,
    period_of_title,
)
from kesu.plans.model import Period
from kesu.plans.normalize import HEADING_START, Line, compact

__all__ = ["DOC_NUMBER", "Metadata", "extract_metadata", "parse_date", "period_from_body"]
_NOTICE_START = re.compile(r"关于(?:印发|转发|发布|下发)|关于.*(?:的通知|的决定)")
_NOTICE_END = re.compile(r"(?:的)?(?:通知|决定|批复|函)$")
_TITLE_WORDS = re.compile(r"方案|意见|规划|计划|纲要|办法|措施|细则|要点|分解表|任务清单|责任清单")
_REGION = re.compile(
    r"(?:[\u4e00-\u9fff]{1,7}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|新区|省|市|州|盟|县|区|旗|镇|乡|街道))"
)
_REGION_STOP = re.compile(r"关于|全民|科学|实施|方案|人民|政府|的|委员|中共|党委|办公|印发|进一步")
_ORG_SUFFIX = re.compile(
    r"(?:政府|办公室|委员会|局|部|委|厅|协会|会|院|中心|办|党委|人大常委会|政协|公司|领导小组|科协)$"
)
_SEAL = re.compile(r"^[（(].{1,20}代章[)）]$")
_FOOTER = re.compile(r"^(?:抄送|主题词|主送|抄报)[:：]")
_MASTHEAD = re.compile(r"^(?P<issuer>.{2,60}?) *文件$")


@dataclass
class Metadata:
    title: str = ""
    doc_number: str | None = None
    issuer: str | None = None
    issuer_names: list[str] = field(default_factory=list)
    date: str | None = None
    region: str | None = None
    regions: list[str] = field(default_factory=list)  # region names for unit keys, longest first
    period: Period | None = None
    body_start: int = 0
    body_end: int = 0
    warnings: list[str] = field(default_factory=list)
    # field name (title, doc_number, issuer, date, region, period) → the confidence rule id that
    # produced it, and the doubts found on it (kesu.plans.confidence)
    sources: dict[str, tuple[str, list[Doubt]]] = field(default_factory=dict)


def _plain(text: str) -> str:
    return text.replace(" ", "")


def extract_metadata(lines: list[Line]) -> Metadata:
    meta = Metadata(body_end=len(lines))
    printed = [_plain(line.text) for line in lines]
    texts = [simplify(text) for text in printed]
    raws = [simplify(line.raw or line.text) for line in lines]
    site = read_site_block(texts)
    for index in site.lines:
        texts[index] = raws[index] = ""
    limit = min(len(lines), 80)

    notice_start, notice_end, notice_text = _find_notice(texts, limit)
    if not notice_text and site.title and _NOTICE_START.search(site.title):
        notice_text = site.title[site.title.find("关于") :] if "关于" in site.title else site.title
    inner_title = None
    if notice_text:
        inner = re.search(r"《(?P<t>.+)》", notice_text)
        rest = re.sub(r"(?:的)?(?:通知|决定)$", "", notice_text[inner.end() :]) if inner else ""
        if inner and _TITLE_WORDS.search(rest):
            # 关于印发贯彻《纲要》实施方案的通知: the 《》 is cited inside the plan's own title
            plain = re.search(r"(?:印发|转发|发布|下发)(?P<t>.+?)(?:的)?(?:通知|决定)$", notice_text)
            inner_title = plain.group("t") if plain else inner.group("t") + rest
        elif inner:
            inner_title = inner.group("t")
        else:
            plain = re.search(r"(?:印发|转发|发布|下发)(?P<t>.+?)(?:的)?(?:通知|决定)$", notice_text)
            if plain:
                inner_title = plain.group("t")

    if inner_title is None:
        # A notice whose own title is missing from the page still names the plan it issues: 现将《…》印发给你们.
        issued = next(
            (
                m
                for m in map(_ISSUED_AS.search, texts[:limit])
                if m and _TITLE_WORDS.search(m.group("t") or m.group("u"))
            ),
            None,
        )
        inner_title = (issued.group("t") or issued.group("u")) if issued else None

    search_from = notice_end + 1 if notice_text else 0
    title, title_end = _find_title_block(texts, search_from, inner_title)
    if title:
        meta.title = _plan_title_of(re.sub(r"^附件\d*[:：]?", "", title))
        meta.body_start = title_end
        title_doubts = []
        printed_title, cited = (
            _same_brackets(compact(simplify(meta.title))),
            _same_brackets(compact(inner_title or "")),
        )
        if (
            cited
            and printed_title != cited
            and not (printed_title.endswith(cited) and _region_chain(printed_title[: -len(cited)]))
        ):
            title_doubts.append(Doubt("方案标题与通知中《》所引标题不一致", 0.15))
        meta.sources["title"] = (TITLE_HEADING, title_doubts)
    elif inner_title:
        meta.title = inner_title
        meta.body_start = _after_notice_furniture(texts, search_from)
        meta.sources["title"] = (TITLE_NOTICE, [])
    elif site.title and not _NOTICE_START.search(site.title):
        meta.title = site.title
        meta.sources["title"] = (TITLE_SITE, [])
    else:
        meta.body_start = 0
        meta.warnings.append("未找到方案标题 / no plan title found")

    meta.doc_number, meta.body_start, number_rule = _doc_number(texts, meta.body_start, site.doc_number)
    under_title, meta.body_start = _signature_under_title(texts, meta.body_start)
    meta.body_end = _footer_start(texts, meta.body_start)
    if meta.doc_number is None:
        tail = [text for text in texts[meta.body_start :] if text][-4:]
        meta.doc_number = next((n for n in map(own_doc_number, tail) if n), None)
        number_rule = NUMBER_TAIL
    if meta.doc_number:
        number_doubts = []
        if site.doc_number and _number_key(site.doc_number) != _number_key(meta.doc_number):
            number_doubts.append(Doubt("网站信息栏的文号与正文所印文号不一致", 0.2))
        meta.sources["doc_number"] = (number_rule, number_doubts)

    late, body_end = _end_signature(texts, meta.body_start, meta.body_end)
    meta.issuer_names, issuer_rule = _issuers(texts, raws, notice_start, meta.body_start, under_title or late)
    if late and meta.issuer_names == late:
        meta.body_end = body_end
    if not meta.issuer_names and site.title and "关于" in site.title:
        meta.issuer_names = _org_names(site.title[: site.title.find("关于")])
        issuer_rule = ISSUER_SITE_TITLE
    if not meta.issuer_names and site.issuer:
        meta.issuer_names = [site.issuer]
        issuer_rule = ISSUER_SITE_BLOCK
    chain = _region_chain(simplify(meta.title))
    meta.issuer_names = [_with_region(name, chain) for name in meta.issuer_names]
    if meta.issuer_names:
        meta.issuer = meta.issuer_names[0]
        issuer_doubts = []
        if len(meta.issuer_names) > 1:
            meta.warnings.append(
                f"联合发文，共{len(meta.issuer_names)}个发文单位，issuer 取第一个（牵头）单位“{meta.issuer}”；"
                f"其余：{'、'.join(meta.issuer_names[1:])}"
            )
            issuer_doubts.append(Doubt(f"联合发文，共{len(meta.issuer_names)}个发文单位，取第一个", 0.1))
        signed = under_title or late or _signature(texts, max(notice_start, 0), meta.body_start)
        if (
            issuer_rule != ISSUER_SIGNATURE
            and signed
            and not re.search(r"[：:、（(]", signed[0])  # a 责任单位：… line is not a 落款
            and not _same_body(meta.issuer, signed[0])
        ):
            issuer_doubts.append(Doubt(f"落款“{signed[0]}”与所取发文机关不一致", 0.2))
        meta.sources["issuer"] = (issuer_rule, issuer_doubts)

    meta.date, date_rule, date_doubts = date_of(texts, meta.body_start, meta.body_end, site)
    if meta.date:
        meta.sources["date"] = (date_rule, date_doubts)

    for period_rule, period in (
        (PERIOD_TITLE, period_of_title(meta.title)),
        (PERIOD_NOTICE, period_of_title(inner_title) if inner_title else None),
        (PERIOD_FIVE_YEAR, five_year_period(simplify(meta.title))),
    ):
        if period is not None:
            meta.period = period
            meta.sources["period"] = (period_rule, [])
            break
    region_rule = REGION_TITLE
    if not chain and meta.issuer:
        chain = _region_chain(re.sub(r"^(?:中共|中国共产党|共青团|国家税务总局)", "", simplify(meta.issuer)))
        region_rule = REGION_ISSUER
    if chain:
        meta.region = chain[-1]
        meta.sources["region"] = (region_rule, [])
        joined = ["".join(chain[i:]) for i in range(len(chain))] + [
            "".join(chain[: i + 1]) for i in range(len(chain))
        ]
        meta.regions = sorted(set(joined), key=len, reverse=True)
    simplified, original = "".join(simplify(text) for text in printed), "".join(printed)
    meta.title = as_printed(meta.title, simplified, original) or ""
    meta.doc_number = as_printed(meta.doc_number, simplified, original)
    # 貴州省人民政府辦公廳 stays as printed, like the title: a person compares it with the page.
    meta.issuer = as_printed(meta.issuer, simplified, original)
    return meta


def apply_body_period(meta: Metadata, paragraphs: list[str]) -> None:
    """The plan period from the body (`period_from_body`) when the title gave none."""
    if meta.period is None:
        meta.period = period_from_body(paragraphs)
        if meta.period is not None:
            meta.sources["period"] = (PERIOD_BODY, [])


def _number_key(number: str) -> str:
    return re.sub(r"[〔\[【［(（〕\]】］)） 第]", "", simplify(number))


def _same_body(issuer: str, signed: str) -> bool:
    """市科协 signed under a notice of 某某市科学技术协会 … : one contains the other's core."""
    a, b = simplify(issuer), simplify(signed)
    return a in b or b in a


NUMBER_HEADER = rule(
    "metadata.doc_number.header", 0.97, "文号：标题之前单独成行（或与日期、通知标题连写）的文号"
)
NUMBER_UNDER_TITLE = rule("metadata.doc_number.line_under_title", 0.88, "文号：方案标题下一行所印的文号")
NUMBER_SITE = rule("metadata.doc_number.site_block", 0.86, "文号：网站或法规库信息栏的“文号/发文字号”字段")
NUMBER_UNCITED = rule(
    "metadata.doc_number.header_uncited",
    0.5,
    "文号：标题前某行中未跟在《》所引文件后的文号（可能是他文文号）",
)
NUMBER_TAIL = rule("metadata.doc_number.tail", 0.67, "文号：正文末尾几行中单独成行的文号")


def _doc_number(texts: list[str], body_start: int, site_number: str | None) -> tuple[str | None, int, str]:
    """This document's 文号, the body start (moved past a 文号 line printed under the title) and the
    rule that found it.

    Trust: a line that starts with the 文号 (alone, glued to the date, or before the notice title)
    in the header or right under the plan title; then the site block's 文号; then any 文号 of the
    header that is not cited after a 《title》 — a parent document's number is never taken."""
    for text in texts[:body_start]:
        number = own_doc_number(text)
        if number:
            return number, body_start, NUMBER_HEADER
    for index in range(body_start, min(len(texts), body_start + 3)):
        number = own_doc_number(texts[index])
        if number:
            return number, index + 1, NUMBER_UNDER_TITLE
        if texts[index]:
            break
    if site_number:
        return site_number, body_start, NUMBER_SITE
    for text in texts[:body_start]:
        number = uncited_doc_number(text)
        if number:
            return number, body_start, NUMBER_UNCITED
    return None, body_start, NUMBER_UNCITED


def _signature_under_title(texts: list[str], body_start: int) -> tuple[list[str], int]:
    """Issuer and date lines printed right under the plan title (a plan issued without a notice):
    the issuer names and the index after the date line (the date itself is found by `_find_date`)."""
    names: list[str] = []
    for index in range(body_start, min(len(texts), body_start + 6)):
        text = texts[index]
        if not text or _SEAL.match(text):
            continue
        if not names and (text.endswith(("：", ":")) or "印发给你们" in text):
            continue  # a notice's addressees and 现将…印发 sentence printed under the plan title
        if parse_date(text):
            return (names, index + 1) if names else ([], body_start)
        if _ORG_SUFFIX.search(text) and len(text) <= 40 and not text.endswith("。"):
            names.append(text)
            continue
        break
    return [], body_start


def _with_region(name: str, chain: list[str]) -> str:
    """市人民政府办公室 in a notice title → 赤壁市人民政府办公室 (the region of the plan title)."""
    match = re.match(r"^(市|县|区|州|旗)(?=人民政府|政府|委|科协|科学技术协会)", name)
    if not match or not chain:
        return name
    for region in reversed(chain):
        if region.endswith(match.group(1)):
            return region + name[1:]
    return name


def _find_notice(texts: list[str], limit: int) -> tuple[int, int, str]:
    for index in range(limit):
        text = _FILE_SUFFIX.sub("", texts[index])
        if not _NOTICE_START.search(text) or len(text) > 120:
            continue
        if text.endswith("。") or "现将" in text:
            continue
        if re.search(r"的通知(?![（(〔\[]?[\u4e00-\u9fff]{0,12}[〔\[【(（]\d{4})..", text):
            continue  # a summary line quoting the notice title and running on (核心提示: …的通知 某研究所 2021-11-06 …)
        joined = text
        end = index
        while not _NOTICE_END.search(joined) and end + 1 < min(len(texts), index + 5):
            end += 1
            following = texts[end]
            if DOC_NUMBER.fullmatch(following) or following.endswith(("：", ":")):
                end -= 1
                break
            joined += following
        if _NOTICE_END.search(joined):
            start_text = joined[joined.find("关于") :] if "关于" in joined else joined
            return index, end, start_text if not joined.startswith("关于") else joined
    return -1, -1, ""


_ISSUED_AS = re.compile(
    r"现将《(?P<t>[^》]{4,80})》(?:印发|转发|发)"
    # 《X》已经市政府同意（审议通过），现印发给你们
    r"|^《(?P<u>[^》]{4,80})》(?:已经|已|经)[^。]{0,40}(?:同意|通过|批准)[，,]?现(?:印发|转发|发)给"
)
_FILE_SUFFIX = re.compile(r"\.(?:pdf|docx?|wps|txt|ofd)$", re.IGNORECASE)
_PAGE_LABEL = re.compile(r"^(?:[档檔]案全文|文件全文|全文|正文)[:：]?")


def _plan_title_of(title: str) -> str:
    """The plan's own title from a title line that is really page furniture around it: a file name
    (…的通知.pdf), a site label (档案全文…), or the notice that issues the plan (…关于印发《X》的通知 → X)."""
    title = _PAGE_LABEL.sub("", _FILE_SUFFIX.sub("", title))
    if _NOTICE_START.search(title):
        inner = re.search(r"《(?P<t>[^》]+)》", title) or re.search(
            r"(?:印发|转发|发布|下发)(?P<t>.+?)(?:的)?(?:通知|决定)$", title
        )
        if inner and _TITLE_WORDS.search(inner.group("t")):
            return inner.group("t")
    return title


def _find_title_block(texts: list[str], start: int, expected: str | None) -> tuple[str, int]:
    """Title lines of the plan body (joined) and the index after them."""
    wanted = _same_brackets(compact(expected)) if expected else None
    scan_to = min(len(texts), start + 60)
    for index in range(start, scan_to):
        text = texts[index]
        if not text or len(text) > 80 or text.endswith(("。", "：", ":", "；")):
            continue
        if "\t" in text or text.count("|") >= 2:
            continue  # a table row (序号\t…计划\t牵头单位) is never the title
        if HEADING_START.match(text):
            if wanted is None:
                break
            continue
        joined = text
        end = index
        if wanted is not None:
            while (
                _same_brackets(compact(joined)) != wanted
                and wanted.startswith(_same_brackets(compact(joined)))
                and end + 1 < len(texts)
            ):
                end += 1
                joined += texts[end]
            if _same_brackets(compact(joined)) == wanted:
                return joined, end + 1
            printed = _same_brackets(compact(joined))
            if (
                printed.endswith(wanted)
                and _region_chain(printed[: -len(wanted)])
                and len(printed) - len(wanted) <= 12
            ):
                return joined, end + 1  # 白水县贯彻《…》实施方案 under a notice that names 贯彻《…》实施方案
            continue
        if not _TITLE_WORDS.search(joined) and end + 1 < len(texts):
            following = texts[end + 1]
            if len(following) <= 40 and _TITLE_WORDS.search(following) and not following.endswith("。"):
                joined += following
                end += 1
        if _TITLE_WORDS.search(joined) and not DOC_NUMBER.search(joined) and not _MASTHEAD.match(joined):
            while end + 1 < len(texts) and _is_title_continuation(joined, texts[end + 1]):
                end += 1
                joined += texts[end]
            return joined, end + 1
    return "", start


_BRACKETS = str.maketrans("（［【〔[）］】〕]", "((((()))))")


def _same_brackets(text: str) -> str:
    """A title printed with [2016—2020年] in a site block and (2016—2020年) in the body is one title."""
    return text.translate(_BRACKETS)


def _is_title_continuation(joined: str, following: str) -> bool:
    return bool(
        following
        and len(following) <= 30
        and not following.endswith(("。", "：", ":"))
        and re.match(r"^[（(]?\d{4}", following)
        and not re.search(r"[（(]\d{4}", joined)
    )


def _after_notice_furniture(texts: list[str], start: int) -> int:
    """First line after the notice's addressees, 现将…印发 sentence, signature and date."""
    last = start
    for index in range(start, min(len(texts), start + 60)):
        text = texts[index]
        if parse_date(text) or "印发给你们" in text or "此件公开发布" in text or text.endswith(("：", ":")):
            last = index + 1
        if HEADING_START.match(text):
            break
    return last


ISSUER_TITLE = rule(
    "metadata.issuer.title_notice",
    0.96,
    "发文机关：通知标题“X关于印发…”中“关于”之前的机关名（或标题上方的机关行）",
)
ISSUER_SIGNATURE = rule("metadata.issuer.signature", 0.95, "发文机关：落款（日期行之上的机关名行）")
ISSUER_MASTHEAD = rule("metadata.issuer.masthead", 0.5, "发文机关：版头“X文件”（常为简称）")
ISSUER_SITE_TITLE = rule("metadata.issuer.site_title", 0.67, "发文机关：网站信息栏标题中“关于”之前的机关名")
ISSUER_SITE_BLOCK = rule(
    "metadata.issuer.site_block", 0.67, "发文机关：网站信息栏的“发文机关/发布机构”字段（可能是网站运营单位）"
)
# The order of trust, documented in `_issuers`: notice title, 落款, masthead; then the site block.


def _issuers(
    texts: list[str], raws: list[str], notice_start: int, body_start: int, late_signature: list[str]
) -> tuple[list[str], str]:
    """The issuer, in order of trust: the notice title (``X关于印发…``, or X on the lines above a
    title that starts with 关于), the 落款 (issuer lines above the date, after the notice or
    `late_signature` found under the plan title or at its end), the ``X文件`` masthead (often an
    abbreviation such as 某县科协文件); the caller falls back to a site block's 发文机关."""
    if notice_start >= 0:
        line = texts[notice_start]
        prefix = line[: line.find("关于")] if "关于" in line else ""
        if prefix:
            names = _org_names(raws[notice_start][: raws[notice_start].find("关于")])
            if names and not re.match(r"^(?:市|区|县)(?:政府|委)", names[0]):
                return names, ISSUER_TITLE
        else:
            position = notice_start - 1
            block: list[str] = []
            while position >= 0 and _org_names(raws[position]):
                block = _org_names(raws[position]) + block
                position -= 1
            if block:
                return block, ISSUER_TITLE
    signature = _signature(texts, max(notice_start, 0), body_start) or late_signature
    if signature:
        return signature, ISSUER_SIGNATURE
    for index, text in enumerate(texts[: min(8, len(texts))]):
        masthead = _MASTHEAD.match(text)
        if masthead and not DOC_NUMBER.search(text):
            names = _org_names(raws[index].removesuffix("文件").strip())
            return names or [masthead.group("issuer")], ISSUER_MASTHEAD
    return [], ISSUER_SIGNATURE


def _org_names(raw: str) -> list[str]:
    """Organisation names of a line: space-separated when every piece is a name, else the line."""
    raw = raw.strip()
    if not raw or DOC_NUMBER.search(raw) or len(raw) > 200:
        return []
    pieces = [p for p in re.split(r"[ 、，,]+", raw) if p]
    if len(pieces) > 1 and all(_ORG_SUFFIX.search(p) for p in pieces):
        return pieces
    whole = raw.replace(" ", "")
    return [whole] if _ORG_SUFFIX.search(whole) and len(whole) <= 40 else []


def _signature(texts: list[str], start: int, end: int) -> list[str]:
    for index in range(start, max(start, end)):
        if parse_date(texts[index]):
            names = []
            position = index - 1
            if position > start and _SEAL.match(texts[position]):
                position -= 1
            while (
                position >= start
                and texts[position]
                and _ORG_SUFFIX.search(texts[position])
                and len(texts[position]) <= 40
            ):
                names.append(texts[position])
                position -= 1
            if names:
                return names[::-1]
    return []


_ORG_AND_DATE = re.compile(
    r"^(?P<org>.{2,40}?)(?P<date>(?:\d{4}|[〇零○一二三四五六七八九]{2,4})年.{1,6}月.{1,4}日(?:印发|印)?)$"
)


def _end_signature(texts: list[str], body_start: int, body_end: int) -> tuple[list[str], int]:
    """The 落款 at the end of the plan (issuer lines above a date line), else the ``X 2021年9月30日印发``
    line of the footer, whose office printed the document; and where the body ends (before a
    落款 that closes it)."""
    lines = [i for i in range(body_start, body_end) if texts[i]][-8:]
    for position in range(len(lines) - 1, -1, -1):
        index = lines[position]
        if not parse_date(texts[index]):
            continue
        names: list[str] = []
        first = index
        for previous in reversed(lines[:position]):
            text = texts[previous]
            if _SEAL.match(text) and not names:
                continue
            if not (_ORG_SUFFIX.search(text) and len(text) <= 40 and not text.endswith("。")):
                break
            names.insert(0, text)
            first = previous
        if names:
            return names, first if position == len(lines) - 1 else body_end
    for text in texts[body_end:]:
        match = _ORG_AND_DATE.match(text)
        if match and parse_date(match["date"]) and _ORG_SUFFIX.search(match["org"]):
            return [match["org"]], body_end
    return [], body_end


def _footer_start(texts: list[str], body_start: int) -> int:
    for index in range(body_start, len(texts)):
        text = texts[index]
        if _FOOTER.match(text):
            return index
        if parse_date(text) and text.endswith(("印发", "印")) and index >= len(texts) - 4:
            previous = index - 1
            if previous > body_start and _ORG_SUFFIX.search(texts[previous]) and len(texts[previous]) <= 30:
                return previous
            return index
    return len(texts)


TITLE_HEADING = rule(
    "metadata.title.heading", 0.98, "标题：正文前的方案标题行（跨行拼接，去掉“附件”、文件名等）"
)
TITLE_NOTICE = rule("metadata.title.notice", 0.8, "标题：通知中《》所引的方案名（正文未重复标题）")
TITLE_SITE = rule("metadata.title.site_block", 0.5, "标题：网站信息栏的标题字段")
REGION_TITLE = rule("metadata.region.title", 0.95, "地区：方案标题开头的行政区名（取最后一级）")
REGION_ISSUER = rule("metadata.region.issuer", 0.5, "地区：发文机关名开头的行政区名")


def _region_chain(text: str) -> list[str]:
    """Administrative names at the start of a text: 济南市天桥区… → [济南市, 天桥区]."""
    chain: list[str] = []
    position = 0
    while True:
        match = _REGION.match(text, position)
        if not match or _REGION_STOP.search(match.group(0)):
            break
        end = match.end()
        while end < len(text) and text[end] in "市州县区旗省" and not text.startswith("区委", end):
            end += 1  # 徐州市: 州 is a suffix too, the name goes on
        chain.append(text[position:end])
        position = end
    return chain
