"""`kesu demo`: a working kesu on http://127.0.0.1:8000 with the seed plans imported into their
regions, demo users of every role and their history of progress reports; and the present: 2026—2030
successor plans written for the demo (kesu.cli.demo_succession) with periods open on the day the demo is
built, reports in every state and reminders (kesu.cli.demo_reports). Dates follow the build day.

The demo database lives in the data directory (./var by default). A second run reuses it;
`--reset` rebuilds it (and removes the stored survey files). The registries of outreach resources
(kesu.cli.demo_resources), the capacity indicators and the survey waves (kesu.cli.demo_data) are added
to a reused database that lacks them. `--no-serve` stops after building (tests, CI); `--parse-only`
keeps the parser-only summary (JSON/xlsx per plan) that preceded the web platform.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from kesu.cli import app

DEMO_PASSWORD = "kesu-demo-2025"
# Usernames of demo accounts: role word, region code, and a number for unit reporters.
DEMO_USERNAME = re.compile(r"^(office|leader|stat|unit|expert)-\d{6}(-\d+)?$")
REPORTERS_PER_PLAN = 3


@dataclass
class Login:
    username: str
    role: str
    scope: str


@app.command("demo")
def demo_command(
    seeds: Annotated[
        Path,
        typer.Option("--seeds", help="示例方案目录 / directory of plan files", exists=True, file_okay=False),
    ],
    data_dir: Annotated[Path, typer.Option("--data-dir", help="数据目录 / data directory")] = Path("var"),
    reset: Annotated[bool, typer.Option("--reset", help="删除并重建演示数据库 / rebuild the demo database")] = False,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="建好后启动网站 / start the web server")] = True,
    address: Annotated[str, typer.Option("--address", help="监听地址 / host:port")] = "127.0.0.1:8000",
    parse_only: Annotated[
        bool, typer.Option("--parse-only", help="只解析方案并输出 JSON/xlsx / only parse the plans")
    ] = False,
    out: Annotated[Path, typer.Option("--out", help="--parse-only 的输出目录 / output directory")] = Path("out"),
) -> None:
    """演示：导入示例方案、创建演示账号和填报数据并启动网站 / build and serve the demo."""
    if parse_only:
        raise typer.Exit(_parse_only(seeds, out))

    from rich.console import Console

    console = Console()
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["KESU_DATA_DIR"] = str(data_dir)
    os.environ["KESU_DEMO"] = "1"
    os.environ.pop("KESU_DATABASE_URL", None)  # the demo is always the embedded SQLite database
    if reset:
        for suffix in ("", "-wal", "-shm"):
            (data_dir / f"kesu.sqlite3{suffix}").unlink(missing_ok=True)
        # Survey microdata of the old database (MEDIA_ROOT is data_dir/private).
        shutil.rmtree(data_dir / "private" / "surveys", ignore_errors=True)

    from kesu.cli.web import setup_django

    setup_django()
    from django.core.management import call_command

    console.print(f"数据目录 / data directory: {data_dir}")
    call_command("migrate", interactive=False, verbosity=0)

    from kesu.planning.models import Plan

    with _one_password_hash():
        if Plan.objects.filter(is_demo=True).exists():
            console.print("演示数据已存在，直接使用（--reset 可重建） / reusing the existing demo database")
        else:
            build_demo(seeds, console)
        summary = build_module_data(console)
    _print_logins(console, demo_logins())
    _print_summary(console, summary)
    if serve:
        _vendor_static(console)
        console.print(f"\n[bold green]科素演示已就绪[/bold green]：http://{address}/   （Ctrl+C 退出）")
        call_command("runserver", address, "--noreload", "--skip-checks")


# --------------------------------------------------------------------------------------------
# Building the demo


@contextlib.contextmanager
def _one_password_hash():
    """Every demo login has the same published password: hash it once. PBKDF2 is slow on purpose
    (about a second a user), which for the ~150 demo reporters took minutes of `make demo`."""
    from unittest import mock

    from django.contrib.auth import base_user
    from django.contrib.auth.hashers import make_password

    hashed = make_password(DEMO_PASSWORD)

    def demo_make_password(raw, *args, **kwargs):
        return hashed if raw == DEMO_PASSWORD and not args and not kwargs else make_password(raw, *args, **kwargs)

    with mock.patch.object(base_user, "make_password", demo_make_password):
        yield


def build_demo(seeds: Path, console) -> None:
    import datetime

    from django.utils import timezone

    from kesu.audit.context import stamped
    from kesu.cli.demo_reports import moment
    from kesu.cli.demo_succession import (
        declare_successors,
        import_successors,
        import_townships,
        send_reminders,
    )
    from kesu.org.models import Role
    from kesu.org.services import SEED_REGIONS_CSV, create_user, import_regions_csv
    from kesu.plan_import import drafts, reading, services
    from kesu.plan_import.errors import PlanImportError
    from kesu.planning.models import Plan
    from kesu.plans.readers import SUPPORTED_SUFFIXES
    from kesu.progress.models import PeriodKind

    result = import_regions_csv(actor=None, source=SEED_REGIONS_CSV)
    console.print(f"行政区划：新增 {len(result.created)} 个")

    files = sorted(p for p in seeds.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    if not files:
        raise typer.BadParameter(f"{seeds} 中没有方案文件（.txt .md .docx .pdf .xlsx）", param_hint="--seeds")

    offices = {}
    plans = []
    for path in files:
        try:
            parsed = reading.parse_plan_path(path)
        except PlanImportError as exc:
            console.print(f"[red]跳过[/red] {path.name}：{exc}")
            continue
        region = drafts.region_for_plan(parsed)
        if region is None:
            console.print(f"[red]跳过[/red] {path.name}：找不到方案所属地区“{parsed.region}”")
            continue
        region.is_demo = True
        region.save(update_fields=["is_demo"])
        office = offices.get(region.pk)
        if office is None:
            office = offices[region.pk] = create_user(
                actor=None, username=f"office-{region.code}", password=DEMO_PASSWORD, role=Role.OFFICE_ADMIN,
                region=region,
                display_name=f"{region.name}纲要办", is_demo_password_ok=True,
            )
        draft = drafts.start_draft(region, parsed)
        # Imported some days after it was issued, as the audit log will say.
        issued = datetime.date.fromisoformat(draft.plan["date"]) if draft.plan.get("date") else None
        headline_year = (draft.plan.get("headline_target") or {}).get("year")
        if not draft.plan.get("period") and issued and headline_year and headline_year >= issued.year:
            # What the office fills in at import when the document names no period (威海市's 实施意见,
            # issued in 2024 with targets for 2025): a successor can only follow a plan with a period.
            draft.plan["period"] = {"start": issued.year, "end": headline_year}
        imported_at = moment(issued + datetime.timedelta(days=7), 9) if issued else None
        with stamped(imported_at) if imported_at else contextlib.nullcontext():
            # Yearly periods keep the number of demo reports (and the time `make demo` takes) reasonable.
            plan = services.confirm_import(actor=office, draft=draft, period_kind=PeriodKind.YEARLY, is_demo=True)
        if imported_at:
            Plan.objects.filter(pk=plan.pk).update(imported_at=imported_at)
        plans.append((plan, office))
        console.print(f"已导入 {region.name}：《{plan.title}》 {plan.tasks.count()} 项任务")
    console.print(f"乡镇（街道）：新增 {import_townships()} 个")

    # Leaders and statisticians of the city that has both a city plan and a county plan (威海市):
    # they read and compare across the county (乳山市) under it.
    city = next((p.region for p, _ in plans if p.region.level == "city"
                 and any(q.region.parent_id == p.region.pk for q, _ in plans)), None)
    city = city or (plans[0][0].region if plans else None)
    if city is not None:
        create_user(actor=None, username=f"leader-{city.code}", password=DEMO_PASSWORD, role=Role.LEADER,
                    region=city, display_name=f"{city.name}分管领导", is_demo_password_ok=True)
        create_user(actor=None, username=f"stat-{city.code}", password=DEMO_PASSWORD, role=Role.STATISTICIAN,
                    region=city, display_name=f"{city.name}统计员", is_demo_password_ok=True)

    today = timezone.localdate()
    # The 2021—2025 plans first (closed, their history complete), then the successors declared and
    # filled in: the declaration reads what the old plan left unfinished.
    for plan, office in plans:
        _report(plan, office, today, console)
    successors = import_successors(offices, console)
    declare_successors(successors, console)
    for plan, office in successors:
        _report(plan, office, today, console)
        console.print(f"  催办 {send_reminders(plan, office)} 条")


_OUTCOMES = {"accepted": "已通过", "resubmitted": "退回后通过", "submitted": "待审核", "returned": "已退回",
             "draft": "草稿", "missing": "未填报"}


def _report(plan, office, today, console) -> None:
    from kesu.cli.demo_reports import write_plan_reports

    counts = write_plan_reports(plan, office, _create_reporters(plan), today)
    shown = "，".join(f"{_OUTCOMES[k]} {v}" for k, v in counts.items())
    console.print(f"{plan.region.name}《{plan.title}》示例填报：{shown}")


def demo_plans() -> list:
    """(plan, office admin) of every demo plan, in region-code order, a region's plans oldest first."""
    from kesu.org.models import User
    from kesu.planning.models import Plan

    plans = list(Plan.objects.filter(is_demo=True, is_current=True).select_related("region")
                 .order_by("region__code", "period_start", "pk"))
    offices = {u.username: u for u in User.objects.filter(username__in=[f"office-{p.region.code}" for p in plans])}
    return [(plan, offices[f"office-{plan.region.code}"]) for plan in plans if f"office-{plan.region.code}" in offices]


