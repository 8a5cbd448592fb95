"""Routes of the 科普资源 registries, mounted at the site root by kesu.web.urls: the registries under
/resources/ (signed in) and the public directory of recognised bases at /directory/, both in the
"resources" namespace. Fixed paths come before the <kind> patterns they would otherwise match."""

from django.urls import include, path

from kesu.resources import views, views_bases, views_exchange, views_records

app_name = "resources"

registries = [
    path("", views.index, name="index"),
    path("reviews/", views_bases.my_reviews, name="my_reviews"),
    path("reviews/<int:assignment_id>/", views_bases.review, name="review"),
    path("applications/<int:application_id>/screen/", views_bases.application_screen, name="screen"),
    path("applications/<int:application_id>/resubmit/", views_bases.application_resubmit, name="resubmit"),
    path("applications/<int:application_id>/panel/", views_bases.application_panel, name="assign_panel"),
    path("applications/<int:application_id>/recognise/", views_bases.application_recognise, name="recognise"),
    path("applications/<int:application_id>/decline/", views_bases.application_decline, name="decline"),
    path("base/<int:pk>/apply/", views_bases.base_apply, name="apply"),
    path("base/<int:pk>/annual-report/", views_bases.base_annual_report, name="annual_report"),
    path("base/<int:pk>/re-examine/", views_bases.base_re_examine, name="re_examine"),
    path("volunteer/<int:pk>/service/", views_records.service_record_add, name="service_record_add"),
    path("activity/<int:pk>/photos/", views_records.photo_upload, name="photo_upload"),
    path("activity/<int:pk>/evidence/", views_records.evidence_attach, name="evidence_attach"),
    path("activity/<int:pk>/evidence/remove/", views_records.evidence_detach, name="evidence_detach"),
    path("activity/<int:pk>/delete/", views_records.activity_delete, name="activity_delete"),
    path("photos/<int:photo_id>/", views_records.photo_file, name="photo"),
    path("<slug:kind>/", views.record_list, name="list"),
    path("<slug:kind>/new/", views.record_create, name="create"),
    path("<slug:kind>/template.xlsx", views_exchange.template_download, name="template"),
    path("<slug:kind>/import/", views_exchange.import_records, name="import"),
    path("<slug:kind>/export.xlsx", views_exchange.export, name="export"),
    path("<slug:kind>/<int:pk>/", views.record_detail, name="detail"),
    path("<slug:kind>/<int:pk>/edit/", views.record_edit, name="edit"),
    path("<slug:kind>/<int:pk>/active/", views.record_set_active, name="set_active"),
]

urlpatterns = [
    path("resources/", include(registries)),
    path("directory/", views_exchange.directory, name="directory"),
]
