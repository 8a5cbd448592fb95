from django.urls import path

from kesu.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("new/", views.indicator_new, name="new"),
    path("elements/new/", views.element_new, name="element_new"),
    path("elements/<slug:code>/edit/", views.element_edit, name="element_edit"),
    path("elements/<slug:code>/active/", views.element_active, name="element_active"),
    path("entry/", views.entry, name="entry"),
    path("entry/cell/", views.entry_cell, name="entry_cell"),
    path("entry/submit/", views.entry_submit, name="entry_submit"),
    path("entry/template.xlsx", views.template_download, name="template"),
    path("entry/upload/", views.template_upload, name="upload"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:submission_id>/approve/", views.approve, name="approve"),
    path("approvals/<int:submission_id>/return/", views.return_submission, name="return"),
    path("targets/", views.target_links, name="targets"),
    path("targets/plan/<int:plan_id>/suggest/", views.target_suggest, name="target_suggest"),
    path("targets/<int:target_id>/decide/", views.target_decide, name="target_decide"),
    path("<slug:code>/", views.indicator_detail, name="detail"),
    path("<slug:code>/edit/", views.indicator_edit, name="edit"),
]