def build_module_data(console) -> dict[str, int]:
    """上下联动 links, registries of outreach resources, capacity indicators and survey waves of the demo
    regions (each step skips what exists). The registries come before the typed indicator values because
    submitting a year's statistics freezes it, registry counts included."""
    from kesu.cli.demo_cascade import link_demo_plans
    from kesu.cli.demo_content import demo_content
    from kesu.cli.demo_data import demo_indicators, demo_surveys, seed_indicator_set
    from kesu.cli.demo_resources import demo_resources, link_base_targets

    plans = demo_plans()
    # 上下联动: each plan's parent (the plan of the region above, else the national 纲要) and its links.
    cascade = link_demo_plans(plans, console)
    # One plan per region for the registries: the latest, whose open reports take activities as evidence.
    latest = list({plan.region_id: (plan, office) for plan, office in plans}.values())
    seed_indicator_set()
    with console.status("科普资源登记册 / outreach resources …"):
        resources = demo_resources(latest, console)
    # Content after the registries: its reviewers are registry experts, its pushes reach their units.
    with console.status("科普内容 / content library …"):
        content = demo_content(latest, console)
    with console.status("科普统计指标 / capacity indicators …"):
        indicators = demo_indicators(plans, console)
        link_base_targets(plans)
    with console.status("抽样调查 / survey waves …"):
        surveys = demo_surveys(latest, console)
    # Recounting is no addition: a reused database recounts its registries every time.
    return {**indicators, **surveys, **{f"resources_{k}": v for k, v in resources.items() if k != "synced"},
            **{f"content_{k}": v for k, v in content.items()},
            "cascade_links": sum(linked.confirmed for linked in cascade)}


