"""Headings, the section tree, responsibility tables and the task list.

Headings are recognised by their numbering style: 第一章/第一条, 一、, （一）/(一), 1./1．/1、,
1.1 (dotted), （1）/(1), 1), ①, ``——标题。`` dash bullets, markdown list items, markdown
headings and whole-line bold without a number. The tree comes from the order in which styles
appear, not from a fixed ladder: a style already open on the stack closes everything below it and
becomes its sibling, a new style opens one level deeper. Markdown ``#`` levels of numbered
headings are ignored (real documents mix them freely); unnumbered markdown headings close every
deeper level. A short unnumbered line where the top-level numbering skips one (一、 … 主要目标 …
三、) is taken as the missing heading.

A numbered line is a heading with its own text: its title is the lead phrase before the first
``。``/``：``/``；`` (or the whole line when short), the rest is its body, and the paragraphs up to
the next heading belong to it too.

Which item is a task (what goes into the office's 任务分解表):

- an item that carries a responsibility clause is a task; when none of its sub-items has a clause
  of its own, the item is one task and the sub-items' text is part of its text (one row per
  assignment, not one row per sentence);
- a clause printed as a separate paragraph after the last of several sub-items of which none has a
  clause governs the group: the group heading is the task;
- when some sub-items have clauses, those are tasks, and sub-items without one inherit the clause
  of the nearest enclosing heading that has one;
- an item with two or more clauses in its own text is split into one task per clause;
- an item without any clause, whose siblings are mostly tasks, is kept as a task without units
  (and reported), since the clause is probably missing or unreadable;
- a TAB-separated table with a header row naming 牵头/责任/配合 columns gives one task per row;
  an empty lead cell inherits the row above (merged cells), an empty 类别 cell likewise. With a
  single 责任单位 column and a note (in the header cell, or a paragraph of its own above or below
  the table: 说明：责任单位中列第一位的为牵头单位), the first unit of a row leads, the others take part;
- a line ``附件`` / ``附件1：表名`` ends the body's sections: what follows is an annex section (number
  附件, title the table's name), whose table rows keep their 序号 as ids; headings without clauses
  beside such rows are not taken as tasks (only items of the same numbering style are siblings).

Task ids are the dotted ordinals of the numbering (三、→（一）→1. gives 3.1.1); dash bullets and
unnumbered headings count their position among their siblings; table rows use their 序号.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kesu.plans.normalize import CN_DIGITS, Paragraph
from kesu.plans.responsibility import (
    FIRST_LEADS_SENTENCE,
    Clause,
    find_clauses,
    mentions_responsibility,
    remove_clauses,
)

_N = rf"[{CN_DIGITS}]{{1,3}}"
_HEADING_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "chapter",
        re.compile(rf"^(?P<num>第(?P<n>[{CN_DIGITS}\d]{{1,4}})(?:章|部分|篇|节))[ 、：:]*(?P<rest>.*)$"),
    ),
    ("article", re.compile(rf"^(?P<num>第(?P<n>[{CN_DIGITS}\d]{{1,4}})条)[ 、：:]*(?P<rest>.*)$")),
    ("cn_paren", re.compile(rf"^(?P<num>[（(] *(?P<n>{_N}) *[）)])[ 、.]*(?P<rest>.*)$")),
    ("cn", re.compile(rf"^(?P<num>(?P<n>{_N})) *[、.，](?P<rest>.*)$")),
    ("arabic_paren", re.compile(r"^(?P<num>[（(] *(?P<n>\d{1,2}) *[）)])[ 、.]*(?P<rest>.*)$")),
    ("dotted", re.compile(r"^(?P<num>(?P<n>\d{1,2}(?:\.\d{1,2})+))\.?(?![\d万亿千百%])[ 、]*(?P<rest>.*)$")),
    ("arabic", re.compile(r"^(?P<num>(?P<n>\d{1,2})) *[、.](?![\d万亿千百%])(?P<rest>.*)$")),
    ("arabic_rparen", re.compile(r"^(?P<num>(?P<n>\d{1,2}) *[)）])(?P<rest>.*)$")),
    ("circled", re.compile(r"^(?P<num>(?P<n>[①-⑳]))(?P<rest>.*)$")),
    ("dash", re.compile(r"^(?P<num>——|－－)(?P<rest>.*)$")),
]
_TITLE_END = re.compile(r"[。！？；：:!?;]")
_PUNCTUATION = re.compile(r"[，、。；：,;:！？!?（）()“”]")

_CN_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> int | None:
    """Value of a Chinese numeral up to the ten-thousands (三十, 十九, 一百零五, 二〇二二 digit by digit)."""
    if not text:
        return None
    if all(c in _CN_VALUES for c in text) and len(text) > 1:
        value = 0
        for char in text:
            value = value * 10 + _CN_VALUES[char]
        return value
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_VALUES:
            digit = _CN_VALUES[char]
        elif char in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[char]
            section += (digit if digit is not None else 1) * unit
            digit = None
        elif char == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _ordinal(style: str, n: str) -> int | None:
    if style == "circled":
        return ord(n) - ord("①") + 1
    if style == "dotted":
        return int(n.rsplit(".", 1)[-1])
    if n.isdigit():
        return int(n)
    return chinese_number(n)


@dataclass
class Segment:
    text: str
    clauses: list[Clause] = field(default_factory=list)


@dataclass
class Node:
    style: str
    number: str  # as printed: 一, （三）, 2, ——, or ""
    ordinal: int
    title: str
    order: int  # document position
    segments: list[Segment] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    kind: str | None = None
    is_table_row: bool = False
    is_table_group: bool = False
    group_clauses: list[Clause] = field(default_factory=list)
    id: str = ""
    inferred_number: bool = False

    @property
    def clauses(self) -> list[Clause]:
        return [*(c for s in self.segments for c in s.clauses), *self.group_clauses]

    @property
    def own_clauses(self) -> list[Clause]:
        return [c for s in self.segments for c in s.clauses]

    def own_text(self) -> str:
        return "\n".join(t for t in (remove_clauses(s.text, s.clauses) for s in self.segments) if t)

    def full_text(self) -> str:
        parts = [self.own_text()]
        for child in self.children:
            child_text = child.full_text()
            if child_text:
                prefix = _printed_prefix(child)
                parts.append(prefix + child_text)
        return "\n".join(p for p in parts if p)

    def path(self) -> list[str]:
        titles = []
        node: Node | None = self
        while node is not None and node.parent is not None:
            titles.append(node.title)
            node = node.parent
        return titles[::-1]


def _printed_prefix(node: Node) -> str:
    number = node.number
    if not number or node.is_table_row or node.is_table_group:
        return ""
    if node.style in ("cn",):
        return number + "、"
    if node.style in ("arabic", "dotted"):
        return number + "."
    return number


def section_kind(title: str) -> str | None:
    if "提升行动" in title or re.search(r"素质.{0,6}行动", title):
        return "action"
    if "工程" in title:
        return "programme"
    return None


def split_title(rest: str, clauses: list[Clause] | None = None) -> tuple[str, str]:
    """(title, whole text) of a heading line's text after its number."""
    text = rest.strip()
    body_for_title = remove_clauses(text, find_clauses(text) if clauses is None else clauses)
    end = _TITLE_END.search(body_for_title)
    if end and 0 < end.start() <= 60:
        title = body_for_title[: end.start()]
    elif len(body_for_title) <= 60:
        title = body_for_title
    else:
        comma = body_for_title.find("，")
        title = body_for_title[:comma] if 0 < comma <= 60 else body_for_title[:30]
    return title.strip(" 。"), text


