from django.urls import path

from kesu.org import views

app_name = "org"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:unit_id>/", views.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/merge/", views.unit_merge, name="unit_merge"),
    path("units/<int:unit_id>/aliases/<int:alias_id>/delete/", views.alias_delete, name="alias_delete"),
    path("users/", views.user_list, name="user_list"),
    path("users/<int:user_id>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:user_id>/active/", views.user_toggle_active, name="user_toggle_active"),
    path("regions/import/", views.region_import, name="region_import"),
]