def demo_totals() -> dict[str, int]:
    """What the demo database holds, for the closing summary."""
    from kesu.indicators.models import DataValue, LinkStatus, Submission, TargetLink, ValueSource
    from kesu.literacy.models import LiteracyEstimate, SurveyWave, WaveStatus
    from kesu.planning.models import Plan
    from kesu.progress.models import ProgressReport
    from kesu.resources.models import Activity, ActivityEvidence, Expert, OutreachBase, Volunteer
    from kesu.resources.models.bases import STANDING_STATUSES

    values = DataValue.objects.filter(region__is_demo=True)
    return {
        "plans": Plan.objects.filter(is_demo=True).count(),
        "reports": ProgressReport.objects.filter(is_demo=True).count(),
        "indicator_values": values.exclude(source=ValueSource.REGISTRY).count(),
        "registry_values": values.filter(source=ValueSource.REGISTRY).count(),
        "bases": OutreachBase.objects.filter(is_demo=True).count(),
        "standing_bases": OutreachBase.objects.filter(is_demo=True, status__in=STANDING_STATUSES).count(),
        "experts": Expert.objects.filter(is_demo=True).count(),
        "volunteers": Volunteer.objects.filter(is_demo=True).count(),
        "activities": Activity.objects.filter(is_demo=True).count(),
        "evidence": ActivityEvidence.objects.filter(activity__is_demo=True).count(),
        "submissions": Submission.objects.filter(region__is_demo=True).exclude(status="draft").count(),
        "accepted": Submission.objects.filter(region__is_demo=True, status="accepted").count(),
        "links": TargetLink.objects.filter(target__task__plan__is_demo=True, status=LinkStatus.CONFIRMED).count(),
        "waves": SurveyWave.objects.filter(region__is_demo=True, status=WaveStatus.ACTIVE).count(),
        "estimates": LiteracyEstimate.objects.filter(wave__region__is_demo=True).count(),
        **content_totals(),
    }