def classify_heading(paragraph: Paragraph) -> tuple[str, str, int | None, str] | None:
    """(style, printed number, ordinal, rest) for a heading paragraph, else None."""
    text = paragraph.text
    if paragraph.is_table:
        return None
    for style, pattern in _HEADING_PATTERNS:
        match = pattern.match(text)
        if match:
            n = match.groupdict().get("n") or ""
            printed = match.group("num")
            if style == "cn" or style == "arabic":
                printed = n
            style_key = style
            if style == "dotted":
                style_key = f"dotted{n.count('.') + 1}"
            rest = match.group("rest")
            if not rest.strip() and style in ("dash",):
                return None
            return style_key, printed.replace(" ", ""), _ordinal(style, n) if n else None, rest
    if paragraph.bullet:
        return "bullet", "", None, text
    if paragraph.md_level:
        return f"md{paragraph.md_level}", "", None, text
    if paragraph.bold and len(text) <= 40 and "。" not in text.rstrip("。"):
        return "bold", "", None, text
    return None


@dataclass
class Document:
    root: Node
    warnings: list[str] = field(default_factory=list)
    unreadable_clauses: list[str] = field(default_factory=list)
    first_leads: bool = False  # the document said 列第一位的为牵头单位，下同
    table_first_leads: bool = False  # a note (说明：责任单位中列第一位的为牵头单位) for its tables

    def clauses_of(self, text: str) -> list[Clause]:
        clauses = find_clauses(text, self.first_leads)
        if any(c.first_leads_from_here for c in clauses):
            self.first_leads = True
        return clauses


