"""The API's writes on progress reports: find the objects in the actor's scope (404 otherwise), then
hand over to the reporting workflow in kesu.progress.services, which decides everything else.
Its errors become HTTP statuses in kesu.api.endpoints."""

from __future__ import annotations

from django.db import transaction

from kesu.audit.context import acting_as
from kesu.org.permissions import get_visible_or_404, visible_reports, visible_tasks
from kesu.progress import services as services_reports
from kesu.progress.models import ProgressReport


def _check_revision(report: ProgressReport, expected_revision: int) -> None:
    if report.revision != expected_revision:
        raise services_reports.StaleReportError(report)


def save_draft(*, actor, data) -> tuple[ProgressReport, bool]:
    task = get_visible_or_404(visible_tasks(actor), pk=data.task_id)
    period = get_visible_or_404(task.plan.periods.all(), pk=data.period_id)
    with acting_as(actor):
        report = services_reports.save_draft(
            actor=actor,
            task=task,
            period=period,
            expected_revision=data.expected_revision,
            narrative=data.narrative,
            self_assessment=data.self_assessment,
            figures={figure.target_id: figure.value for figure in data.figures},
            figure_notes={figure.target_id: figure.note for figure in data.figures},
            confirm_large=data.confirm_large,
        )
    return report, data.expected_revision == 0


def submit(*, actor, report_id: int, expected_revision: int) -> ProgressReport:
    report = get_visible_or_404(visible_reports(actor), pk=report_id)
    with acting_as(actor):
        return services_reports.submit_report(actor=actor, report=report, expected_revision=expected_revision)


def _review(*, actor, report_id: int, expected_revision: int, review) -> ProgressReport:
    get_visible_or_404(visible_reports(actor), pk=report_id)
    # The review services take no revision; the row lock held across the check and the service call
    # (one transaction) makes "reviewing what I read" atomic.
    with transaction.atomic(), acting_as(actor):
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        _check_revision(report, expected_revision)
        return review(report)


def return_(*, actor, report_id: int, expected_revision: int, comment: str) -> ProgressReport:
    return _review(
        actor=actor, report_id=report_id, expected_revision=expected_revision,
        review=lambda report: services_reports.return_report(actor=actor, report=report, comment=comment),
    )


def accept(*, actor, report_id: int, expected_revision: int, comment: str) -> ProgressReport:
    return _review(
        actor=actor, report_id=report_id, expected_revision=expected_revision,
        review=lambda report: services_reports.accept_report(actor=actor, report=report, comment=comment),
    )
