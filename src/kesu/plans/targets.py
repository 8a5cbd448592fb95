"""Quantitative targets in task text, and the plan's headline target (公民具备科学素质的比例).

A target is a number with a counting unit (名, 人次, 家, 个, %, 平方米 …). Rules:

- value: Arabic or Chinese numerals (三十家, 一万人次); a 万/亿 multiplier before a counting unit is
  multiplied out (1.2万名 → 12000 名, 1.5万人次 → 15000 人次) so values compare directly;
  money and area keep their conventional units (500万元 → 500 万元, 2万平方米 → 2 万平方米);
- comparator: 以上/及以上/不少于/不低于/达到/超过/至少/突破/力争达到 → ">="; 以下/以内/不超过/
  不高于/控制在 → "<="; 约/左右/大约 → "~"; a bare number (每年培训科技辅导员300人) → "=";
- period: the nearest 每年/每学期/年均/“十四五”期间/N年内/到2025年(底) before the number in the same
  sentence; deadline_year from 到2025年/2025年底前/“十四五” (2025) in the sentence, else from
  N年内 before the number, counted from the plan's first year (2021 plan, 三年内 → 2023);
- subject: the words around the number within its clause, without period and comparator words
  (每年培训科技辅导员200人次以上 → 培训科技辅导员);
- not targets: years and dates (2025年), 第N届/第N批, numbers inside quotes or titles (“四个面向”,
  “两个100%”), list ordinals, section numbers, and Chinese numerals below ten without a verb such as
  建/培训/举办 right before them (一批, 三下乡).
"""

from __future__ import annotations

import re

from kesu.plans.confidence import Doubt, rule
from kesu.plans.headings import chinese_number
from kesu.plans.model import HeadlineTarget, Target

# How a task's target was read, as confidence rules (kesu.plans.confidence); base confidences
# measured on the corpus by bench/calibrate_parse.py.
PERCENT = rule("target.percent", 0.91, "任务文字中的百分比：数字加“%”或“个百分点”")
COUNT = rule("target.count", 0.98, "任务文字中的阿拉伯数字加计量单位：200人次、30家、500万元")
CHINESE_COUNT = rule("target.chinese_numeral", 0.75, "任务文字中的汉字数字加计量单位：三十家、一万人次")
NO_SUBJECT = Doubt("未找到指标名称（数字前后没有说明是什么）", 0.2)
GUESSED_COMPARATOR = Doubt("没有“以上/不少于/达到”等词，比较方式按“等于”推定", 0.05)
NO_DEADLINE = Doubt("句中没有年份或期限（每年/到2025年），完成年份未知", 0.05)
FROM_RANGE = Doubt("数值取自一个范围（如3—5个）的一端", 0.2)
_TIMES = "×xX*＊"
_ACTOR_COUNT = re.compile(r"\d+ *[个家][\u4e00-\u9fff]{1,4}等\d+ *[个家](?:单位|部门)")
_RANGE_BEFORE = re.compile(r"\d *[-—–~～至到] *$")