def build_tree(paragraphs: list[Paragraph]) -> Document:
    root = Node(style="root", number="", ordinal=0, title="", order=-1)
    document = Document(root)
    stack: list[Node] = []
    headings = [classify_heading(p) for p in paragraphs]
    notes = [_first_leads_note(p) for p in paragraphs]
    # a table's note may be printed above or below it; it governs the document's tables
    document.table_first_leads = any(notes)
    index = 0
    order = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        if notes[index]:
            document.first_leads = True  # and the lists of the body from here on
        annex = None if paragraph.is_table else _ANNEX.match(paragraph.text)
        if annex:
            # 附件: what follows is no part of the last section but an annex of the plan
            title = (annex.group("title") or "").strip()
            index += 1
            if not title and index < len(paragraphs) and _annex_title(paragraphs[index], headings[index]):
                title = paragraphs[index].text
                index += 1
            count = sum(1 for c in root.children if c.style == "annex") + 1
            node = Node("annex", "附件", count, title or "附件", order, parent=root, kind=section_kind(title))
            root.children.append(node)
            stack = [node]
            order += 1
            continue
        if paragraph.is_table:
            end = index
            while end < len(paragraphs) and paragraphs[end].is_table:
                end += 1
            block = [p.text for p in paragraphs[index:end]]
            parent = stack[-1] if stack else root
            if not add_table(block, parent, order, document):
                for row in block:
                    _add_body(parent, row.replace("\t", " "), document)
            order += len(block) + 1
            index = end
            continue
        heading = headings[index]
        if heading is None:
            heading = _missing_number_heading(paragraph, stack, headings, index)
        if heading is None:
            _add_body(stack[-1] if stack else root, paragraph.text, document)
            index += 1
            continue
        style, printed, ordinal, rest = heading
        stack = _close_for(stack, style)
        parent = stack[-1] if stack else root
        text = rest.strip()
        clauses = document.clauses_of(text)
        title, _ = split_title(text, clauses)
        if ordinal is None:
            ordinal = sum(1 for c in parent.children if c.style == style) + 1
        node = Node(
            style, printed, ordinal, title, order, parent=parent, kind=parent.kind or section_kind(title)
        )
        node.inferred_number = printed == "" and style in ("cn", "cn_paren", "arabic", "chapter")
        order += 1
        if text and style != "bold" and not style.startswith("md"):
            node.segments.append(Segment(text, clauses))
        parent.children.append(node)
        stack.append(node)
        index += 1
    _move_group_clauses(root)
    _assign_ids(root, "")
    return document