def content_totals() -> dict[str, int]:
    from kesu.content.models import ContentItem, EmergencyEvent, Publication, Push, Rumour

    return {
        "content_items": ContentItem.objects.filter(is_demo=True).count(),
        "content_approved": ContentItem.objects.filter(is_demo=True, approved_version__isnull=False).count(),
        "content_publications": Publication.objects.filter(item__is_demo=True).count(),
        "content_pushes": Push.objects.filter(item__is_demo=True).count(),
        "content_rumours": Rumour.objects.filter(region__is_demo=True).count(),
        "content_events": EmergencyEvent.objects.filter(is_demo=True).count(),
    }


def _print_summary(console, added: dict[str, int]) -> None:
    from kesu.cli.demo_data import indicator_years
    from kesu.literacy.selectors import literacy_trend
    from kesu.planning.models import Plan

    totals = demo_totals()
    years = indicator_years()
    console.print(
        f"演示数据 / demo data：方案 {totals['plans']} 个，进度填报 {totals['reports']} 份；"
        f"科普统计数值 {totals['indicator_values']} 个（{min(years)}—{max(years)}年）"
        f"及登记册汇总值 {totals['registry_values']} 个，已报送 {totals['submissions']} 张、其中已审核通过 {totals['accepted']} 张，"
        f"已确认目标—指标对应 {totals['links']} 条；抽样调查 {totals['waves']} 轮，估计值 {totals['estimates']} 个"
        + ("（本次新增）" if any(added.values()) else "")
    )
    console.print(
        f"科普资源 / outreach resources：科普教育基地 {totals['bases']} 个（在册 {totals['standing_bases']} 个），"
        f"科普专家 {totals['experts']} 人，志愿者 {totals['volunteers']} 人，科普活动 {totals['activities']} 场"
        f"（{totals['evidence']} 场作为进度报告佐证）"
    )
    console.print(
        f"科普内容 / content：{totals['content_items']} 篇（{totals['content_approved']} 篇已通过审查），"
        f"发布 {totals['content_publications']} 次，精准推送 {totals['content_pushes']} 次，"
        f"谣言 {totals['content_rumours']} 条，往期应急事件 {totals['content_events']} 起"
    )
    if added.get("resources_frozen"):
        console.print(f"  [yellow]注意[/yellow]：{added['resources_frozen']} 个登记册汇总值所在年度的统计年报已报送，未更新")
    regions = {plan.region_id: plan.region for plan in Plan.objects.filter(is_demo=True).select_related("region")
               .order_by("region__code")}
    for region in regions.values():
        points = literacy_trend(region)
        if points:
            shown = "，".join(f"{year} {estimate * 100:.1f}%" for year, estimate, _, _ in points if estimate is not None)
            console.print(f"  {region.name} 公民具备科学素质的比例：{shown}")


