"""Calibration of the parser's confidence rules (kesu.plans.confidence) on the layout corpus and
the parser's style and unseen-layout fixtures (tests/plans/fixtures/styles, unseen: documents with
hand-written expectations).

    .venv/bin/python bench/calibrate_parse.py               # the per-rule table
    .venv/bin/python bench/run.py calibrate_parse --write   # the same, written into docs/benchmarks.md
    .venv/bin/python bench/calibrate_parse.py --apply [FILE…]  # set the declared base confidences
                                                   # (in FILE…, default every src/kesu/plans module)

For each rule: how many items of the corpus it produced (n), how many of them are right against the
gold files (tests/plans/confidence_scoring.py says what "right" means per kind of item), and the base
confidence that follows: (right + 1) / (n + 2), rounded to 2 decimals and capped at 0.98. The +1/+2
(Laplace) keeps a rule seen on few items from claiming certainty: 3 of 3 right gives 0.80, 20 of 20
gives 0.95, and a rule never seen gives 0.50, i.e. doubtful until measured. The declared base
confidences (`rule(...)` beside each rule's code) are set from this column; the table shows both so
that a drift is visible. Doubts are listed the same way (n and precision of the items carrying them).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import defaultdict
from pathlib import Path

SECTION = "解析置信度校准"

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
CAP = 0.98


def base_confidence(right: int, n: int) -> float:
    return round(min(CAP, (right + 1) / (n + 2)), 2)


def doubt_penalty(found: list, rules: dict) -> float:
    mean_base = sum(rules[i.rule].confidence for i in found) / len(found)
    return round(max(0.05, mean_base - base_confidence(sum(i.correct for i in found), len(found))), 2)


def measure() -> tuple[list, dict[str, list]]:
    sys.path.insert(0, str(REPO))
    from tests.plans.confidence_scoring import corpus_items

    items = corpus_items()
    by_rule: dict[str, list] = defaultdict(list)
    for item in items:
        by_rule[item.rule].append(item)
    return items, by_rule


def main() -> str:
    from kesu.plans.confidence import DOUBTFUL_BELOW, RULES

    items, by_rule = measure()
    lines = [
        f"Measured {dt.date.today().isoformat()} with `.venv/bin/python bench/run.py calibrate_parse` "
        f"(`bench/calibrate_parse.py`, items judged right or wrong by `tests/plans/confidence_scoring.py`), "
        f"{len(items)} judged items of the plans in `tests/plans/corpus/` and `tests/plans/fixtures/{{styles,unseen}}/`.",
        "",
        "基准置信度 = (正确数 + 1) / (条目数 + 2)，保留两位、上限 0.98；条目少的规则因此不会自称确定，"
        "语料中未出现的规则为 0.50（待核对）。规则声明处的值（`rule(...)`）按此列设定。",
        "",
        "| rule | 说明 | n | right | precision | base (measured) | declared |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for rule_id in sorted(RULES):
        rule = RULES[rule_id]
        found = by_rule.get(rule_id, [])
        right = sum(item.correct for item in found)
        precision = f"{right / len(found):.2f}" if found else "—"
        lines.append(
            f"| `{rule_id}` | {rule.description.replace('|', '/')} | {len(found)} | {right} | {precision} "
            f"| {base_confidence(right, len(found)):.2f} | {rule.confidence:.2f} |"
        )
    by_doubt: dict[str, tuple[list, float]] = {}
    for item in items:
        for reason, penalty in zip(item.doubts, item.penalties, strict=True):
            # a reason that quotes the item (两个候选日期不一致：落款…) is counted under its kind
            by_doubt.setdefault(reason.split("：")[0], ([], penalty))[0].append(item)
    lines += [
        "",
        "Doubts found on the items. Each lowers its item's confidence by its penalty; the measured",
        "penalty is the mean base confidence of the items carrying the doubt minus the (Laplace)",
        "precision of those items, at least 0.05 (a doubt about what the gold files do not check —",
        "the comparator, the deadline year — cannot be measured here and keeps that minimum).",
        "",
        "| doubt | n | right | precision | penalty (measured) | declared |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for reason, (found, declared) in sorted(by_doubt.items(), key=lambda pair: -len(pair[1][0])):
        right = sum(i.correct for i in found)
        lines.append(
            f"| {reason} | {len(found)} | {right} | {right / len(found):.2f} "
            f"| {doubt_penalty(found, RULES):.2f} | {declared:.2f} |"
        )
    sure = [item for item in items if item.confidence >= DOUBTFUL_BELOW]
    doubtful = [item for item in items if item.confidence < DOUBTFUL_BELOW]
    errors = sum(not item.correct for item in items)
    lines += [
        "",
        f"At the threshold {DOUBTFUL_BELOW} (DOUBTFUL_BELOW): {len(sure)} items at or above it, precision "
        f"{_precision(sure)}; {len(doubtful)} below it (待核对), precision {_precision(doubtful)}. "
        f"The doubtful items are {len(doubtful) / len(items):.0%} of the items and hold "
        f"{sum(not i.correct for i in doubtful) / errors if errors else 0:.0%} of the {errors} errors.",
    ]
    return "\n".join(lines) + "\n"


def _precision(items: list) -> str:
    return f"{sum(i.correct for i in items) / len(items):.3f}" if items else "—"


def proposed() -> dict[str, float]:
    """The measured base confidence of every rule seen on the corpus."""
    _, by_rule = measure()
    return {
        rule_id: base_confidence(sum(i.correct for i in found), len(found))
        for rule_id, found in by_rule.items()
    }


def apply(files: list[Path]) -> list[str]:
    """Write the measured base confidence into each `rule("id", value, …)` declaration of `files`."""
    from kesu.plans.confidence import RULES

    measured = proposed()
    changed = []
    declaration = re.compile(r'((?:declare_rule|rule)\(\s*)"([a-z_]+(?:\.[a-z_]+)+)",(\s*)([0-9.]+)')
    for path in files:
        text = path.read_text(encoding="utf-8")

        def update(match: re.Match[str]) -> str:
            rule_id = match.group(2)
            if rule_id not in RULES:
                return match.group(0)
            value = measured.get(rule_id, base_confidence(0, 0))
            if float(match.group(4)) != value:
                changed.append(f"{rule_id}: {match.group(4)} → {value}")
            return f'{match.group(1)}"{rule_id}",{match.group(3)}{value}'

        new = declaration.sub(update, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
    return changed


if __name__ == "__main__":
    if "--apply" in sys.argv[1:]:
        named = [Path(a) for a in sys.argv[sys.argv.index("--apply") + 1 :]]
        files = named or sorted((REPO / "src" / "kesu" / "plans").rglob("*.py"))
        print("\n".join(apply(files)) or "declared base confidences already as measured")
    else:
        print(main())
