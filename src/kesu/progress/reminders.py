"""Reminders (催办): the office's notes to units that are behind, and the units marking them read.
Same conventions as kesu.progress.services, whose errors they raise. Each reminder also goes out by
the channels configured in settings (kesu.progress.delivery), after its transaction commits."""

from __future__ import annotations

from django.utils import timezone

from kesu.audit.models import AuditAction
from kesu.audit.registry import record
from kesu.org.models import Unit, User
from kesu.org.permissions import can_administer
from kesu.planning.models import Task
from kesu.progress import selectors as selectors_reports
from kesu.progress.delivery import plan_deliveries
from kesu.progress.models import Reminder, ReportingPeriod
from kesu.progress.services import ReportError, ReportPermissionError, service


def _check_office_for_unit(actor: User, unit: Unit) -> None:
    if not can_administer(actor, unit.region):
        raise ReportPermissionError("只有本地区纲要办管理员可以发送催办")


@service
def send_reminder(
    *,
    actor: User,
    unit: Unit,
    message: str,
    task: Task | None = None,
    period: ReportingPeriod | None = None,
) -> Reminder:
    _check_office_for_unit(actor, unit)
    message = (message or "").strip()
    if not message:
        raise ReportError("催办内容不能为空")
    if task is not None and not task.assignments.filter(unit=unit).exists():
        raise ReportError(f"{unit.name} 不是任务 {task.code} 的责任单位")
    if period is not None and task is not None and period.plan_id != task.plan_id:
        raise ReportError(f"填报周期“{period.label}”不属于任务 {task.code} 所在的方案")
    reminder = Reminder.objects.create(
        region=unit.region, unit=unit, task=task, period=period, message=message, sent_by=actor
    )
    record(
        AuditAction.CREATE, reminder, None,
        {"unit_id": unit.pk, "task_id": task and task.pk, "period_id": period and period.pk, "message": message},
        reason="催办",
    )
    plan_deliveries([reminder], actor=actor)
    return reminder


@service
def send_bulk_reminders(
    *, actor: User, period: ReportingPeriod, message: str, unit_ids: list[int]
) -> list[Reminder]:
    """One reminder per unit about `period` (the units come from the preview the office confirmed).
    Written with bulk_create, so each reminder is recorded in the audit log explicitly."""
    if not can_administer(actor, period.plan.region):
        raise ReportPermissionError("只有本地区纲要办管理员可以发送催办")
    message = (message or "").strip()
    if not message:
        raise ReportError("催办内容不能为空")
    behind = {row.unit.pk: row for row in selectors_reports.units_behind_for_period(period)}
    chosen = [behind[uid] for uid in unit_ids if uid in behind]
    if not chosen:
        raise ReportError("没有选中需要催办的单位")
    reminders = Reminder.objects.bulk_create(
        [
            Reminder(
                region=row.unit.region,
                unit=row.unit,
                period=period,
                message=f"{message}\n涉及任务：{'、'.join(task.code for task in row.tasks)}",
                sent_by=actor,
            )
            for row in chosen
        ]
    )
    for reminder in reminders:
        record(
            AuditAction.CREATE,
            reminder,
            None,
            {"unit_id": reminder.unit_id, "period_id": period.pk, "message": reminder.message},
            reason="批量催办",
        )
    plan_deliveries(reminders, actor=actor)
    return reminders


@service
def mark_reminder_read(*, actor: User, reminder: Reminder) -> Reminder:
    if not (actor.is_authenticated and actor.unit_id == reminder.unit_id):
        raise ReportPermissionError("只能将发给本单位的催办标为已读")
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return reminder


@service
def mark_all_reminders_read(*, actor: User) -> int:
    if not (actor.is_authenticated and actor.unit_id):
        return 0
    return Reminder.objects.filter(unit_id=actor.unit_id, read_at__isnull=True).update(read_at=timezone.now())
