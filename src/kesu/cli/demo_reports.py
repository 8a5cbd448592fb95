"""Progress reports of the demo plans, written through the reporting services on the dates a real office
would have seen them.

Every step (draft, 报送, 通过, 退回) runs under kesu.audit.context.stamped at its own moment, and the
report's own times and review events are moved to the same moments afterwards, so that the page, the
review history and the audit log tell one story. Moments are derived from the day the demo is built
(timezone.localdate()): a plan whose period has ended is closed (every period reported and reviewed,
some late, a few returned once); a running plan has its past periods reviewed, the last of them a mix
of every state (overdue drafts and missing reports included), and the period open today in progress.
Figures follow each target's kind (kesu.plans.attainment): a yearly target's figure is the unit's share
of that year, a cumulative one's the share reached so far, a level the value reached.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

NARRATIVES = {
    "on_track": "按计划推进，本期完成了既定工作，相关活动已开展并形成台账。",
    "at_risk": "部分工作受经费和场地影响进度偏慢，已协调解决，下期加快推进。",
    "lagging": "本期工作尚未全面展开，已制定整改措施。",
}
RETURN_COMMENT = "请补充活动照片和参与人数等佐证材料。"
ACCEPT_COMMENT = "材料齐全，同意。"


def share(*parts) -> float:
    """A stable pseudo-random number in [0, 1) so that every demo build looks the same."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def moment(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@dataclass(frozen=True)
class Story:
    """What happens to one report: the outcome and the moments of its steps."""

    outcome: str  # accepted, resubmitted (returned once, then accepted), submitted, returned, draft, missing
    drafted: datetime.datetime | None = None
    submitted: datetime.datetime | None = None
    reviewed: datetime.datetime | None = None
    resubmitted: datetime.datetime | None = None
    accepted: datetime.datetime | None = None


def _bounded(story: Story, now: datetime.datetime) -> Story:
    """The story cut at the present: a step still in the future has not happened yet."""
    limit = now - datetime.timedelta(hours=1)
    steps = (story.drafted, story.submitted, story.reviewed, story.resubmitted, story.accepted)
    if all(at <= limit for at in steps if at is not None):
        return story
    if story.submitted and story.submitted <= limit:
        return Story("submitted", story.drafted, story.submitted)
    if story.drafted and story.drafted <= limit:
        return Story("draft", story.drafted)
    return Story("missing")


def _closed_story(draw: float, key: tuple, period) -> Story:
    """A report of a period the office has closed: on time, late, or returned once and then accepted."""
    lead = 1 + int(share(*key, "lead") * 12)
    if draw < 0.08:  # late
        submitted = moment(period.due + datetime.timedelta(days=2 + int(share(*key, "late") * 20)), 15)
    else:
        submitted = moment(period.due - datetime.timedelta(days=lead), 10 + lead % 6)
    drafted = submitted - datetime.timedelta(days=2 + lead % 3, hours=1)
    reviewed = submitted + datetime.timedelta(days=2 + lead % 4)
    if draw > 0.95:  # returned once, completed and accepted
        resubmitted = reviewed + datetime.timedelta(days=3)
        return Story("resubmitted", drafted, submitted, reviewed, resubmitted, resubmitted + datetime.timedelta(days=2))
    return Story("accepted", drafted, submitted, accepted=reviewed)


def _season_story(draw: float, key: tuple, period, now: datetime.datetime) -> Story:
    """The last period already due of a running plan: every state a dashboard has to show."""
    story = _closed_story(draw, key, period)
    # Offices chase overdue units, so months after the due date most reports are in: about one in eight
    # still owed (a draft or nothing), which already turns a third of multi-unit tasks red.
    if draw < 0.70:
        return story
    if draw < 0.80:  # waiting for the office's review
        return Story("submitted", story.drafted, story.submitted)
    if draw < 0.87:
        return Story("returned", story.drafted, story.submitted, story.reviewed)
    if draw < 0.93:  # started, never handed in: overdue
        return Story("draft", moment(period.due - datetime.timedelta(days=3), 16))
    return Story("missing")


