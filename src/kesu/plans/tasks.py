"""Which items of the section tree are tasks (the rows of the office's 任务分解表), and their units.

- an item that carries a responsibility clause is a task; when none of its sub-items has a clause
  of its own, the item is one task and the sub-items' text is part of its text (one row per
  assignment, not one row per sentence);
- a clause printed as a separate paragraph after the last of several sub-items of which none has a
  clause governs the group (structure moves such a clause up): each sub-item is a task with those
  units when the items are dash bullets or the clause is a sentence covering them
  (``以上工作由X牵头，Y参加。``, ``分工：由X、Y牵头，Z等参加``), else the group heading is the task
  (`_items_are_tasks`);
- when some sub-items have clauses, those are tasks, and sub-items without one inherit the clause
  of the nearest enclosing heading that has one;
- an item with two or more clauses in its own text is split into one task per clause;
- an item without any clause, whose siblings are mostly tasks, is kept as a task without units
  (and reported), since the clause is probably missing or unreadable; only items of the same
  numbering style count as siblings, so headings beside the rows of an annex table are no tasks;
- a responsibility table (tables) gives one task per row;
- ``一是…二是…三是…`` inside one item: each part is a sub-task (id ``item.1``, ``item.2`` …) with the
  item's units, and the item stays a task (see `_enumerated_parts`).

Each draft records the confidence rule that made its boundary (`TaskDraft.rule`) and, per unit, the
rule of the clause that named it or of how it was inherited (`TaskDraft.unit_rules`); the parser's
judgements (kesu.plans.judging) are built from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kesu.plans.confidence import rule
from kesu.plans.headings import schedule_title, split_title
from kesu.plans.nodes import Document, Node
from kesu.plans.responsibility import Clause

# What made a task boundary, as confidence rules (kesu.plans.confidence); base confidences measured
# on the corpus by bench/calibrate_parse.py.
NUMBERED = rule("task.numbered", 0.98, "编号条目为一项任务：一、（一）1.（1）①，含 Word 自动编号")
DASH = rule("task.dash", 0.83, "“——”或“--”开头的条目为一项任务")
UNNUMBERED_HEADING = rule("task.unnumbered_heading", 0.5, "没有编号的加粗标题或 Markdown 标题为一项任务")
TABLE_ROW = rule("task.table_row", 0.97, "任务分工表（Word/PDF/文本表格）的一行为一项任务")
DUTY_LINE = rule("task.duty_line", 0.86, "成员单位职责的一行（单位：职责）为该单位牵头的一项任务")
INHERITED = rule("task.inherited", 0.97, "没有自己责任分工的条目，沿用其后段末或上级标题的分工，为一项任务")
CLAUSE_SPAN = rule("task.clause_span", 0.5, "一段中有多处责任分工：每处分工及其前文为一项任务")
PARAGRAPH = rule("task.paragraph", 0.17, "无编号的段落带责任分工，为一项任务")
ENUMERATED_PART = rule("task.enumerated_part", 0.86, "条目内的“一是…二是…三是…”每部分为一项子任务")
UNASSIGNED = rule("task.unassigned", 0.58, "同级条目多为任务而本条目没有责任分工：按任务保留，单位待补")
# how a unit came to a task when no clause of the task's own named it
SECTION_FINAL = rule("assignment.section_final", 0.98, "段末或组末的分工句（以上工作由X牵头…）覆盖其上各条目")
INHERITED_HEADING = rule("assignment.inherited_heading", 0.92, "条目没有分工，沿用上级标题的责任分工")
PART_OF_ITEM = rule("assignment.enumerated_part", 0.94, "“一是…二是…”子任务沿用所在条目的责任分工")
DUTY_UNIT = rule("assignment.duty_line", 0.86, "成员单位职责行首的单位为牵头单位")
UNKNOWN_FORM = rule("assignment.unknown_form", 0.5, "责任分工的形式未记录（不应出现）")


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
    part_of: str | None = None  # the id of the item whose 一是/二是 part this is
    rule: str = UNASSIGNED  # the confidence rule that made the task boundary
    unit_rules: dict[str, str] = field(default_factory=dict)  # printed unit → the rule of its clause


def _boundary_rule(node: Node) -> str:
    if node.style == "dash":
        return DASH
    if node.is_table_row:
        return TABLE_ROW
    if node.style == "duty":
        return DUTY_LINE
    if node.style == "bold" or node.style.startswith("md"):
        return UNNUMBERED_HEADING
    return NUMBERED


def _unit_rules(clauses: list[Clause], node: Node, inherited: bool = False) -> dict[str, str]:
    """Each unit's rule: the form of the first clause naming it, or how it was inherited."""
    rules: dict[str, str] = {}
    if inherited:
        form = SECTION_FINAL if any(c.origin == "group" for c in clauses) else INHERITED_HEADING
    for clause in clauses:
        for name in clause.units:
            if inherited:
                rules.setdefault(name, form)
            elif node.style == "duty":
                rules.setdefault(name, DUTY_UNIT)
            else:
                rules.setdefault(name, clause.rule or UNKNOWN_FORM)
    return rules


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
        "；".join(c.raw for c in clauses),
        0,
        0,
        leads,
        parts,
        standalone=True,
        origin=clauses[0].origin,
        rule=clauses[0].rule,
    )


