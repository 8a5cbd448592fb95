"""`kesu survey rake`: iterative proportional fitting (raking) of survey weights to known population
margins read from a file (column, level, total), with a table of the margins achieved."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kesu.cli.common import format_option, report_written
from kesu.cli.survey import _checked, _reported_errors, _table_format, _UserError, plain, survey_app

if TYPE_CHECKING:
    import numpy as np

    from kesu.survey.columns import ColumnProblem
    from kesu.survey.io import Table

MARGIN_COLUMN_NAMES = {
    "column": ("column", "variable", "变量"),
    "level": ("level", "category", "类别", "水平"),
    "total": ("total", "population_total", "population total", "population", "总体总数", "总数"),
}


@survey_app.command("rake")
def rake_command(
    data: Path = typer.Argument(..., help="调查数据 CSV/XLSX / survey microdata"),
    weight: str = typer.Option(..., "--weight", help="初始权数列 / starting weight column"),
    margins_path: Path = typer.Option(
        ..., "--margins", help="总体边际 CSV/XLSX：column, level, total / population margins"
    ),
    output: Path = typer.Option(..., "--output", "-o", help="输出 .csv 或 .xlsx / output file"),
    output_format: Annotated[str | None, format_option("csv | xlsx（默认按 -o 的扩展名）")] = None,
    max_iter: int = typer.Option(100, "--max-iter", help="最大迭代次数 / most raking sweeps"),
    tol: float = typer.Option(1e-10, "--tol", help="相对误差容限 / relative tolerance on every margin"),
    bounds: str | None = typer.Option(
        None, "--bounds", help="权数调整倍数范围 LO,HI（最终/初始）/ limits of final ÷ starting weight"
    ),
    out_weight: str | None = typer.Option(None, "--out-weight", help="新权数列名 / new weight column (default W_raked)"),
) -> None:
    """迭代比例加权（raking）到已知总体边际 / Rake weights to known population margins."""
    with _reported_errors():
        import numpy as np

        from kesu.survey import SurveyDesign
        from kesu.survey.columns import ColumnRoles, prepare_columns
        from kesu.survey.io import read_table, write_table

        file_format = _table_format(output_format, output)
        bound_pair = _bounds(bounds)
        if max_iter < 1:
            raise _UserError(f"--max-iter 至少为 1，而不是 {max_iter}", f"--max-iter must be at least 1, not {max_iter}")
        if not tol > 0:
            raise _UserError(f"--tol 须为正数，而不是 {tol}", f"--tol must be positive, not {tol}")
        new_weight = out_weight or f"{weight}_raked"

        table = read_table(data)
        if new_weight in table:
            raise _UserError(
                f"{table.source} 中已有列“{new_weight}”：请用 --out-weight 另取一个列名",
                f"{table.source} already has a column {new_weight!r}; choose another with --out-weight",
            )
        prepared = prepare_columns(table, ColumnRoles(weight=weight))
        _checked(table, prepared.problems)
        columns = prepared.columns
        margins = _read_margins(margins_path, table)
        for name in margins:
            columns[name] = _margin_column(table, name)

        design = SurveyDesign.from_columns(columns, weight=weight)
        raked = design.rake(margins=margins, max_iter=max_iter, tol=tol, bounds=bound_pair)
        new_weights = np.asarray(raked.weights, dtype=float)
        write_table(output, {**table, new_weight: new_weights}, file_format=file_format)
        _print_margins(columns, margins, new_weights, columns[weight])
        report_written(output, f"新权数列 {new_weight}")


def _bounds(option: str | None) -> tuple[float, float] | None:
    if option is None:
        return None
    parts = option.replace("，", ",").split(",")
    try:
        low, high = (float(part) for part in parts)
    except ValueError:
        raise _UserError(f"--bounds 需要两个数 LO,HI，而不是“{option}”",
                         f"--bounds needs LO,HI (two numbers), not {option!r}") from None
    if not 0 <= low < 1 < high:
        raise _UserError(
            f"--bounds 须满足 0 ≤ LO < 1 < HI（最终权数 ÷ 初始权数的范围），而不是“{option}”",
            f"--bounds needs 0 ≤ LO < 1 < HI (limits of final ÷ starting weight), not {option!r}",
        )
    return low, high


def _margin_column(table: Table, name: str) -> np.ndarray:
    """Raking needs every respondent in a level of every margin, so a blank is an error here."""
    from kesu.survey.columns import id_column

    problems: list[ColumnProblem] = []
    values = id_column(table, name, problems, role="margin")
    _checked(table, problems)
    return values


def _margin_key(value: Any) -> str:
    from kesu.survey.io import display_value

    return str(display_value(value)).strip()


def _read_margins(path: Path, data: Table) -> dict[str, dict[Any, float]]:
    """Population totals keyed by the data's own level values, checked against the data."""
    import numpy as np

    from kesu.survey.design import python_value
    from kesu.survey.io import missing_column_texts, read_table, require_numeric

    margins_table = read_table(path)
    source = margins_table.source
    roles = {}
    for role, spellings in MARGIN_COLUMN_NAMES.items():
        found = next((name for name in margins_table if name.strip().lower() in spellings), None)
        if found is None:
            zh, en = missing_column_texts(source, role, margins_table.keys(), "margins")
            raise _UserError(
                zh + f"（边际文件须有 {', '.join(MARGIN_COLUMN_NAMES)} 三列）",
                en + f" (a margins file has the columns {', '.join(MARGIN_COLUMN_NAMES)})",
            )
        roles[role] = found
    names = margins_table[roles["column"]]
    levels = margins_table[roles["level"]]
    totals = require_numeric(margins_table, roles["total"], role="total", allow_missing=False)

    margins: dict[str, dict[Any, float]] = {}
    data_levels: dict[str, dict[str, Any]] = {}
    for index, (name, level, total) in enumerate(zip(names, levels, totals, strict=True)):
        row = margins_table.row_numbers[index]
        name = _margin_key(name)
        if name not in data_levels:
            if name not in data:
                zh, en = missing_column_texts(data.source, name, data.keys(), "margin")
                raise _UserError(f"{source} 第 {row} 行：{zh}", f"row {row}: {en}")
            values = _margin_column(data, name)
            data_levels[name] = {_margin_key(value): python_value(value) for value in np.unique(values)}
            margins[name] = {}
        key = _margin_key(level)
        if key not in data_levels[name]:
            shown = ", ".join(sorted(data_levels[name]))
            raise _UserError(
                f"{source} 第 {row} 行：{data.source} 的“{name}”列中没有类别“{key}”（现有类别：{shown}）",
                f"{source}: row {row}: level {key!r} of {name!r} does not occur in {data.source} (its levels: {shown})",
            )
        value = data_levels[name][key]
        if value in margins[name]:
            raise _UserError(f"{source} 第 {row} 行：“{name}” = “{key}” 重复列出",
                             f"{source}: row {row}: {name!r} = {key!r} is listed twice")
        if total <= 0:
            raise _UserError(f"{source} 第 {row} 行：总体总数须为正数，而不是 {plain(total)}",
                             f"{source}: row {row}: population total must be positive, not {plain(total)}")
        margins[name][value] = float(total)

    for name, level_values in data_levels.items():
        uncovered = [key for key, value in level_values.items() if value not in margins[name]]
        if uncovered:
            raise _UserError(
                f"{source} 中没有“{name}” = “{uncovered[0]}”的总体总数，而 {data.source} 中有这一类别",
                f"{source}: no population total for {name!r} = {uncovered[0]!r}, which occurs in {data.source}",
            )
    grand_totals = {name: sum(totals.values()) for name, totals in margins.items()}
    reference_name, reference = next(iter(grand_totals.items()))
    for name, grand_total in grand_totals.items():
        if not math.isclose(grand_total, reference, rel_tol=1e-6):
            raise _UserError(
                f"{source} 中各边际的总体规模不一致：“{reference_name}”合计 {reference:,.0f}，"
                f"“{name}”合计 {grand_total:,.0f}，无法同时满足",
                f"{source}: the margins disagree on the population size: {reference_name!r} adds up "
                f"to {reference:,.0f} but {name!r} to {grand_total:,.0f}, so no weights can meet both",
            )
    return margins


