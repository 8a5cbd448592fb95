"""`kesu report annual|final`: the annual evaluation report of a region (年度评估报告) and the final
evaluation of a plan period (总结评估报告) as docx, pdf or xlsx.

A mistake on the command line (unknown region code, a year no plan covers, an unknown format, no
database) ends the command with exit code 2 and one line on stderr; success writes the file, names
it on stderr and exits 0.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from kesu.cli import app
from kesu.cli.common import (
    DataDir,
    bilingual,
    fail,
    format_option,
    open_database,
    output_option,
    report_written,
)

report_app = typer.Typer(
    name="report",
    help="评估报告 / evaluation reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(report_app, name="report")

RegionCode = Annotated[str, typer.Option("--region", help="行政区划代码 / region code, e.g. 371083")]
Format = Annotated[str, format_option("docx、pdf 或 xlsx")]
Output = Annotated[Path | None, output_option("输出文件（默认：报告标题.格式） / output file")]


@report_app.command("annual")
def annual_command(
    region: RegionCode,
    year: Annotated[int, typer.Option("--year", help="报告年度 / report year")],
    fmt: Format = "docx",
    output: Output = None,
    data_dir: DataDir = None,
) -> None:
    """年度全民科学素质行动实施情况评估报告 / the annual evaluation report of a region."""
    open_database(data_dir)
    from kesu.evaluation.figures import region_by_code
    from kesu.evaluation.services import generate_annual_report

    fmt = _checked_format(fmt)
    _generate(lambda progress: generate_annual_report(region_by_code(region), year, fmt, progress=progress), output)


@report_app.command("final")
def final_command(
    region: RegionCode,
    plan: Annotated[
        int | None, typer.Option("--plan", help="方案编号（默认：最近一期已进入最后一年的方案） / plan id")
    ] = None,
    fmt: Format = "docx",
    output: Output = None,
    data_dir: DataDir = None,
) -> None:
    """实施方案总结评估报告 / the final evaluation of a plan over its whole period."""
    open_database(data_dir)
    from kesu.evaluation.figures import region_by_code
    from kesu.evaluation.final_services import generate_final_report, plan_of_region

    fmt = _checked_format(fmt)
    _generate(
        lambda progress: generate_final_report(plan_of_region(region_by_code(region), plan), fmt, progress=progress),
        output,
    )


def _checked_format(fmt: str) -> str:
    from kesu.evaluation.services import FORMATS

    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        fail(bilingual(f"不支持的格式“{fmt}”，可选：{'、'.join(FORMATS)}",
                       f"unsupported format {fmt!r}; choose {', '.join(FORMATS)}"))
    return fmt


def _generate(build: Callable[[Callable[[str], None]], Any], output: Path | None) -> None:
    """Build the report behind a spinner, then write it; EvaluationError is the user's mistake."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from kesu.evaluation.figures import EvaluationError

    console = Console(stderr=True)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("准备", total=None)
            report = build(lambda message: progress.update(task, description=message))
    except EvaluationError as exc:
        fail(str(exc))
    path = output or Path(report.filename)
    if path.parent and not path.parent.exists():
        fail(bilingual(f"输出目录不存在：{path.parent}", f"no such directory: {path.parent}"))
    path.write_bytes(report.content)
    report_written(path)