_UNITS = sorted(
    [
        "%",
        "个百分点",
        "万平方米",
        "平方米",
        "平米",
        "万元",
        "亿元",
        "元",
        "人次",
        "万人次",
        "人",
        "名",
        "家",
        "个",
        "所",
        "场次",
        "场",
        "次",
        "项",
        "期",
        "支",
        "座",
        "处",
        "件",
        "部",
        "篇",
        "种",
        "套",
        "台",
        "辆",
        "小时",
        "学时",
        "课时",
        "天",
        "门",
        "节",
        "册",
        "份",
        "本",
        "条",
        "户",
        "村",
        "间",
        "张",
        "幅",
        "集",
        "首",
        "位",
        "团",
        "队",
        "站",
        "室",
        "馆",
        "亩",
        "公里",
        "千米",
        "米",
        "批次",
        "届",
        "单位",
        "类",
        "堂",
        "人·次",
        "万册",
        "万件",
        "块",
        "面",
        "栋",
        "棵",
        "株",
        "头",
        "吨",
        "册次",
        "页",
    ],
    key=len,
    reverse=True,
)
_KEEP_WAN_UNITS = ("元", "平方米")  # 万元, 万平方米 stay as units
_CN_NUM = "一二两三四五六七八九十百千〇零"
_TARGET = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[一二两三四五六七八九十][" + _CN_NUM + r"]*)"
    r" *(?P<mult>万|亿)?"
    r" *(?P<unit>" + "|".join(re.escape(u) for u in _UNITS) + r")"
    r"(?P<after>及以上|以上|以下|以内|左右|多)?"
)
_BEFORE_GE = (
    "力争达到",
    "不少于",
    "不低于",
    "达到",
    "超过",
    "至少",
    "突破",
    "提高到",
    "提升到",
    "增加到",
    "增至",
    "达",
)
_BEFORE_LE = ("不超过", "不高于", "控制在", "低于")
_BEFORE_APPROX = ("大约", "约", "近")
_CN_SMALL_VERB = re.compile(
    r"(?:建|建设|新建|建成|培育|培训|培养|举办|开展|创建|打造|评选|组织|认定|设立|成立|组建|命名|聘请|遴选|"
    r"新增|增加|达到|扶持|开发|推出|制作|编印|出版|发放|选派)$"
)
_SENTENCE_SPLIT = re.compile(r"[。；;！？!?\n]")
_CLAUSE_SPLIT = re.compile(r"[，,；;。：:\n（()）]")
_PERIOD = re.compile(
    r"(?P<period>[“\"]?十[三四五六]五[”\"]?(?:期间|时期|末|内)"
    r"|(?:到|至|截至|截止到)? *\d{4} *年(?:底|末)?(?:前|以前)?"
    r"|每年|每学期|每季度|每月|每周|年均|每两年|(?:\d{1,2}|[一二两三四五六七八九十])年内)"
)
_WITHIN_YEARS = re.compile(r"(?P<n>\d{1,2}|[一二两三四五六七八九十]) *年内")
_FIVE_YEAR_END = {"十三五": 2020, "十四五": 2025, "十五五": 2030, "十六五": 2035}
_SUBJECT_NOISE = re.compile(
    r"^(?:争取|力争|确保|努力|全市|全区|全县|全镇|累计|共|其中|并|要|实现|年内|每年|同时|均)+|(?:的|等)+$"
)
_QUOTES_OPEN = '“"《「『‘'
_QUOTES_CLOSE = '”"》」』’'


def _inside_quotes(text: str, position: int) -> bool:
    before = text[:position]
    depth = 0
    for char in before:
        if char in "“《「『‘":
            depth += 1
        elif char in "”》」』’":
            depth = max(0, depth - 1)
        elif char == '"':
            depth = 0 if depth else 1
    return depth > 0


def _value(number: str, multiplier: str | None) -> float | None:
    if number[0].isdigit():
        value = float(number.replace(",", ""))
    else:
        parsed = chinese_number(number)
        if parsed is None:
            return None
        value = float(parsed)
    if multiplier == "万":
        value *= 10000
    elif multiplier == "亿":
        value *= 100000000
    return value


_COMPARATOR_WORDS = sorted(
    [(w, ">=") for w in _BEFORE_GE] + [(w, "<=") for w in _BEFORE_LE] + [(w, "~") for w in _BEFORE_APPROX],
    key=lambda item: len(item[0]),
    reverse=True,
)


def _comparator(before: str, after: str | None) -> str:
    if after in ("以上", "及以上", "多"):
        return ">="
    if after in ("以下", "以内"):
        return "<="
    if after == "左右":
        return "~"
    tail = before[-10:]
    best: tuple[int, int, str] | None = None
    for word, comparator in _COMPARATOR_WORDS:
        position = tail.rfind(word)
        if position >= 0:
            candidate = (position + len(word), len(word), comparator)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return best[2] if best else "="