_ANNEX = re.compile(
    r"^附 *件 *[\d一二三四五六七八九十]{0,2} *(?:[:：] *(?P<title>[^。；]{0,60})|(?P<none>))$"
)


def _annex_title(paragraph: Paragraph, heading) -> bool:
    text = paragraph.text
    return (
        not paragraph.is_table and heading is None and len(text) <= 60 and not re.search(r"[。；：:]", text)
    )


def _first_leads_note(paragraph: Paragraph) -> bool:
    """A paragraph that is a note saying the first unit of each list leads (not a clause)."""
    if paragraph.is_table or len(paragraph.text) > 80:
        return False
    return bool(FIRST_LEADS_SENTENCE.search(paragraph.text)) and not find_clauses(paragraph.text)


def _close_for(stack: list[Node], style: str) -> list[Node]:
    if style.startswith("md"):
        level = int(style[2:])
        for position in range(len(stack) - 1, -1, -1):
            node = stack[position]
            if node.style.startswith("md") and int(node.style[2:]) < level:
                return stack[: position + 1]
        return []
    for position in range(len(stack) - 1, -1, -1):
        if stack[position].style == style:
            return stack[:position]
    return stack


def _missing_number_heading(paragraph, stack, headings, index):
    """主要目标 between 一、 and 三、: a short unnumbered line where the top-level count skips one."""
    text = paragraph.text.strip()
    if not stack or len(text) > 12 or _PUNCTUATION.search(text) or len(text) < 2:
        return None
    top = stack[0]
    if top.style not in ("cn", "chapter"):
        return None
    for later in headings[index + 1 :]:
        if later and later[0] == top.style:
            if later[2] == top.ordinal + 2:
                return top.style, "", top.ordinal + 1, text
            return None
    return None


def _add_body(node: Node, text: str, document: Document) -> None:
    clauses = document.clauses_of(text)
    if not clauses and mentions_responsibility(text):
        document.unreadable_clauses.append(text[:60])
    node.segments.append(Segment(text, clauses))


def _move_group_clauses(node: Node) -> None:
    """A clause paragraph after the last of several clause-less sub-items governs the group."""
    for child in node.children:
        _move_group_clauses(child)
    headings = [c for c in node.children if not c.is_table_row and not c.is_table_group]
    if len(headings) < 2 or len(headings) != len(node.children):
        return
    last = headings[-1]
    if any(_has_clause(c) for c in headings[:-1]) or last.children:
        return
    own = last.own_clauses
    if not own or not all(c.standalone for c in own):
        return
    if len(last.segments) < 2 or last.segments[0].clauses:
        return  # the clause is the item's own heading line, not a paragraph after it
    standalone_segments = [s for s in last.segments if s.clauses]
    for segment in standalone_segments:
        for clause in segment.clauses:
            clause.origin = "group"
            node.group_clauses.append(clause)
        last.segments.remove(segment)


def _has_clause(node: Node) -> bool:
    return bool(node.clauses) or any(_has_clause(c) for c in node.children)


def _assign_ids(node: Node, prefix: str, seen: dict[str, int] | None = None) -> None:
    """Dotted ordinals; rows of a table keep their 序号 under the table's section, across 类别 groups."""
    seen = {} if seen is None else seen
    for child in node.children:
        if child.is_table_group:
            child.id = f"{prefix}.{child.ordinal}" if prefix else str(child.ordinal)
            _assign_ids(child, prefix, seen)
            continue
        if child.style == "annex":
            # an annex's rows keep their own numbering (the 序号 of its 任务分工表)
            child.id = f"附件{child.ordinal}"
            _assign_ids(child, prefix, {})
            continue
        base = f"{prefix}.{child.ordinal}" if prefix else str(child.ordinal)
        count = seen.get(base, 0) + 1
        seen[base] = count
        child.id = base if count == 1 else f"{base}-{count}"
        _assign_ids(child, child.id, {})