def _create_reporters(plan) -> list:
    """A reporter for every unit assigned in the plan. A unit that reports on an earlier plan of the
    region keeps its login; a unit new to the region gets the next number."""
    from django.db.models import Count

    from kesu.org.models import Role, Unit, User
    from kesu.org.services import create_user

    # Every assigned unit gets a reporter so that the dashboard shows what a real season looks like;
    # only the busiest few are printed among the logins.
    busiest = (
        Unit.objects.filter(assignments__task__plan=plan)
        .annotate(n=Count("assignments"))
        .order_by("-n", "name")
    )
    prefix = f"unit-{plan.region.code}-"
    existing = {u.unit_id: u for u in User.objects.filter(role=Role.UNIT_REPORTER, username__startswith=prefix)}
    taken = [int(u.username.removeprefix(prefix)) for u in existing.values()]
    following = max(taken, default=0) + 1
    reporters = []
    for unit in busiest:
        if unit.pk in existing:
            reporters.append(existing[unit.pk])
            continue
        reporters.append(create_user(
            actor=None, username=f"{prefix}{following}", password=DEMO_PASSWORD,
            role=Role.UNIT_REPORTER, unit=unit, display_name=f"{unit.name}填报员", is_demo_password_ok=True,
        ))
        following += 1
    return reporters


def demo_logins() -> list[Login]:
    from django.db.models import Count

    from kesu.content.models import ContentReview, RoundStatus, Verdict
    from kesu.org.models import Role, User
    from kesu.planning.models import Plan
    from kesu.resources.models import ReviewAssignment

    users = User.objects.select_related("region", "unit__region").order_by("username")
    # An office of a region with a 2021—2025 plan and its successor administers both.
    spans: dict[int, list[str]] = {}
    for plan in Plan.objects.filter(is_demo=True).order_by("period_start", "pk"):
        if plan.period_start and plan.period_end:
            spans.setdefault(plan.region_id, []).append(f"{plan.period_start}—{plan.period_end}")
    # An expert's scope is the application on their panel, which is what they sign in to score.
    reviewing = {
        a.expert.user_id: a.application.base.name
        for a in ReviewAssignment.objects.filter(expert__user__isnull=False, submitted_at__isnull=True)
        .select_related("expert", "application__base").order_by("-pk")
    }
    content_queue = dict(
        ContentReview.objects.filter(verdict=Verdict.PENDING, round__status=RoundStatus.OPEN, expert__user__isnull=False)
        .values_list("expert__user_id").annotate(n=Count("pk")).values_list("expert__user_id", "n")
    )
    logins = []
    for user in users:
        match = DEMO_USERNAME.match(user.username)
        if not match:
            continue
        if match.group(2) and int(match.group(2)[1:]) > REPORTERS_PER_PLAN:
            continue  # every assigned unit has a reporter; the busiest few are enough to list
        if user.unit_id:
            scope = f"{user.unit.name}（{user.unit.region.name}）"
        else:
            scope = user.region.name if user.region_id else "—"
            if user.role == Role.OFFICE_ADMIN and len(spans.get(user.region_id, ())) > 1:
                scope += f"（{'、'.join(spans[user.region_id])}年方案）"
        if user.role == Role.EXPERT and user.pk in reviewing:
            scope += f"，评审“{reviewing[user.pk]}”"
        if user.role == Role.EXPERT and content_queue.get(user.pk):
            scope += f"，待审科普内容 {content_queue[user.pk]} 篇"
        logins.append(Login(user.username, user.get_role_display(), scope))
    order = {"纲要办管理员": 0, "领导": 1, "统计人员": 2, "单位填报员": 3, "评审专家": 4}
    return sorted(logins, key=lambda login: (order.get(login.role, 9), login.username))


