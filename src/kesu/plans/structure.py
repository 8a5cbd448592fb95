"""The section tree of a plan, built from its paragraphs.

The tree comes from the order in which numbering styles (headings) appear, not from a fixed
ladder: a style already open on the stack closes everything below it and becomes its sibling, a
new style opens one level deeper. Markdown ``#`` levels of numbered headings are ignored (real
documents mix them freely); unnumbered markdown headings close every deeper level. A short
unnumbered line where the top-level numbering skips one (一、 … 主要目标 … 三、) is taken as the
missing heading. The paragraphs up to the next heading belong to the heading before them; a run of
table rows is read as a responsibility table (tables) when it is one.

A line ``附件`` / ``附件1：表名`` ends the body's sections: what follows is an annex section (number
附件, title the table's name), whose table rows keep their 序号 as ids.

A run of two or more lines ``单位：职责`` (a list of 成员单位职责) gives one item per line, led by
that unit.

Task ids are the dotted ordinals of the numbering (三、→（一）→1. gives 3.1.1); dash bullets and
unnumbered headings count their position among their siblings; table rows use their 序号.
"""

from __future__ import annotations

import re

from kesu.plans.headings import classify_heading, section_kind, split_title
from kesu.plans.nodes import Document, Node, Segment
from kesu.plans.normalize import Paragraph
from kesu.plans.responsibility import (
    FIRST_LEADS_SENTENCE,
    Clause,
    find_clauses,
    mentions_responsibility,
    subject_clause,
)
from kesu.plans.tables import add_table
from kesu.plans.units import looks_like_unit

_PUNCTUATION = re.compile(r"[，、。；：,;:！？!?（）()“”]")


def build_tree(paragraphs: list[Paragraph]) -> Document:
    root = Node(style="root", number="", ordinal=0, title="", order=-1)
    document = Document(root)
    stack: list[Node] = []
    headings = [classify_heading(p) for p in paragraphs]
    notes = [_first_leads_note(p) for p in paragraphs]
    duties = [None if h else _duty_line(p) for p, h in zip(paragraphs, headings, strict=True)]
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
        if (
            heading is None
            and duties[index]
            and ((index > 0 and duties[index - 1]) or (index + 1 < len(duties) and duties[index + 1]))
        ):
            # 成员单位职责: one line per unit, "市科协：承担…", each a task the unit leads
            unit, duty, start = duties[index]
            parent = stack[-1] if stack else root
            title, _ = split_title(duty, [])
            ordinal = sum(1 for c in parent.children if c.style == "duty") + 1
            node = Node("duty", "", ordinal, title, order, parent=parent, kind=parent.kind)
            text = paragraph.text[start:]
            clause = Clause(text[: len(unit) + 1], 0, len(unit) + 1, [unit], [], origin="own")
            node.segments.append(Segment(text, [clause]))
            parent.children.append(node)
            order += 1
            index += 1
            continue
        if heading is None:
            heading = _missing_number_heading(paragraph, stack, headings, index)
        if heading is None:
            parent = stack[-1] if stack else root
            if not _measure_task(paragraph.text, parent, order, document):
                _add_body(parent, paragraph.text, document)
            order += 1
            index += 1
            continue
        style, printed, ordinal, rest = heading
        stack = _close_for(stack, style)
        parent = stack[-1] if stack else root
        text = rest.strip()
        clauses = document.clauses_of(text)
        _note_unreadable(clauses, document)
        if not clauses and style not in ("chapter", "cn", "bold") and not style.startswith("md"):
            subject = subject_clause(text, duty_only=any(_MEASURES.search(n.title) for n in stack))
            clauses = [subject] if subject else []
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
    _fold_clause_items(root)
    _move_group_clauses(root)
    _move_lead_in_clauses(root)
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


# the list's title may be glued to its first line when the title has no closing punctuation
_DUTY_LINE = re.compile(
    r"^(?:[^：:。；;]{2,60}?(?:成员单位职责|职责分工|主要职责))?(?P<unit>[^：:，,。；;（(]{2,20})[：:](?P<duty>[^：:]{4,})$"
)


def _duty_line(paragraph: Paragraph) -> tuple[str, str, int] | None:
    """``市科协：承担领导小组办公室日常工作…`` of a list of 成员单位职责: (unit, duty, where the unit starts)."""
    if paragraph.is_table or mentions_responsibility(paragraph.text):
        return None
    match = _DUTY_LINE.match(paragraph.text)
    if not match or not looks_like_unit(match.group("unit")):
        return None
    return match.group("unit"), match.group("duty"), match.start("unit")


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
    rank = _RANK.get(style)
    if rank is not None and rank <= _RANK["cn_paren"]:
        # a page that opens inside （八） or 3. before 四、 or （四）: 一、 never sits below （一),
        # nor （一） below 1. (GB/T 9704 order 一、（一）1.（1）)
        for position, node in enumerate(stack):
            if _RANK.get(node.style, -1) > rank:
                return stack[:position]
    return stack