def _period_and_deadline(
    sentence_before: str, sentence: str, start_year: int | None = None
) -> tuple[str | None, int | None]:
    period = None
    for match in _PERIOD.finditer(sentence_before):
        period = match.group("period").strip()
    deadline = None
    for match in re.finditer(r"(?:到|至|截至)? *(\d{4}) *年(?:底|末)?(?:前)?", sentence):
        year = int(match.group(1))
        if 2000 <= year <= 2100:
            deadline = year
            break
    if deadline is None:
        for name, year in _FIVE_YEAR_END.items():
            if name in sentence:
                deadline = year
                break
    if deadline is None and start_year is not None:
        # 三年内 / 5年内: counted from the plan's first year, which is year one
        within = next(iter(reversed(list(_WITHIN_YEARS.finditer(sentence_before)))), None)
        if within is not None:
            count = within.group("n")
            years = int(count) if count.isdigit() else chinese_number(count)
            if years and years <= 30:
                deadline = start_year + years - 1
    return period, deadline


def extract_targets(text: str, start_year: int | None = None) -> list[Target]:
    """Quantitative targets in a task's text, in order.

    `start_year` (the plan period's first year) dates relative deadlines: 三年内 → start_year + 2."""
    return [target for target, _, _ in extract_judged_targets(text, start_year)]


_COLLECTION_BEFORE = re.compile(r"(?:方案|计划|总结|范文|通知|汇总|精选|通用|大全|合集|模板)[（(]?$")


def extract_judged_targets(text: str, start_year: int | None = None) -> list[tuple[Target, str, list[Doubt]]]:
    """`extract_targets` with each target's confidence rule and the doubts found on it."""
    targets: list[tuple[Target, str, list[Doubt]]] = []
    previous_end = 0
    for match in _TARGET.finditer(text):
        number, multiplier, unit, after = match.group("num", "mult", "unit", "after")
        start, end = match.span()
        preceding = text[max(0, start - 1) : start]
        following = text[end : end + 1]
        if preceding in ("第", "〔", "[", "【") or preceding.isdigit() or preceding == ".":
            continue
        if following.isdigit() or (unit == "%" and preceding == "个"):
            continue
        # 1.2米×0.9米: the size of a board, not a target
        if (following and following in _TIMES) or (preceding and preceding in _TIMES):
            continue
        # 区卫生局、10个街办等12个单位组织…: a count of the actors of a sentence, not a target
        if _ACTOR_COUNT.match(text, start) or (preceding == "等" and text.startswith(("单位", "部门"), end)):
            continue
        if unit == "个" and following.isdigit():
            continue
        # 全国科普日活动方案8篇 / 工作计划范文（通用5篇）: a 范文 site's count of sample texts
        if unit in ("篇", "则", "份") and _COLLECTION_BEFORE.search(text, max(0, start - 6), start):
            continue
        if _inside_quotes(text, start) and unit != "%":
            continue
        # 党的十九届五中全会, 二十届三中全会: the number of a Party congress or plenum, never a target.
        if unit == "届" and _PLENUM_AFTER.match(text, end):
            continue
        # 已建成…50个 / 目前已达到10.56%: a figure already reached is a baseline, not a target.
        if _ALREADY.search(text, max(_clause_start_of(text, start), start - 12), start):
            continue
        if not number[0].isdigit():
            if re.search(r"[〇零]", number) and len(number) >= 4:
                continue
            value_cn = chinese_number(number)
            if value_cn is None:
                continue
            value_cn *= 10000 if multiplier == "万" else 100000000 if multiplier == "亿" else 1
            if value_cn < 2:
                continue
            if value_cn < 10 and not _CN_SMALL_VERB.search(text[max(0, start - 4) : start]):
                continue
        if re.match(r"\d{4}$", number) and unit in ("个", "项", "次"):
            continue
        value = _value(number, multiplier)
        if value is None:
            continue
        if multiplier and unit not in _KEEP_WAN_UNITS:
            shown_unit = unit
        elif multiplier:
            value = value / (10000 if multiplier == "万" else 100000000)
            shown_unit = multiplier + unit
        else:
            shown_unit = unit
        sentence_start = max((m.end() for m in _SENTENCE_SPLIT.finditer(text, 0, start)), default=0)
        next_sentence = _SENTENCE_SPLIT.search(text, end)
        sentence = text[sentence_start : next_sentence.start() if next_sentence else len(text)]
        clause_start = max((m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, start)), default=0)
        clause_start = max(clause_start, sentence_start, previous_end)
        next_clause = _CLAUSE_SPLIT.search(text, end)
        clause_end = next_clause.start() if next_clause else len(text)
        period, deadline = _period_and_deadline(text[sentence_start:start], sentence, start_year)
        comparator = _comparator(text[clause_start:start], after)
        subject, phrase = _subject_and_phrase(text, clause_start, start, end, clause_end)
        previous_end = end
        target = Target(
            text=phrase,
            value=value,
            unit=shown_unit,
            comparator=comparator,
            subject=subject or None,
            period=period,
            deadline_year=deadline,
        )
        form = PERCENT if unit in ("%", "个百分点") else COUNT if number[0].isdigit() else CHINESE_COUNT
        doubts = []
        if not subject:
            doubts.append(NO_SUBJECT)
        if comparator == "=" and not after:
            doubts.append(GUESSED_COMPARATOR)
        if deadline is None and period is None:
            doubts.append(NO_DEADLINE)
        if _RANGE_BEFORE.search(text[max(0, start - 4) : start]):
            doubts.append(FROM_RANGE)
        targets.append((target, form, doubts))
    return targets


