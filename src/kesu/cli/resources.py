"""`kesu resources …`: import and list the outreach-resource registries (科普资源), write their Excel
templates and recount the statistics they feed. Runs as the system within the region given."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from kesu.cli import app
from kesu.cli.common import DataDir, bilingual, fail, open_database, report_written

resources_app = typer.Typer(help="科普资源登记册 / outreach-resource registries", no_args_is_help=True)
app.add_typer(resources_app, name="resources")


class KindName(StrEnum):
    """The registry kinds of kesu.resources.kinds.KINDS, repeated so that `--help` needs no Django."""

    base = "base"
    expert = "expert"
    team = "team"
    volunteer = "volunteer"
    messenger = "messenger"
    organisation = "organisation"
    activity = "activity"


class Format(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


REFUSED_EXIT = 2
KIND_OPTION = typer.Option(..., "--kind", "-k", help="登记册类型")
REGION_OPTION = typer.Option(..., "--region", "-r", help="区划代码（导入或列出该区划及其下级）")


def _region(code: str):
    from kesu.org.models import Region

    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        fail(bilingual(f"没有区划代码“{code.strip()}”", f"no region with code {code.strip()!r}"))
    return region


@resources_app.command("import", help="导入登记册 Excel；任何一行有问题时不写入（退出码 2，每行一个问题）")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="填好的模板或导出的 .xlsx"),
    kind: KindName = KIND_OPTION,
    region: str = REGION_OPTION,
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="跳过有问题的行，导入其余各行"),
    data_dir: DataDir = None,
) -> None:
    open_database(data_dir)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from kesu.audit.context import acting_as
    from kesu.resources.excel import ImportRefused, import_records

    scope = _region(region)
    columns = (TextColumn("写入"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True, disable=not sys.stderr.isatty(), console=_stderr()) as bar:
        task = bar.add_task("import", total=None)
        try:
            with acting_as(None, reason=f"kesu resources import {file.name}"):
                result = import_records(
                    actor=None, kind=kind.value, data=file.read_bytes(), region=scope, skip_invalid=skip_invalid,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        except ImportRefused as exc:
            bar.stop()
            # stderr carries the problems only, one a line, for scripts; the summary goes to stdout.
            typer.echo(f"未导入任何数据：共 {len(exc.errors)} 处问题")
            for error in exc.errors:
                typer.echo(str(error), err=True)
            raise typer.Exit(REFUSED_EXIT) from exc
    typer.echo(
        f"新增 {result.created} 条，更新 {result.updated} 条，未变 {result.unchanged} 条，"
        f"跳过 {len(result.skipped_rows)} 行"
    )
    if result.skipped:
        typer.echo("跳过的行：")
        for error in result.skipped:
            typer.echo(f"  {error}")
    if result.ignored_headers:
        typer.echo("未识别而忽略的列：" + "、".join(result.ignored_headers))


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


@resources_app.command("list", help="列出某区划（含下级）的登记册记录：表格、JSON 或 Excel")
def list_records(
    kind: KindName = KIND_OPTION,
    region: str = REGION_OPTION,
    output_format: Format = typer.Option(Format.table, "--format", "-f", help="输出格式"),
    output: Path | None = typer.Option(None, "--output", "-o", help="写入文件（xlsx 必须指定）"),
    personal: bool = typer.Option(False, "--personal", help="Excel 中显示完整的电话和证件号码（默认打码）"),
    data_dir: DataDir = None,
) -> None:
    open_database(data_dir)
    from kesu.resources import selectors

    records = selectors.visible_records(kind.value, region=_region(region))
    if output_format == Format.xlsx:
        if output is None:
            fail(bilingual("导出 Excel 需要用 -o 指定输出文件", "xlsx output needs -o FILE.xlsx"))
        from kesu.resources.excel import export

        _check_parent(output)
        output.write_bytes(export(kind.value, records, personal=personal))
        report_written(output, f"{records.count()} 条")
        return
    rows = [selectors.summary(kind.value, record) for record in records.iterator(chunk_size=2000)]
    if output_format == Format.json:
        text = json.dumps(rows, ensure_ascii=False, indent=2)
        if output is not None:
            _check_parent(output)
            output.write_text(text + "\n", encoding="utf-8")
            report_written(output, f"{len(rows)} 条")
        else:
            typer.echo(text)
        return
    _table(kind.value, rows, output)


def _check_parent(output: Path) -> None:
    if not output.parent.is_dir():
        fail(bilingual(f"输出目录不存在：{output.parent}", f"no such directory: {output.parent}"))


def _table(kind: str, rows: list[dict], output: Path | None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from kesu.resources.kinds import KINDS, LEVEL_LABELS, STATUS_LABELS

    # A light frame and one space between columns leave an 80-column terminal room for a name of 18
    # characters; short columns never wrap, and a longer name folds rather than being cut off.
    table = Table(title=f"{KINDS[kind].label}（{len(rows)} 条）", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    table.add_column("编号", justify="right", no_wrap=True)
    table.add_column("名称", overflow="fold", ratio=1, min_width=12)
    table.add_column("区划", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    if KINDS[kind].has_level:
        table.add_column("级别", no_wrap=True)
    for row in rows:
        status = STATUS_LABELS.get(row["status"], {"active": "在册", "inactive": "已停用", "recorded": "已登记"}.get(
            row["status"], row["status"]))
        # The region's name only: its code is in the JSON and Excel output, and the name needs the room.
        cells = [str(row["id"]), row["name"], row["region_name"], status]
        if KINDS[kind].has_level:
            cells.append(LEVEL_LABELS.get(row.get("level") or "", ""))
        table.add_row(*cells)
    if output is not None:
        _check_parent(output)
        with output.open("w", encoding="utf-8") as handle:
            Console(file=handle, width=160).print(table)
        report_written(output, f"{len(rows)} 条")
    else:
        Console().print(table)


@resources_app.command("template", help="生成某类登记册的导入模板（.xlsx）")
def write_template(
    kind: KindName = KIND_OPTION,
    output: Path = typer.Option(..., "--output", "-o", help="输出文件 .xlsx"),
    data_dir: DataDir = None,
) -> None:
    open_database(data_dir)
    from kesu.resources.excel import template

    _check_parent(output)
    output.write_bytes(template(kind.value))
    report_written(output)


@resources_app.command("sync", help="按登记册重新计数某年度的科普统计数据项")
def sync(
    year: int = typer.Option(..., "--year", "-y", help="年度"),
    kinds: list[KindName] = typer.Option(None, "--kind", "-k", help="只同步这些登记册（可重复；默认全部）"),
    data_dir: DataDir = None,
) -> None:
    open_database(data_dir)
    from kesu.audit.context import acting_as
    from kesu.resources import feeds

    with acting_as(None, reason="kesu resources sync"):
        result = feeds.sync(actor=None, year=year, kinds=[k.value for k in kinds] if kinds else None)
    typer.echo(
        f"{year}年：写入 {result.written} 个数值，删除 {result.deleted} 个，未变 {result.unchanged} 个，"
        f"因已报送或已审核未改 {result.frozen} 个"
    )
    if result.skipped:
        typer.echo("指标集中没有这些数据项（先运行 kesu indicators seed）：" + "、".join(result.skipped))
