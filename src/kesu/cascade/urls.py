"""Routes of 上下联动, mounted at the site root by kesu.web.urls."""

from django.urls import path

from kesu.cascade import views

app_name = "cascade"

urlpatterns = [
    path("plans/<int:plan_id>/cascade/", views.plan_links, name="plan_links"),
    path("plans/<int:plan_id>/cascade/parent/", views.set_parent, name="set_parent"),
    path("plans/<int:plan_id>/cascade/propose/", views.propose, name="propose"),
    path("cascade/links/<int:link_id>/confirm/", views.confirm, name="confirm"),
    path("cascade/links/<int:link_id>/remove/", views.remove, name="remove"),
    path("cascade/tasks/<int:task_id>/link/", views.correct, name="correct"),
]
