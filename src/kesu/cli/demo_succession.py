"""The demo's present: 2026—2030 successor plans (十五五) of some seed regions, declared successors of
their 2021—2025 plans, with a few unfinished tasks carried over; township regions under two demo
counties; reminders to units that are late.

The successor plans are documents written for the demo (src/kesu/cli/demo_plans/*.txt, each saying
it is invented) and imported like any plan. Only their issue date is moved: never later than the document
says and always some weeks before the day the demo is built, so that the plan's reporting periods
hold today whatever the date of the build.
"""

from __future__ import annotations

import datetime
from pathlib import Path

DEMO_PLANS_DIR = Path(__file__).resolve().with_name("demo_plans")
TOWNSHIPS_CSV = DEMO_PLANS_DIR / "townships.csv"
DEMO_DOCUMENT_MARK = "演示用虚构文本"
CARRIED_PER_PLAN = 4
REMINDERS_PER_PLAN = 6


def successor_documents() -> list[Path]:
    return sorted(DEMO_PLANS_DIR.glob("*.txt"))


def import_townships() -> int:
    """The townships (乡镇/街道) of the demo counties, flagged as demo regions like their counties."""
    from kesu.org.models import Region
    from kesu.org.services import import_regions_csv

    result = import_regions_csv(actor=None, source=TOWNSHIPS_CSV)
    Region.objects.filter(level="township", parent__is_demo=True).update(is_demo=True)
    return len(result.created)


def issue_date(written: datetime.date | None, today: datetime.date) -> datetime.date:
    """The document's date, or a month before today when the demo is built earlier than that."""
    latest = today - datetime.timedelta(days=30)
    return min(written, latest) if written else latest


def import_successors(offices: dict[int, object], console) -> list[tuple]:
    """Import each demo successor document into its region, as the region's demo office (a region
    without a seed plan, hence without an office, is skipped). Returns (plan, office) pairs."""
    from django.utils import timezone

    from kesu.audit.context import stamped
    from kesu.cli.demo_reports import moment
    from kesu.plan_import import drafts, reading, services
    from kesu.planning.models import Plan
    from kesu.progress.models import PeriodKind

    today = timezone.localdate()
    imported = []
    for path in successor_documents():
        parsed = reading.parse_plan_path(path)
        region = drafts.region_for_plan(parsed)
        office = offices.get(region.pk) if region is not None else None
        if office is None:
            console.print(f"[red]跳过[/red] {path.name}：地区“{parsed.region}”没有演示方案")
            continue
        draft = drafts.start_draft(region, parsed)
        issued = issue_date(datetime.date.fromisoformat(draft.plan["date"]) if draft.plan.get("date") else None, today)
        draft.plan["date"] = issued.isoformat()
        imported_at = moment(min(issued + datetime.timedelta(days=10), today - datetime.timedelta(days=1)), 9, 30)
        with stamped(imported_at):
            plan = services.confirm_import(actor=office, draft=draft, period_kind=PeriodKind.HALF_YEARLY, is_demo=True)
        Plan.objects.filter(pk=plan.pk).update(imported_at=imported_at)
        imported.append((plan, office))
        console.print(f"已导入 {region.name}：《{plan.title}》 {plan.tasks.count()} 项任务（演示用虚构方案，"
                      f"印发日期 {issued:%Y-%m-%d}）")
    return imported