# ---------------------------------------------------------------------------------------------
# tables

_COLUMN_ROLES = [
    ("seq", re.compile(r"^(?:序号|编号|序|No\.?)$", re.IGNORECASE)),
    ("lead", re.compile(r"牵头|主责|主要责任")),
    ("part", re.compile(r"配合|参与|参加|协办|协同|协助")),
    ("resp", re.compile(r"责任|负责")),
    ("deadline", re.compile(r"时限|期限|时间|进度")),
    ("category", re.compile(r"类别|领域|方面|分类|板块|行动$|工程$|^项目$")),
    ("task", re.compile(r"任务|工作|事项|措施|内容|目标|举措")),
]


def _header_roles(cells: list[str]) -> dict[int, str] | None:
    roles: dict[int, str] = {}
    for position, cell in enumerate(cells):
        # 责任单位（列第一位的为牵头单位）: the note does not make it a lead column
        cell = re.sub(r"[（(][^（()）]*[）)]", "", cell) or cell
        for role, pattern in _COLUMN_ROLES:
            if pattern.search(cell.replace(" ", "")):
                if role == "task" and "task" in roles.values():
                    role = "detail"
                roles[position] = role
                break
    values = set(roles.values())
    if "task" in values and values & {"lead", "resp", "part"}:
        return roles
    return None


def add_table(rows: list[str], parent: Node, order: int, document: Document) -> bool:
    """Turn a responsibility table into task rows under `parent`; False if it is not one."""
    header_at = None
    roles: dict[int, str] | None = None
    for position, row in enumerate(rows[:3]):
        roles = _header_roles(row.split("\t"))
        if roles:
            header_at = position
            break
    if roles is None or header_at is None:
        return False
    header = [c.strip() for c in rows[header_at].split("\t")]
    column = {role: position for position, role in sorted(roles.items(), reverse=True)}
    has_lead_column = "lead" in column
    first_leads = not has_lead_column and (
        document.table_first_leads or any(FIRST_LEADS_SENTENCE.search(c) for c in header)
    )
    previous: dict[str, str] = {}
    group: Node | None = None
    row_count = 0
    for offset, row in enumerate(rows[header_at + 1 :], start=1):
        cells = [c.strip() for c in row.split("\t")]
        if cells == header:
            continue  # header repeated on a new page
        cells += [""] * (len(header) - len(cells))

        def cell(role: str, cells: list[str] = cells) -> str:
            return cells[column[role]] if role in column and column[role] < len(cells) else ""

        task_text = cell("task")
        seq = cell("seq")
        lead_text, part_text, resp_text = cell("lead"), cell("part"), cell("resp")
        if not any(cells):
            continue
        category = cell("category")
        if not task_text and not (lead_text or part_text or resp_text):
            if category and category != previous.get("category"):
                previous["category"] = category
            continue
        if not seq and not (lead_text or part_text or resp_text) and parent.children and row_count:
            last = (group or parent).children[-1]
            if last.is_table_row and last.segments:
                last.segments[0].text += task_text
                continue
        if "category" in column:
            if category:
                previous["category"] = category
            else:
                category = previous.get("category", "")
            if category and (group is None or group.title != category):
                group = Node(
                    "table_group",
                    "",
                    sum(1 for c in parent.children if c.is_table_group) + 1,
                    category,
                    order + offset,
                    parent=parent,
                    kind=parent.kind or section_kind(category),
                    is_table_group=True,
                )
                parent.children.append(group)
        if not (lead_text or part_text or resp_text):
            lead_text, part_text, resp_text = (previous.get(k, "") for k in ("lead", "part", "resp"))
        elif not lead_text and has_lead_column:
            lead_text = previous.get("lead", "")
        previous.update(lead=lead_text, part=part_text, resp=resp_text)
        clause = _table_clause(header, column, lead_text, part_text, resp_text, first_leads)
        details = [cells[p] for p, r in roles.items() if r == "detail" and p < len(cells) and cells[p]]
        deadline = cell("deadline")
        text = "；".join(t for t in [task_text, *details] if t)
        if deadline:
            text += f"（完成时限：{deadline}）"
        row_count += 1
        owner = group or parent
        ordinal = int(seq) if seq.isdigit() else sum(1 for c in owner.children if c.is_table_row) + 1
        title = _table_title(task_text or text)
        node = Node("table_row", seq, ordinal, title, order + offset, parent=owner, is_table_row=True)
        node.segments.append(Segment(text, []))
        if clause is not None:
            node.group_clauses.append(clause)
        elif any((lead_text, part_text, resp_text)):
            document.unreadable_clauses.append(
                " / ".join(t for t in (lead_text, part_text, resp_text) if t)[:60]
            )
        owner.children.append(node)
    return row_count > 0


