"""Routes of supervision, mounted at the site root by kesu.web.urls."""

from django.urls import path

from kesu.supervision import succession_views, views

app_name = "supervision"

# Office overview: dashboard, responsibility matrix, unit page, scorecards, Excel downloads.
urlpatterns = [
    path("dashboard/", views.plan_default, {"page": "dashboard"}, name="dashboard_home"),
    path("matrix/", views.plan_default, {"page": "matrix"}, name="matrix_home"),
    path("scorecards/", views.plan_default, {"page": "scorecard"}, name="scorecard_home"),
    path("plans/<int:plan_id>/dashboard/", views.dashboard, name="dashboard"),
    path("plans/<int:plan_id>/matrix/", views.matrix, name="matrix"),
    path("plans/<int:plan_id>/scorecard/", views.scorecard, name="scorecard"),
    path("plans/<int:plan_id>/scorecard/weights/", views.scorecard_weights, name="scorecard_weights"),
    path("plans/<int:plan_id>/scorecard/adjustments/", views.scorecard_adjustment,
         name="scorecard_adjustment"),
    path("plans/<int:plan_id>/export/tasks.xlsx", views.export_tasks, name="export_tasks"),
    path("plans/<int:plan_id>/export/ledger.xlsx", views.export_ledger, name="export_ledger"),
    path("plans/<int:plan_id>/export/scorecard.xlsx", views.export_scorecard, name="export_scorecard"),
    path("units/<int:unit_id>/", views.unit_page, name="unit_page"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    # Plans in succession (衔接上一期 / 声明下一期方案): the office of the region only.
    path("plans/<int:plan_id>/succession/", succession_views.succession_start, name="succession_start"),
    path("plans/<int:plan_id>/succession/<int:successor_id>/", succession_views.succession, name="succession"),
]