def declare_successors(pairs: list[tuple], console) -> int:
    """Declare each successor plan the successor of the region's plan before it, as its office would
    on the succession page: the unfinished tasks the page suggests a new task for (similar titles),
    else one led by the same unit, a few per plan."""
    try:
        from kesu.supervision import succession
    except ImportError:  # no succession service: the plans stand side by side
        console.print("[yellow]注意[/yellow]：未找到继任方案声明服务，新旧方案未关联")
        return 0
    from kesu.audit.context import stamped
    from kesu.cli.demo_reports import moment
    from kesu.planning.models import Plan

    carried = 0
    for successor, office in pairs:
        previous = (Plan.objects.filter(region=successor.region, is_demo=True, is_current=True,
                                        period_end__lt=successor.period_start)
                    .order_by("-period_end", "-pk").first())
        if previous is None:
            continue
        links = _carry_over(succession, previous, successor)
        when = moment(min(successor.issued_on + datetime.timedelta(days=12), _today() - datetime.timedelta(days=1)), 15)
        with stamped(when):
            succession.declare_successor(actor=office, plan=previous, successor=successor, carry_over=links)
        carried += len(links)
        console.print(f"{successor.region.name}：《{successor.title}》声明为《{previous.title}》的下一期方案，"
                      f"承接未完成任务 {len(links)} 项")
    return carried


def _carry_over(succession, previous, successor) -> dict[int, int]:
    lines, new_tasks = succession.carry_over_lines(previous, successor)
    links: dict[int, int] = {}
    for line in lines:
        if line.chosen and line.chosen not in links.values():
            links[line.item.task_id] = line.chosen
    # An office links an unfinished task only to a new task that continues it: failing the page's
    # suggestion, the most similar remaining title, and none at all below a third of the wording shared
    # (a shared lead unit alone would tie 科技工作者社会责任 to 中小学科学教育).
    unfinished = {line.item.task_id: line.item.title for line in lines if line.item.task_id not in links}
    pairs = sorted(((succession.title_similarity(title, new.title), old_id, new.pk)
                    for old_id, title in unfinished.items() for new in new_tasks), reverse=True)
    for score, old_id, new_id in pairs:
        if score < 0.34 or len(links) >= CARRIED_PER_PLAN:
            break
        if old_id not in links and new_id not in links.values():
            links[old_id] = new_id
    if not links:
        # Nothing left unfinished (威海市's 实施意见 has no quantitative targets, and every task is
        # green): the office still links the tasks the new plan continues, the most similar titles.
        old_tasks = list(previous.tasks.only("pk", "title").order_by("order"))
        pairs = sorted(((succession.title_similarity(old.title, new.title), old.pk, new.pk)
                        for old in old_tasks for new in new_tasks), reverse=True)
        for score, old_id, new_id in pairs:
            if score < 0.3 or len(links) >= CARRIED_PER_PLAN // 2:
                break
            if old_id not in links and new_id not in links.values():
                links[old_id] = new_id
    return dict(list(links.items())[:CARRIED_PER_PLAN])


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def send_reminders(plan, office) -> int:
    """催办 to the units that have not handed in the last period already due, on the day after it."""
    from django.utils import timezone

    from kesu.audit.context import stamped
    from kesu.cli.demo_reports import moment
    from kesu.progress import reminders
    from kesu.progress.models import ProgressReport, Reminder, ReportStatus

    today = timezone.localdate()
    period = plan.periods.filter(due__lt=today).order_by("-due").first()
    if period is None:
        return 0
    done = set(ProgressReport.objects.filter(period=period, status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
               .values_list("task_id", "unit_id"))
    late = []
    for task in plan.tasks.prefetch_related("assignments__unit").order_by("order"):
        for assignment in task.assignments.all():
            if (task.pk, assignment.unit_id) not in done:
                late.append((task, assignment.unit))
    sent_at = moment(min(period.due + datetime.timedelta(days=1), today), 9)
    sent = 0
    for task, unit in late[:REMINDERS_PER_PLAN]:
        with stamped(sent_at):
            reminder = reminders.send_reminder(
                actor=office, unit=unit, task=task, period=period,
                message=f"请于三个工作日内报送“{task.title}”{period.label}进展情况（截止日期 {period.due:%Y-%m-%d} 已过）。",
            )
        Reminder.objects.filter(pk=reminder.pk).update(sent_at=sent_at)
        sent += 1
    return sent
