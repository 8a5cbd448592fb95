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
    path("entry/reason/", views.entry_reason, name="entry_reason"),
    path("entry/blanks/", views.entry_blanks, name="entry_blanks"),
    path("entry/submit/", views.entry_submit, name="entry_submit"),
    path("entry/template.xlsx", views.template_download, name="template"),
    path("entry/upload/", views.template_upload, name="upload"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/<int:submission_id>/accept/", views.accept_submission, name="accept"),
    path("reviews/<int:submission_id>/return/", views.return_submission, name="return"),
    # The paths before the review acts were named accept / return: bookmarks and forms left open in a
    # browser still work. Same views, so the same checks (a redirect would not carry a POST's checks).
    path("approvals/", views.review_queue, name="review_queue_old_path"),
    path("approvals/<int:submission_id>/approve/", views.accept_submission, name="accept_old_path"),
    path("approvals/<int:submission_id>/return/", views.return_submission, name="return_old_path"),
    path("targets/", views.target_links, name="targets"),
    path("targets/plan/<int:plan_id>/suggest/", views.target_suggest, name="target_suggest"),
    path("targets/<int:target_id>/decide/", views.target_decide, name="target_decide"),
    path("<slug:code>/", views.indicator_detail, name="detail"),
    path("<slug:code>/edit/", views.indicator_edit, name="edit"),
]
