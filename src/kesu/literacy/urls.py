from django.urls import path

from kesu.literacy import views

app_name = "literacy"

urlpatterns = [
    path("", views.home, name="home"),
    path("waves/<int:wave_id>/export.xlsx", views.export_xlsx, name="export"),
    path("waves/<int:wave_id>/recompute/", views.recompute, name="recompute"),
    path("waves/<int:wave_id>/delete/", views.delete, name="delete"),
    path("<str:code>/", views.region_results, name="region"),
    path("<str:code>/upload/", views.upload, name="upload"),
    path("<str:code>/upload/<str:token>/", views.mapping, name="mapping"),
    path("<str:code>/upload/<str:token>/discard/", views.discard, name="discard"),
]
