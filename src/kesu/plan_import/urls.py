from django.urls import path

from kesu.plan_import import views

app_name = "plan_import"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("done/<int:plan_id>/", views.done, name="done"),
    path("<str:token>/", views.preview, name="preview"),
    path("<str:token>/mapping/", views.save_mapping, name="save_mapping"),
    path("<str:token>/metadata/", views.edit_metadata, name="edit_metadata"),
    path("<str:token>/check/", views.check_item, name="check_item"),
    path("<str:token>/columns/", views.remap_columns, name="remap_columns"),
    path("<str:token>/previous/", views.choose_previous, name="choose_previous"),
    path("<str:token>/add-task/", views.add_task, name="add_task"),
    path("<str:token>/tasks/<str:task_id>/", views.edit_task, name="edit_task"),
    path("<str:token>/tasks/<str:task_id>/delete/", views.delete_task, name="delete_task"),
    path("<str:token>/tasks/<str:task_id>/targets/add/", views.add_target, name="add_target"),
    path("<str:token>/tasks/<str:task_id>/targets/<int:index>/", views.edit_target, name="edit_target"),
    path("<str:token>/tasks/<str:task_id>/targets/<int:index>/kind/", views.target_kind, name="target_kind"),
    path("<str:token>/links/", views.save_links, name="save_links"),
    path("<str:token>/confirm/", views.confirm, name="confirm"),
    path("<str:token>/discard/", views.discard, name="discard"),
]
