"""Responsibility tables (任务分工表): a TAB-separated table whose header row names 牵头/责任/配合
columns gives one task row per row.

An empty lead cell inherits the row above (merged cells), an empty 类别 cell likewise, and a 类别
column groups its rows. With a single 责任单位 column and a note (in the header cell, or a
paragraph of its own above or below the table: 说明：责任单位中列第一位的为牵头单位), the first unit
of a row leads, the others take part.
"""

from __future__ import annotations

import re

from kesu.plans.confidence import rule
from kesu.plans.headings import section_kind, split_title
from kesu.plans.nodes import Document, Node, Segment
from kesu.plans.responsibility import FIRST_LEADS_SENTENCE, FIRST_LISTED, Clause, parse_roles
from kesu.plans.units import split_units

TABLE_COLUMN = rule("assignment.table_column", 0.98, "任务分工表的列：牵头单位 | 责任单位 | 配合单位")

_COLUMN_ROLES = [
    ("seq", re.compile(r"^(?:序号|编号|序|No\.?)$", re.IGNORECASE)),
    ("lead", re.compile(r"牵头|主责|主要责任")),
    ("part", re.compile(r"配合|参与|参加|协办|协同|协助")),
    ("resp", re.compile(r"责任|负责")),
    ("deadline", re.compile(r"时限|期限|时间|进度")),
    ("category", re.compile(r"类别|领域|方面|分类|板块|行动$|工程$|^项目$")),
    ("task", re.compile(r"任务|工作|事项|措施|内容|目标|举措|名称")),
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
    pieces = []
    leads: list[str] = []
    parts: list[str] = []
    for role, text in (("lead", lead), ("resp", resp), ("part", part)):
        if not text:
            continue
        pieces.append(f"{header[column[role]]}：{text}")
        roles = parse_roles(text)
        if roles is None:
            names = split_units(text)
            roles = (names, []) if role == "lead" or (role == "resp" and not lead) else ([], names)
        elif role == "part" or (role == "resp" and lead):
            roles = ([], roles[0] + roles[1])
        leads.extend(n for n in roles[0] if n not in leads)
        parts.extend(n for n in roles[1] if n not in parts and n not in leads)
    if not leads and not parts:
        return None
    form = TABLE_COLUMN
    if first_leads and len(leads) > 1 and not parts:
        leads, parts = leads[:1], leads[1:]
        form = FIRST_LISTED
    return Clause("；".join(pieces), 0, 0, leads, parts, standalone=True, origin="own", rule=form)