def _subject_and_phrase(
    text: str, clause_start: int, start: int, end: int, clause_end: int
) -> tuple[str, str]:
    """Subject words around a target and the phrase it came from (see the module docstring)."""
    before_start = clause_start
    enumeration = text.rfind("、", clause_start, start)
    while enumeration >= 0 and _inside_quotes(text, enumeration):
        enumeration = text.rfind("、", clause_start, enumeration)
    if enumeration >= 0:
        before_start = enumeration + 1
    next_number = _TARGET.search(text, end, clause_end)
    after_end = next_number.start() if next_number else clause_end
    enumeration_after = text.find("、", end, after_end)
    while enumeration_after >= 0 and _inside_quotes(text, enumeration_after):
        enumeration_after = text.find("、", enumeration_after + 1, after_end)
    if enumeration_after >= 0:
        after_end = enumeration_after
    before = _PERIOD.sub("", text[before_start:start])
    for word, _ in _COMPARATOR_WORDS:
        if before.endswith(word):
            before = before[: -len(word)]
            break
    after = re.sub(r"^(?:及以上|以上|以下|以内|左右|的)", "", text[end:after_end])
    subject = (before + after).strip(" ，,、")
    subject = re.sub(r"[“”\"《》]", "", subject)
    subject = _SUBJECT_NOISE.sub("", re.sub(r"^(?:\d{1,2}[.、]|[（(]\d{1,2}[）)]|[①-⑳])", "", subject))
    phrase = text[before_start:after_end].strip(" ，,、")
    return subject[:40], phrase


# ---------------------------------------------------------------------------------------------
# headline target

INDICATOR = "公民具备科学素质的比例"
_PLENUM_AFTER = re.compile(r"历次|歷次|[一二三四五六七八九十]中|全[会會]|人大|全国人大|中央委员会")
_ALREADY = re.compile(r"已(?:经)?(?:达到?|達到?|建成|拥有|有|超过|實現|实现)|目前|现有|現有|现已|現已")


def _clause_start_of(text: str, position: int) -> int:
    return max((m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, position)), default=0)


_HEADLINE = re.compile(
    r"(?:公民|居民)?(?:具备|具有)?科学素质(?:的)?(?:公民|人口|人群)?(?:的)?(?:比例|水平|达标率)"
    r"(?P<between>[^。；;%\n]{0,16}?)(?P<value>\d{1,2}(?:\.\d{1,2})?) *%"
)
_YEAR = re.compile(r"(\d{4}) *年")