_RANK = {
    "chapter": 0,
    "cn": 1,
    "cn_paren": 2,
    "arabic": 3,
    "arabic_paren": 4,
    "arabic_rparen": 4,
    "circled": 5,
    "dash": 6,
}


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


def _note_unreadable(clauses: list[Clause], document: Document) -> None:
    """A clause kept without a name it could not read (市*局, a name cut by the page): say which."""
    for clause in clauses:
        document.unreadable_clauses.extend(clause.unreadable)


def _add_body(node: Node, text: str, document: Document) -> None:
    clauses = document.clauses_of(text)
    _note_unreadable(clauses, document)
    if not clauses and _activity_heading(node) and not node.own_clauses:
        # 四、活动总结 / 粮油科协在活动结束后，将…: the unit a step's paragraph opens with does the step
        subject = subject_clause(text, duty_only=False)
        clauses = [subject] if subject and subject.start == 0 else []
    if not clauses and mentions_responsibility(text):
        document.unreadable_clauses.append(text[:60])
    node.segments.append(Segment(text, clauses))


# 四、活动总结: a short heading naming a step of an activity plan (not its aims, time or means)
_ACTIVITY_STEP = re.compile(r"^(?:活动)?(?:总结|宣传|评比|表彰|启动|开幕|闭幕|筹备|验收|考评)(?:阶段|工作|仪式)?$")


def _activity_heading(node: Node) -> bool:
    return node.parent is not None and not node.children and bool(_ACTIVITY_STEP.match(node.title or ""))


# 主办、承办、协办单位： as a heading of its own: it names roles, nothing to do
_ROLE_TITLE = re.compile(r"^(?:[主承协]办|牵头|配合|参与|参加|责任|实施|单位|部门|[、和及与 ]){2,}[:：]?$")


def _clause_only(node: Node) -> bool:
    return (
        not node.children
        and bool(node.own_clauses)
        and not node.group_clauses
        and (not node.title.strip(" ：:") or bool(_ROLE_TITLE.match(node.title)))
    )


def _fold_clause_items(node: Node) -> None:
    """1.综合科普宣传活动 / (1)主办、承办、协办单位： / ①主办单位：X ②承办单位：Y ③协办单位：Z: items that
    are nothing but a clause are the fields of the item above them, not tasks of their own."""
    for child in node.children:
        _fold_clause_items(child)
    if node.parent is None or not node.children:
        return
    fields = sum(1 for child in node.children if _FIELD_ITEM.match(child.title))
    if all(_clause_only(child) for child in node.children) or (
        fields >= 2 and fields * 2 >= len(node.children) and node.style not in ("cn", "chapter")
    ):
        # (一)召开座谈会 / 1.时间：… 2.主持人：… 3.参会人员：… 5.筹备工作由X负责: the numbered fields of
        # an activity are its text, and a clause among them is the activity's
        for child in node.children:
            node.segments.extend(_all_segments(child))
        node.children = []


_FIELD_ITEM = re.compile(r"^(?:活动)?(?:时间|地点|主持人|参会人员|参加人员|参会单位|会议议程|议程|对象|形式|方式)$")


def _all_segments(node: Node) -> list[Segment]:
    return [*node.segments, *(segment for child in node.children for segment in _all_segments(child))]


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


_MEASURES = re.compile(r"保障|措施|工作要求|组织实施|实施步骤|工作机制")


def _measure_task(text: str, parent: Node, order: int, document: Document) -> bool:
    """三、保障措施 / 县财政将科普经费列入年度预算…。（县财政局负责）: under a section of measures, a
    paragraph closed by its own clause is a task of its own, titled by its first sentence."""
    if parent.parent is None or parent.is_table_row or not _MEASURES.search(parent.title):
        return False
    clauses = document.clauses_of(text)
    if len(clauses) != 1 or clauses[0].standalone:
        return False
    if text[clauses[0].end :].strip(" 。；;") or not clauses[0].raw.startswith(("（", "(")):
        return False
    title, _ = split_title(text, clauses)
    ordinal = sum(1 for c in parent.children if c.style == "para") + 1
    node = Node("para", "", ordinal, title, order, parent=parent, kind=parent.kind)
    node.segments.append(Segment(text, clauses))
    parent.children.append(node)
    return True


def _move_lead_in_clauses(node: Node) -> None:
    """（一）青少年科学素质行动 / 由县教育局牵头，团县委参加。/ 1.… 2.…: a heading whose only body is
    a clause paragraph standing before its items hands that clause to the items, each a task."""
    for child in node.children:
        _move_lead_in_clauses(child)
    if node.parent is None or not node.children or node.group_clauses:
        return
    if any(c.is_table_row or c.is_table_group or _has_clause(c) for c in node.children):
        return
    segments = node.segments[1:] if node.segments and not node.segments[0].clauses else node.segments
    if not segments or not all(s.clauses and all(c.standalone for c in s.clauses) for s in segments):
        return
    for segment in segments:
        for clause in segment.clauses:
            clause.origin = "lead-in"
            node.group_clauses.append(clause)
        node.segments.remove(segment)


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
