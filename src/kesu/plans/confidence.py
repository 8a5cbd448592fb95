"""How sure the parser is of each thing it read, and which rule read it.

Every task, unit assignment, target and metadata field of a `ParsedPlan` carries a `Judgement`:
the rule that produced it (an id from `RULES`, with a sentence saying what the rule reads) and a
confidence between 0 and 1. The confidence is the rule's own base confidence — how often that
rule is right on the corpus of real layouts (tests/plans/corpus) — lowered by named doubts
(`Doubt`) found on the item itself: a unit not in the alias dictionary, a clause inherited from a
section-final sentence, text cut off at the end of a fragment … Each doubt is kept with its
penalty, so `kesu parse --explain` and the import preview can say *why* an item is doubtful and a
person checks the few doubtful items instead of all of them.

Rules are declared by the module that applies them (`rule(...)` at import time), next to the code
they describe, so that the explanation cannot drift away from what the code does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("task", "assignment", "target", "metadata")
# Items under this confidence are shown first in the import preview and marked 待核对.
DOUBTFUL_BELOW = 0.8


@dataclass(frozen=True)
class Rule:
    id: str  # dotted: "<kind>.<what>", e.g. "assignment.inline_bracket"
    confidence: float
    description: str  # what the rule reads, in Chinese (the UI language)


RULES: dict[str, Rule] = {}


def rule(rule_id: str, confidence: float, description: str) -> str:
    """Declare a rule (once, at import time, beside its code) and return its id."""
    if not 0.0 < confidence <= 1.0:
        raise ValueError(f"rule {rule_id}: confidence {confidence} outside (0, 1]")
    if rule_id.split(".", 1)[0] not in KINDS:
        raise ValueError(f"rule {rule_id}: must start with one of {KINDS}")
    existing = RULES.get(rule_id)
    if existing is not None and (existing.confidence, existing.description) != (confidence, description):
        raise ValueError(f"rule {rule_id} declared twice with different content")
    RULES[rule_id] = Rule(rule_id, confidence, description)
    return rule_id


@dataclass(frozen=True)
class Doubt:
    """A reason found on one item to trust its rule less."""

    reason: str  # Chinese, shown to the person checking
    penalty: float  # subtracted from the rule's confidence

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Judgement:
    """The parser's confidence in one item of the parsed plan.

    `item` addresses the item in the plan's JSON: "task:<id>", "assignment:<task id>:<unit>",
    "target:<task id>:<index>", "plan_target:<index>", "metadata:<field>".
    """

    item: str
    kind: str
    label: str  # what a person reads in the preview: the task's title, "3.1 市科协（牵头）" …
    rule: str
    confidence: float = 0.0
    doubts: list[Doubt] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "kind": self.kind,
            "label": self.label,
            "rule": self.rule,
            "confidence": self.confidence,
            "doubts": [d.to_dict() for d in self.doubts],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Judgement:
        return cls(
            item=data["item"],
            kind=data["kind"],
            label=data.get("label", ""),
            rule=data["rule"],
            confidence=float(data.get("confidence", 0.0)),
            doubts=[Doubt(**d) for d in data.get("doubts", [])],
        )


def judge(item: str, kind: str, label: str, rule_id: str, doubts: list[Doubt] | None = None) -> Judgement:
    """The judgement of one item: its rule's confidence lowered by the doubts, kept within [0.05, 1]."""
    known = RULES.get(rule_id)
    if known is None:
        raise KeyError(f"undeclared parser rule {rule_id}")
    doubts = list(doubts or [])
    value = known.confidence - sum(d.penalty for d in doubts)
    return Judgement(item, kind, label, rule_id, round(min(1.0, max(0.05, value)), 2), doubts)


def doubtful_first(judgements: list[Judgement]) -> list[Judgement]:
    """Least sure first; ties in document order (the sort is stable)."""
    return sorted(judgements, key=lambda j: j.confidence)


def explain(judgements: list[Judgement]) -> list[str]:
    """Plain lines for a person: per item, doubtful first, its confidence, rule, the rule's
    description and the doubts with their penalties (`kesu parse --explain`)."""
    lines = []
    for judgement in doubtful_first(judgements):
        known = RULES.get(judgement.rule)
        mark = "待核对" if judgement.confidence < DOUBTFUL_BELOW else "      "
        lines.append(f"{judgement.confidence:.2f} {mark} [{judgement.kind}] {judgement.label}")
        lines.append(f"     规则 {judgement.rule}：{known.description if known else '（未声明）'}")
        lines.extend(f"     存疑：{d.reason}（−{d.penalty:.2f}）" for d in judgement.doubts)
    return lines