def _table_title(text: str) -> str:
    """A table cell's lead phrase: up to the first comma or full stop when that leaves a phrase."""
    match = re.search(r"[，,。；;：:]", text)
    if match and match.start() >= 4:
        return text[: match.start()]
    return split_title(text)[0]


def _table_clause(
    header: list[str], column: dict[str, int], lead: str, part: str, resp: str, first_leads: bool = False
) -> Clause | None:
    from kesu.plans.responsibility import parse_roles

    pieces = []
    leads: list[str] = []
    parts: list[str] = []
    for role, text in (("lead", lead), ("resp", resp), ("part", part)):
        if not text:
            continue
        pieces.append(f"{header[column[role]]}：{text}")
        roles = parse_roles(text)
        if roles is None:
            from kesu.plans.units import split_units

            names = split_units(text)
            roles = (names, []) if role == "lead" or (role == "resp" and not lead) else ([], names)
        elif role == "part" or (role == "resp" and lead):
            roles = ([], roles[0] + roles[1])
        leads.extend(n for n in roles[0] if n not in leads)
        parts.extend(n for n in roles[1] if n not in parts and n not in leads)
    if not leads and not parts:
        return None
    if first_leads and len(leads) > 1 and not parts:
        leads, parts = leads[:1], leads[1:]
    return Clause("；".join(pieces), 0, 0, leads, parts, standalone=True, origin="own")


# ---------------------------------------------------------------------------------------------
# tasks


@dataclass
class TaskDraft:
    node: Node
    id: str
    path: list[str]
    title: str
    text: str
    leads: list[str]
    participants: list[str]
    units_raw: str
    order: tuple[int, int]
    inherited: bool = False


def _merge(clauses: list[Clause]) -> Clause:
    if len(clauses) == 1:
        return clauses[0]
    leads: list[str] = []
    parts: list[str] = []
    for clause in clauses:
        leads.extend(n for n in clause.leads if n not in leads)
    for clause in clauses:
        parts.extend(n for n in clause.participants if n not in parts and n not in leads)
    return Clause(
        "；".join(c.raw for c in clauses), 0, 0, leads, parts, standalone=True, origin=clauses[0].origin
    )


