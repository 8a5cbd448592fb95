"""Responsibility clauses → lead and participating units.

Forms read (full- or half-width brackets and colons alike):

- ``（X、Y按职责分工负责）``, ``（X负责）``, ``（X分别负责）`` — every unit is a lead;
- ``（责任单位：X、Y）`` — leads, unless the same clause names a 牵头单位, then participants;
- ``责任分工：由X、Y牵头，Z等单位参加。`` and ``（X牵头，Y配合）`` / ``（X牵头，Y等参与）`` —
  units before 牵头/负责 lead, units before 参加/参与/配合/协助/协同 participate;
- ``牵头单位：X；配合单位：Y`` (also 主要责任单位, 责任部门, 参与单位, 协办单位 …), in brackets or as
  a sentence or line of its own;
- ``责任单位：X（牵头）、Y`` — the marked units lead, the others participate;
- ``X为牵头单位，Y为配合单位``.

A bracketed text is a clause only when it has such a key or role word and the names in it read as
units, so ``（以下简称…）`` or ``（发明、制作）`` are left alone. A key inside a bracket
(``（牵头单位：X；配合单位：Y）``) never starts a clause of its own: the bracket is read whole.
Collective actors are kept as printed and marked as a class by the parser (`units.is_collective`):
各县（市、区）政府, 市直有关部门, and 各成员单位 / 领导小组各成员单位 (the leading group's members)
even beside named units. Vague collectives (各有关部门, 相关单位) are dropped from a clause that names
units; a bracket closing an item that names only collectives (``（各成员单位）``) keeps them, but a
sentence naming nothing else (``各有关部门按职责分工负责。``) is no clause. A bare bracket of units
closing an item (``（市科协、市教育局）``) is a clause whose units all lead, as is a 责任单位 list with no
牵头 marker (docs/decisions.md). ``X牵头，Y负责落实`` / ``X牵头，Y按职责分工负责``: after a 牵头, a 负责 marks participants. ``【牵头单位】X`` is
rewritten to ``牵头单位：X`` by `kesu.plans.normalize`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kesu.plans.confidence import rule as declare_rule
from kesu.plans.units import (
    UNIT_SUFFIX,
    clean_unit_name,
    default_alias_dictionary,
    is_collective,
    is_generic_unit,
    is_member_class,
    looks_like_unit,
    share_level,
    split_top_level,
    split_units,
)

_LEAD_KEYS = (
    "主要责任单位",
    "总牵头单位",
    "总牵头部门",
    "牵头单位",
    "牵头部门",
    "主责单位",
    "主责部门",
)
_PART_KEYS = (
    "配合单位",
    "配合部门",
    "参与单位",
    "参与部门",
    "参加单位",
    "协办单位",
    "协同单位",
    "协助单位",
    "协作单位",
    "支持单位",
    "协办",
)
# 主办单位 of an activity list is who runs the activity, read like a 责任单位
_NEUTRAL_KEYS = ("责任单位", "责任部门", "实施单位", "承办单位", "承办部门", "主办单位", "主办部门", "主办", "承办")
_KEY_WORDS = "|".join(sorted((*_LEAD_KEYS, *_PART_KEYS, *_NEUTRAL_KEYS), key=len, reverse=True))
_KEY = re.compile("(?P<key>" + _KEY_WORDS + r") *[:：]")
_INTRO = re.compile(r"^ *(?:责任分工|分工|任务分工) *[:：] *")
# the fields printed after a 责任单位 in activity lists (时间：… 地点：…) end the clause
_STOP_KEY = re.compile(
    r"(?:完成时限|完成时间|时间节点|时限要求|进度安排|工作时限|预期成果|备注|时间|地点|内容|议程|联系人|联系电话)"
    r" *[:：]"
)

_LEAD_VERBS = (
    "按照职责分工负责",
    "按职责分工负责",
    "按职责分工落实",
    "按职能分工负责",
    "按职责负责",
    "分工负责",
    "分别负责",
    "共同负责",
    "牵头负责",
    "负责牵头",
    "牵头落实",
    "为主要责任单位",
    "为牵头单位",
    "为牵头部门",
    "为责任单位",
    "为责任部门",
    "牵头",
    "负责",
)
_PART_VERBS = ("为配合单位", "为配合部门", "为参与单位", "为协办单位", "配合", "参与", "参加", "协助", "协同", "协办")
_ROLE_VERB = re.compile(
    "(?P<verb>" + "|".join(sorted((*_LEAD_VERBS, *_PART_VERBS), key=len, reverse=True)) + ")"
)
_MARKER = re.compile(r"[（(] *(?P<role>牵头单位|牵头|主责|配合单位|配合|参与|参加|协办) *[）)]$")
_ANY_MARKER = re.compile(r"[（(] *(?:牵头单位|牵头|主责) *[）)]")

# A bracketed clause; one level of nested brackets (各县（市、区）政府负责), possibly unclosed at the end.
_BRACKETED = re.compile(r"[（(](?P<content>(?:[^（()）]|[（(][^（()）]{0,30}[）)]){2,800}?)(?:[）)]|$)")
_SENTENCE_CLAUSE = re.compile(
    r"(?:^|(?<=[。；;！？!?])) *(?=(?:责任分工|任务分工|" + _KEY_WORDS + r") *[:：])"
)


# The forms of clause, as confidence rules (kesu.plans.confidence); base confidences measured on
# the corpus by bench/calibrate_parse.py.
INLINE_BRACKET = declare_rule("assignment.inline_bracket", 0.98, "括注中的角色词：（由X牵头，Y参加）（X牵头，Y配合）")
BRACKET_KEYED = declare_rule("assignment.bracket_keyed", 0.98, "括注中的键：（牵头单位：X；配合单位：Y）（责任单位：X（牵头）、Y）")
KEY_LINE = declare_rule("assignment.key_line", 0.98, "单独成句或成行的键：牵头单位：X；配合单位：Y")
SENTENCE_INTRO = declare_rule("assignment.sentence_intro", 0.8, "以“责任分工：/分工：”引出的句子：由X牵头，Y等参加")
ROLE_SENTENCE = declare_rule("assignment.role_sentence", 0.98, "只有角色词的句子：由X牵头，Y配合。/ X为牵头单位")
BARE_LIST = declare_rule("assignment.bare_list", 0.92, "条目末尾只列单位、没有角色词的括注：（市科协、市教育局），均按牵头")
FIRST_LISTED = declare_rule("assignment.first_listed_lead", 0.98, "文中说明“列第一位的为牵头单位”：名单第一个单位牵头，其余参与")


@dataclass
class Clause:
    """One responsibility clause found in a paragraph."""

    raw: str  # as printed
    start: int
    end: int
    leads: list[str] = field(default_factory=list)  # printed unit names
    participants: list[str] = field(default_factory=list)
    standalone: bool = False  # the clause is the whole paragraph
    origin: str = "own"  # "own", or "group" for a clause that governs the following items
    first_leads_from_here: bool = False  # carries （列第一位的为牵头单位，下同）
    rule: str = ""  # the confidence rule of the clause's form (INLINE_BRACKET …), set where it is read
    unreadable: list[str] = field(default_factory=list)  # names in the clause not read as units

    @property
    def units(self) -> list[str]:
        return [*self.leads, *self.participants]


def _names_with_markers(text: str, default_lead: bool) -> tuple[list[str], list[str], bool]:
    """Names of a list; items marked （牵头）/（配合） take that role, and when some are marked 牵头
    the unmarked ones take part. Returns (leads, parts, any marker)."""
    items: list[tuple[list[str], str | None]] = []
    for item in split_top_level(text):
        item = item.strip()
        marker = _MARKER.search(item)
        role = None
        if marker:
            role = "lead" if marker.group("role") in ("牵头单位", "牵头", "主责") else "part"
            item = item[: marker.start()]
        names = split_units(item)
        if names:
            items.append((names, role))
    flat = iter(share_level([name for names, _ in items for name in names]))
    items = [([next(flat) for _ in names], role) for names, role in items]
    lead_marked = any(role == "lead" for _, role in items)
    leads: list[str] = []
    parts: list[str] = []
    for names, role in items:
        if role is None:
            role = "part" if lead_marked or not default_lead else "lead"
        (leads if role == "lead" else parts).extend(names)
    return leads, parts, any(role for _, role in items)


# the verb's object left after 负责/配合: 负责落实, 配合实施
_DUTY_TAIL = re.compile(r"^(?:组织)?(?:落实|实施|执行|推进|推动)?(?:工作)?$")


def _parse_verb_form(content: str) -> tuple[list[str], list[str], bool]:
    """``由X牵头，Y等单位参加`` → (leads, parts, found a role word)."""
    leads: list[str] = []
    parts: list[str] = []
    position = 0
    found = False
    led = False
    for match in _ROLE_VERB.finditer(content):
        segment = content[position : match.start()]
        position = match.end()
        verb = match.group("verb")
        # X牵头，Y负责落实 / Y按职责分工负责: after a 牵头, 负责 is the work of the participants
        # X为牵头部门；Y为责任单位: beside a lead, the 责任单位 take part (as under the keys)
        is_lead = verb in _LEAD_VERBS and not (led and "牵头" not in verb and ("负责" in verb or "为责任" in verb))
        led = led or "牵头" in verb
        found = True
        seg_leads, seg_parts, _ = _names_with_markers(segment, default_lead=is_lead)
        if is_lead:
            leads.extend(seg_leads)
            parts.extend(seg_parts)
        else:
            parts.extend(seg_leads + seg_parts)
    tail = _DUTY_TAIL.sub("", content[position:].strip(" ，,；;。.）)"))
    if tail:
        tail_leads, tail_parts, marked = _names_with_markers(tail, default_lead=not leads)
        if leads and not marked:
            parts.extend(tail_leads + tail_parts)
        else:
            leads.extend(tail_leads)
            parts.extend(tail_parts)
    return leads, parts, found


_BRACKET_TEXT = re.compile(r"[（(][^（()）]*[）)]")


def _segment_roles(segment: str, default_lead: bool) -> tuple[list[str], list[str]]:
    """Roles inside one list: role words outside brackets win, else （牵头） markers, else the default."""
    if _ROLE_VERB.search(_BRACKET_TEXT.sub("", segment)):
        leads, parts, _ = _parse_verb_form(segment)
        if not default_lead:
            return [], leads + parts
        return leads, parts
    leads, parts, _ = _names_with_markers(segment, default_lead)
    return leads, parts


# （列第一位的为牵头单位，下同）: the first unit of a list leads, the others take part
FIRST_LEADS_NOTE = re.compile(
    r"[（(][^（()）]{0,20}(?:第一|首位|首个|第1|排名第一|列第一|排在前)[^（()）]{0,12}牵头[^（()）]{0,10}[）)]"
)


# the same said in a sentence of its own: 说明：责任单位中列第一位的为牵头单位，其余为配合单位。
FIRST_LEADS_SENTENCE = re.compile(
    r"(?:列|排|居|位列|排名|排列)(?:在|于)?(?:第一|首|第1)(?:位|个)?的?(?:单位|部门)?(?:为|是)牵头"
)


def parse_roles(content: str, keep_collectives: bool = False) -> tuple[list[str], list[str]] | None:
    """Lead and participating units of a clause's content; None when it is not a clause.

    Generic collectives (各有关部门) are dropped from a clause that names units; with
    `keep_collectives` (a bracket at an item's end) a clause naming only collectives keeps them,
    since then the class of units is who does the task."""
    content = FIRST_LEADS_NOTE.sub("", _INTRO.sub("", content.strip()))
    stop = _STOP_KEY.search(content)
    if stop:
        content = content[: stop.start()]
    keys = list(_KEY.finditer(content))
    leads: list[str] = []
    parts: list[str] = []
    if keys and not content[: keys[0].start()].strip(" （("):
        has_lead_key = any(m.group("key") in _LEAD_KEYS for m in keys)
        for index, match in enumerate(keys):
            end = keys[index + 1].start() if index + 1 < len(keys) else len(content)
            segment = content[match.end() : end].strip(" ；;。，,")
            key = match.group("key")
            default_lead = key in _LEAD_KEYS or (key in _NEUTRAL_KEYS and not has_lead_key)
            seg_leads, seg_parts = _segment_roles(segment, default_lead)
            leads.extend(seg_leads)
            parts.extend(seg_parts)
    else:
        if not _ROLE_VERB.search(_BRACKET_TEXT.sub("", content)) and not _ANY_MARKER.search(content):
            return None
        leads, parts = _segment_roles(content, default_lead=True)
    all_leads, all_parts = _unique(leads), _unique(parts)
    leads = [n for n in all_leads if not is_generic_unit(n) or is_member_class(n)]
    parts = [p for p in all_parts if p not in leads and (not is_generic_unit(p) or is_member_class(p))]
    if not leads and not parts and keep_collectives:
        leads, parts = all_leads, [p for p in all_parts if p not in all_leads]
    if not leads and not parts:
        return None
    return leads, parts


def _unique(names: list[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


def _unit_share(names: list[str]) -> float:
    return sum(1 for n in names if looks_like_unit(n)) / len(names) if names else 0.0


_EXHORTATION = re.compile(r"要|应当|必须|[，,。]")


def _accept(
    content: str, strict: bool, keep_collectives: bool = False, lenient: bool = False
) -> tuple[list[str], list[str]] | None:
    roles = parse_roles(content, keep_collectives)
    if roles is None:
        return None
    names = [n for n in (*roles[0], *roles[1]) if not is_collective(n)]
    if not names:
        # only collectives (各成员单位负责): kept as a class; 各县政府要结合实际…，市直有关部门要加强协调
        # 配合 is an exhortation, its "names" whole sentences
        if any(_EXHORTATION.search(n) for n in (*roles[0], *roles[1])):
            return None
        return roles
    keyed = bool(_KEY.search(content)) or bool(_INTRO.match(content))
    unreadable = {n for n in names if not _readable(n)}
    spoken = keyed or (
        lenient
        and bool(_ROLE_VERB.search(_BRACKET_TEXT.sub("", content)))
        and all(len(n) <= 8 for n in unreadable)
    )
    threshold = 1.0 if strict and not spoken else 0.5
    if _unit_share(names) < threshold:
        return None
    if unreadable and len(unreadable) < len(names):
        return [n for n in roles[0] if n not in unreadable], [n for n in roles[1] if n not in unreadable]
    return roles


_MASKED = re.compile(r"[*＊×□○_?？]")


def _readable(name: str) -> bool:
    return looks_like_unit(name) and not _MASKED.search(name)


def _unreadable_names(clause: Clause) -> list[str]:
    roles = parse_roles(clause.raw.strip(" （()）。；;"))
    if roles is None:
        return []
    kept = set(clause.units)
    return [n for n in (*roles[0], *roles[1]) if n not in kept and not is_collective(n) and not _readable(n)]


def find_clauses(text: str, first_leads: bool = False) -> list[Clause]:
    """Every responsibility clause in a paragraph, in order, without overlaps.

    With `first_leads` (the document said 列第一位的为牵头单位，下同) or a note saying so in the
    clause itself, the first unit of a lead-only list leads and the others take part.
    """
    clauses = _find_clauses(text)
    for clause in clauses:
        clause.unreadable = _unreadable_names(clause)
        note = FIRST_LEADS_NOTE.search(clause.raw)
        if note and "下同" in note.group(0):
            clause.first_leads_from_here = True
        if (note or first_leads) and len(clause.leads) > 1 and not clause.participants:
            clause.participants = clause.leads[1:]
            clause.leads = clause.leads[:1]
            clause.rule = FIRST_LISTED
    return clauses


def _find_clauses(text: str) -> list[Clause]:
    clauses: list[Clause] = []
    if not text:
        return clauses
    taken: list[tuple[int, int]] = []

    for match in _SENTENCE_CLAUSE.finditer(text):
        start = match.end()
        if any(a <= start < b for a, b in taken) or _inside_brackets(text, start):
            continue  # （牵头单位：X；配合单位：Y） is read whole as a bracketed clause below
        end = _sentence_clause_end(text, start)
        raw = text[start:end].strip()
        roles = _accept(raw, strict=False)
        if roles is None:
            continue
        form = SENTENCE_INTRO if _INTRO.match(raw) else KEY_LINE
        clauses.append(Clause(raw, start, end, roles[0], roles[1], rule=form))
        taken.append((start, end))

    for match in _BRACKETED.finditer(text):
        start, end = match.span()
        if any(a <= start < b or a < end <= b for a, b in taken):
            continue
        content = match.group("content")
        at_end = not text[end:].strip(" 。；;，,")
        cut_off = end == len(text) and not match.group(0).endswith(("）", ")"))
        if cut_off:
            # the text stops inside the clause: keep it as far as it goes, without a last name
            # broken off mid-word (团县委、县); the parser warns that the text is cut off
            content = _drop_broken_tail(content)
        if not (_KEY.search(content) or _ROLE_VERB.search(content)):
            roles = _bare_list(content) if at_end else None
            form = BARE_LIST
        else:
            roles = _accept(content, strict=True, keep_collectives=at_end, lenient=True)
            form = BRACKET_KEYED if _KEY.search(content) else INLINE_BRACKET
        if roles is None:
            continue
        clauses.append(Clause(match.group(0), start, end, roles[0], roles[1], rule=form))
        taken.append((start, end))

    if not clauses:
        clauses.extend(_sentence_clauses(text))
    if not clauses:
        clauses.extend(_embedded_clauses(text))
    if not clauses and ("联合" in text or "会同" in text):
        clauses.extend(_organiser_clauses(text))
    clauses.sort(key=lambda c: c.start)
    for clause in clauses:
        rest = (text[: clause.start] + text[clause.end :]).strip(" 。；;，,")
        clause.standalone = not rest
    return clauses


def _drop_broken_tail(content: str) -> str:
    items = split_top_level(content)
    last = items[-1].strip() if items else ""
    if len(items) > 1 and last and not looks_like_unit(last) and not is_collective(last):
        return content[: len(content) - len(items[-1])].rstrip("、，, ")
    return content


def _bare_list(content: str) -> tuple[list[str], list[str]] | None:
    """``（各成员单位）``, ``（市科协、市教育局）`` closing an item: a list of units without a role
    word (the layout of many 工作要点) — all lead, as for 责任单位 without a 牵头 marker. Every
    name must read as a unit or a collective, so that ``（试行）`` or ``（含初中）`` stay text."""
    names = split_units(content)
    if not names or len(content) > 200:
        return None
    if not all(is_collective(n) or (looks_like_unit(n) and len(n) >= 3) for n in names):
        return None
    return names, []


def _inside_brackets(text: str, position: int) -> bool:
    depth = 0
    for char in text[:position]:
        if char in "（(【":
            depth += 1
        elif char in "）)】":
            depth = max(0, depth - 1)
    return depth > 0


def _sentence_clause_end(text: str, start: int) -> int:
    """End of a ``牵头单位：…`` clause: the paragraph end, a 完成时限 key, or a sentence end
    followed by something that is not another key."""
    stop = _STOP_KEY.search(text, start)
    limit = stop.start() if stop else len(text)
    position = start
    while True:
        full_stop = text.find("。", position, limit)
        if full_stop < 0:
            return limit
        following = text[full_stop + 1 : limit].lstrip(" （(")
        if not following or _KEY.match(following):
            position = full_stop + 1
            if not following:
                return limit
            continue
        return full_stop + 1


_ROLE_SENTENCE = re.compile(r"[^。！？!?]{2,300}(?:[。！？!?]|$)")
# 举办科普巡回展由县科委、县环保局牵头，组织…: a 由X牵头[，Y配合] phrase inside a longer sentence;
# the phrase must end at a comma or a full stop, so 由X负责组织… (X does it) is not read as one
# 由X牵头组织各村农户代表…: 牵头 names the lead whatever follows it
_EMBEDDED_ROLE = re.compile(
    r"由(?P<body>[^。；;！？!?，,（()）]{2,80}?(?:牵头|负责)(?:组织|实施|落实)?"
    r"(?:[，,][^。；;！？!?，,（()）]{2,160}?(?:配合|参加|参与|协助|协同))?)(?=[，,。；;]|$)"
    r"|由(?P<lead>[^。；;！？!?，,（()）由]{2,40}?牵头)(?=组织|开展|举办|实施)"
)
EMBEDDED_ROLE = declare_rule("assignment.embedded_role", 0.93, "句中的角色短语：…由X牵头，Y配合，组织…")


def _embedded_clauses(text: str) -> list[Clause]:
    clauses = []
    for match in _EMBEDDED_ROLE.finditer(text):
        roles = _accept(match.group("body") or match.group("lead"), strict=True)
        if roles is None or not (roles[0] or roles[1]):
            continue
        clauses.append(Clause(match.group(0), match.start(), match.end(), roles[0], roles[1], rule=EMBEDDED_ROLE))
    return clauses


# 市科协联合市教育局、科技局共同组织开展…; 此次活动由县教育局与科协联合举办: the units that run the
# activity the document plans, all of them leading it
_ORGANISERS = re.compile(
    r"(?:^|(?<=[，,。；;：:\d]))(?:此次|本次)?(?:活动)?由?(?P<first>[^，,。；;：:（()）\d]{2,30}?)"
    r"(?:联合|会同|与|和)(?P<others>[^，,。；;：:（()）]{2,80}?)(?:共同|联合)+(?:组织|举办|主办|承办|开展)"
)
ORGANISERS = declare_rule(
    "assignment.organisers", 0.12, "联合举办的单位：X联合Y共同组织开展… / 由X与Y联合举办"
)


# a name and nothing else: 区科协与_街道在_广场联合举办 names a place, not a second organiser
_PLAIN_NAME = re.compile(r"^[^在\W\d_]+(?:[（(][^（()）]+[）)][^在\W\d_]*)?$")


def _organiser_clauses(text: str) -> list[Clause]:
    clauses = []
    for match in _ORGANISERS.finditer(text):
        names = share_level([*split_units(match.group("first")), *split_units(match.group("others"))])
        if len(names) < 2 or not all(looks_like_unit(name) and _PLAIN_NAME.match(name) for name in names):
            continue
        body = match.group(0).lstrip("，,。；;：:")
        start = match.end() - len(body)
        clauses.append(Clause(body, start, match.end(), names, [], rule=ORGANISERS))
    return clauses


_GROUP_OPENING = re.compile(r"^(?:(?:以上|上述)[^，,。]{0,8}|(?:责任|任务)?分工 *[:：]?) *$")


_ADVERBIAL = re.compile(r"^(?:根据|按照|依据)[^，,。；;]{2,40}[，,]")
_ROLE_OF = re.compile(r"为[^，,。；;为]{2,24}?的(牵头|责任|配合)(?=单位|部门)")


def _sentence_clauses(text: str) -> list[Clause]:
    """Sentences that are nothing but ``由X牵头，Y配合。`` or ``X为牵头单位，Y为配合单位。``."""
    clauses = []
    for match in _ROLE_SENTENCE.finditer(text):
        sentence = match.group(0)
        core = sentence.strip(" （()）。")
        # 根据领导小组的安排，X、Y为未成年人科学素质行动的牵头部门: the opening adverbial and the name of
        # what is led are not part of the roles
        core = _ROLE_OF.sub(r"为\1", _ADVERBIAL.sub("", core))
        if not core or not _ROLE_VERB.search(core) or "《" in core:
            continue
        before = re.split("[，,、]", core, maxsplit=1)[0].partition("由")
        if before[1] and before[0] and not _GROUP_OPENING.match(before[0]):
            continue  # 后勤保障工作由X负责: a longer sentence, read by _embedded_clauses
        roles = _accept(core, strict=True)
        if roles is None:
            continue
        start = match.start() + (len(sentence) - len(sentence.lstrip(" ")))
        clauses.append(Clause(sentence.strip(), start, match.end(), roles[0], roles[1], rule=ROLE_SENTENCE))
    return clauses


# 1、区科协特邀请专家…；5、区教育局要组织…: an item whose subject is a unit (printed with its level,
# or a class such as 各街道科协) followed by what it does; that unit leads the item
_SUBJECT = re.compile(
    r"由?(?P<unit>[\u4e00-\u9fff]{2,20}?)(?=要|将|应当|负责|牵头|特邀|联合|会同|组织|邀请|购买|在[^，,。]{1,12}(?:期间|开展|举办|安排|结束后))"
)
_SUBJECT_START = re.compile(r"^(?:省|市|区|县|州|旗|镇|乡|街道|各|高新区|开发区|经开区|团)")
SUBJECT_ACTOR = declare_rule("assignment.subject_actor", 0.83, "条目以单位作主语：区科协要…/区教育局组织…")


def subject_clause(text: str, duty_only: bool = False) -> Clause | None:
    """The unit an item opens with as the subject of its sentence (see `_SUBJECT`), or the subject
    of the sentence after its title (更换科普画廊内容。由区科协组织…), as a clause.

    A subject printed without its level (科协要…, 青少年活动中心负责…) counts when the alias dictionary
    knows it or it is a name of four characters or more with an organisation's suffix. With
    `duty_only` (items of a 工作要求 section, mostly exhortations) only 负责/牵头 make a subject the
    item's unit."""
    title_end = text.find("。")
    # a measure titled 加强组织领导。X负责… is a measure; a duty opens with its unit
    second = 0 < title_end < len(text) - 1 and not duty_only
    for position in (0, title_end + 1) if second else (0,):
        match = _SUBJECT.match(text, position)
        if not match:
            continue
        unit = match.group("unit")
        start = match.start("unit")
        cleaned = clean_unit_name(unit)
        if cleaned != unit and unit.endswith(cleaned):
            # 发挥好X牵头协调作用: the verb before the unit is not part of its name
            start += len(unit) - len(cleaned)
            unit = cleaned
        if duty_only and not text.startswith(("负责", "牵头"), match.end("unit")):
            continue
        known = _SUBJECT_START.match(unit) or _unprefixed_unit(unit)
        if known and not is_generic_unit(unit) and UNIT_SUFFIX.search(unit):
            return Clause(unit, start, match.end("unit"), [unit], [], rule=SUBJECT_ACTOR)
    return None


def _unprefixed_unit(name: str) -> bool:
    if name.startswith("由"):
        return False
    return len(name) >= 4 or default_alias_dictionary().lookup(name) is not None


def mentions_responsibility(text: str) -> bool:
    """The paragraph uses clause vocabulary (to warn when no clause could be read from it)."""
    return bool(_KEY.search(text) or "按职责分工负责" in text or _INTRO.match(text))


def remove_clauses(text: str, clauses: list[Clause]) -> str:
    pieces = []
    position = 0
    for clause in sorted(clauses, key=lambda c: c.start):
        pieces.append(text[position : clause.start])
        position = max(position, clause.end)
    pieces.append(text[position:])
    return re.sub(r"[ ]{2,}", " ", "".join(pieces)).strip()