def _open_story(draw: float, key: tuple, period, now: datetime.datetime) -> Story:
    """The period open today (or ended and not yet due): some units are early, most are still writing."""
    first = min(moment(max(period.start, period.end - datetime.timedelta(days=120)), 9),
                now - datetime.timedelta(days=1))
    span = max((now - first).total_seconds() - 3 * 86400, 3600)
    submitted = first + datetime.timedelta(seconds=span * (0.3 + 0.6 * share(*key, "open")))
    drafted = submitted - datetime.timedelta(days=1)
    reviewed = submitted + datetime.timedelta(days=1, hours=2)
    if draw < 0.08:
        return Story("accepted", drafted, submitted, accepted=reviewed)
    if draw < 0.2:
        return Story("submitted", drafted, submitted)
    if draw < 0.25:
        return Story("returned", drafted, submitted, reviewed)
    if draw < 0.6:
        return Story("draft", drafted)
    return Story("missing")


def _figures(task, unit_id: int, period, years: tuple[int, int], weight: float, pace: float) -> dict[int, float]:
    from kesu.plans.attainment import Kind, is_rate_unit

    start, end = years
    year = period.end.year
    through_year = period.end.month / 12
    elapsed = min(1.0, max(0.0, (year - start + through_year) / (end - start + 1)))
    figures = {}
    for target in task.targets.all():
        judged = target.attainment_target(task.deadline_year or end)
        noise = 0.95 + 0.1 * share(task.pk, unit_id, target.pk, period.pk)
        if judged.kind == Kind.YEARLY:
            amount = judged.goal * through_year
        elif judged.kind == Kind.CUMULATIVE:
            amount = judged.goal * elapsed
        elif judged.kind == Kind.CEILING:
            amount = target.value * (1.15 - 0.2 * elapsed)
        else:
            amount = target.value * (0.7 + 0.3 * elapsed)
        if judged.adds_up:
            amount *= weight
        amount *= pace * noise if judged.kind != Kind.CEILING else 1 / pace
        if is_rate_unit(target.unit):
            figures[target.pk] = round(min(amount, 100.0), 1)
        elif float(target.value).is_integer():
            figures[target.pk] = float(max(round(amount), 0))  # counts are whole numbers
        else:
            figures[target.pk] = round(amount, 2)
    return figures


def _weights(task) -> dict[int, float]:
    """Each unit's share of a task's countable targets: a lead unit does twice a participant's part."""
    roles = {a.unit_id: (2.0 if a.role == "lead" else 1.0) for a in task.assignments.all()}
    total = sum(roles.values()) or 1.0
    return {unit_id: weight / total for unit_id, weight in roles.items()}


def write_plan_reports(plan, office, reporters, today: datetime.date) -> dict[str, int]:
    """Reports of every reporter on every period of ``plan`` already started, as described above."""
    from django.db import transaction
    from django.utils import timezone

    from kesu.caching.versions import bump_plans
    from kesu.progress.models import ProgressReport
    from kesu.progress.periods import plan_years

    now = timezone.now()
    years = plan_years(plan)
    periods = list(plan.periods.filter(start__lte=today).order_by("start"))
    closed = years[1] < today.year
    past = [p for p in periods if p.due < today]
    counts: dict[str, int] = {}
    for reporter in reporters:
        with transaction.atomic():  # one commit per unit rather than per step: a much faster build
            _unit_reports(plan, office, reporter, periods, past, closed, years, today, now, counts)
    ProgressReport.objects.filter(task__plan=plan).update(is_demo=True)
    align_snapshots(ProgressReport.objects.filter(task__plan=plan).values_list("pk", flat=True))
    bump_plans([plan.pk])  # plain updates send no signals, so tell the page caches ourselves
    return counts


def _unit_reports(plan, office, reporter, periods, past, closed, years, today, now, counts) -> None:
    """One unit's reports on every started period: closed, the season's mix, or the open period's."""
    tasks = list(plan.tasks.filter(assignments__unit=reporter.unit)
                 .prefetch_related("targets", "assignments").order_by("order"))
    for period in periods:
        for task in tasks:
            key = (plan.pk, task.code, reporter.unit_id, period.label)
            draw = share(*key)
            if period.due >= today:
                story = _open_story(draw, key, period, now)
            elif closed or period != past[-1]:
                story = _closed_story(draw, key, period)
            else:
                story = _season_story(draw, key, period, now)
            story = _bounded(story, now)
            counts[story.outcome] = counts.get(story.outcome, 0) + 1
            if story.outcome == "missing":
                continue
            pace = 0.75 + 0.55 * share(plan.pk, task.code, reporter.unit_id)
            figures = _figures(task, reporter.unit_id, period, years, _weights(task)[reporter.unit_id], pace)
            _play(story, task, period, reporter, office, figures, pace)


