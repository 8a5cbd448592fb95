"""`kesu survey …`: score questionnaires, estimate from survey microdata, rake weights.

Every user mistake (a misspelled column, a bad weight, an unreadable file) ends the command with
exit code 2 and one line on stderr naming the problem in Chinese and English; success exits 0.
Results go to stdout (JSON/CSV) or to the file given with -o, in which case a rich table and the
line naming the file go to stderr.
"""

from __future__ import annotations

import contextlib
import math
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kesu.cli import app
from kesu.cli.common import bilingual, fail, format_option, names, report_written
from kesu.survey.errors import plain as short

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

STATISTIC_OPTIONS = ("mean", "prop", "total", "ratio")
OUTPUT_FORMATS = ("json", "csv", "xlsx")
TABLE_FORMATS = ("csv", "xlsx")
RESULT_FIELDS = ("statistic", "variable", "estimate", "se", "ci_low", "ci_high", "deff", "n")


class _UserError(Exception):
    """A problem with the command line itself (not the data), reported like a SurveyError."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(bilingual(zh, en))


@contextlib.contextmanager
def _reported_errors() -> Iterator[None]:
    from kesu.survey.errors import SurveyError

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for warning in caught:
            _stderr_line(f"警告 / warning: {warning.message}")
    except (SurveyError, _UserError) as exc:
        fail(str(exc))
    except OSError as exc:
        where = exc.filename or ""
        reason = exc.strerror or str(exc)
        fail(bilingual(f"无法读写文件 {where}（{reason}）", f"{where}: {reason}") if where else reason)


def _stderr_line(text: str) -> None:
    sys.stderr.write(" ".join(text.split()) + "\n")


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def plain(value: float | None, significant: int = 4) -> str:
    """A number as a person reads it: thousands separated, never in e-notation, about `significant`
    digits after the leading ones (1,234,567; 52.31; 0.004213)."""
    if value is None or not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = min(max(0, significant - 1 - magnitude), 10)
    text = f"{value:,.{decimals}f}"
    return text if float(text.replace(",", "")) != 0 else ("<0.0000000001" if value > 0 else "> -0.0000000001")


def _table_format(requested: str | None, output: Path, option: str = "-o") -> str:
    """csv or xlsx: -f if given, else the suffix of -o; a mismatch between the two is refused."""
    suffix = output.suffix.lower().lstrip(".")
    if requested is None:
        if suffix not in TABLE_FORMATS:
            raise _UserError(
                f"无法从 {option} {output} 判断输出格式：请用 .csv 或 .xlsx 扩展名，或用 -f 指定",
                f"cannot tell the output format from {option} {output}: use .csv or .xlsx, or give -f",
            )
        return suffix
    chosen = requested.strip().lower()
    if chosen not in TABLE_FORMATS:
        raise _UserError(f"-f 只能是 csv 或 xlsx，而不是“{requested}”", f"-f must be csv or xlsx, not {requested!r}")
    if suffix in TABLE_FORMATS and suffix != chosen:
        raise _UserError(
            f"-f {chosen} 与输出文件 {output} 的扩展名不一致", f"-f {chosen} disagrees with the suffix of {output}"
        )
    return chosen


# --- score ---------------------------------------------------------------------------------------


@survey_app.command("score")
def score_command(
    answers: Path = typer.Argument(..., help="答卷数据 CSV/XLSX / answers file, one row per respondent"),
    config: str = typer.Option(
        ..., "--config", "-c", help="问卷评分规则 YAML，或内置示例名 / questionnaire YAML or a bundled example name"
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="写出 .csv 或 .xlsx / write .csv or .xlsx"),
    output_format: Annotated[str | None, format_option("csv | xlsx（默认按 -o 的扩展名）")] = None,
) -> None:
    """按问卷规则给每位受访者评分 / Score every respondent: dimension scores, total, `literate`."""
    with _reported_errors():
        from kesu.survey.io import read_table, write_table
        from kesu.survey.scoring import load_questionnaire, score_answers

        if output is None and output_format is not None:
            raise _UserError("-f 需要同时用 -o 指定输出文件", "-f needs an output file: -o FILE")
        file_format = _table_format(output_format, output) if output is not None else None
        questionnaire = load_questionnaire(config)
        table = read_table(answers)
        scores = score_answers(table, questionnaire)
        replaced = [name for name in scores if name in table]
        if output is not None:
            columns = {name: values for name, values in table.items() if name not in scores} | scores
            write_table(output, columns, file_format=file_format)
        if replaced:
            _stderr_line(
                f"说明 / note: 已用新评分替换原有的列 {'、'.join(replaced)} / "
                f"replaced the existing columns {', '.join(replaced)} with new scores"
            )
        _print_score_summary(questionnaire, scores)
        if output is not None:
            report_written(output)


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
    summary.add_column("维度 / dimension", no_wrap=True)
    summary.add_column("平均分 / mean", justify="right", no_wrap=True)
    summary.add_column("满分 / max", justify="right", no_wrap=True)
    summary.add_column("达标率 / pass rate", justify="right", no_wrap=True)
    for dimension in questionnaire.dimensions:
        maximum = dimension.weight if dimension.weight is not None else dimension.max_points
        mean_score = float(np.mean(scores[score_column(dimension.id)][scored])) if n_scored else math.nan
        passes = scores.get(pass_column(dimension.id))
        pass_rate = f"{np.mean(passes[scored]):.1%}" if passes is not None and n_scored else "–"
        summary.add_row(f"{dimension.name}（{dimension.id}）", _two_places(mean_score), short(maximum), pass_rate)
    total_max = 100.0 if questionnaire.uses_total_score else sum(d.max_points for d in questionnaire.dimensions)
    total_mean = float(np.mean(scores[TOTAL_SCORE_COLUMN][scored])) if n_scored else math.nan
    summary.add_row("总分 / total", _two_places(total_mean), short(total_max), "")
    console = _stderr_console()
    console.print(summary)
    share = float(np.mean(literate[scored])) if n_scored else math.nan
    console.print(f"n = {len(literate):,}; 具备科学素质比例（未加权）/ unweighted share literate: {share:.1%}")
    if n_scored < len(literate):
        missing = len(literate) - n_scored
        console.print(f"{missing:,} 名受访者有未作答的题目，未评分 / {missing:,} respondents with missing answers were not scored")


def _two_places(value: float) -> str:
    return f"{value:,.2f}" if math.isfinite(value) else "–"


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
    by: list[str] | None = typer.Option(
        None, "--by", help="分组列，可重复或用逗号分隔：--by sex --by urban 即 --by sex,urban / domain columns"
    ),
    lonely_psu: str = typer.Option("fail", "--lonely-psu", help="fail | adjust | remove | average | certainty"),
    ci: str = typer.Option("wald", "--ci", help="wald | logit | korn-graubard | wilson"),
    level: float = typer.Option(0.95, "--level", help="置信水平 / confidence level"),
    output_format: Annotated[str | None, format_option("json | csv | xlsx（默认按 -o 的扩展名，否则 json）")] = None,
    output: Path | None = typer.Option(None, "--output", "-o", help="输出文件 / output file"),
    na_rm: bool = typer.Option(False, "--na-rm", help="剔除分析变量缺失的行 / drop rows missing the variable"),
    raw: bool = typer.Option(
        False, "--raw",
        help="CSV/XLSX 用英文字段名、比例为小数（供 R 等程序读取）/ machine column names and fractions",
    ),
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
        by_names = names(by)
        if not 0 < level < 1:
            raise _UserError(f"--level 须在 0 与 1 之间，而不是 {level}", f"--level must be between 0 and 1, not {level}")
        if ci not in CI_METHODS:
            raise _UserError(f"--ci 只能是 {', '.join(CI_METHODS)} 之一，而不是“{ci}”",
                             f"--ci must be one of {', '.join(CI_METHODS)}, not {ci!r}")
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise _UserError(f"--lonely-psu 只能是 {', '.join(LONELY_PSU_OPTIONS)} 之一，而不是“{lonely_psu}”",
                             f"--lonely-psu must be one of {', '.join(LONELY_PSU_OPTIONS)}, not {lonely_psu!r}")

        table = read_table(data)
        roles = ColumnRoles(
            weight=weight,
            strata=strata,
            psu=tuple(names(psu, unique=False)),
            fpc=tuple(names(fpc, unique=False)),
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
            psu=_single_or_list(names(psu, unique=False)),
            fpc=_single_or_list(names(fpc, unique=False)),
            lonely_psu=lonely_psu,
        )
        rows = estimate(
            design, statistic, variable, denominator=denominator, by=by_names or None, ci=ci, level=level, na_rm=na_rm
        )
        results = [_result_dict(row.to_dict()) for row in rows]
        _write_results(results, by_names, output_format, output, level=level, raw=raw)
        if output is not None:
            _print_results(results, by_names, level)
            report_written(output, f"{len(results)} 行估计")


def _chosen_statistic(
    mean: str | None, prop: str | None, total: str | None, ratio: str | None
) -> tuple[str, str, str | None]:
    chosen = [(name, value) for name, value in zip(STATISTIC_OPTIONS, (mean, prop, total, ratio), strict=True) if value]
    if len(chosen) != 1:
        raise _UserError(
            "--mean COL、--prop COL、--total COL、--ratio NUM/DEN 须且只须给出一个",
            "give exactly one of --mean COL, --prop COL, --total COL or --ratio NUM/DEN",
        )
    statistic, variable = chosen[0]
    if statistic != "ratio":
        return statistic, variable.strip(), None
    numerator, slash, denominator = variable.partition("/")
    if not slash or not numerator.strip() or not denominator.strip():
        raise _UserError(f"--ratio 需要写成 分子列/分母列，而不是“{variable}”",
                         f"--ratio needs NUM/DEN (two column names), not {variable!r}")
    return statistic, numerator.strip(), denominator.strip()


def _output_format(output_format: str | None, output: Path | None) -> str:
    if output_format is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        output_format = suffix if suffix in OUTPUT_FORMATS else "json"
    output_format = output_format.strip().lower()
    if output_format not in OUTPUT_FORMATS:
        raise _UserError(f"-f/--format 只能是 {', '.join(OUTPUT_FORMATS)} 之一，而不是“{output_format}”",
                         f"--format must be one of {', '.join(OUTPUT_FORMATS)}, not {output_format!r}")
    if output_format == "xlsx" and output is None:
        raise _UserError("xlsx 格式需要用 -o 指定输出文件，如 -o 结果.xlsx", "--format xlsx needs an output file: -o OUT.xlsx")
    return output_format


def _single_or_list(values: list[str]) -> str | list[str] | None:
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def _checked(table: Table, problems: Sequence[ColumnProblem]) -> None:
    """Stop at the first error with one line naming file, row and column; else print the warnings."""
    from kesu.survey.columns import MISSING, problem_rows

    errors = [problem for problem in problems if problem.is_error]
    if errors:
        first, count = errors[0], problem_rows(errors)
        zh, en = f"{table.source}：{first.zh}", f"{table.source}: {first.en}"
        if count > 1:
            zh, en = zh + f"（共 {count:,} 处问题）", en + f" ({count:,} problems in all)"
        if first.code == MISSING and first.role == "analysis":
            zh, en = zh + "；可加 --na-rm 剔除这些行", en + "; pass --na-rm to leave such rows out"
        raise _UserError(zh, en)
    for problem in problems:
        _stderr_line(f"警告 / warning: {table.source}：{problem.zh} / {table.source}: {problem.en}")


def _result_dict(row: dict[str, Any]) -> dict[str, Any]:
    from kesu.survey.io import display_value

    result = {"domain": {name: display_value(value) for name, value in row["domain"].items()}}
    for field in RESULT_FIELDS:
        value = display_value(row[field]) if field == "n" else row[field]
        if isinstance(value, float) and not math.isfinite(value):
            value = None  # JSON has no NaN or Infinity
        result[field] = value
    return result


def _write_results(
    results: list[dict[str, Any]], by_names: Sequence[str], output_format: str, output: Path | None, *,
    level: float = 0.95, raw: bool = False,
) -> None:
    """JSON keeps the machine field names; CSV and XLSX are for reading (Chinese headers, percentages)
    unless `raw` (kesu.survey.export)."""
    import csv
    import json

    from kesu.survey.export import estimate_table, xlsx_number_format
    from kesu.survey.io import atomic_output, write_csv, write_xlsx

    if output_format == "json":
        text = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            with atomic_output(output, "w", encoding="utf-8") as stream:
                stream.write(text)
        return
    if output_format == "csv":
        header, rows = estimate_table(results, by_names, level, raw=raw)
        if output is None:
            writer = csv.writer(sys.stdout)
            writer.writerow(header)
            writer.writerows([["" if value is None else value for value in row] for row in rows])
        else:
            write_csv(output, header, rows)
        return
    assert output is not None
    header, rows = estimate_table(results, by_names, level, raw=raw, percent_as_number=False)
    number_format = xlsx_number_format(header, results, level, raw=raw)
    write_xlsx(output, header, rows, number_format=number_format, sheet_title="estimates" if raw else "估计结果")


def _print_results(results: list[dict[str, Any]], by_names: Sequence[str], level: float) -> None:
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table as RichTable

    from kesu.survey.export import STATISTIC_NAMES, field_names

    headers = field_names(level)
    # One statistic of one variable per run: named once in the title, which leaves the width of an
    # 80-column terminal to the domains and the figures.
    first = results[0] if results else {"statistic": "", "variable": ""}
    statistic = STATISTIC_NAMES.get(first["statistic"], first["statistic"])
    table = RichTable(title=f"估计结果 / estimates：{first['variable']} 的{statistic}", title_justify="left",
                      box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    for name in by_names:
        # A domain label (乳山市, 城镇) keeps its width up to 16 cells: the figures give way first.
        widest = max((cell_len(str(result["domain"].get(name))) for result in results), default=0)
        table.add_column(name, overflow="fold", min_width=min(max(widest, cell_len(name)), 16))
    for field in ("estimate", "se"):
        table.add_column(headers[field], justify="right", no_wrap=True)
    # The interval may wrap, at the space around its dash, and only there.
    table.add_column(f"{level * 100:.4g}%置信区间", justify="right")
    for field in ("deff", "n"):
        table.add_column(headers[field], justify="right", no_wrap=True)
    for result in results:
        share = result["statistic"] == "prop"

        def shown(value: float | None, share: bool = share) -> str:
            if value is None:
                return "–"
            return f"{value:.2%}" if share else amount(value)

        table.add_row(
            *(str(result["domain"].get(name)) for name in by_names),
            shown(result["estimate"]),
            shown(result["se"]),
            f"{shown(result['ci_low'])} – {shown(result['ci_high'])}",
            "–" if result["deff"] is None else f"{result['deff']:.2f}",
            f"{result['n']:,}" if isinstance(result["n"], int) else str(result["n"]),
        )
    _stderr_console().print(table)


def amount(value: float) -> str:
    """A figure for the screen: 10万 and more in 万 (20,863,123 -> 2,086.3万) as Chinese statistical
    tables write them, smaller ones with four significant digits."""
    if math.isfinite(value) and abs(value) >= 100_000:
        return f"{value / 10_000:,.1f}万"
    return plain(value)