def collect_tasks(document: Document) -> list[TaskDraft]:
    drafts: list[TaskDraft] = []
    memo: dict[int, bool] = {}

    def has_clause(node: Node) -> bool:
        key = id(node)
        if key not in memo:
            memo[key] = bool(node.clauses) or any(has_clause(c) for c in node.children)
        return memo[key]

    def emit(
        node: Node, clause: Clause | None, text: str, sources: list[Clause], inherited: bool = False
    ) -> None:
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
                rule=INHERITED if inherited else _boundary_rule(node),
                unit_rules=_unit_rules(sources, node, inherited),
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
                        drafts[-1].text += "\n" + child.printed_prefix() + child_text
            return
        text = node.full_text() if include_children else node.own_text()
        emit(node, _merge(node.clauses), text, node.clauses)

    def visit(node: Node, inherited: tuple[Clause, list[Clause]] | None) -> None:
        children_have = any(has_clause(c) for c in node.children)
        clauses = node.clauses
        is_root = node.parent is None
        if clauses:
            if not children_have:
                if is_root:
                    count = len(drafts)
                    _emit_spans(node, drafts)
                    _title_continued(drafts[count:])
                elif _items_are_tasks(node):
                    # 以上工作由…牵头 after the items: every item above is a task of its own
                    sources = [*node.own_clauses, *node.group_clauses]
                    governing = (_merge(sources), sources)
                    for child in node.children:
                        visit(child, governing)
                else:
                    emit_own(node, include_children=True)
                return
            if not is_root and node.own_clauses and _own_body(node):
                emit_own(node, include_children=False)
            sources = node.group_clauses or node.own_clauses
            governing = (_merge(sources), sources)
            if is_root and not node.group_clauses:
                # a clause standing before the first heading closes an item cut off above the
                # page; it governs none of the items that follow
                count = len(drafts)
                _emit_spans(node, drafts)
                _title_continued(drafts[count:])
                governing = None
            for child in node.children:
                visit(child, governing)
            return
        if not children_have:
            if inherited is not None and not is_root:
                emit(node, inherited[0], node.full_text(), inherited[1], inherited=True)
            return
        for child in node.children:
            visit(child, inherited)

    visit(document.root, None)
    only_opening = all(d.node.parent is None for d in drafts)
    if not only_opening:
        # the item cut off at the end counts among the tasks its siblings are measured against
        _add_last_item(document.root, drafts)
    emitted = {id(d.node) for d in drafts}
    _add_unassigned(document.root, drafts, emitted, has_clause)
    _add_parallel_items(drafts, emitted, has_clause)
    if only_opening:
        # no clause, or only clauses of the opening (X联合Y共同组织开展…) that govern no item
        _add_leaf_items(document.root, drafts)
    else:
        _add_task_sections(document.root, drafts)
    for draft in drafts:
        _title_from_schedule(draft)
    drafts.extend(part for draft in list(drafts) for part in _enumerated_parts(draft))
    _add_listed_tasks(document.root, drafts, {id(d.node) for d in drafts})
    drafts.sort(key=lambda d: d.order)
    return drafts


def _title_from_schedule(draft: TaskDraft) -> None:
    printed = "\n".join(segment.text for segment in draft.node.segments)
    title = schedule_title(draft.title, printed, draft.units_raw)
    if title:
        draft.title = title
        draft.path = [*draft.path[:-1], title]


