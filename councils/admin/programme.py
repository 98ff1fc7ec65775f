"""The programme, its key figures and its contracts in the admin."""

from django.contrib import admin, messages
from django.utils.html import format_html

from sendtracker.admin_mixins import SingleChoicePreselectMixin

from ..models import Contract, KeyFigure, Programme
from ..money import FACT_FIELDS


def warn_ledger_disagreements(modeladmin, request):
    """Say on the page, naming both numbers, when a key figure and the contracts ledger disagree."""
    for disagreement in KeyFigure.objects.ledger_disagreements():
        modeladmin.message_user(request, f"Check the ledger: {disagreement}", messages.WARNING)


class KeyFigureInline(admin.TabularInline):
    formfield_overrides = FACT_FIELDS
    model = KeyFigure
    extra = 0
    fields = (
        "position",
        "key",
        "label",
        "value",
        "unit",
        "reported_on",
        "source_url",
        "source_title",
        "no_source_reason",
    )


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    formfield_overrides = FACT_FIELDS
    list_display = ("name", "budget", "max_partnerships", "announced_on", "expected_launch")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (KeyFigureInline,)


@admin.register(KeyFigure)
class KeyFigureAdmin(SingleChoicePreselectMixin, admin.ModelAdmin):
    formfield_overrides = FACT_FIELDS
    list_display = ("label", "figure", "reported_on", "programme", "position", "ledger")
    list_filter = ("programme", "reported_on", "unit")
    list_select_related = ("programme",)
    search_fields = ("label", "key", "note", "source_title")

    @admin.display(description="Value", ordering="value")
    def figure(self, obj):
        return obj.display_value

    @admin.display(description="Against the contracts ledger")
    def ledger(self, obj):
        if not obj.ledger_role:
            return "–"
        return obj.ledger_disagreement() or "Agrees"

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            warn_ledger_disagreements(self, request)
        return super().changelist_view(request, extra_context)


@admin.register(Contract)
class ContractAdmin(SingleChoicePreselectMixin, admin.ModelAdmin):
    formfield_overrides = FACT_FIELDS
    # Supplier, start and reference tell apart contracts with the same role and value.
    list_display = ("role", "supplier_or_unnamed", "reference_or_number", "value", "starts_on", "published_on")
    list_filter = ("role", "buyer", "published_on", "programme")
    search_fields = ("role", "supplier", "buyer", "reference", "notes")
    show_full_result_count = False  # the ledger check below takes that query's place

    @admin.display(description="Reference", ordering="reference")
    def reference_or_number(self, obj):
        return obj.reference or f"No reference (record {obj.pk})"

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            warn_ledger_disagreements(self, request)
        return super().changelist_view(request, extra_context)

    @admin.display(description="Supplier", ordering="supplier")
    def supplier_or_unnamed(self, obj):
        return obj.supplier or format_html("<em>{}</em>", "not named")
