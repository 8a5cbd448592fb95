"""Run kesu's benchmarks (`make bench`) and optionally write the figures into docs/benchmarks.md.

    .venv/bin/python bench/run.py                 # every bench/bench_*.py, results printed
    .venv/bin/python bench/run.py parse --write   # only bench_parse.py, and update its doc section
    KESU_BENCH_SCALE=0.1 .venv/bin/python bench/run.py resources   # 科普资源 registries, a tenth of national scale

Adding a benchmark: create bench/bench_<name>.py with

    SECTION = "Heading of its section in docs/benchmarks.md"
    def main() -> str: ...   # runs the measurements, returns the section body as Markdown

Quality benchmarks that are not timings live in bench/eval_*.py and are registered in EVALUATIONS
below (same SECTION/main interface); `bench/run.py eval_parse` runs one of them by name.

Each module runs in its own Python process, so imports and caches warmed by one benchmark do not
flatter the next, and a crash in one does not stop the others. A module may print progress to
stderr; its stdout belongs to this runner.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DOC = REPO / "docs" / "benchmarks.md"
RESULT_MARKER = "@@kesu-bench-result@@"
# Not bench_*.py because they measure quality, not speed; listed here so `make bench` runs them too.
EVALUATIONS = ("eval_parse.py", "calibrate_parse.py", "eval_align.py")
DOC_HEADER = (
    "# Benchmarks\n\n"
    "Figures written by `.venv/bin/python bench/run.py --write` (`make bench` prints them). Each section\n"
    "belongs to one bench/bench_*.py module and is replaced as a whole when that module is re-run.\n"
)


def discover(names: list[str]) -> list[Path]:
    modules = sorted(BENCH_DIR.glob("bench_*.py")) + [BENCH_DIR / name for name in EVALUATIONS]
    if not names:
        return modules
    wanted = {name.removeprefix("bench_").removesuffix(".py") for name in names}
    chosen = [path for path in modules if path.stem.removeprefix("bench_") in wanted]
    unknown = wanted - {path.stem.removeprefix("bench_") for path in chosen}
    if unknown:
        available = ", ".join(path.stem.removeprefix("bench_") for path in modules) or "none"
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; available: {available}")
    return chosen


def run_child(path: Path) -> None:
    """Inside the child process: import one module, run it, hand its result to the parent."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH_DIR))
    spec.loader.exec_module(module)
    section = getattr(module, "SECTION", path.stem)
    markdown = module.main()
    print(RESULT_MARKER + json.dumps({"section": section, "markdown": markdown}, ensure_ascii=False))


def run_module(path: Path) -> tuple[str, str] | None:
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(path)],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
        cwd=REPO,
    )
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            result = json.loads(line[len(RESULT_MARKER) :])
            return result["section"], result["markdown"].strip() + "\n"
    print(f"bench: {path.name} failed (exit code {completed.returncode})", file=sys.stderr)
    return None


def replace_section(document: str, section: str, body: str) -> str:
    """Replace the body under `## section` (up to the next `## ` heading), or append the section."""
    heading = f"## {section}"
    pattern = re.compile(rf"^{re.escape(heading)}[ \t]*\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    replacement = f"{heading}\n\n{body.strip()}\n\n"
    if pattern.search(document):
        return pattern.sub(lambda _match: replacement, document, count=1).rstrip() + "\n"
    return document.rstrip() + "\n\n" + replacement.rstrip() + "\n"


def write_doc(results: list[tuple[str, str]]) -> None:
    document = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_HEADER
    for section, body in results:
        document = replace_section(document, section, body)
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(document, encoding="utf-8")
    print(f"bench: updated {DOC.relative_to(REPO)} ({', '.join(section for section, _ in results)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (e.g. parse); default: all")
    parser.add_argument("--write", action="store_true", help="write the figures into docs/benchmarks.md")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        run_child(args.child)
        return 0
    modules = discover(args.names)
    if args.list:
        print("\n".join(path.stem.removeprefix("bench_") for path in modules))
        return 0
    if not modules:
        print("bench: no bench/bench_*.py modules found", file=sys.stderr)
        return 1

    results: list[tuple[str, str]] = []
    failed = 0
    for path in modules:
        print(f"bench: running {path.name} …", file=sys.stderr, flush=True)
        result = run_module(path)
        if result is None:
            failed += 1
            continue
        section, body = result
        print(f"\n## {section}\n\n{body}")
        results.append(result)
    if args.write and results:
        write_doc(results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