_ENUMERATED = re.compile(r"(?:^|(?<=[。；;，,：:\s]))(?P<n>[一二三四五六七八九]|十[一二三四五六七八九]?)是")


def _enumerated_parts(draft: TaskDraft) -> list[TaskDraft]:
    """``一是…；二是…；三是…`` inside one item: each is a sub-task of the item, with the item's
    units. The item stays a task too (its title is what plans and reports cite), and keeps the
    targets: the parts carry no text that would count a target twice (`part_of`)."""
    markers = list(_ENUMERATED.finditer(draft.text))
    expected = "一二三四五六七八九"
    ordered = []
    for match in markers:
        if len(ordered) < 9 and match.group("n") == expected[len(ordered)]:
            ordered.append(match)
    if len(ordered) < 2:
        return []
    parts = []
    for index, match in enumerate(ordered):
        end = ordered[index + 1].start() if index + 1 < len(ordered) else len(draft.text)
        piece = draft.text[match.end() : end].split("\n")[0]
        if draft.units_raw:
            piece = piece.replace(draft.units_raw, "")
        piece = piece.strip(" 。；;，,")
        if not piece:
            continue
        title = split_title(piece)[0]
        parts.append(
            TaskDraft(
                node=draft.node,
                id=f"{draft.id}.{index + 1}" if draft.id else str(index + 1),
                path=[*draft.path, title],
                title=title,
                text=piece,
                leads=list(draft.leads),
                participants=list(draft.participants),
                units_raw=draft.units_raw,
                order=(draft.order[0], draft.order[1] * 100 + index + 1),
                inherited=draft.inherited,
                part_of=draft.id or draft.title,
                rule=ENUMERATED_PART,
                unit_rules=dict.fromkeys(draft.unit_rules, PART_OF_ITEM),
            )
        )
    return parts if len(parts) >= 2 else []


# 主要任务有四：一是…；二是…: a paragraph that says it lists the tasks
_TASK_LIST_INTRO = re.compile(r"任务(?:有[一二三四五六七八九十\d]+(?:项|个|方面)?|是|为)?[:：]")


def _add_listed_tasks(node: Node, drafts: list[TaskDraft], emitted: set[int]) -> None:
    """一是…二是… in a paragraph introduced as the list of tasks, in a part of the text that gave no
    task: each is a task without units (a news item or a summary of a plan writes its tasks so)."""
    if id(node) not in emitted:
        for index, segment in enumerate(node.segments):
            intro = _TASK_LIST_INTRO.search(segment.text)
            if not intro:
                continue
            listed = TaskDraft(
                node, node.id, node.path(), node.title, segment.text[intro.end() :], [], [], "",
                (node.order, index),
            )
            for part in _enumerated_parts(listed):
                part.part_of = None  # the paragraph is no task: the parts carry their own targets
                part.unit_rules = {}
                drafts.append(part)
    for child in node.children:
        _add_listed_tasks(child, drafts, emitted)


def _items_are_tasks(node: Node) -> bool:
    """Whether a group clause makes each item above it a task, rather than the group heading.

    Yes for dash bullets (——/-- items are tasks, the heading a theme) and for a clause written as
    a sentence that covers the items (以上工作由…牵头, 分工：由…牵头); a bracketed clause after
    numbered items (1. 2. 3. then （X牵头，Y配合）) stays the group's, as the heading is the task."""
    lead_in = any(clause.origin == "lead-in" for clause in node.group_clauses)
    if not node.group_clauses or (len(node.children) < 2 and not lead_in):
        return False
    if lead_in:
        return True
    if all(child.style == "dash" for child in node.children):
        return True
    return any(not clause.raw.lstrip().startswith(("（", "(")) for clause in node.group_clauses)


def _own_body(node: Node) -> bool:
    text = node.own_text()
    return bool(text) and text.strip(" 。") != node.title


