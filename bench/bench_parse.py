"""Plan parsing speed: the five seeds in-process, `kesu parse` cold, and the input/output side.

Goals: all five seeds parsed in-process (warm) in under 0.2 s; `kesu parse` of one file as a fresh
process in under 1 s. The cold figure is also given as a multiple of `python -c pass` measured in the
same run, which stays comparable on a busy or slower machine.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SECTION = "Plan parsing"

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("KESU_SEEDS", REPO.parent / "shared" / "seeds"))
FIXTURES = REPO / "tests" / "plans" / "fixtures" / "io"
KESU = REPO / ".venv" / "bin" / "kesu"

WARM_RUNS = 20
COLD_RUNS = 7
IO_RUNS = 5


def _timed(function: Callable[[], object], runs: int) -> list[float]:
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return durations


def _process_times(command: list[str], runs: int) -> list[float]:
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
        durations.append(time.perf_counter() - start)
    return durations


def _progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _row(label: str, durations: list[float], goal: str = "") -> str:
    best, median = min(durations), statistics.median(durations)
    return f"| {label} | {_seconds(best)} | {_seconds(median)} | {goal} |"


def main() -> str:
    from kesu.plans.export import plan_to_json, plan_to_markdown, write_xlsx
    from kesu.plans.parser import parse_file, parse_text
    from kesu.plans.readers import read_plan_text

    seeds = sorted(SEEDS.glob("*.txt"))
    if not seeds:
        raise SystemExit(f"no seed plans in {SEEDS}")
    texts = [(path.name, read_plan_text(path)) for path in seeds]
    total_chars = sum(len(text) for _, text in texts)

    def parse_all() -> None:
        for name, text in texts:
            parse_text(text, name=name)

    parse_all()  # warm-up: imports, regex compilation, unit tables
    _progress(f"parse_text × {len(seeds)} seeds, {WARM_RUNS} runs")
    warm = _timed(parse_all, WARM_RUNS)
    _progress("parse_file (read + parse)")
    from_files = _timed(lambda: [parse_file(path) for path in seeds], WARM_RUNS)

    plan = parse_file(seeds[0])
    with tempfile.TemporaryDirectory() as scratch:
        workbook = Path(scratch) / "plan.xlsx"
        _progress("writers")
        xlsx = _timed(lambda: write_xlsx(plan, workbook), IO_RUNS)
        json_md = _timed(lambda: (plan_to_json(plan), plan_to_markdown(plan)), IO_RUNS)
        _progress("docx / pdf extraction")
        docx = _timed(lambda: read_plan_text(FIXTURES / "plan.docx"), IO_RUNS)
        pdf = _timed(lambda: read_plan_text(FIXTURES / "plan.pdf"), 3)

        _progress(f"cold processes, {COLD_RUNS} runs each")
        output = Path(scratch) / "cold.json"
        baseline = _process_times([sys.executable, "-c", "pass"], COLD_RUNS)
        cold = _process_times([str(KESU), "parse", str(seeds[0]), "-o", str(output)], COLD_RUNS)
        cold_help = _process_times([str(KESU), "--help"], COLD_RUNS)

    ratio = statistics.median(cold) / statistics.median(baseline)
    ratio_help = statistics.median(cold_help) / statistics.median(baseline)
    warm_ok = "met" if statistics.median(warm) < 0.2 else "**missed**"
    cold_ok = "met" if statistics.median(cold) < 1.0 else "**missed**"
    pdf_pages = _pdf_pages(FIXTURES / "plan.pdf")

    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if hasattr(os, "getloadavg"):
        # Other work on a shared machine inflates every figure; the load says how much to trust them.
        machine += f", 1-minute load average {os.getloadavg()[0]:.1f} at the end of the run"
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine} (`bench/bench_parse.py`).",
        f"Seeds: {len(seeds)} plans, {total_chars:,} characters. Best and median of the runs shown.",
        "",
        "| measurement | best | median | goal |",
        "|---|---:|---:|---|",
        _row(
            f"parse_text, all {len(seeds)} seeds in-process (warm, {WARM_RUNS} runs)",
            warm,
            f"< 0.2 s ({warm_ok})",
        ),
        _row(f"parse_file (read + parse), all {len(seeds)} seeds ({WARM_RUNS} runs)", from_files),
        _row(f"`kesu parse` one seed → JSON, fresh process ({COLD_RUNS} runs)", cold, f"< 1 s ({cold_ok})"),
        _row(f"`kesu --help`, fresh process ({COLD_RUNS} runs)", cold_help),
        _row(f"`python -c pass`, same interpreter ({COLD_RUNS} runs)", baseline),
        _row(f"write 任务分解表 xlsx, one plan ({IO_RUNS} runs)", xlsx),
        _row(f"JSON + Markdown, one plan ({IO_RUNS} runs)", json_md),
        _row(f"extract plan.docx fixture ({IO_RUNS} runs)", docx),
        _row(f"extract plan.pdf fixture, {pdf_pages} pages (3 runs)", pdf),
        "",
        f"Cold `kesu parse` takes **{ratio:.1f}×** the start-up of a bare `python -c pass` measured in the "
        f"same run (`kesu --help`: {ratio_help:.1f}×); the ratio is the figure to compare across machines.",
        "Most of the fixed cost is importing typer, which imports pydantic to coerce parameters; the "
        "parser, python-docx, pdfplumber and openpyxl are imported only when a file needs them.",
    ]
    return "\n".join(lines) + "\n"


def _pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return len(pdf.pages)


if __name__ == "__main__":
    print(main())