def _play(story: Story, task, period, reporter, office, figures, pace: float) -> None:
    from kesu.audit.context import stamped
    from kesu.progress import services as reports
    from kesu.progress.models import ProgressReport, ReviewEvent

    assessment = "on_track" if pace >= 0.95 else "at_risk" if pace >= 0.85 else "lagging"
    narrative = f"{period.label}：{task.title}。{NARRATIVES[assessment]}"
    with stamped(story.drafted):
        report = reports.save_draft(actor=reporter, task=task, period=period, expected_revision=0,
                                    narrative=narrative, self_assessment=assessment, figures=figures)
    steps = []
    if story.submitted:
        with stamped(story.submitted):
            report = reports.submit_report(actor=reporter, report=report, expected_revision=report.revision)
        steps.append(story.submitted)
    if story.reviewed:  # returned
        with stamped(story.reviewed):
            report = reports.return_report(actor=office, report=report, expected_revision=report.revision,
                                           comment=RETURN_COMMENT)
        steps.append(story.reviewed)
    if story.resubmitted:
        with stamped(story.resubmitted):
            report = reports.save_draft(actor=reporter, task=task, period=period, expected_revision=report.revision,
                                        narrative=narrative + "已补充活动照片和参与人数。", self_assessment=assessment,
                                        figures=figures)
            report = reports.submit_report(actor=reporter, report=report, expected_revision=report.revision)
        steps.append(story.resubmitted)
    if story.accepted:
        with stamped(story.accepted):
            report = reports.accept_report(actor=office, report=report, expected_revision=report.revision,
                                           comment=ACCEPT_COMMENT)
        steps.append(story.accepted)
    # The services stamped the report and its events with the time of the build; give them the story's.
    for event, at in zip(ReviewEvent.objects.filter(report=report).order_by("id"), steps, strict=False):
        ReviewEvent.objects.filter(pk=event.pk).update(at=at)
    last_submit = story.resubmitted or story.submitted
    last_review = story.accepted or story.reviewed
    ProgressReport.objects.filter(pk=report.pk).update(
        submitted_at=last_submit if report.submitted_at else None,
        reviewed_at=last_review if report.reviewed_at else None,
        updated_at=max(at for at in (story.drafted, *steps) if at is not None),
    )


_TIMES = ("submitted_at", "reviewed_at", "updated_at")


def align_snapshots(report_ids) -> int:
    """The reports' audit entries say the time of the build in their before/after snapshots (the
    services stamped the rows with it): replace each such time with the moment of the entry that set it,
    so that the log's 报送时间 agrees with the page. Returns the number of entries changed."""
    from itertools import groupby

    from kesu.audit.models import AuditEntry

    entries = (AuditEntry.objects.filter(model="progress.ProgressReport", object_id__in=[str(i) for i in report_ids])
               .only("object_id", "at", "before", "after").order_by("object_id", "id"))
    changed = []
    for _, group in groupby(entries.iterator(chunk_size=2000), key=lambda entry: entry.object_id):
        moments: dict[str, str] = {}
        for entry in group:
            before, after = entry.before or {}, entry.after or {}
            for field in _TIMES:
                value = after.get(field)
                if value and value != before.get(field) and value not in moments:
                    moments[value] = entry.at.isoformat()
            new_before = {k: moments.get(v, v) if k in _TIMES else v for k, v in before.items()} if entry.before else None
            new_after = {k: moments.get(v, v) if k in _TIMES else v for k, v in after.items()} if entry.after else None
            if new_before != entry.before or new_after != entry.after:
                entry.before, entry.after = new_before, new_after
                changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["before", "after"], batch_size=500)
    return len(changed)
