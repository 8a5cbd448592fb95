"""Estimates as a table for people or for programs.

For people (the default of `kesu survey estimate -o x.csv|x.xlsx`): Chinese headers (估计值, 标准误,
95%置信区间下限 …) and a proportion as a percentage — in a CSV as a number of per cent with "（%）" in
the header, in a workbook as the fraction with a percentage format. For programs (`--raw`, and JSON
always): the field names of `EstimateRow.to_dict` (estimate, se, ci_low …) and fractions, as R's
`survey` package reports them, so that a comparison reads the file as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

RAW_FIELDS = ("statistic", "variable", "estimate", "se", "ci_low", "ci_high", "deff", "n")
SHARE_FIELDS = frozenset({"estimate", "se", "ci_low", "ci_high"})

STATISTIC_NAMES = {"mean": "均值", "prop": "比例", "total": "总量", "ratio": "比率"}


def field_names(level: float) -> dict[str, str]:
    interval = f"{level * 100:.4g}%置信区间"
    return {
        "statistic": "统计量", "variable": "变量", "estimate": "估计值", "se": "标准误",
        "ci_low": f"{interval}下限", "ci_high": f"{interval}上限", "deff": "设计效应", "n": "样本量",
    }


def _percent_header(field: str, name: str) -> str:
    return f"{name}（百分点）" if field == "se" else f"{name}（%）"


def _times_hundred(value: Any) -> Any:
    # Rounded so that 0.5231 shows as 52.31, not 52.309999999999995; ten places keep the precision.
    return None if value is None else round(value * 100, 10)


def estimate_table(
    results: Sequence[dict[str, Any]], by_names: Sequence[str], level: float, *, raw: bool = False,
    percent_as_number: bool = True,
) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of estimate results (dicts with a "domain" mapping and the RAW_FIELDS).

    `percent_as_number` (a CSV): a proportion's estimate, se and interval are given in per cent;
    otherwise (a workbook) they stay fractions for a percentage number format."""
    if raw:
        header = [*by_names, *RAW_FIELDS]
        rows = [[result["domain"].get(name) for name in by_names] + [result[field] for field in RAW_FIELDS]
                for result in results]
        return header, rows
    names = field_names(level)
    shares = bool(results) and all(result["statistic"] == "prop" for result in results)
    header = list(by_names)
    for field in RAW_FIELDS:
        name = names[field]
        header.append(_percent_header(field, name) if shares and percent_as_number and field in SHARE_FIELDS
                      else name)
    rows = []
    for result in results:
        row = [result["domain"].get(name) for name in by_names]
        for field in RAW_FIELDS:
            value = result[field]
            if field == "statistic":
                value = STATISTIC_NAMES.get(value, value)
            elif shares and percent_as_number and field in SHARE_FIELDS:
                value = _times_hundred(value)
            row.append(value)
        rows.append(row)
    return header, rows


def xlsx_number_format(header: Sequence[str], results: Sequence[dict[str, Any]], level: float, *, raw: bool):
    """The `number_format(column, row)` for `kesu.survey.io.write_xlsx` of `estimate_table(…,
    percent_as_number=False)`: percentages for a proportion, four decimals for other shares."""
    names = {field: field for field in RAW_FIELDS} if raw else field_names(level)
    share_columns = {header.index(names[field]) for field in SHARE_FIELDS}
    deff_column = header.index(names["deff"])
    n_column = header.index(names["n"])
    shares = bool(results) and all(result["statistic"] == "prop" for result in results)

    def number_format(position: int, row: Sequence[Any]) -> str | None:
        if position in share_columns:
            return "0.00%" if shares else "#,##0.0000"
        if position == deff_column:
            return "0.000"
        if position == n_column:
            return "#,##0"
        return None

    return number_format
