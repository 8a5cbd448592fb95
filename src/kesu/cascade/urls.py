"""Routes of 上下联动, mounted at the site root by kesu.web.urls."""

from django.urls import path

from kesu.cascade import views, views_overview, views_reports

app_name = "cascade"

urlpatterns = [
    path("plans/<int:plan_id>/cascade/", views.plan_links, name="plan_links"),
    path("plans/<int:plan_id>/cascade/parent/", views.set_parent, name="set_parent"),
    path("plans/<int:plan_id>/cascade/propose/", views.propose, name="propose"),
    path("cascade/links/<int:link_id>/confirm/", views.confirm, name="confirm"),
    path("cascade/links/<int:link_id>/remove/", views.remove, name="remove"),
    path("cascade/tasks/<int:task_id>/link/", views.correct, name="correct"),
    path("plans/<int:plan_id>/cascade/coverage/", views_reports.coverage_page, name="coverage"),
    path("plans/<int:plan_id>/cascade/consistency/", views_reports.consistency_page, name="consistency"),
    path("plans/<int:plan_id>/cascade/coverage/export/", views_reports.export, name="export"),
]

# The city's overviews of its counties (kesu.cascade.views_overview).
urlpatterns += [
    path("plans/<int:plan_id>/cascade/rollup/", views_overview.rollup_page, name="rollup"),
    path("plans/<int:plan_id>/cascade/assessment/", views_overview.assessment_page, name="assessment"),
    path("plans/<int:plan_id>/cascade/assessment/weights/", views_overview.assessment_weights,
         name="assessment_weights"),
    path("plans/<int:plan_id>/cascade/assessment.xlsx", views_overview.assessment_export,
         name="assessment_export"),
]
