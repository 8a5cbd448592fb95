"""Routes of progress reporting, mounted at the site root by kesu.web.urls."""

from django.urls import path

from kesu.progress import notice_views, views

app_name = "progress"

urlpatterns = [
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:task_id>/periods/<int:period_id>/report/", views.report_edit, name="report_edit"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/review/", views.report_review, name="report_review"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence_delete"),
    path("review/", views.review_queue, name="review_queue"),
    path("reminders/new/", views.reminder_new, name="reminder_new"),
    path("reminders/bulk/", views.reminder_bulk, name="reminder_bulk"),
    path("reminders/notices/", notice_views.notice_issue, name="notice_issue"),
    path("reminders/notices/batch/", notice_views.notice_batch, name="notice_batch"),
    path("reminders/notices/<int:notice_id>.<str:fmt>", notice_views.notice_download, name="notice_download"),
    path("reminders/deliveries/<int:delivery_id>/resend/", notice_views.delivery_resend, name="delivery_resend"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("inbox/<int:reminder_id>/read/", views.inbox_mark_read, name="inbox_mark_read"),
]
