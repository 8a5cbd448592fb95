"""Units a plan names in a roster rather than in a responsibility clause (kesu.plans.parser adds them
to the plan's units without assigning them to a task)."""

from __future__ import annotations

import re

from kesu.plans.nodes import Document, Node
from kesu.plans.units import is_collective, looks_like_unit, share_level, split_units

# 三、参加活动单位 / 乡林业站、广播站…等单位: a section that is nothing but the list of the units taking
# part; 成员由县委宣传部、县科协…等单位分管负责人担任: the members of the plan's work group;
# 区卫生局、10个街办等12个单位组织…: a counted list of the units doing an item. They are units of the
# plan that no clause assigns: they are catalogued, not assigned to any task.
_ROSTER_TITLE = re.compile(r"^(?:参加|参与|参展|协办|主办|承办|成员)(?:活动)?(?:单位|部门)[ \t:：\n]*(?P<list>[^。]*)")
_ROSTER_SENTENCE = re.compile(
    r"成员(?:单位)?(?:由|为|包括)(?P<list>[^。；;：:]{4,600}?)(?:等(?:\d{1,3}个)?)?(?:单位|部门)?"
    r"(?:的?(?:分管|主要)?(?:负责人|负责同志|领导|同志))(?:担任|组成)"
)
# 工作机制: 由X、Y牵头，负责协调推动…；A、B…作为成员单位，参与实施
_MECHANISM = re.compile(
    r"由(?P<list>[^。；;，,：:由]{2,200}?)牵头[，,]负责(?:统筹|协调|组织)"
    r"|(?:^|(?<=[。；;]))(?P<members>[^。；;，,：:]{2,400}?)作为成员单位"
)
_COUNTED_CLASS = re.compile(r"^[省市区县州旗]?\d{1,3}个")  # 10个街办: a counted class, no unit
_BRACKETED_NAME = re.compile(r"[（(]([^（()）]{2,20})[）)]$")
_COUNTED_LIST = re.compile(
    r"(?:^|(?<=[。；;：:，,\s]))(?P<list>[^。；;：:，,\s]{4,200}?)等\d{1,3}个(?:单位|部门)"
)


def listed_units(document: Document) -> list[str]:
    """Units the plan names in a roster (see `_ROSTER_TITLE`), not in any clause, in order."""
    names: list[str] = []

    def add(text: str) -> None:
        for name in share_level(split_units(text)):
            if _COUNTED_CLASS.match(name):
                continue
            # 县发改委（县国动办）: the second name of the same office, in brackets
            inner = _BRACKETED_NAME.search(name)
            if inner and looks_like_unit(inner.group(1)):
                name = name[: inner.start()]
            if (looks_like_unit(name) or is_collective(name)) and name not in names:
                names.append(name)

    def visit(node: Node) -> None:
        roster = _ROSTER_TITLE.match(node.own_text()) if node.parent is not None and not node.clauses else None
        if roster:
            add(roster.group("list").strip())
        for segment in node.segments:
            for match in (*_ROSTER_SENTENCE.finditer(segment.text), *_COUNTED_LIST.finditer(segment.text)):
                add(match.group("list"))
            for match in _MECHANISM.finditer(segment.text):
                add(match.group("list") or match.group("members"))
        for child in node.children:
            visit(child)

    visit(document.root)
    return names
