"""The journalists' admin for the tracker's facts.

Every change of a council's status goes through councils.services (see admin_status.py);
the status history is read-only here, and editors correct it through its own form.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .admin_base import HTTPS_URLS, ReadOnlyAdminMixin
from .admin_partnerships import PartnershipAdmin  # noqa: F401  (registers itself)
from .admin_status import (
    RECORD_PERMISSION,
    STATUS_FIELDS,
    CouncilChangeForm,
    CouncilStatusListForm,
    StatusChangeCorrectionForm,
    can_override,
    mark_status_actions,
)
from .models import (
    Contract,
    Council,
    IntegratedCareBoard,
    KeyFigure,
    Programme,
    SendInspection,
    StatusChange,
    StatusChangeCorrection,
)
from .services import CORRECT_PERMISSION, StatusChangeRefused, council_set_status, status_change_correct

# Reference data from the mySociety register: import_councils keeps it, only editors edit it by hand.
REGISTER_FIELDS = (
    "code",
    "name",
    "short_name",
    "slug",
    "gss_code",
    "la_number",
    "region",
    "council_type",
    "gov_uk_slug",
    "population",
    "latitude",
    "longitude",
    "alt_names",
)


def excerpt(text, words=12):
    return Truncator(text).words(words)


class SendInspectionInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = SendInspection
    extra = 0
    fields = ("published_on", "outcome", "is_revisit", "report_url", "note")


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    form = CouncilChangeForm
    list_display = (
        "short_name",
        "code",
        "region",
        "status",
        "status_effective_on",
        "ofsted_judgement",
        "icb",
        "in_safety_valve",
    )
    list_display_links = ("short_name",)
    list_editable = ("status",)
    list_filter = ("status", "region", "ofsted_judgement", "in_safety_valve", "council_type")
    list_select_related = ("icb",)
    search_fields = ("short_name", "name", "code", "gss_code", "slug", "alt_names")
    autocomplete_fields = ("icb",)
    readonly_fields = ("current_status", "status_timeline", "created_at", "updated_at")
    inlines = (SendInspectionInline,)
    actions = mark_status_actions
    list_per_page = 50

    def get_fieldsets(self, request, obj=None):
        status_fields = (*STATUS_FIELDS, "override_rules") if can_override(request.user) else STATUS_FIELDS
        if obj is not None:
            status_fields = ("current_status", *status_fields)
        fieldsets = [
            (
                "Pilot status",
                {
                    "fields": status_fields,
                    "description": "A new status is recorded on the council's public timeline with its date, note "
                    "and source. Moves the rules refuse are explained here and nothing is saved.",
                },
            ),
        ]
        if obj is not None:
            fieldsets.append(("Status timeline", {"fields": ("status_timeline",)}))
        fieldsets += [
            (
                "Children's services and SEND",
                {
                    "fields": (
                        "ofsted_judgement",
                        "ofsted_judgement_on",
                        "icb",
                        "in_safety_valve",
                        "safety_valve_amount",
                    )
                },
            ),
            ("Register (from mySociety)", {"fields": REGISTER_FIELDS}),
            ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
        ]
        if not self.has_record_status_permission(request):
            fieldsets[0] = ("Pilot status", {"fields": ("current_status",) if obj else ()})
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("councils.add_council"):
            readonly += REGISTER_FIELDS
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", CouncilStatusListForm)
        form = super().get_changelist_form(request, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not self.has_record_status_permission(request):
            changelist.list_editable = ()
        return changelist

    def has_record_status_permission(self, request):
        return request.user.has_perm(RECORD_PERMISSION) and request.user.has_perm("councils.change_council")

    def save_model(self, request, obj, form, change):
        if getattr(form, "status_only", False):
            pass  # the list's status column: the service writes the only field it edits
        elif change:
            # Never write the status columns from a possibly stale form: only the service does.
            obj.save(
                update_fields=[
                    field.name
                    for field in obj._meta.concrete_fields
                    if not field.primary_key and field.name not in ("status", "status_effective_on", "created_at")
                ]
            )
        else:
            obj.save()
        if form.status_move:
            council_set_status(council=obj, by=request.user, **form.status_move)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except StatusChangeRefused as error:
            # Someone else moved the status between the check and the save: the whole save rolled back.
            return self._refused_after_check(request, error)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except StatusChangeRefused as error:
            return self._refused_after_check(request, error)

    def _refused_after_check(self, request, error):
        self.message_user(
            request,
            "Nothing was saved: the status changed while you were editing. " + " ".join(error.messages),
            messages.ERROR,
        )
        return HttpResponseRedirect(request.get_full_path())

    @admin.display(description="Current status")
    def current_status(self, obj):
        if obj.status_effective_on:
            return f"{obj.get_status_display()} since {obj.status_effective_on:%-d %B %Y}"
        return obj.get_status_display()

    @admin.display(description="Timeline")
    def status_timeline(self, obj):
        changes = (
            obj.status_changes.select_related("recorded_by")
            .prefetch_related(
                Prefetch("corrections", queryset=StatusChangeCorrection.objects.select_related("corrected_by"))
            )
            .order_by("-effective_on", "-recorded_at", "-pk")
        )
        return mark_safe(  # noqa: S308 - rendered by an autoescaping template
            render_to_string(
                "admin/councils/_status_timeline.html",
                {"changes": changes},
            )
        )


class StatusChangeCorrectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StatusChangeCorrection
    extra = 0
    fields = ("corrected_at", "corrected_by", "reason", "previous")
    readonly_fields = fields
    can_delete = False


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The status history: read-only. New changes are recorded from the council; editors correct here."""

    list_display = (
        "council",
        "from_status",
        "to_status",
        "effective_on",
        "note_excerpt",
        "recorded_by",
        "recorded_at",
        "overridden",
        "correction_count",
    )
    list_filter = ("to_status", "from_status", "overridden", "effective_on", "recorded_at")
    list_select_related = ("council", "recorded_by")
    search_fields = ("council__short_name", "council__name", "council__code", "note", "source_title")
    fields = (
        "council",
        "from_status",
        "to_status",
        "effective_on",
        "note",
        "source_url",
        "source_title",
        "recorded_by",
        "recorded_at",
        "overridden",
    )
    readonly_fields = fields
    inlines = (StatusChangeCorrectionInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(correction_count=Count("corrections"))

    @admin.display(description="Public note")
    def note_excerpt(self, obj):
        return excerpt(obj.note)

    @admin.display(description="Corrections", ordering="correction_count")
    def correction_count(self, obj):
        return obj.correction_count

    def get_urls(self):
        return [
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="councils_statuschange_correct",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_correct": request.user.has_perm(CORRECT_PERMISSION)}
        return super().change_view(request, object_id, form_url, extra_context)

    def correct_view(self, request, object_id):
        """An editor's correction of the date, note or source, with a reason; recorded and shown publicly."""
        if not request.user.has_perm(CORRECT_PERMISSION):
            raise PermissionDenied
        change = get_object_or_404(StatusChange.objects.select_related("council"), pk=unquote(object_id))
        form = StatusChangeCorrectionForm(request.POST or None, change=change)
        if request.method == "POST" and form.is_valid():
            try:
                correction = status_change_correct(
                    change=change, by=request.user, reason=form.cleaned_data["reason"], **form.corrected_fields()
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, errors in error.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                self.log_change(request, change, f"Corrected: {correction.reason}")
                self.message_user(request, f"Correction to “{change}” recorded.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:councils_statuschange_change", args=[change.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Correct “{change}”",
            "subtitle": None,
            "opts": self.opts,
            "change": change,
            "original": change,
            "form": form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/councils/statuschange/correct.html", context)


@admin.register(StatusChangeCorrection)
class StatusChangeCorrectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Editors' corrections to the status history: a read-only record."""

    list_display = ("status_change", "corrected_at", "corrected_by", "reason_excerpt")
    list_filter = ("corrected_at",)
    list_select_related = ("status_change__council", "corrected_by")
    search_fields = ("reason", "status_change__council__short_name")
    readonly_fields = ("status_change", "corrected_at", "corrected_by", "reason", "previous")

    @admin.display(description="Reason")
    def reason_excerpt(self, obj):
        return excerpt(obj.reason)


@admin.register(IntegratedCareBoard)
class IntegratedCareBoardAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "council_count")
    search_fields = ("name", "code")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(council_count=Count("councils"))

    @admin.display(description="Councils", ordering="council_count")
    def council_count(self, obj):
        return obj.council_count


@admin.register(SendInspection)
class SendInspectionAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("council", "published_on", "outcome", "is_revisit")
    list_filter = ("outcome", "is_revisit", "published_on")
    list_select_related = ("council",)
    search_fields = ("council__short_name", "council__name", "note")
    autocomplete_fields = ("council",)


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


from . import admin_programme  # noqa: E402, F401  (registers the programme timeline and former names)
