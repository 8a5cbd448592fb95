"""Offices extend the vocabularies (topics with the expertise that reviews them, audiences) and may
adjust review policies through the admin."""

from django.contrib import admin

from kesu.content.models import Audience, ReviewPolicy, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "needs_medical_review", "order")
    list_editable = ("order",)
    search_fields = ("name", "code")
    filter_horizontal = ("fields",)


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "keywords", "order")
    search_fields = ("name", "code", "keywords")


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(admin.ModelAdmin):
    list_display = ("region", "reviewers", "medical_reviewers", "review_days", "fast_track_hours")
    search_fields = ("region__name", "region__code")
    raw_id_fields = ("region",)
