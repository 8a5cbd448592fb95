"""Django admin for plans: a read-mostly view of what was imported. Plans, tasks and their
assignments change through the import service (which keeps versions and audit history), so the
admin shows them without letting the operator add or edit them."""

from __future__ import annotations

from django.contrib import admin

from kesu.planning.models import Plan, Section, Target, Task, TaskUnit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TaskUnitInline(admin.TabularInline):
    model = TaskUnit
    extra = 0
    can_delete = False
    readonly_fields = ("unit", "role")

    def has_add_permission(self, request, obj=None):
        return False


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    can_delete = False
    fields = ("text", "value", "unit", "comparator", "period", "kind", "deadline_year")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "region", "doc_number", "version", "is_current", "imported_at", "is_demo")
    list_filter = ("is_current", "is_demo")
    search_fields = ("title", "doc_number", "region__name")
    list_select_related = ("region",)
    exclude = ("parsed",)


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "plan", "group", "deadline_year")
    search_fields = ("code", "title", "plan__title")
    list_filter = ("plan__region",)
    list_select_related = ("plan", "group")
    inlines = (TaskUnitInline, TargetInline)


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "kind", "plan")
    list_filter = ("kind",)
    list_select_related = ("plan",)
