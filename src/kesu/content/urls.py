"""科普内容 pages: the office's library and review under /content/, the public pages under /public/.
Each feature keeps its block; add paths inside your block."""

from django.urls import path

from kesu.content import (
    public,
    views_distribution,
    views_emergency,
    views_library,
    views_review,
    views_rumours,
)

app_name = "content"

urlpatterns = [
    # --- library and scientific review (views_library, views_review) ---
    path("content/", views_library.library, name="library"),
    path("content/new/", views_library.item_new, name="item_new"),
    path("content/<int:pk>/", views_library.item_detail, name="item"),
    path("content/<int:pk>/edit/", views_library.item_edit, name="item_edit"),
    path("content/<int:pk>/versions/<int:number>/", views_library.version_detail, name="version"),
    path("content/<int:pk>/submit/", views_library.item_submit, name="item_submit"),
    path("content/<int:pk>/withdraw/", views_library.item_withdraw, name="item_withdraw"),
    path("content/<int:pk>/assign/", views_library.item_assign, name="item_assign"),
    path("content/reviews/", views_review.queue, name="review_queue"),
    path("content/reviews/<int:review_id>/", views_review.review, name="review"),
    path("content/policy/", views_review.policy, name="review_policy"),
    # --- distribution, targeted push, inbox, subscriptions (views_distribution) ---
    path("content/<int:pk>/distribution/", views_distribution.distribution, name="distribution"),
    path("content/<int:pk>/distribution/<str:what>/", views_distribution.download, name="distribution_download"),
    path("content/<int:pk>/push/", views_distribution.push_form, name="push_form"),
    path("content/<int:pk>/push/preview/", views_distribution.push_preview, name="push_preview"),
    path("content/pushes/<int:pk>/", views_distribution.push_detail, name="push_detail"),
    path("content/inbox/", views_distribution.inbox, name="inbox"),
    path("content/subscriptions/", views_distribution.subscriptions, name="subscriptions"),
    path("public/m/<str:token>/", views_distribution.messenger_page, name="messenger_page"),
    # --- public pages (public) ---
    path("public/content/", public.content_list, name="public_list"),
    path("public/content/<int:pk>/", public.content_detail, name="public_detail"),
    path("public/content/<int:pk>/image/", public.content_file, name="public_file"),
    # --- rumours and emergencies (views_rumours, views_emergency) ---
    path("content/rumours/", views_rumours.rumour_list, name="rumour_list"),
    path("content/rumours/new/", views_rumours.rumour_new, name="rumour_new"),
    path("content/rumours/<int:pk>/", views_rumours.rumour_detail, name="rumour_detail"),
    path("content/rumours/<int:pk>/edit/", views_rumours.rumour_edit, name="rumour_edit"),
    path("content/rumours/<int:pk>/rebuttal/", views_rumours.rumour_rebuttal, name="rumour_rebuttal"),
    path("content/rumours/<int:pk>/close/", views_rumours.rumour_close, name="rumour_close"),
    path("public/rumours/", views_rumours.public_rumour_list, name="public_rumours"),
    path("public/rumours/<int:pk>/", views_rumours.public_rumour_detail, name="public_rumour"),
    path("content/emergency/", views_emergency.event_list, name="emergency_list"),
    path("content/emergency/new/", views_emergency.event_new, name="emergency_new"),
    path("content/emergency/packages/", views_emergency.package_list, name="package_list"),
    path("content/emergency/packages/<int:pk>/", views_emergency.package_detail, name="package_detail"),
    path("content/emergency/<int:pk>/", views_emergency.event_detail, name="emergency_detail"),
    path("content/emergency/<int:pk>/note/", views_emergency.event_note, name="emergency_note"),
    path("content/emergency/<int:pk>/close/", views_emergency.event_close, name="emergency_close"),
    path("content/emergency/<int:pk>/after-action.docx", views_emergency.event_report, name="emergency_report"),
]
