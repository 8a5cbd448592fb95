"""督办通知单: the office's printable notice to one unit. Its items come from the reminders' own reading
of what a unit owes (`selectors.OUTSTANDING_STATES` for the chosen periods); issuing one gives it the
office's next serial of the year and stores the items, so that the same matter downloaded twice is the
same document with the same number. Rendering: kesu.progress.notice_docx and notice_pdf."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet

from kesu.audit.context import acting_as
from kesu.org.models import Role, Unit, User
from kesu.org.permissions import can_administer, home_region
from kesu.planning.models import TaskUnit
from kesu.progress.models import ProgressReport, ReminderNotice, ReportingPeriod, ReportStatus
from kesu.progress.selectors import NOT_STARTED, OUTSTANDING_STATES
from kesu.progress.services import ReportError, ReportPermissionError

# Days the unit is given to report and answer, counted from the day the notice is issued.
REPLY_DAYS = 7
STATE_WORDS = {
    NOT_STARTED: "未填报",
    ReportStatus.DRAFT: "草稿未报送",
    ReportStatus.RETURNED: "退回后未重新报送",
}


@dataclass(frozen=True)
class NoticeItem:
    task_code: str
    task_title: str
    role: str
    plan_title: str
    period: str
    due: datetime.date
    state: str
    state_label: str
    days_overdue: int
    review_comment: str = ""

    def as_json(self) -> dict:
        return {
            "task_code": self.task_code, "task_title": self.task_title, "role": self.role,
            "plan_title": self.plan_title, "period": self.period, "due": self.due.isoformat(),
            "state": self.state, "state_label": self.state_label, "days_overdue": self.days_overdue,
            "review_comment": self.review_comment,
        }

    @classmethod
    def from_json(cls, data: dict) -> NoticeItem:
        return cls(**{**data, "due": datetime.date.fromisoformat(data["due"])})


def outstanding_items(*, unit: Unit, periods: list[ReportingPeriod], today: datetime.date) -> list[NoticeItem]:
    """What `unit` still owes for `periods`: each task it leads or takes part in whose report is missing,
    a draft, or returned and not resubmitted (the rule of `selectors.units_behind_for_period`), with the
    days past the due date. Ordered by period, then task. Two queries."""
    if not periods:
        return []
    by_plan: dict[int, list[ReportingPeriod]] = {}
    for period in sorted(periods, key=lambda p: (p.start, p.pk)):
        by_plan.setdefault(period.plan_id, []).append(period)
    reports = {
        (r.task_id, r.period_id): r
        for r in ProgressReport.objects.filter(unit=unit, period__in=periods).only(
            "task_id", "period_id", "status", "review_comment"
        )
    }
    assignments = list(
        TaskUnit.objects.filter(unit=unit, task__plan_id__in=by_plan).select_related("task__plan")
        .order_by("task__plan_id", "task__order", "task_id")
    )
    items = []
    for period in sorted(periods, key=lambda p: (p.start, p.pk)):
        for assignment in assignments:
            if assignment.task.plan_id != period.plan_id:
                continue
            report = reports.get((assignment.task_id, period.pk))
            state = NOT_STARTED if report is None else report.status
            if state not in OUTSTANDING_STATES:
                continue
            items.append(NoticeItem(
                task_code=assignment.task.code, task_title=assignment.task.title,
                role=assignment.get_role_display(), plan_title=assignment.task.plan.title,
                period=period.label, due=period.due, state=state, state_label=STATE_WORDS[state],
                days_overdue=max((today - period.due).days, 0),
                review_comment=report.review_comment if report is not None and state == ReportStatus.RETURNED else "",
            ))
    return items


def _items_key(items: list[NoticeItem]) -> str:
    text = "|".join(f"{i.task_code}/{i.period}/{i.state}" for i in items)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _period_key(periods: list[ReportingPeriod]) -> str:
    return ",".join(str(pk) for pk in sorted({p.pk for p in periods}))


def issue_notice(
    *, actor: User, unit: Unit, periods: list[ReportingPeriod], today: datetime.date
) -> ReminderNotice:
    """The notice for `unit` about `periods`: the one issued before if the unit still owes exactly the same
    reports, otherwise a new one with the office's next serial of the year. Raises ReportError when the
    unit owes nothing for these periods."""
    if not can_administer(actor, unit.region):
        raise ReportPermissionError("只有本地区纲要办管理员可以生成督办通知单")
    if not periods:
        raise ReportError("请选择督办的填报周期")
    foreign = [p for p in periods if p.plan.region_id != unit.region_id]
    if foreign:
        raise ReportError(f"填报周期“{foreign[0].label}”不属于{unit.name}所在地区的实施方案")
    items = outstanding_items(unit=unit, periods=periods, today=today)
    if not items:
        labels = "、".join(p.label for p in periods)
        raise ReportError(f"{unit.name}在{labels}没有未报送或被退回的报告，无需督办")
    key, items_key = _period_key(periods), _items_key(items)
    previous = (
        ReminderNotice.objects.filter(unit=unit, period_key=key, year=today.year).order_by("-issued_at", "-id").first()
    )
    if previous is not None and previous.items_key == items_key:
        return previous
    # Two offices' clerks may issue at the same moment: the unique serial refuses the second, which
    # takes the next number.
    for _attempt in range(5):
        try:
            with acting_as(actor), transaction.atomic():
                last = ReminderNotice.objects.filter(region=unit.region, year=today.year).aggregate(n=Max("number"))
                return ReminderNotice.objects.create(
                    region=unit.region, unit=unit, year=today.year, number=(last["n"] or 0) + 1,
                    period_key=key, items=[i.as_json() for i in items], items_key=items_key,
                    issued_on=today, reply_by=today + datetime.timedelta(days=REPLY_DAYS), issued_by=actor,
                )
        except IntegrityError:
            continue
    raise ReportError("通知单编号分配冲突，请稍后重试")


def visible_notices(user: User) -> QuerySet[ReminderNotice]:
    """Notices a user may open, as for progress reports: a reporter its own unit's, the office, leaders and
    statisticians their region subtree's."""
    if user.role == Role.UNIT_REPORTER:
        return ReminderNotice.objects.filter(unit_id=user.unit_id) if user.unit_id else ReminderNotice.objects.none()
    if user.role not in (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN):
        return ReminderNotice.objects.none()
    region = home_region(user)
    if region is None:
        return ReminderNotice.objects.none()
    return ReminderNotice.objects.filter(region__path__startswith=region.path)


