"""`kesu indicators …`: load the national outreach-statistics set, write and read Excel templates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kesu.cli import app
from kesu.cli.common import DataDir, bilingual, fail, open_database, output_option, report_written

indicators_app = typer.Typer(help="科普统计指标 / outreach statistics", no_args_is_help=True)
app.add_typer(indicators_app, name="indicators")


def _region(code: str):
    from kesu.org.models import Region

    region = Region.objects.filter(code=code).first()
    if region is None:
        fail(bilingual(f"没有区划代码“{code}”", f"no region with code {code!r}"))
    return region


def _user(username: str | None):
    if not username:
        return None  # the system itself, run by the server's operator
    from kesu.org.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        fail(bilingual(f"没有用户“{username}”", f"no such user {username!r}"))
    return user


@indicators_app.command("seed", help="载入或更新全国科普统计指标集（可重复执行）/ load the national indicator set")
def seed(data_dir: DataDir = None) -> None:
    open_database(data_dir)
    from kesu.audit.context import acting_as
    from kesu.indicators.services import seed_national_set

    with acting_as(None, reason="kesu indicators seed"):
        counts = seed_national_set(actor=None)
    typer.echo(
        f"指标集已载入：数据项 {counts['elements']} 个，指标 {counts['indicators']} 个，"
        f"报表 {counts['data_sets']} 张，校验规则 {counts['rules']} 条"
    )


@indicators_app.command(
    "template", help="生成填报模板（.xlsx）：本级一列，下级区划各一列 / write the entry workbook"
)
def template(
    output_argument: Path | None = typer.Argument(None, metavar="[OUTPUT]", help="输出文件 .xlsx（也可用 -o）"),
    region: str = typer.Option(..., "--region", help="区划代码 / region code"),
    year: int = typer.Option(..., "--year", help="年度 / year"),
    quarter: int = typer.Option(0, "--quarter", min=0, max=4, help="季度（0 表示全年）"),
    user: str | None = typer.Option(None, "--user", help="按该用户的权限生成（默认不限）"),
    output_option_value: Annotated[Path | None, output_option("输出文件 .xlsx / output workbook")] = None,
    data_dir: DataDir = None,
) -> None:
    output = output_option_value or output_argument
    if output is None:
        fail(bilingual("请用 -o 指定输出文件 .xlsx", "give the output workbook with -o FILE.xlsx"))
    if output_option_value is not None and output_argument is not None and output_option_value != output_argument:
        fail(bilingual("输出文件只能指定一个", "give one output file, not two"))
    open_database(data_dir)
    from kesu.indicators.excel import build_template
    from kesu.indicators.services import IndicatorError

    try:
        content = build_template(_user(user), _region(region), year, quarter)
    except IndicatorError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    if not output.parent.is_dir():
        fail(bilingual(f"输出目录不存在：{output.parent}", f"no such directory: {output.parent}"))
    output.write_bytes(content)
    report_written(output)


@indicators_app.command("import-values", help="导入填好的模板；任何一处错误都不写入")
def import_values(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="填好的模板 .xlsx"),
    region: str = typer.Option(..., "--region", help="区划代码"),
    year: int = typer.Option(..., "--year", help="年度"),
    quarter: int = typer.Option(0, "--quarter", min=0, max=4, help="季度（0 表示全年）"),
    user: str | None = typer.Option(None, "--user", help="以该用户身份导入（权限与审计）"),
    data_dir: DataDir = None,
) -> None:
    open_database(data_dir)
    from kesu.audit.context import acting_as
    from kesu.indicators.excel import import_template
    from kesu.indicators.services import IndicatorError

    actor = _user(user)
    try:
        with acting_as(actor, reason=f"kesu indicators import-values {file.name}"):
            result = import_template(actor=actor, content=file.read_bytes(), region=_region(region), year=year,
                                     quarter=quarter)
    except IndicatorError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"已读取 {result.cells_read} 个数值，其中 {result.cells_changed} 个有变化并已保存")