def _emit_spans(node: Node, drafts: list[TaskDraft]) -> None:
    """One task per clause when an item's text carries several clauses."""
    spans: list[tuple[str, Clause]] = []
    sources: list[list[Clause]] = []
    pending: list[str] = []
    for segment in node.segments:
        position = 0
        for clause in sorted(segment.clauses, key=lambda c: c.start):
            piece = segment.text[position : clause.start].strip(" 。；;，,")
            if piece:
                pending.append(piece)
            if pending or not spans:
                spans.append(("\n".join(pending), clause))
                sources.append([clause])
            else:
                text, previous = spans[-1]
                spans[-1] = (text, _merge([previous, clause]))
                sources[-1].append(clause)
            pending = []
            position = clause.end
        tail = segment.text[position:].strip(" 。；;，,")
        if tail:
            pending.append(tail)
    if pending and spans:
        text, clause = spans[-1]
        spans[-1] = (text + "\n" + "\n".join(pending), clause)
    is_root = node.parent is None
    boundary = CLAUSE_SPAN if len(spans) > 1 else PARAGRAPH if is_root else _boundary_rule(node)
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
                rule=boundary,
                unit_rules=_unit_rules(sources[index - 1], node),
            )
        )


# the title of an item whose heading was on the page before the text begins
_CONTINUED_TITLE = "（接上页的条目）"


def _title_continued(drafts: list[TaskDraft]) -> None:
    """Clauses of the document's text before any heading: the last line before the clause titles
    the task, or, when there is none, the note that the item began on an earlier page."""
    for draft in drafts:
        lines = [line.strip() for line in draft.title.split("\n") if re.search("[\u4e00-\u9fff]", line)]
        title = lines[-1] if lines else _CONTINUED_TITLE
        draft.title, draft.path = title, [*draft.path[:-1], title] if draft.path else [title]


def _add_last_item(root: Node, drafts: list[TaskDraft]) -> None:
    """The document's last item, without a clause because the text stops inside it (a page cut off
    after 2.推动印发《全民科…), is a task like the items of its style before it, without units."""
    last = root
    while last.children:
        last = last.children[-1]
    if last is root or last.is_table_row or last.style in ("annex", "duty", "para"):
        return
    if any(d.node is last for d in drafts) or not any(d.node.style == last.style for d in drafts):
        return
    if re.search(r"[。！？!?；;）)”\]】：:]$", last.full_text().rstrip()):
        return  # the item is whole: it has no clause because it is no task
    drafts.append(_whole_item(last))


_TASK_SECTION = re.compile(r"(?:主要|重点|具体)?任务|活动(?:[内內]容|安排|方式)|主要活动|工作(?:安排|重点|进度)|^(?:主要)?[内內]容$")


def _add_task_sections(node: Node, drafts: list[TaskDraft]) -> None:
    """五、活动内容 / 1、… 2、… with no clause in a document that has clauses elsewhere: a section
    titled as the tasks' section lists tasks, without units."""
    emitted = {id(d.node) for d in drafts}

    def covered(item: Node) -> bool:  # the item or an item below it is a task already
        return id(item) in emitted or any(covered(c) for c in item.children)

    for child in node.children:
        # an item whose sub-items are tasks already (a table's rows run into it) is left as it is
        items = [c for c in child.children if not (c.children and covered(c))]
        if (
            _TASK_SECTION.search(child.title)
            and len(items) >= 2
            and all(
                (not c.children or _activity_with_parts(child, c)) and not c.clauses and id(c) not in emitted
                for c in items
            )
            and not child.clauses
        ):
            for item in items:
                if item.full_text() and not item.is_table_group and item.style != "annex":
                    drafts.append(_whole_item(item))
        elif child.children:
            _add_task_sections(child, drafts)


def _activity_with_parts(section: Node, item: Node) -> bool:
    """(二)举办科技服务活动 / 时间：… 地点：… / 1、展板展出 2、义诊咨询 in a section titled as the tasks'
    one: an item with text of its own (its fields) above short parts is one task, the parts its text."""
    return (
        section.parent is not None
        and bool(_TASK_SECTION.search(section.title))
        and _own_body(item)
        and all(not part.children and not part.clauses for part in item.children)
    )


