"""Django admin for reference data: regions, units with aliases, users. The office works in kesu's
own pages; the admin is for the operator (superuser) and for looking things up."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kesu.org.models import Region, Unit, UnitAlias, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "is_demo")
    list_filter = ("level", "is_demo")
    search_fields = ("code", "name")
    readonly_fields = ("path",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "kind", "is_office", "is_active", "is_demo")
    list_filter = ("kind", "is_office", "is_active", "is_demo")
    search_fields = ("name", "aliases__alias", "region__name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    inlines = (UnitAliasInline,)


@admin.register(UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    list_display = ("alias", "unit")
    search_fields = ("alias", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "region", "unit", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "display_name", "phone")
    list_select_related = ("region", "unit")
    autocomplete_fields = ("region", "unit")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("科素", {"fields": ("display_name", "role", "region", "unit", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("科素", {"fields": ("display_name", "role", "region", "unit")}),
    )
