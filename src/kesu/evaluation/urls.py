"""Routes of the evaluation app, mounted at the site root by kesu.web.urls."""

from django.urls import path

from kesu.evaluation import final_views, views

app_name = "evaluation"

urlpatterns = [
    path("regions/<str:code>/dashboard/", views.region_dashboard, name="region_dashboard"),
    path("regions/<str:code>/dashboard/charts/<slug:chart_id>.xlsx", views.chart_xlsx, name="chart_xlsx"),
    path("regions/<str:code>/reports/annual/<int:year>.<str:fmt>", views.annual_report_download,
         name="annual_report"),
    path("plans/<int:plan_id>/annual-report.<str:fmt>", views.plan_annual_report, name="plan_annual_report"),
    path("plans/<int:plan_id>/final/", final_views.final_report, name="final_report"),
    path("plans/<int:plan_id>/final-report.<str:fmt>", final_views.final_report_file, name="final_report_file"),
]
