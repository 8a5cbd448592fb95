"""Routes of the tracking app, mounted at the site root by kesu.web.urls. Grouped by feature; add
new groups as separate blocks."""

from django.urls import path

from kesu.tracking import views_dashboard, views_reports

app_name = "tracking"

# Supervision workflow (督办): reporting, review, reminders, inbox, task page.
report_patterns = [
    path("tasks/mine/", views_reports.my_tasks, name="my_tasks"),
    path("tasks/<int:task_id>/", views_reports.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/periods/<int:period_id>/report/", views_reports.report_edit, name="report_edit"),
    path("reports/<int:report_id>/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:report_id>/review/", views_reports.report_review, name="report_review"),
    path("evidence/<int:evidence_id>/", views_reports.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_id>/delete/", views_reports.evidence_delete, name="evidence_delete"),
    path("review/", views_reports.review_queue, name="review_queue"),
    path("reminders/new/", views_reports.reminder_new, name="reminder_new"),
    path("reminders/bulk/", views_reports.reminder_bulk, name="reminder_bulk"),
    path("inbox/", views_reports.inbox, name="inbox"),
    path("inbox/read-all/", views_reports.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("inbox/<int:reminder_id>/read/", views_reports.inbox_mark_read, name="inbox_mark_read"),
]

# Office overview: dashboard, responsibility matrix, unit page, scorecards, Excel downloads.
dashboard_patterns = [
    path("dashboard/", views_dashboard.plan_default, {"page": "dashboard"}, name="dashboard_home"),
    path("matrix/", views_dashboard.plan_default, {"page": "matrix"}, name="matrix_home"),
    path("scorecards/", views_dashboard.plan_default, {"page": "scorecard"}, name="scorecard_home"),
    path("plans/<int:plan_id>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("plans/<int:plan_id>/matrix/", views_dashboard.matrix, name="matrix"),
    path("plans/<int:plan_id>/scorecard/", views_dashboard.scorecard, name="scorecard"),
    path("plans/<int:plan_id>/scorecard/weights/", views_dashboard.scorecard_weights, name="scorecard_weights"),
    path("plans/<int:plan_id>/scorecard/adjustments/", views_dashboard.scorecard_adjustment,
         name="scorecard_adjustment"),
    path("plans/<int:plan_id>/export/tasks.xlsx", views_dashboard.export_tasks, name="export_tasks"),
    path("plans/<int:plan_id>/export/ledger.xlsx", views_dashboard.export_ledger, name="export_ledger"),
    path("plans/<int:plan_id>/export/scorecard.xlsx", views_dashboard.export_scorecard, name="export_scorecard"),
    path("units/<int:unit_id>/", views_dashboard.unit_page, name="unit_page"),
]

urlpatterns = [
    *report_patterns,
    *dashboard_patterns,
]
