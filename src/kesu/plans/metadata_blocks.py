"""Metadata printed around a plan rather than in it: site and law-database blocks, 文号 and date
lines, traditional characters, and the plan-level targets of the 目标 section.

- Site blocks: ``发文字号：…`` / ``索引号：… 文号：…`` (several keys on one line), ``• 发文时间：…``
  bullets, or a key alone on a line with its value on the next. The lines are consumed (blanked for
  the rest of the metadata search) and give `SiteBlock` values; the document's own lines win over
  them because a site's 发文单位 is often the web portal, not the issuer.
- Own 文号: a line that starts with the 文号 (possibly followed by the date or the notice title),
  never a 文号 inside brackets after a cited title (根据《…》（国发〔2021〕9号）), which belongs to a
  parent document.
- Dates: 2023年6月8日, 二〇二三年六月八日, the short 一二年一月十二日 (a two-digit year is 20xx: kesu's
  plans start in 2006), 2016-12-20 / 2016.12.20 in site blocks, and a date glued to a 文号.
- Traditional characters are read in simplified ones for matching (`simplify`, i.e.
  `kesu.plans.characters.to_simplified`); one character for one, so a value can be cut from the
  printed text again (`as_printed`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from kesu.plans.characters import to_simplified
from kesu.plans.headings import chinese_number
from kesu.plans.model import Target
from kesu.plans.targets import extract_targets

# metadata.py and its tests know the converter by this name
simplify = to_simplified


def as_printed(value: str | None, simplified: str, printed: str) -> str | None:
    """`value` found in the simplified text, cut from the printed text at the same place."""
    if not value or simplified == printed:
        return value
    position = simplified.find(value)
    return printed[position : position + len(value)] if position >= 0 else value


# 文号 and dates

DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}(?:发|字|函|办|通|规|令|文)?[ ]?[〔\[【［(（] *\d{4} *[〕\]】］)）] *第? *\d{1,4} *号"
)
_CN_DIGIT = dict(zip("〇零○Ｏ一二三四五六七八九", "0000123456789", strict=True))
_DATE_BODY = (
    r"(?P<y>\d{4}|[〇零○Ｏ一二三四五六七八九]{4}|[〇零○Ｏ一二三四五六七八九]{2}) *年"
    r" *(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2}) *月 *(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3}) *日"
)
_DATE = re.compile(rf"^[（(]?{_DATE_BODY} *(?:印发|发布|印|签发)?[）)]?$")
_ISO_DATE = re.compile(r"^(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})")
_CITED_NUMBER = re.compile(r"》\s*[（(]\s*$|[（(]\s*$")


def parse_date(text: str) -> str | None:
    """A line that is a date (2022年7月12日, 二〇二二年七月十二日, 一二年一月十二日, …印发)."""
    match = _DATE.match(text.replace(" ", ""))
    return _date_of(match) if match else None


def _date_of(match: re.Match[str]) -> str | None:
    year_text = "".join(_CN_DIGIT.get(c, c) for c in match.group("y"))
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    month_text, day_text = match.group("m"), match.group("d")
    month = int(month_text) if month_text.isdigit() else chinese_number(month_text)
    day = int(day_text) if day_text.isdigit() else chinese_number(day_text)
    if month is None or day is None:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_in_value(text: str) -> str | None:
    """The date a site block gives: 2016-12-20, 2012年09月28日 or 二〇一二年九月二十八日."""
    text = text.replace(" ", "")
    iso = _ISO_DATE.match(text)
    if iso:
        try:
            return datetime.date(int(iso["y"]), int(iso["m"]), int(iso["d"])).isoformat()
        except ValueError:
            return None
    match = re.match(_DATE_BODY, text)
    return _date_of(match) if match else None


def split_number_and_date(text: str) -> tuple[str | None, str | None]:
    """某府发〔2023〕15号2023年06月08日 (either order, any separator) → (文号, date)."""
    number = DOC_NUMBER.search(text)
    if not number:
        return None, None
    rest = (text[: number.start()] + " " + text[number.end() :]).strip(" ，,;；")
    return number.group(0).replace(" ", ""), parse_date(rest) if rest else None


def own_doc_number(text: str) -> str | None:
    """The 文号 of a line that prints this document's number: the line starts with it and the rest
    is nothing, a date or a notice title — never one cited in brackets after 《…》."""
    match = DOC_NUMBER.match(text)
    if not match:
        return None
    rest = text[match.end() :].strip(" ，,;；")
    if rest and not parse_date(rest) and "关于" not in rest and len(rest) > 20:
        return None
    return match.group(0).replace(" ", "")


def uncited_doc_number(text: str) -> str | None:
    """A 文号 in a line of the header that is not a parent document cited by its title."""
    if "《" in text or "》" in text or text.endswith("。"):
        return None
    for match in DOC_NUMBER.finditer(text):
        if _CITED_NUMBER.search(text[: match.start()]):
            continue
        number = match.group(0).replace(" ", "")
        return re.sub(r"^.*?(?:文号|字号)[:：]?", "", number)
    return None


# site and law-database blocks

_TITLE_KEYS = ("发文标题", "文件名称", "标题", "名称")
_NUMBER_KEYS = ("发文字号", "发文文号", "文件编号", "发文号", "文号", "字号")
_ISSUER_KEYS = (
    "发文机关",
    "发文部门",
    "发文单位",
    "发文机构",
    "制发机关",
    "发布机关",
    "发布机构",
    "发布单位",
)
_DATE_KEYS = ("成文日期", "成文时间", "发文日期", "发文时间", "印发日期", "签发日期")
_PUBLISHED_KEYS = ("发布日期", "发布时间", "公开日期", "公开时间", "公布日期")
_OTHER_KEYS = (
    "索引号", "主题分类", "主题词", "体裁分类", "组配分类", "服务对象", "有效性", "时效性", "效力状态",
    "效力级别", "实施日期", "实施时间", "生效日期", "废止日期", "法规类型", "所属行业", "所属区域",
    "阅读人次", "评论人次", "页面功能", "发文内容", "信息来源", "来源", "公开方式", "公开范围",
    "公文种类", "分类", "文种", "浏览次数", "字体", "有效期",
)  # fmt: skip
_ALL_KEYS = sorted(
    {*_TITLE_KEYS, *_NUMBER_KEYS, *_ISSUER_KEYS, *_DATE_KEYS, *_PUBLISHED_KEYS, *_OTHER_KEYS},
    key=len,
    reverse=True,
)
_KEY = re.compile(r"(?P<key>" + "|".join(_ALL_KEYS) + r") *[:：]")
_KEY_LINE = re.compile(r"^[•·\-*●▪◆■○◇> ]*(?:" + "|".join(_ALL_KEYS) + r") *[:：]")
_KEY_ALONE = re.compile(r"^[•·\-*●▪◆■○◇> ]*(?P<key>" + "|".join(_ALL_KEYS) + r") *[:：]?$")
_BREADCRUMB = re.compile(r"^(?:当前位置|您的位置|您现在的位置|位置)[:：]|^首页 *[>›»]|[>›»].*[>›»]")
_EMPTY_VALUES = {"", "无", "-", "—", "/", "暂无"}


@dataclass
class SiteBlock:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    date: str | None = None
    published: str | None = None
    lines: set[int] = field(default_factory=set)  # consumed line indexes


def _unspaced_keys(text: str) -> str:
    """``文       号 :`` → ``文号:``: spaces inside a key are layout padding."""
    return re.sub(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff] *[:：])", "", text)


def read_site_block(texts: list[str], limit: int = 60) -> SiteBlock:
    """Key–value lines of a web page's or law database's header (first `limit` lines)."""
    block = SiteBlock()
    pairs: list[tuple[str, str]] = []
    index = 0
    end = min(len(texts), limit)
    while index < end:
        text = _unspaced_keys(texts[index]).strip()
        alone = _KEY_ALONE.match(text)
        if alone and index + 1 < len(texts) and not _KEY_LINE.match(texts[index + 1]):
            value = texts[index + 1].strip()
            if value and len(value) <= 120:
                pairs.append((alone["key"], value))
                block.lines.update((index, index + 1))
                index += 2
                continue
        if _KEY_LINE.match(text):
            keys = list(_KEY.finditer(text))
            for position, key in enumerate(keys):
                stop = keys[position + 1].start() if position + 1 < len(keys) else len(text)
                pairs.append((key["key"], text[key.end() : stop].strip(" ;；,，|")))
            block.lines.add(index)
        elif _BREADCRUMB.search(text) and len(text) <= 120:
            block.lines.add(index)
        index += 1
    for key, value in pairs:
        if value in _EMPTY_VALUES:
            continue
        if key in _TITLE_KEYS and block.title is None:
            block.title = value.replace(" ", "")
        elif key in _NUMBER_KEYS and block.doc_number is None:
            number = DOC_NUMBER.search(value)
            block.doc_number = number.group(0).replace(" ", "") if number else None
        elif key in _ISSUER_KEYS and block.issuer is None:
            block.issuer = value.replace(" ", "").split("、")[0] or None
        elif key in _DATE_KEYS and block.date is None:
            block.date = date_in_value(value)
        elif key in _PUBLISHED_KEYS and block.published is None:
            block.published = date_in_value(value)
    return block


# plan-level targets of the 目标 section

_GOALS_HEADING = re.compile(r"目标|总体要求")  # 一、总体要求 holds the goals paragraph of many plans
_HEADING_FORM = (
    re.compile(r"^第[一二三四五六七八九十]+[章部分]"),
    re.compile(r"^[一二三四五六七八九十]{1,3}、"),
    re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]"),
    re.compile(r"^\d{1,2}[、.](?!\d)"),
)
_BARE_GOALS_HEADING = re.compile(r"^(?:总体|主要|发展|工作|具体)?目标(?:任务)?$")
_GOALS_INLINE = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[、）).])?(?:总体|主要|发展|工作|具体)?目标[:：是]"
)
_TARGET_LIKE = re.compile(
    r"(?P<value>\d+(?:\.\d+)?) *(?:%|个百分点|万?平方米|[万亿]?元|万?人次|万?名|个|家|所|场|项)"
)


_BASELINE = re.compile(r"^(?:比|较|由|从)\d{4}年(?:底|末)?(?:的)?")
_HEADLINE_RATE = re.compile(r"科学素质[^。；;，,%]{0,20}?(?P<value>\d{1,2}(?:\.\d{1,2})?) *%")


def _form(text: str) -> int | None:
    for level, pattern in enumerate(_HEADING_FORM):
        if pattern.match(text):
            return level
    return None


def _is_heading(text: str) -> bool:
    return len(text) <= 40 and not re.search(r"[。；;]", text.rstrip("。")) and _form(text) is not None


def goal_paragraphs(paragraphs: list[str]) -> list[str]:
    """Paragraphs under every heading that names a goal (主要目标, 发展目标, 目标任务…) up to the
    next heading of the same or a higher level, and paragraphs that start with 目标：."""
    chosen: list[int] = []
    for index, text in enumerate(paragraphs):
        if _is_heading(text) and _GOALS_HEADING.search(text):
            level = _form(text)
            for following in range(index + 1, len(paragraphs)):
                other = paragraphs[following]
                other_level = _form(other)
                # 二、聚焦重点人群，实施…行动为全面推进…: a heading of the same level with its paragraph
                # glued on (a flattened page) ends the goals all the same
                if other_level is not None and other_level <= (level or 0):
                    break
                if not _is_heading(other):
                    chosen.append(following)
        elif _GOALS_INLINE.match(text):
            chosen.append(index)
        elif _BARE_GOALS_HEADING.match(text):
            # 工作目标 printed as an unnumbered (bold) heading: its paragraphs run to the next short
            # line without punctuation (the next such heading) or a numbered heading
            for following in range(index + 1, len(paragraphs)):
                other = paragraphs[following]
                if _is_heading(other) or (len(other) <= 12 and not re.search(r"[，。；：,;:]", other)):
                    break
                chosen.append(following)
    return [paragraphs[i] for i in sorted(set(chosen))]


def goal_targets(
    paragraphs: list[str],
    start_year: int | None,
    reference_year: int | None,
    task_texts: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[Target], list[str]]:
    """Plan-level targets of the 目标 section and warnings for target-like numbers not kept.

    The literacy rate is the headline target and is not repeated here; a target already held by a
    task (`task_texts`) is not repeated either. A target whose year is before `reference_year`
    (the issue year, else the period's first year) is a baseline (2020年…比例达到10.56%) and is
    reported, not kept."""
    targets: list[Target] = []
    warnings: list[str] = []
    for paragraph in goal_paragraphs(paragraphs):
        found = extract_targets(paragraph, start_year)
        kept_values = {float(m["value"]) for m in _HEADLINE_RATE.finditer(paragraph)}
        for target in found:
            kept_values.add(target.value)
            if target.text in task_texts or (
                target.unit == "%" and target.value in kept_values and _HEADLINE_RATE.search(target.text)
            ):
                continue
            if _BASELINE.match(target.text):
                warnings.append(
                    f"目标部分的“{target.text}”是比较用的基线值，未作为目标 / a baseline figure, not kept"
                )
                continue
            if target.deadline_year and reference_year and target.deadline_year < reference_year:
                warnings.append(
                    f"目标部分的“{target.text}”是{target.deadline_year}年的基线值，未作为目标 / "
                    "a baseline figure, not kept as a target"
                )
                continue
            if target not in targets:
                targets.append(target)
        for match in _TARGET_LIKE.finditer(paragraph):
            value = float(match["value"])
            if value in kept_values or re.match(r"\s*年", paragraph[match.end() : match.end() + 1]):
                continue
            if any(abs(value * factor - kept) < 1e-6 for kept in kept_values for factor in (10000, 1e8)):
                continue
            snippet = paragraph[max(0, match.start() - 12) : match.end() + 4]
            warnings.append(f"目标部分的数值“{snippet}”未能识别为目标 / a target-like figure was not read")
    return targets, warnings