# ---------------------------------------------------------------------------------------------
# What the documents show


def office_name(notice: ReminderNotice) -> str:
    return f"{notice.region.name}全民科学素质工作领导小组办公室"


def date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class NoticeContent:
    """Everything a notice says, in the order the documents print it."""

    serial: str
    office: str
    office_unit: str
    addressee: str
    opening: str
    items: list[NoticeItem]
    request: str
    contact: str
    issued_on: str
    filename: str

    @property
    def text(self) -> str:
        """The notice as plain text: the body of the e-mail and the webhook's `text`."""
        lines = [f"督办通知单　{self.serial}", "", f"{self.addressee}：", self.opening]
        for number, item in enumerate(self.items, start=1):
            overdue = f"，已逾期{item.days_overdue}天" if item.days_overdue else ""
            lines.append(
                f"{number}. {item.task_code} {item.task_title}（{item.role}）{item.period}，"
                f"{date_text(item.due)}截止，{item.state_label}{overdue}"
            )
        lines += [self.request, self.contact, "", self.office, self.issued_on]
        return "\n".join(line for line in lines if line is not None)


def notice_content(notice: ReminderNotice) -> NoticeContent:
    items = [NoticeItem.from_json(data) for data in notice.items]
    plans = list(dict.fromkeys(i.plan_title for i in items))
    periods = list(dict.fromkeys(i.period for i in items))
    returned = sum(1 for i in items if i.state == ReportStatus.RETURNED)
    overdue = sum(1 for i in items if i.days_overdue and i.state != ReportStatus.RETURNED)
    waiting = len(items) - returned - overdue
    situation = "、".join(
        part for part in (f"逾期未报送{overdue}项" if overdue else "", f"退回后未重新报送{returned}项" if returned else "",
                          f"尚未报送（未到截止日期）{waiting}项" if waiting else "") if part
    )
    opening = (
        f"根据{'、'.join(f'《{p}》' for p in plans)}任务分工和进度报送要求，截至{date_text(notice.issued_on)}，"
        f"你单位{'、'.join(periods)}共有{len(items)}项任务的进度报告未按要求报送，其中{situation}。具体如下："
    )
    request = (
        f"请你单位高度重视，于{date_text(notice.reply_by)}前登录全民科学素质行动管理平台完成上述报告的填报和报送"
        "（被退回的报告请按审核意见修改后重新报送），并将未按时报送的原因及整改措施书面反馈我办。"
    )
    office_unit = (
        Unit.objects.filter(region_id=notice.region_id, is_office=True, is_active=True)
        .values_list("name", flat=True).first() or ""
    )
    sender = notice.issued_by
    contact_parts = [f"联系人：{sender}" if sender else "", f"联系电话：{sender.phone}" if sender and sender.phone else ""]
    contact = "　".join(p for p in contact_parts if p)
    if office_unit:
        contact = f"{contact}（纲要办设在{office_unit}）" if contact else f"纲要办设在{office_unit}"
    return NoticeContent(
        serial=notice.serial, office=office_name(notice), office_unit=office_unit, addressee=notice.unit.name,
        opening=opening, items=items, request=request, contact=contact, issued_on=date_text(notice.issued_on),
        filename=f"督办通知单-{notice.year}-{notice.number:03d}-{notice.unit.name}",
    )