def _add_leaf_items(node: Node, drafts: list[TaskDraft]) -> None:
    """A document with no clause at all (a 工作进度 list, an activity list): its items below the
    top-level sections are tasks without units, for the reader to assign. An item below a top-level
    section whose sub-items are all plain leaves ((一)科普阵地建设 / 1、… 2、…) is one task and the
    sub-items its text: with no clause to tell the rows apart, the office's row is the item it
    numbered as a heading, as for a heading whose clause covers its sub-items."""
    for child in node.children:
        # (一)(二) at the top of an excerpt with no 一、 above them are items, not sections
        item_level = node.parent is not None or (
            child.style not in _SECTION_STYLES and not _NOT_TASK_SECTION.search(child.title or "")
        )
        if child.children and item_level and child.style not in _SECTION_STYLES and _leaf_group(child):
            drafts.append(_whole_item(child))
        elif child.children and not _activity_with_parts(node, child):
            _add_leaf_items(child, drafts)
        elif item_level and not child.is_table_group and child.style != "annex" and child.full_text():
            drafts.append(_whole_item(child))


def _whole_item(node: Node) -> TaskDraft:
    """An item with no clause, its sub-items included, as one task."""
    return TaskDraft(node, node.id, node.path(), node.title, node.full_text(), [], [], "", (node.order, 0))


_SECTION_STYLES = ("chapter", "article", "cn", "bold", "md1", "md2", "annex", "para")


# (一)近期工作计划 / (二)2011-2012年: a heading naming a phase groups the items by when, not what;
# each item stays a task
_PHASE_TITLE = re.compile(r"\d{2,4}\s*年|[近中远]期|阶段|[上下]半年|\d{1,2}\s*月|季度|年度")


# sections that state aims and means, not work: their items are no tasks of the plan
_NOT_TASK_SECTION = re.compile(
    r"^[\u4e00-\u9fff]{0,6}(?:指导思想|原则|目标(?:任务)?|保障(?:措施)?|要求|组织领导|领导小组|背景|意义|形势|主题"
    r"|时间|宗旨|附 *则|附件|说明)$"
)


def _add_parallel_items(drafts: list[TaskDraft], emitted: set[int], has_clause) -> None:
    """一、… 1、2、 / 二、… 3、（X牵头） 4、: items numbered on in the same style under a sibling section
    of the sections that hold tasks are tasks as well, without units (the numbering runs across the
    sections, so they are rows of one list); sections of aims and means are left out."""
    task_parents = {
        id(d.node.parent): d.node.parent
        for d in drafts
        if d.node.parent is not None and d.node.parent.parent is not None and d.part_of is None
    }
    styles = {(d.node.style, id(d.node.parent)) for d in drafts if d.node.parent is not None}
    for parent in list(task_parents.values()):
        task_styles = {style for style, owner in styles if owner == id(parent)}
        runs_on = _numbering_runs_on(parent.parent, task_styles)
        for section in parent.parent.children:
            if (id(section) in task_parents and not runs_on) or _NOT_TASK_SECTION.search(section.title or ""):
                continue
            for item in section.children:
                if (
                    item.style in task_styles
                    and id(item) not in emitted
                    and not has_clause(item)
                    and not item.children
                    and item.full_text()
                ):
                    drafts.append(
                        TaskDraft(
                            item,
                            item.id,
                            item.path(),
                            item.title,
                            item.full_text(),
                            [],
                            [],
                            "",
                            (item.order, 0),
                        )
                    )
                    emitted.add(id(item))


def _numbering_runs_on(node: Node, styles: set[str]) -> bool:
    """1、2、 under 一、, 3、4、 under 二、: the items are numbered as one list across the sections."""
    firsts = [
        next((c.ordinal for c in section.children if c.style in styles), None) for section in node.children
    ]
    firsts = [n for n in firsts if n is not None]
    return len(firsts) >= 2 and firsts[0] == 1 and all(n > 1 for n in firsts[1:])


def _leaf_group(item: Node) -> bool:
    if _PHASE_TITLE.search(item.title or ""):
        return False
    return all(
        not part.children
        and not part.clauses
        and not part.is_table_group
        and part.style not in ("annex", "para")
        for part in item.children
    )


def _add_unassigned(node: Node, drafts: list[TaskDraft], emitted: set[int], has_clause) -> None:
    """Items without a clause among siblings that are mostly tasks: tasks without units."""
    children = [c for c in node.children if not c.is_table_group and c.style != "annex"]
    task_children = [c for c in children if id(c) in emitted]
    task_styles = {c.style for c in task_children}
    # in a section titled as the tasks' (四、主要活动内容), one item with a clause is enough
    enough = 1 if _TASK_SECTION.search(node.title or "") else 2
    if len(task_children) >= enough and len(task_children) * 2 >= len(children):
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
