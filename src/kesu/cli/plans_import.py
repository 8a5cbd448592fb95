"""`kesu plans import`, `kesu regions import`, `kesu users create`: the import and administration
services from the command line, for setting up an installation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kesu.cli import app
from kesu.cli.common import DataDir, bilingual, fail, open_database

plans_app = typer.Typer(help="方案 / plans", no_args_is_help=True)
regions_app = typer.Typer(help="行政区划 / regions", no_args_is_help=True)
users_app = typer.Typer(help="用户 / users", no_args_is_help=True)
app.add_typer(plans_app, name="plans")
app.add_typer(regions_app, name="regions")
app.add_typer(users_app, name="users")


_fail = fail


def _actor(username: str | None):
    from kesu.org.models import User

    if username is None:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        _fail(bilingual(f"没有用户“{username}”", f"no such user {username!r}"))
    return user


@plans_app.command("import", help="导入实施方案 / import a plan document into a region")
def plans_import(
    file: Annotated[Path, typer.Argument(help="方案文件 .txt/.md/.docx/.pdf")],
    region: Annotated[str, typer.Option("--region", help="地区代码，如 371083")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不询问，直接导入")] = False,
    as_user: Annotated[str | None, typer.Option("--as", help="以该用户名义导入（审计记录）")] = None,
    period_kind: Annotated[str, typer.Option("--periods", help="填报周期 half_yearly/quarterly/yearly")] = "half_yearly",
    new_plan: Annotated[bool, typer.Option("--new", help="即使有同名现行方案也作为新方案导入")] = False,
    data_dir: DataDir = None,
) -> None:
    open_database(data_dir)
    from django.core.exceptions import PermissionDenied
    from rich.console import Console
    from rich.table import Table

    from kesu.org.models import Region
    from kesu.plan_import import diff as plan_diff
    from kesu.plan_import import drafts, reading, services
    from kesu.plan_import.errors import PlanImportError

    # Text lines wrap at the terminal edge rather than at a space rich finds: a Chinese sentence has none.
    console = Console(soft_wrap=True)
    target_region = Region.objects.filter(code=region).first()
    if target_region is None:
        _fail(bilingual(f"地区代码“{region}”不存在，请先 kesu regions import",
                       f"no region with code {region!r}; run kesu regions import first"))
    if not file.is_file():
        _fail(bilingual(f"文件“{file}”不存在", f"no such file: {file}"))
    try:
        reading.check_upload(file.name, file.stat().st_size, file.open("rb").read(8))
        parsed = reading.parse_plan_path(file)
    except PlanImportError as exc:
        _fail(str(exc))
    draft = drafts.start_draft(target_region, parsed)
    if new_plan:
        draft.previous_id = None

    head = parsed.headline_target
    console.print(f"[bold]{parsed.title}[/bold]  {parsed.doc_number or ''}  → {target_region}")
    if head:
        from kesu.plans.notation import format_amount

        console.print(f"总体目标：{head.year}年{head.indicator} {format_amount(head.value, head.unit)}")
    table = Table(title=f"单位对应（{len(draft.mapping)}）")
    for column in ("方案中的名称", "对应", "依据"):
        table.add_column(column)
    names = dict(target_region.units.values_list("pk", "name"))
    for name, choice in draft.mapping.items():
        shown = "新建" if choice == drafts.NEW_UNIT else names.get(choice, "?")
        table.add_row(name, shown, draft.match_reasons.get(name, ""))
    console.print(table)
    console.print(f"{len(parsed.tasks)} 项任务，{sum(len(t.targets) for t in parsed.tasks)} 个量化目标")
    for warning in parsed.warnings:
        console.print(f"[yellow]提示[/yellow] {warning}")
    diff = plan_diff.diff_against_previous(draft)
    if diff is not None:
        console.print(
            f"修订第{diff.previous.version}版：新增 {len(diff.added)}，删除 {len(diff.removed)}，"
            f"修改 {len(diff.changed)}，未变 {diff.unchanged}"
        )
    problems = drafts.validate_draft(draft)
    if problems:
        _fail("；".join(problems))
    if not yes and not typer.confirm("确认导入？", default=False):
        typer.echo("已取消，未写入任何数据 / cancelled, nothing written")
        raise typer.Exit(1)
    try:
        plan = services.confirm_import(actor=_actor(as_user), draft=draft, period_kind=period_kind)
    except (PlanImportError, PermissionDenied, ValueError) as exc:
        _fail(str(exc))
    console.print(f"[green]已导入[/green] 《{plan.title}》第{plan.version}版（id {plan.pk}），{plan.tasks.count()} 项任务")


@plans_app.command("purge-drafts", help="清除过期的未完成导入 / delete import drafts past KESU_IMPORT_DRAFT_DAYS")
def plans_purge_drafts(data_dir: DataDir = None) -> None:
    open_database(data_dir)
    from kesu.plan_import.services import draft_lifetime, purge_expired_drafts

    count = purge_expired_drafts()
    typer.echo(f"已清除 {count} 份超过 {draft_lifetime().days} 天未修改的导入草稿 / {count} expired draft(s) deleted")


@regions_app.command("import", help="从 CSV 导入行政区划 / import regions (code,name,level,parent_code)")
def regions_import(
    file: Annotated[Path | None, typer.Argument(help="CSV 文件；省略则导入内置的种子区划")] = None,
    data_dir: DataDir = None,
) -> None:
    open_database(data_dir)
    from kesu.org.services import SEED_REGIONS_CSV, RegionImportError, import_regions_csv

    path = file or SEED_REGIONS_CSV
    if not path.is_file():
        _fail(bilingual(f"文件“{path}”不存在", f"no such file: {path}"))
    try:
        result = import_regions_csv(actor=None, source=path)
    except RegionImportError as exc:
        _fail(str(exc))
    typer.echo(f"新增 {len(result.created)}，更新 {len(result.updated)}，未变 {result.unchanged}")


@users_app.command("create", help="创建用户 / create a user")
def users_create(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option("--role", help="office_admin/unit_reporter/leader/statistician")],
    password: Annotated[str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True)],
    region: Annotated[str | None, typer.Option("--region", help="地区代码（非填报员）")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="单位名称（填报员），需同时给出 --region")] = None,
    name: Annotated[str, typer.Option("--name", help="姓名")] = "",
    superuser: Annotated[bool, typer.Option("--superuser", help="同时可登录 Django 管理后台")] = False,
    data_dir: DataDir = None,
) -> None:
    open_database(data_dir)
    from kesu.org.models import Region, Unit
    from kesu.org.services import OrgError, create_user

    region_obj = Region.objects.filter(code=region).first() if region else None
    if region and region_obj is None:
        _fail(bilingual(f"地区代码“{region}”不存在", f"no region with code {region!r}"))
    unit_obj = None
    if unit:
        if region_obj is None:
            _fail(bilingual("指定单位时需给出 --region", "--unit needs --region"))
        unit_obj = Unit.objects.filter(region=region_obj, name=unit).first()
        if unit_obj is None:
            _fail(bilingual(f"{region_obj.name}没有名为“{unit}”的单位", f"{region_obj.name} has no unit {unit!r}"))
    try:
        user = create_user(actor=None, username=username, password=password, role=role, region=region_obj,
                           unit=unit_obj, display_name=name)
    except OrgError as exc:
        _fail(str(exc))
    if superuser:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    typer.echo(f"已创建用户 {user.username}（{user.get_role_display()}）")
