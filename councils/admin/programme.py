"""The programme, its key figures and its contracts in the admin."""

from django.contrib import admin
from django.utils.html import format_html

from sendtracker.admin_mixins import HTTPS_URLS

from ..models import Contract, KeyFigure, Programme


class KeyFigureInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = KeyFigure
    extra = 0
    fields = ("position", "key", "label", "value", "unit", "reported_on", "source_url", "source_title")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("name", "budget", "max_partnerships", "announced_on", "expected_launch")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (KeyFigureInline,)


@admin.register(KeyFigure)
class KeyFigureAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("label", "figure", "reported_on", "programme", "position")
    list_filter = ("programme", "reported_on", "unit")
    list_select_related = ("programme",)
    search_fields = ("label", "key", "note", "source_title")

    @admin.display(description="Value", ordering="value")
    def figure(self, obj):
        return obj.display_value


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("role", "supplier_or_unnamed", "value", "starts_on", "ends_on", "published_on")
    list_filter = ("role", "buyer", "published_on", "programme")
    search_fields = ("role", "supplier", "buyer", "reference", "notes")

    @admin.display(description="Supplier", ordering="supplier")
    def supplier_or_unnamed(self, obj):
        return obj.supplier or format_html("<em>{}</em>", "not named")
