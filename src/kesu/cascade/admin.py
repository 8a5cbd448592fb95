from django.contrib import admin

from kesu.cascade.models import PlanParent, TaskLink


@admin.register(PlanParent)
class PlanParentAdmin(admin.ModelAdmin):
    list_display = ("plan", "parent_plan", "national_version", "set_by", "set_at")
    raw_id_fields = ("plan", "parent_plan")


@admin.register(TaskLink)
class TaskLinkAdmin(admin.ModelAdmin):
    list_display = ("task", "parent_task", "national_code", "score", "state", "decided_by", "decided_at")
    list_filter = ("state",)
    raw_id_fields = ("task", "parent_task")
