"""Plan parsing quality on the layout corpus (issue 15), and the warm parse time of the five seeds.

    .venv/bin/python bench/eval_parse.py             # the table and overall figures
    .venv/bin/python bench/run.py eval_parse --write # the same, written into docs/benchmarks.md
    .venv/bin/python bench/eval_parse.py --set-floors  # raise tests/plans/corpus/floors.json to today's figures
    .venv/bin/python bench/eval_parse.py --corpus DIR  # the same scores on another directory of gold files

The scores come from tests/plans/corpus_scoring.py (see its docstring for what each measure counts),
so the bench and the ratchet test in tests/plans/test_corpus.py can never disagree. Goals of issue 15
(on unseen real documents): no plan refused, units F1 ≥ 0.97, task recall ≥ 0.97, assignment F1 ≥ 0.95,
target F1 ≥ 0.93, metadata exact ≥ 0.95; five seeds under 0.2 s warm.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import statistics
import sys
from pathlib import Path

SECTION = "规划解析 corpus (issue 15)"

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
GOALS = {
    "units_f1": 0.97,
    "task_recall": 0.97,
    "assignment_f1": 0.95,
    "target_f1": 0.93,
    "metadata_exact": 0.95,
}
LABELS = {
    "units_f1": "units F1",
    "task_recall": "task recall",
    "assignment_f1": "assignment F1",
    "target_f1": "target F1",
    "metadata_exact": "metadata exact",
}

# The parser before issue 15 (commit f012f62, src exported with `git archive`), scored on the same
# corpus with `PYTHONPATH=<that src> .venv/bin/python bench/eval_parse.py`; fixed text, not re-measured.
BASELINE = (
    "Baseline, the parser before issue 15 (commit f012f62) on the same corpus, measured 2026-12-05: "
    "units F1 0.70, task recall 0.56, assignment F1 0.54, target F1 0.71, metadata exact 0.63; "
    "10 of 45 plans refused (all three .xlsx files as an unsupported type), no non-plan accepted."
)


def _scoring():
    # The scorer lives with the tests it serves; the bench imports it from there.
    sys.path.insert(0, str(REPO / "tests" / "plans"))
    sys.path.insert(0, str(BENCH_DIR))
    import corpus_scoring

    return corpus_scoring


def _seed_time() -> tuple[int, float, float]:
    import bench_parse
    from kesu.plans.parser import parse_text
    from kesu.plans.readers import read_plan_text

    seeds = sorted(bench_parse.SEEDS.glob("*.txt"))
    texts = [(path.name, read_plan_text(path)) for path in seeds]

    def parse_all() -> None:
        for name, text in texts:
            parse_text(text, name=name)

    parse_all()  # warm-up, as in bench_parse
    durations = bench_parse._timed(parse_all, bench_parse.WARM_RUNS)
    return len(seeds), min(durations), statistics.median(durations)


def _cell(value: float) -> str:
    return f"{value:.2f}"


def main(corpus: Path | None = None) -> str:
    scoring = _scoring()
    documents, overall = scoring.score_corpus(corpus) if corpus else scoring.score_corpus()
    seeds, best, median = _seed_time()

    load = f", 1-minute load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    lines = [
        f"Measured {dt.date.today().isoformat()}{load} with `.venv/bin/python bench/run.py eval_parse` "
        f"(`bench/eval_parse.py`, scorer `tests/plans/corpus_scoring.py`), {overall['documents']} documents "
        f"in `{corpus or 'tests/plans/corpus/'}`.",
        "",
        "| measure | overall | goal (unseen real documents) |",
        "|---|---:|---:|",
    ]
    lines += [f"| {LABELS[m]} | {_cell(overall[m])} | ≥ {GOALS[m]:.2f} |" for m in scoring.MEASURES]
    lines += [
        f"| acceptance correct | {_cell(overall['acceptance_correct'])} | 1.00 |",
        f"| plans refused | {overall['refused_plans']} | 0 |",
        f"| non-plans accepted | {overall['accepted_non_plans']} | 0 |",
        f"| parse_text, {seeds} seeds warm ({median * 1000:.0f} ms median, {best * 1000:.0f} ms best) "
        f"| {median:.3f} s | < 0.2 s |",
        "",
        BASELINE,
        "",
        "Per document (refused plans score 0; `—` for a non-plan, scored on acceptance only):",
        "",
        "| document | accept | parsed | units | tasks | assign | targets | metadata | metadata missed / error |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for doc in documents:
        cells = [_cell(doc.scores[m]) if doc.scores else "—" for m in scoring.MEASURES]
        note = doc.error if doc.error else ", ".join(doc.metadata_misses)
        note = note.replace("|", "/")[:90]
        parsed = "yes" if doc.accepted else "**refused**" if doc.accept else "refused"
        if not doc.accept and doc.accepted:
            parsed = "**accepted**"
        lines.append(
            f"| {doc.name} | {'plan' if doc.accept else 'not a plan'} | {parsed} | "
            + " | ".join(cells)
            + f" | {note} |"
        )
    return "\n".join(lines) + "\n"


def set_floors() -> dict[str, float]:
    """Write the measured overall figures, rounded down to 2 decimals, as the ratchet's floors."""
    scoring = _scoring()
    _, overall = scoring.score_corpus()
    floors: dict[str, object] = {m: math.floor(overall[m] * 100) / 100 for m in scoring.MEASURES}
    floors["max_refused_plans"] = overall["refused_plans"]
    floors["max_accepted_non_plans"] = overall["accepted_non_plans"]
    floors["_note"] = (
        "Ratchet of tests/plans/test_corpus.py, written by bench/eval_parse.py --set-floors: "
        "measured overall figures rounded down. Raise them as the parser improves; lower one only with a reason."
    )
    path = scoring.CORPUS / "floors.json"
    path.write_text(json.dumps(floors, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return overall


if __name__ == "__main__":
    if "--set-floors" in sys.argv[1:]:
        print(json.dumps(set_floors(), ensure_ascii=False, indent=2))
    elif "--corpus" in sys.argv[1:]:
        # Score another directory of documents with gold files (e.g. real pages kept outside the repo).
        print(main(Path(sys.argv[sys.argv.index("--corpus") + 1])))
    else:
        print(main())
