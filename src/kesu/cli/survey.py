"""`kesu survey …`: score questionnaires, estimate from survey microdata, rake weights.

Every user mistake (a misspelled column, a bad weight, an unreadable file) ends the command with
exit code 2 and one line on stderr naming the problem; success exits 0.  Results go to stdout
(JSON/CSV) or to the file given with -o, in which case a rich table goes to stderr.
"""

from __future__ import annotations

import contextlib
import math
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from kesu.cli import app

if TYPE_CHECKING:
    import numpy as np

    from kesu.survey.columns import ColumnProblem
    from kesu.survey.io import Table

survey_app = typer.Typer(
    name="survey",
    help="公民科学素质抽样调查：评分、估计、加权校准 / score, estimate and rake survey microdata.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(survey_app, name="survey")

USER_ERROR_EXIT = 2
STATISTIC_OPTIONS = ("mean", "prop", "total", "ratio")
OUTPUT_FORMATS = ("json", "csv", "xlsx")
RESULT_FIELDS = ("statistic", "variable", "estimate", "se", "ci_low", "ci_high", "deff", "n")


class _UserError(Exception):
    """A problem with the command line itself (not the data), reported like a SurveyError."""


@contextlib.contextmanager
def _reported_errors() -> Iterator[None]:
    from kesu.survey.errors import SurveyError

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for warning in caught:
            _stderr_line(f"warning: {warning.message}")
    except (SurveyError, _UserError) as exc:
        _fail(str(exc))
    except OSError as exc:
        where = exc.filename or ""
        _fail(f"{where}: {exc.strerror or exc}" if where else str(exc))


def _stderr_line(text: str) -> None:
    sys.stderr.write(" ".join(text.split()) + "\n")


def _fail(message: str) -> None:
    _stderr_line(f"error: {message}")
    raise typer.Exit(USER_ERROR_EXIT)


def _names(option: str | None) -> list[str]:
    return [part.strip() for part in option.split(",") if part.strip()] if option else []


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


# --- score ---------------------------------------------------------------------------------------


@survey_app.command("score")
def score_command(
    answers: Path = typer.Argument(..., help="答卷数据 CSV/XLSX / answers file, one row per respondent"),
    config: str = typer.Option(
        ..., "--config", "-c", help="问卷评分规则 YAML，或内置示例名 / questionnaire YAML or a bundled example name"
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="写出 .csv 或 .xlsx / write .csv or .xlsx"),
) -> None:
    """按问卷规则给每位受访者评分 / Score every respondent: dimension scores, total, `literate`."""
    with _reported_errors():
        from kesu.survey.io import read_table, write_table
        from kesu.survey.scoring import load_questionnaire, score_answers

        questionnaire = load_questionnaire(config)
        table = read_table(answers)
        scores = score_answers(table, questionnaire)
        replaced = [name for name in scores if name in table]
        if output is not None:
            columns = {name: values for name, values in table.items() if name not in scores} | scores
            write_table(output, columns)
        if replaced:
            _stderr_line(f"note: replaced the existing columns {', '.join(replaced)} with new scores")
        _print_score_summary(questionnaire, scores)


def _print_score_summary(questionnaire, scores: dict[str, np.ndarray]) -> None:
    import numpy as np
    from rich.table import Table as RichTable

    from kesu.survey.scoring import LITERATE_COLUMN, TOTAL_SCORE_COLUMN, pass_column, score_column

    literate = scores[LITERATE_COLUMN]
    scored = ~np.isnan(literate)
    n_scored = int(scored.sum())
    summary = RichTable(
        title=f"{questionnaire.id} {questionnaire.version} — 未加权 / unweighted", title_justify="left"
    )
    summary.add_column("维度 / dimension")
    summary.add_column("平均得分 / mean score", justify="right")
    summary.add_column("满分 / max", justify="right")
    summary.add_column("达标率 / pass rate", justify="right")
    for dimension in questionnaire.dimensions:
        maximum = dimension.weight if dimension.weight is not None else dimension.max_points
        mean_score = float(np.mean(scores[score_column(dimension.id)][scored])) if n_scored else math.nan
        passes = scores.get(pass_column(dimension.id))
        pass_rate = f"{np.mean(passes[scored]):.1%}" if passes is not None and n_scored else "–"
        summary.add_row(f"{dimension.name} ({dimension.id})", f"{mean_score:.2f}", f"{maximum:g}", pass_rate)
    total_max = 100.0 if questionnaire.uses_total_score else sum(d.max_points for d in questionnaire.dimensions)
    total_mean = float(np.mean(scores[TOTAL_SCORE_COLUMN][scored])) if n_scored else math.nan
    summary.add_row("总分 / total", f"{total_mean:.2f}", f"{total_max:g}", "")
    console = _stderr_console()
    console.print(summary)
    share = float(np.mean(literate[scored])) if n_scored else math.nan
    console.print(f"n = {len(literate)}; 具备科学素质比例（未加权）/ unweighted share literate: {share:.1%}")
    if n_scored < len(literate):
        console.print(f"{len(literate) - n_scored} respondents with missing answers were not scored")


# --- estimate ------------------------------------------------------------------------------------


@survey_app.command("estimate")
def estimate_command(
    data: Path = typer.Argument(..., help="调查数据 CSV/XLSX / survey microdata"),
    weight: str = typer.Option(..., "--weight", help="权数列 / weight column"),
    strata: str | None = typer.Option(None, "--strata", help="分层列 / stratum column"),
    psu: str | None = typer.Option(None, "--psu", help="抽样单元列，多阶段用 P1,P2 / cluster column(s) per stage"),
    fpc: str | None = typer.Option(None, "--fpc", help="有限总体校正列，每阶段一个 / fpc column(s) per stage"),
    mean: str | None = typer.Option(None, "--mean", help="均值 / mean of COL"),
    prop: str | None = typer.Option(
        None, "--prop", help="比例：COL 为 1/是/具备/TRUE（0/否/不具备/FALSE 为否）/ share with COL == 1 (or 是, TRUE, Y)"
    ),
    total: str | None = typer.Option(None, "--total", help="总量 / total of COL"),
    ratio: str | None = typer.Option(None, "--ratio", help="比率 NUM/DEN / ratio of two totals"),
    by: str | None = typer.Option(None, "--by", help="分组列 COL[,COL] / domain columns"),
    lonely_psu: str = typer.Option("fail", "--lonely-psu", help="fail | adjust | remove | average | certainty"),
    ci: str = typer.Option("wald", "--ci", help="wald | logit | korn-graubard | wilson"),
    level: float = typer.Option(0.95, "--level", help="置信水平 / confidence level"),
    output_format: str | None = typer.Option(
        None, "--format", help="json | csv | xlsx (default: from -o, else json)"
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="输出文件 / output file"),
    na_rm: bool = typer.Option(False, "--na-rm", help="剔除分析变量缺失的行 / drop rows missing the variable"),
) -> None:
    """设计加权估计 / Design-based estimate of a mean, proportion, total or ratio, overall or by domain."""
    with _reported_errors():
        from kesu.survey import SurveyDesign, estimate
        from kesu.survey.columns import ColumnRoles, prepare_columns
        from kesu.survey.intervals import CI_METHODS
        from kesu.survey.io import read_table
        from kesu.survey.variance import LONELY_PSU_OPTIONS

        statistic, variable, denominator = _chosen_statistic(mean, prop, total, ratio)
        output_format = _output_format(output_format, output)
        by_names = _names(by)
        if not 0 < level < 1:
            raise _UserError(f"--level must be between 0 and 1, not {level:g}")
        if ci not in CI_METHODS:
            raise _UserError(f"--ci must be one of {', '.join(CI_METHODS)}, not {ci!r}")
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise _UserError(f"--lonely-psu must be one of {', '.join(LONELY_PSU_OPTIONS)}, not {lonely_psu!r}")

        table = read_table(data)
        roles = ColumnRoles(
            weight=weight,
            strata=strata,
            psu=tuple(_names(psu)),
            fpc=tuple(_names(fpc)),
            outcome=variable if statistic == "prop" else None,
            numeric=() if statistic == "prop" else tuple(name for name in (variable, denominator) if name),
            by=tuple(by_names),
        )
        prepared = prepare_columns(table, roles, missing="drop" if na_rm else "error")
        _checked(table, prepared.problems)

        design = SurveyDesign.from_columns(
            prepared.columns,
            weight=weight,
            strata=strata,
            psu=_single_or_list(_names(psu)),
            fpc=_single_or_list(_names(fpc)),
            lonely_psu=lonely_psu,
        )
        rows = estimate(
            design, statistic, variable, denominator=denominator, by=by_names or None, ci=ci, level=level, na_rm=na_rm
        )
        results = [_result_dict(row.to_dict()) for row in rows]
        _write_results(results, by_names, output_format, output)
        if output is not None:
            _print_results(results, by_names, level)


def _chosen_statistic(
    mean: str | None, prop: str | None, total: str | None, ratio: str | None
) -> tuple[str, str, str | None]:
    chosen = [(name, value) for name, value in zip(STATISTIC_OPTIONS, (mean, prop, total, ratio), strict=True) if value]
    if len(chosen) != 1:
        raise _UserError("give exactly one of --mean COL, --prop COL, --total COL or --ratio NUM/DEN")
    statistic, variable = chosen[0]
    if statistic != "ratio":
        return statistic, variable.strip(), None
    numerator, slash, denominator = variable.partition("/")
    if not slash or not numerator.strip() or not denominator.strip():
        raise _UserError(f"--ratio needs NUM/DEN (two column names), not {variable!r}")
    return statistic, numerator.strip(), denominator.strip()


def _output_format(output_format: str | None, output: Path | None) -> str:
    if output_format is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        output_format = suffix if suffix in OUTPUT_FORMATS else "json"
    output_format = output_format.lower()
    if output_format not in OUTPUT_FORMATS:
        raise _UserError(f"--format must be one of {', '.join(OUTPUT_FORMATS)}, not {output_format!r}")
    if output_format == "xlsx" and output is None:
        raise _UserError("--format xlsx needs an output file: -o OUT.xlsx")
    return output_format


def _single_or_list(names: list[str]) -> str | list[str] | None:
    if not names:
        return None
    return names[0] if len(names) == 1 else names


def _checked(table: Table, problems: Sequence[ColumnProblem]) -> None:
    """Stop at the first error with one line naming file, row and column; else print the warnings."""
    from kesu.survey.columns import MISSING, problem_rows

    errors = [problem for problem in problems if problem.is_error]
    if errors:
        first, count = errors[0], problem_rows(errors)
        message = f"{table.source}: {first.en}" + (f" ({count} problems in all)" if count > 1 else "")
        if first.code == MISSING and first.role == "analysis":
            message += "; pass --na-rm to leave such rows out"
        raise _UserError(message)
    for problem in problems:
        _stderr_line(f"warning: {table.source}: {problem.en}")


def _result_dict(row: dict[str, Any]) -> dict[str, Any]:
    from kesu.survey.io import display_value

    result = {"domain": {name: display_value(value) for name, value in row["domain"].items()}}
    for field in RESULT_FIELDS:
        value = display_value(row[field]) if field == "n" else row[field]
        if isinstance(value, float) and not math.isfinite(value):
            value = None  # JSON has no NaN or Infinity
        result[field] = value
    return result


def _flat_rows(results: list[dict[str, Any]], by_names: Sequence[str]) -> tuple[list[str], list[list[Any]]]:
    header = [*by_names, *RESULT_FIELDS]
    rows = [[result["domain"].get(name) for name in by_names] + [result[field] for field in RESULT_FIELDS]
            for result in results]
    return header, rows


def _write_results(
    results: list[dict[str, Any]], by_names: Sequence[str], output_format: str, output: Path | None
) -> None:
    import csv
    import json

    from kesu.survey.io import atomic_output, write_csv, write_xlsx

    if output_format == "json":
        text = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            with atomic_output(output, "w", encoding="utf-8") as stream:
                stream.write(text)
        return
    header, rows = _flat_rows(results, by_names)
    if output_format == "csv":
        if output is None:
            writer = csv.writer(sys.stdout)
            writer.writerow(header)
            writer.writerows([["" if value is None else value for value in row] for row in rows])
        else:
            write_csv(output, header, rows)
        return
    assert output is not None
    statistic_column = header.index("statistic")
    share_columns = {header.index(name) for name in ("estimate", "se", "ci_low", "ci_high")}

    def number_format(position: int, row: Sequence[Any]) -> str | None:
        if position in share_columns:
            return "0.00%" if row[statistic_column] == "prop" else "#,##0.0000"
        if header[position] == "deff":
            return "0.000"
        return None

    write_xlsx(output, header, rows, number_format=number_format, sheet_title="estimates")


def _print_results(results: list[dict[str, Any]], by_names: Sequence[str], level: float) -> None:
    from rich.table import Table as RichTable

    table = RichTable(title="估计结果 / estimates", title_justify="left")
    for name in [*by_names, "statistic", "variable", "estimate", "se", f"{level:.0%} CI", "deff", "n"]:
        table.add_column(name, justify="left" if name in (*by_names, "statistic", "variable") else "right")
    for result in results:
        share = result["statistic"] == "prop"

        def shown(value: float | None, share: bool = share) -> str:
            if value is None:
                return "–"
            return f"{value:.2%}" if share else f"{value:,.4g}"

        table.add_row(
            *(str(result["domain"].get(name)) for name in by_names),
            result["statistic"],
            result["variable"],
            shown(result["estimate"]),
            shown(result["se"]),
            f"{shown(result['ci_low'])} – {shown(result['ci_high'])}",
            "–" if result["deff"] is None else f"{result['deff']:.2f}",
            str(result["n"]),
        )
    _stderr_console().print(table)


# --- rake ----------------------------------------------------------------------------------------

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

        bound_pair = _bounds(bounds)
        if max_iter < 1:
            raise _UserError(f"--max-iter must be at least 1, not {max_iter}")
        if not tol > 0:
            raise _UserError(f"--tol must be positive, not {tol:g}")
        new_weight = out_weight or f"{weight}_raked"

        table = read_table(data)
        if new_weight in table:
            raise _UserError(f"{table.source} already has a column {new_weight!r}; choose another with --out-weight")
        prepared = prepare_columns(table, ColumnRoles(weight=weight))
        _checked(table, prepared.problems)
        columns = prepared.columns
        margins = _read_margins(margins_path, table)
        for name in margins:
            columns[name] = _margin_column(table, name)

        design = SurveyDesign.from_columns(columns, weight=weight)
        raked = design.rake(margins=margins, max_iter=max_iter, tol=tol, bounds=bound_pair)
        new_weights = np.asarray(raked.weights, dtype=float)
        write_table(output, {**table, new_weight: new_weights})
        _print_margins(columns, margins, new_weights, columns[weight])


def _bounds(option: str | None) -> tuple[float, float] | None:
    if option is None:
        return None
    parts = option.split(",")
    try:
        low, high = (float(part) for part in parts)
    except ValueError:
        raise _UserError(f"--bounds needs LO,HI (two numbers), not {option!r}") from None
    if not 0 <= low < 1 < high:
        raise _UserError(f"--bounds needs 0 ≤ LO < 1 < HI (limits of final ÷ starting weight), not {option!r}")
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
    from kesu.survey.io import missing_column_message, read_table, require_numeric

    margins_table = read_table(path)
    roles = {}
    for role, spellings in MARGIN_COLUMN_NAMES.items():
        found = next((name for name in margins_table if name.strip().lower() in spellings), None)
        if found is None:
            raise _UserError(
                missing_column_message(margins_table.source, role, margins_table.keys(), "margins")
                + f" (a margins file has the columns {', '.join(MARGIN_COLUMN_NAMES)})"
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
                raise _UserError(
                    f"row {row}: " + missing_column_message(data.source, name, data.keys(), "margin")
                )
            values = _margin_column(data, name)
            data_levels[name] = {_margin_key(value): python_value(value) for value in np.unique(values)}
            margins[name] = {}
        key = _margin_key(level)
        if key not in data_levels[name]:
            shown = ", ".join(sorted(data_levels[name]))
            raise _UserError(
                f"{margins_table.source}: row {row}: level {key!r} of {name!r} does not occur in "
                f"{data.source} (its levels: {shown})"
            )
        value = data_levels[name][key]
        if value in margins[name]:
            raise _UserError(f"{margins_table.source}: row {row}: {name!r} = {key!r} is listed twice")
        if total <= 0:
            raise _UserError(f"{margins_table.source}: row {row}: population total must be positive, not {total:g}")
        margins[name][value] = float(total)

    for name, level_values in data_levels.items():
        uncovered = [key for key, value in level_values.items() if value not in margins[name]]
        if uncovered:
            raise _UserError(
                f"{margins_table.source}: no population total for {name!r} = {uncovered[0]!r}, "
                f"which occurs in {data.source}"
            )
    grand_totals = {name: sum(totals.values()) for name, totals in margins.items()}
    reference_name, reference = next(iter(grand_totals.items()))
    for name, grand_total in grand_totals.items():
        if not math.isclose(grand_total, reference, rel_tol=1e-6):
            raise _UserError(
                f"{margins_table.source}: the margins disagree on the population size: {reference_name!r} adds up "
                f"to {reference:,.0f} but {name!r} to {grand_total:,.0f}, so no weights can meet both"
            )
    return margins


def _print_margins(
    columns: dict[str, Any], margins: dict[str, dict[Any, float]], new_weights: np.ndarray, old_weights: np.ndarray
) -> None:
    import numpy as np
    from rich.table import Table as RichTable

    report = RichTable(title="校准结果 / achieved margins", title_justify="left")
    for name in ("column", "level", "target", "before", "achieved", "relative difference"):
        report.add_column(name, justify="left" if name in ("column", "level") else "right")
    for name, totals in margins.items():
        values = columns[name]
        for level, target in totals.items():
            rows = values == level
            before = float(old_weights[rows].sum())
            achieved = float(new_weights[rows].sum())
            report.add_row(
                name, str(level), f"{target:,.1f}", f"{before:,.1f}", f"{achieved:,.1f}", f"{(achieved - target) / target:.1e}"
            )
    console = _stderr_console()
    console.print(report)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = new_weights / old_weights
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size:
        console.print(f"final ÷ starting weight: min {ratio.min():.3f}, max {ratio.max():.3f}")