# A figure already reached is a baseline or a progress report, never the plan's headline target:
# 截至2018年…达到8.47%、2020年全省…已达到10.56%、“十三五”期末…、调查显示…、由6.2%提高到…的6.2%.
_BASELINE = re.compile(
    r"截至|截止|已经|已(?:达|提|超|由|从|实现)|目前|现状|调查(?:显示|结果)|监测(?:显示|结果)|期末"
    r"|(?:由|从)[^，,。；;]{0,12}$"
)
_RAISED_TO = re.compile(r"\s*(?:提升|提高|增加|增长|上升)(?:至|到)\s*(?P<value>\d{1,2}(?:\.\d{1,2})?)\s*%")


def find_headline_candidates(paragraphs: list[str]) -> list[HeadlineTarget]:
    candidates: list[HeadlineTarget] = []
    for paragraph in paragraphs:
        for match in _HEADLINE.finditer(paragraph):
            between = match.group("between")
            if re.search(r"\d", between.replace(" ", "")) and not _YEAR.search(between):
                continue
            sentence_start = max(
                (m.end() for m in _SENTENCE_SPLIT.finditer(paragraph, 0, match.start())), default=0
            )
            clause_start = max(
                (m.end() for m in re.finditer(r"[，,]", paragraph[sentence_start : match.start()])), default=0
            )
            # the clause of the figure (…截至2018年，全市…比例达到8.47%) or, when the clause starts
            # with the subject, the words before it in the sentence (截至2018年，全市…)
            lead = paragraph[sentence_start : match.start()]
            if _BASELINE.search(lead[clause_start:] + between) or (
                clause_start
                and _BASELINE.search(lead[:clause_start])
                and not re.search(r"到\s*\d{4}\s*年", lead)
            ):
                raised = _RAISED_TO.match(paragraph, match.end())
                if not raised or not re.search(r"(?:由|从)[^，,。；;]{0,12}$", lead + between):
                    continue
                # 比例由2015年的6.20%提升至10%以上: the figure after 提升至 is the target
                value, between = raised.group("value"), ""
            else:
                value = match.group("value")
            sentence_end_match = _SENTENCE_SPLIT.search(paragraph, match.end())
            sentence_end = sentence_end_match.start() if sentence_end_match else len(paragraph)
            sentence = paragraph[sentence_start:sentence_end]
            year = None
            inside = _YEAR.findall(between)
            if inside:
                year = int(inside[-1])
            else:
                years = _YEAR.findall(paragraph[sentence_start : match.start()])
                if years:
                    year = int(years[-1])
                else:
                    for name, end_year in _FIVE_YEAR_END.items():
                        if name in paragraph[sentence_start : match.start()]:
                            year = end_year
            candidates.append(
                HeadlineTarget(
                    indicator=INDICATOR,
                    value=float(value),
                    unit="%",
                    year=year if year is not None else 0,
                    text=sentence.strip(),
                )
            )
    return candidates


def choose_headline(
    candidates: list[HeadlineTarget], period_end: int | None, reference_year: int | None
) -> tuple[HeadlineTarget | None, list[HeadlineTarget]]:
    """The plan-period target and the other future targets (e.g. 2035); baselines are dropped."""
    future = []
    for candidate in candidates:
        if candidate.year == 0:
            if period_end is None:
                continue
            candidate.year = period_end
        if reference_year is not None and candidate.year < reference_year:
            continue
        if reference_year is None and candidate.year <= 2020:
            continue
        if re.search(r"从\s*\d{4}\s*年", candidate.text) and candidate.text.find("从") < candidate.text.find(
            str(int(candidate.value))
        ):
            continue
        if candidate not in future:
            future.append(candidate)
    if not future:
        return None, []
    if period_end is not None:
        in_period = [c for c in future if c.year == period_end]
        if in_period:
            chosen = in_period[0]
            return chosen, [c for c in future if c.year != chosen.year]
    chosen = min(future, key=lambda c: c.year)
    return chosen, [c for c in future if c.year != chosen.year]
