"""`kesu parse`: read implementation plans and write JSON, the 任务分解表 workbook or a Markdown summary.

Only typer is imported at start-up; the parser, python-docx, pdfplumber, openpyxl and rich load
when a file needs them, so the command starts fast.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kesu.cli import app
from kesu.cli.common import report_written

if TYPE_CHECKING:
    from kesu.plans.model import ParsedPlan

EXIT_FAILED = 2


class OutputFormat(StrEnum):
    json = "json"
    xlsx = "xlsx"
    md = "md"


@app.command("parse")
def parse_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="方案文件或任务分解表 / plan files: .txt .md .docx .pdf .xlsx",
            show_default=False,
            metavar="FILE...",
        ),
    ],
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="输出格式 / output format (default: from the -o suffix, else json)",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="输出文件；多个输入时为输出目录 / output file; a directory when several files are given",
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="逐项列出置信度、所用规则及存疑之处，待核对项在前；有 -o 时结果写入文件、说明打印到标准输出 / "
            "print each item's confidence, rule and doubts, doubtful first",
        ),
    ] = False,
) -> None:
    """解析实施方案 / Parse implementation plans into tasks, units and targets.

    One file: writes to -o, or to standard output for json and md.
    Several files, or -o naming a directory: the directory receives one <name>.<format> per input.
    --explain: the explanation goes to standard output, one block per file (then without -o
    nothing else is written).
    Exit code 2 when any file could not be parsed; the others are still written.
    """
    files = list(dict.fromkeys(files))  # the same file named twice is parsed once
    if explain and output is None:
        failures = [path for path in files if not _explain_only(path)]
        raise typer.Exit(EXIT_FAILED if failures else 0)
    to_directory = output is not None and (output.is_dir() or str(output).endswith(("/", "\\")))
    chosen = _choose_format(output_format, None if to_directory else output, single=len(files) == 1)
    if len(files) == 1 and not to_directory:
        if chosen == "xlsx" and output is None:
            raise typer.BadParameter(
                "xlsx 需要用 -o 指定输出文件 / xlsx output needs -o FILE", param_hint="'-o'"
            )
        ok = _parse_one(files[0], chosen, output, explain)
        raise typer.Exit(0 if ok else EXIT_FAILED)

    if output is None:
        raise typer.BadParameter(
            "多个输入文件需要用 -o 指定输出目录 / several input files need -o DIRECTORY", param_hint="'-o'"
        )
    if output.exists() and not output.is_dir():
        raise typer.BadParameter(
            f"{output} 已存在且不是目录 / {output} exists and is not a directory", param_hint="'-o'"
        )
    failures = _parse_many(files, chosen, output, explain)
    raise typer.Exit(EXIT_FAILED if failures else 0)


def _choose_format(requested: OutputFormat | None, output: Path | None, single: bool) -> str:
    if requested is not None:
        return requested.value
    if single and output is not None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in OutputFormat.__members__:
            return suffix
    return OutputFormat.json.value


def report_failure(path: Path | str, problem: str) -> None:
    """One line on stderr naming the file and the problem (never a traceback)."""
    message = f"kesu: {path}: {problem}".replace("\n", " ")
    typer.echo(message, err=True)


def load_plan(path: Path) -> tuple[ParsedPlan | None, str | None]:
    """Parse one file; on failure return the problem as one line instead of raising."""
    from kesu.plans.errors import PlanParseError
    from kesu.plans.parser import parse_file

    try:
        return parse_file(path), None
    except PlanParseError as exc:
        return None, exc.problem
    except Exception as exc:  # a parser bug must not hide the other files behind a traceback
        return (
            None,
            f"解析失败（程序错误） / parsing failed with an internal error: {type(exc).__name__}: {exc}",
        )


def _render(plan: ParsedPlan, output_format: str) -> str:
    from kesu.plans.export import plan_to_json, plan_to_markdown

    return plan_to_json(plan) if output_format == "json" else plan_to_markdown(plan)


def _write(plan: ParsedPlan, output_format: str, target: Path) -> str | None:
    from kesu.plans.export import write_plan

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_plan(plan, output_format, target)
    except OSError as exc:
        return f"无法写入 {target} / cannot write {target}: {exc.strerror or exc}"
    return None


def explanation(path: Path, plan: ParsedPlan) -> str:
    """One block per file: a heading line with the counts, then `confidence.explain`'s lines."""
    from kesu.plans.confidence import DOUBTFUL_BELOW, explain

    doubtful = sum(1 for j in plan.judgements if j.confidence < DOUBTFUL_BELOW)
    heading = (
        f"== {path.name}：{len(plan.judgements)} 项判断，{doubtful} 项待核对（置信度 < {DOUBTFUL_BELOW:.2f}）"
        f" / {len(plan.judgements)} items, {doubtful} doubtful =="
    )
    return "\n".join([heading, *explain(plan.judgements)]) + "\n"


def _explain_only(path: Path) -> bool:
    plan, problem = load_plan(path)
    if plan is None:
        report_failure(path, problem or "")
        return False
    _write_stdout(explanation(path, plan))
    return True


def _parse_one(path: Path, output_format: str, output: Path | None, explain: bool = False) -> bool:
    plan, problem = load_plan(path)
    if plan is None:
        report_failure(path, problem or "")
        return False
    if explain and output is not None:
        _write_stdout(explanation(path, plan))
    if output is None:
        _write_stdout(_render(plan, output_format))
        return True
    problem = _write(plan, output_format, output)
    if problem:
        report_failure(path, problem)
        return False
    report_written(output, f"{len(plan.tasks)} 项任务")
    return True


def _write_stdout(text: str) -> None:
    """UTF-8 whatever the locale says, and quietly stop when the reader (`| head`) has gone."""
    try:
        sys.stdout.flush()
        stream = getattr(sys.stdout, "buffer", None)
        if stream is not None:
            stream.write(text.encode("utf-8"))
            stream.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the broken pipe again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def output_names(files: list[Path], suffix: str) -> dict[Path, str]:
    """<stem><suffix> per input; inputs sharing a stem (plan.docx, plan.pdf) keep their extension."""
    stems: dict[str, int] = {}
    for path in files:
        stems[path.stem] = stems.get(path.stem, 0) + 1
    return {path: (path.stem if stems[path.stem] == 1 else path.name) + suffix for path in files}


def _parse_many(files: list[Path], output_format: str, directory: Path, explain: bool = False) -> list[Path]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kesu.plans.export import SUFFIXES

    names = output_names(files, SUFFIXES[output_format])
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    failures: list[Path] = []
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        # Scripts and logs get the error lines only; the bar is for a person at a terminal.
        disable=not console.is_terminal,
    )
    with progress:
        bar = progress.add_task("解析 / parsing", total=len(files))
        for path in files:
            progress.update(bar, description=f"解析 / parsing {path.name}")
            plan, problem = load_plan(path)
            if plan is not None:
                problem = _write(plan, output_format, directory / names[path])
                if explain:
                    _write_stdout(explanation(path, plan))
            if problem:
                failures.append(path)
                console.print(f"kesu: {path}: {problem}", markup=False, highlight=False)
            progress.advance(bar)
    written = len(files) - len(failures)
    console.print(
        f"已写出 {written} 个文件到 {directory}，失败 {len(failures)} 个 / "
        f"wrote {written} file(s) to {directory}, {len(failures)} failed",
        markup=False,
        highlight=False,
    )
    return failures