def relative_difference(achieved: float, target: float) -> str:
    """(achieved − target) ÷ target as a percentage a person reads: "0.00%" when equal, "<0.01%" when
    off by less than shows at two decimals, else e.g. "-1.25%"."""
    difference = (achieved - target) / target
    if difference == 0:
        return "0.00%"
    if abs(difference) < 0.00005:
        return "<0.01%"
    return f"{difference:.2%}"


def _print_margins(
    columns: dict[str, Any], margins: dict[str, dict[Any, float]], new_weights: np.ndarray, old_weights: np.ndarray
) -> None:
    import numpy as np
    from rich.console import Console
    from rich.table import Table as RichTable

    report = RichTable(title="校准结果 / achieved margins", title_justify="left")
    for name in ("变量", "类别"):
        report.add_column(name, overflow="fold")
    for name in ("目标总数", "校准前", "校准后", "相对差"):
        report.add_column(name, justify="right", no_wrap=True)
    for name, totals in margins.items():
        values = columns[name]
        for level, target in totals.items():
            rows = values == level
            before = float(old_weights[rows].sum())
            achieved = float(new_weights[rows].sum())
            report.add_row(
                name, str(level), f"{target:,.1f}", f"{before:,.1f}", f"{achieved:,.1f}",
                relative_difference(achieved, target),
            )
    console = Console(stderr=True)
    console.print(report)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = new_weights / old_weights
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size:
        console.print(
            f"最终权数 ÷ 初始权数 / final ÷ starting weight: 最小 min {ratio.min():.3f}，最大 max {ratio.max():.3f}"
        )
