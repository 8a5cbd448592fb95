"""Django admin for reporting periods, read-only like the plans they belong to."""

from __future__ import annotations

from django.contrib import admin

from kesu.planning.admin import ReadOnlyAdmin
from kesu.progress.models import ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    list_display = ("label", "plan", "kind", "start", "end", "due")
    list_select_related = ("plan",)
