"""`kesu report annual`: the annual evaluation report of a region (年度评估报告) as docx, pdf or xlsx.

A mistake on the command line (unknown region code, a year no plan covers, an unknown format) ends
the command with exit code 2 and one line on stderr; success writes the file and exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kesu.cli import app

report_app = typer.Typer(
    name="report",
    help="评估报告 / evaluation reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(report_app, name="report")

USER_ERROR_EXIT = 2


def _fail(message: str) -> None:
    print(f"kesu report: {message}", file=sys.stderr)
    raise typer.Exit(USER_ERROR_EXIT)


@report_app.command("annual")
def annual_command(
    region: Annotated[str, typer.Option("--region", help="行政区划代码 / region code, e.g. 371083")],
    year: Annotated[int, typer.Option("--year", help="报告年度 / report year")],
    fmt: Annotated[str, typer.Option("--format", help="docx、pdf 或 xlsx")] = "docx",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="输出文件（默认：报告标题.格式） / output file")
    ] = None,
) -> None:
    """年度全民科学素质行动实施情况评估报告 / the annual evaluation report of a region."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from kesu.cli.web import setup_django

    fmt = fmt.strip().lower()
    setup_django()
    from kesu.evaluation.figures import EvaluationError, region_by_code
    from kesu.evaluation.services import FORMATS, generate_annual_report

    if fmt not in FORMATS:
        _fail(f"不支持的格式“{fmt}”，可选：{'、'.join(FORMATS)}")
    console = Console(stderr=True)
    try:
        target_region = region_by_code(region)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("准备", total=None)
            report = generate_annual_report(
                target_region, year, fmt, progress=lambda message: progress.update(task, description=message)
            )
    except EvaluationError as exc:
        _fail(str(exc))
    path = output or Path(report.filename)
    if path.parent and not path.parent.exists():
        _fail(f"输出目录不存在：{path.parent}")
    path.write_bytes(report.content)
    console.print(f"已生成 {path}（{len(report.content) / 1024:.0f} KB）")
