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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kesu.plans.headings import split_title
from kesu.plans.nodes import Document, Node
from kesu.plans.responsibility import Clause


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
                        drafts[-1].text += "\n" + child.printed_prefix() + child_text
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
                elif _items_are_tasks(node):
                    # 以上工作由…牵头 after the items: every item above is a task of its own
                    governing = _merge([*node.own_clauses, *node.group_clauses])
                    for child in node.children:
                        visit(child, governing)
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
    drafts.extend(part for draft in list(drafts) for part in _enumerated_parts(draft))
    drafts.sort(key=lambda d: d.order)
    return drafts


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
            )
        )
    return parts if len(parts) >= 2 else []


def _items_are_tasks(node: Node) -> bool:
    """Whether a group clause makes each item above it a task, rather than the group heading.

    Yes for dash bullets (——/-- items are tasks, the heading a theme) and for a clause written as
    a sentence that covers the items (以上工作由…牵头, 分工：由…牵头); a bracketed clause after
    numbered items (1. 2. 3. then （X牵头，Y配合）) stays the group's, as the heading is the task."""
    if not node.group_clauses or len(node.children) < 2:
        return False
    if all(child.style == "dash" for child in node.children):
        return True
    return any(not clause.raw.lstrip().startswith(("（", "(")) for clause in node.group_clauses)


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
