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

from kesu.plans.units import (
    is_collective,
    is_generic_unit,
    is_member_class,
    looks_like_unit,
    split_top_level,
    split_units,
)

_LEAD_KEYS = ("主要责任单位", "牵头单位", "牵头部门", "主责单位", "主责部门")
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
)
_NEUTRAL_KEYS = ("责任单位", "责任部门", "实施单位", "承办单位")
_KEY_WORDS = "|".join(sorted((*_LEAD_KEYS, *_PART_KEYS, *_NEUTRAL_KEYS), key=len, reverse=True))
_KEY = re.compile("(?P<key>" + _KEY_WORDS + r") *[:：]")
_INTRO = re.compile(r"^ *(?:责任分工|分工|任务分工) *[:：] *")
_STOP_KEY = re.compile(r"(?:完成时限|完成时间|时间节点|时限要求|进度安排|工作时限|预期成果|备注) *[:：]")

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
    "为责任单位",
    "牵头",
    "负责",
)
_PART_VERBS = ("为配合单位", "为参与单位", "为协办单位", "配合", "参与", "参加", "协助", "协同", "协办")
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
    lead_marked = any(role == "lead" for _, role in items)
    leads: list[str] = []
    parts: list[str] = []
    for names, role in items:
        if role is None:
            role = "part" if lead_marked or not default_lead else "lead"
        (leads if role == "lead" else parts).extend(names)
    return leads, parts, any(role for _, role in items)


# the verb's object left after 负责/配合: 负责落实, 配合实施
_DUTY_TAIL = re.compile(r"^(?:组织)?(?:落实|实施|执行|推进|推动)(?:工作)?$")


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
        is_lead = verb in _LEAD_VERBS and not (led and "牵头" not in verb and "负责" in verb)
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


def _accept(content: str, strict: bool, keep_collectives: bool = False) -> tuple[list[str], list[str]] | None:
    roles = parse_roles(content, keep_collectives)
    if roles is None:
        return None
    names = [n for n in (*roles[0], *roles[1]) if not is_collective(n)]
    if not names:
        return roles  # only collectives (各成员单位负责): kept as a class
    keyed = bool(_KEY.search(content)) or bool(_INTRO.match(content))
    threshold = 1.0 if strict and not keyed else 0.5
    if _unit_share(names) < threshold:
        return None
    return roles


def find_clauses(text: str, first_leads: bool = False) -> list[Clause]:
    """Every responsibility clause in a paragraph, in order, without overlaps.

    With `first_leads` (the document said 列第一位的为牵头单位，下同) or a note saying so in the
    clause itself, the first unit of a lead-only list leads and the others take part.
    """
    clauses = _find_clauses(text)
    for clause in clauses:
        note = FIRST_LEADS_NOTE.search(clause.raw)
        if note and "下同" in note.group(0):
            clause.first_leads_from_here = True
        if (note or first_leads) and len(clause.leads) > 1 and not clause.participants:
            clause.participants = clause.leads[1:]
            clause.leads = clause.leads[:1]
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
        clauses.append(Clause(raw, start, end, roles[0], roles[1]))
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
        else:
            roles = _accept(content, strict=True, keep_collectives=at_end)
        if roles is None:
            continue
        clauses.append(Clause(match.group(0), start, end, roles[0], roles[1]))
        taken.append((start, end))

    if not clauses:
        clauses.extend(_sentence_clauses(text))
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


def _sentence_clauses(text: str) -> list[Clause]:
    """Sentences that are nothing but ``由X牵头，Y配合。`` or ``X为牵头单位，Y为配合单位。``."""
    clauses = []
    for match in _ROLE_SENTENCE.finditer(text):
        sentence = match.group(0)
        core = sentence.strip(" （()）。")
        if not core or not _ROLE_VERB.search(core) or "《" in core:
            continue
        roles = _accept(core, strict=True)
        if roles is None:
            continue
        start = match.start() + (len(sentence) - len(sentence.lstrip(" ")))
        clauses.append(Clause(sentence.strip(), start, match.end(), roles[0], roles[1]))
    return clauses


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
