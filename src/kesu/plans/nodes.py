"""The section tree of a plan: headings and table rows as nodes, each holding its text and the
responsibility clauses found in it (built by structure, read by tasks and the parser)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kesu.plans.responsibility import Clause, find_clauses, remove_clauses


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
                prefix = child.printed_prefix()
                parts.append(prefix + child_text)
        return "\n".join(p for p in parts if p)

    def path(self) -> list[str]:
        titles = []
        node: Node | None = self
        while node is not None and node.parent is not None:
            titles.append(node.title)
            node = node.parent
        return titles[::-1]

    def printed_prefix(self) -> str:
        """The number as printed (一、, 2.), for writing a child's text back into its parent's."""
        number = self.number
        if not number or self.is_table_row or self.is_table_group:
            return ""
        if self.style in ("cn",):
            return number + "、"
        if self.style in ("arabic", "dotted"):
            return number + "."
        return number


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