def collect_tasks(document: Document) -> list[TaskDraft]:
    drafts: list[TaskDraft] = []
    memo: dict[int, bool] = {}

    def has_clause(node: Node) -> bool:
        key = id(node)
        if key not in memo:
            memo[key] = bool(node.clauses) or any(has_clause(c) for c in node.children)
        return memo[key]

    def emit(node: Node, clause: Clause | None, text: str, inherited: bool = False) -> None:
        drafts.append(
            TaskDraft(
                node=node,
                id=node.id,
                path=node.path(),
                title=node.title,
                text=text,
                leads=list(clause.leads) if clause else [],
                participants=list(clause.participants) if clause else [],
                units_raw=clause.raw if clause else "",
                order=(node.order, 0),
                inherited=inherited,
            )
        )

    def emit_own(node: Node, include_children: bool) -> None:
        own = node.own_clauses
        if len(own) >= 2 and not node.group_clauses:
            _emit_spans(node, drafts)
            if include_children:
                for child in node.children:
                    child_text = child.full_text()
                    if child_text and drafts:
                        drafts[-1].text += "\n" + _printed_prefix(child) + child_text
            return
        text = node.full_text() if include_children else node.own_text()
        emit(node, _merge(node.clauses), text)

    def visit(node: Node, inherited: Clause | None) -> None:
        children_have = any(has_clause(c) for c in node.children)
        clauses = node.clauses
        is_root = node.parent is None
        if clauses:
            if not children_have:
                if is_root:
                    _emit_spans(node, drafts)
                else:
                    emit_own(node, include_children=True)
                return
            if not is_root and node.own_clauses and _own_body(node):
                emit_own(node, include_children=False)
            governing = _merge(node.group_clauses or node.own_clauses)
            for child in node.children:
                visit(child, governing)
            return
        if not children_have:
            if inherited is not None and not is_root:
                emit(node, inherited, node.full_text(), inherited=True)
            return
        for child in node.children:
            visit(child, inherited)

    visit(document.root, None)
    emitted = {id(d.node) for d in drafts}
    _add_unassigned(document.root, drafts, emitted, has_clause)
    drafts.sort(key=lambda d: d.order)
    return drafts


def _own_body(node: Node) -> bool:
    text = node.own_text()
    return bool(text) and text.strip(" 。") != node.title


def _emit_spans(node: Node, drafts: list[TaskDraft]) -> None:
    """One task per clause when an item's text carries several clauses."""
    spans: list[tuple[str, Clause]] = []
    pending: list[str] = []
    for segment in node.segments:
        position = 0
        for clause in sorted(segment.clauses, key=lambda c: c.start):
            piece = segment.text[position : clause.start].strip(" 。；;，,")
            if piece:
                pending.append(piece)
            if pending or not spans:
                spans.append(("\n".join(pending), clause))
            else:
                text, previous = spans[-1]
                spans[-1] = (text, _merge([previous, clause]))
            pending = []
            position = clause.end
        tail = segment.text[position:].strip(" 。；;，,")
        if tail:
            pending.append(tail)
    if pending and spans:
        text, clause = spans[-1]
        spans[-1] = (text + "\n" + "\n".join(pending), clause)
    is_root = node.parent is None
    for index, (text, clause) in enumerate(spans, start=1):
        title = node.title if index == 1 and not is_root else split_title(text)[0]
        task_id = (f"{node.id}.{index}" if node.id else str(index)) if len(spans) > 1 or is_root else node.id
        path = [*node.path(), title] if (len(spans) > 1 and not (index == 1 and not is_root)) else node.path()
        if is_root:
            path = [title]
        drafts.append(
            TaskDraft(
                node,
                task_id,
                path,
                title,
                text,
                list(clause.leads),
                list(clause.participants),
                clause.raw,
                (node.order, index),
            )
        )


def _add_unassigned(node: Node, drafts: list[TaskDraft], emitted: set[int], has_clause) -> None:
    """Items without a clause among siblings that are mostly tasks: tasks without units."""
    children = [c for c in node.children if not c.is_table_group and c.style != "annex"]
    task_children = [c for c in children if id(c) in emitted]
    task_styles = {c.style for c in task_children}
    if len(task_children) >= 2 and len(task_children) * 2 >= len(children):
        for child in children:
            if child.style not in task_styles:
                continue  # 一、二、 headings beside table rows are no siblings of the rows
            if id(child) not in emitted and not has_clause(child) and child.full_text():
                drafts.append(
                    TaskDraft(
                        child,
                        child.id,
                        child.path(),
                        child.title,
                        child.full_text(),
                        [],
                        [],
                        "",
                        (child.order, 0),
                    )
                )
                emitted.add(id(child))
    for child in node.children:
        _add_unassigned(child, drafts, emitted, has_clause)