def _print_logins(console, logins: list[Login]) -> None:
    from rich.table import Table

    table = Table(
        title=f"演示账号（密码均为 {DEMO_PASSWORD}） / demo logins",
        caption="其余单位的填报账号依次为 unit-区划代码-4、-5 … / other units: unit-CODE-4, -5 …",
    )
    for column in ("用户名 username", "密码 password", "角色 role", "地区/单位 region/unit"):
        table.add_column(column, overflow="fold")
    for login in logins:
        table.add_row(login.username, DEMO_PASSWORD, login.role, login.scope)
    console.print(table)


def _vendor_static(console) -> None:
    """Vendored JS/CSS come from npm via `make vendor`; the demo runs without them, only warn."""
    from django.conf import settings

    vendor = Path(settings.STATICFILES_DIRS[0]) / "vendor"
    if vendor.is_dir() and any(vendor.iterdir()):
        return
    makefile = Path.cwd() / "Makefile"
    if makefile.is_file() and shutil.which("make") and "vendor:" in makefile.read_text(encoding="utf-8"):
        completed = subprocess.run(["make", "vendor"], check=False, capture_output=True, text=True)
        if completed.returncode == 0:
            return
    console.print("[yellow]警告[/yellow]：前端库未安装（make vendor 失败或 npm 不可用），图表等交互功能将不可用")


# --------------------------------------------------------------------------------------------
# Parse only (the summary shown before the web platform existed)


def _parse_only(seeds: Path, out: Path) -> int:
    from rich.console import Console
    from rich.table import Table

    from kesu.cli.parse import load_plan, report_failure
    from kesu.plans.export import headline_text, plan_to_json, write_xlsx
    from kesu.plans.readers import SUPPORTED_SUFFIXES

    files = sorted(
        path for path in seeds.iterdir() if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES
    )
    if not files:
        report_failure(seeds, "目录中没有方案文件（.txt .md .docx .pdf .xlsx） / no plan files in this directory")
        return 2
    out.mkdir(parents=True, exist_ok=True)

    table = Table(title=f"kesu demo — {len(files)} 个方案 / plans → {out}")
    for column in ("文件 file", "地区 region", "标题 title", "总体目标 headline target"):
        table.add_column(column, overflow="fold")
    for column in ("任务 tasks", "单位 units", "目标 targets", "提示 warnings"):
        table.add_column(column, justify="right")

    failed = 0
    for path in files:
        plan, problem = load_plan(path)
        if plan is None:
            failed += 1
            report_failure(path, problem or "")
            table.add_row(path.name, "—", f"[red]失败 / failed: {problem}[/red]", "", "", "", "", "")
            continue
        try:
            (out / f"{path.stem}.json").write_text(plan_to_json(plan), encoding="utf-8")
            write_xlsx(plan, out / f"{path.stem}.xlsx")
        except OSError as exc:
            failed += 1
            report_failure(path, f"无法写入 {out} / cannot write to {out}: {exc.strerror or exc}")
            continue
        table.add_row(
            path.name,
            plan.region or "—",
            plan.title,
            headline_text(plan) or "—",
            str(len(plan.tasks)),
            str(len(plan.units)),
            str(sum(len(task.targets) for task in plan.tasks)),
            str(len(plan.warnings)),
        )
    Console().print(table)
    return 2 if failed else 0
