"""The councils in the admin: their facts, their pilot status (through councils.services), their care
board and area SEND inspections.
"""

from django.contrib import admin, messages
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from sendtracker.admin_mixins import HTTPS_URLS, RankedSearchMixin

from ..forms import STATUS_FIELDS, CouncilChangeForm, can_override
from ..models import Council, CouncilCareBoard, IntegratedCareBoard, SendInspection, StatusChangeCorrection
from ..selectors import care_boards_prefetch
from ..services import StatusChangeRefused, council_set_status
from .status import RECORD_PERMISSION, mark_status_actions, recorded_message

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


class CareBoardInline(admin.TabularInline):
    """The council's care board(s), from the ONS lookup (manage.py import_care_boards): editors correct them."""

    model = CouncilCareBoard
    extra = 0
    fields = ("care_board", "position", "share_note")
    autocomplete_fields = ("care_board",)
    verbose_name = "integrated care board"
    verbose_name_plural = "integrated care boards (main part first; kept by manage.py import_care_boards)"

    # Reference data like the register's: anyone who may see the council sees them, editors change them.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("councils.view_council")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("councils.add_council")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("councils.add_council")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("councils.add_council")


class SendInspectionInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = SendInspection
    extra = 0
    fields = ("published_on", "outcome", "is_revisit", "report_url", "note")


@admin.register(Council)
class CouncilAdmin(RankedSearchMixin, admin.ModelAdmin):
    form = CouncilChangeForm
    ranked_search_field = "short_name"
    list_display = (
        "short_name",
        "code",
        "region",
        "status",
        "status_effective_on",
        "ofsted_judgement",
        "care_board",
        "in_safety_valve",
    )
    list_display_links = ("short_name",)
    list_filter = ("status", "region", "ofsted_judgement", "in_safety_valve", "council_type")
    search_fields = ("short_name", "name", "code", "gss_code", "slug", "alt_names")
    readonly_fields = ("current_status", "status_timeline", "created_at", "updated_at")
    inlines = (CareBoardInline, SendInspectionInline)
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(care_boards_prefetch())

    @admin.display(description="Integrated care board")
    def care_board(self, obj):
        boards = obj.care_board_list
        if not boards:
            return None
        return str(boards[0]) + (f" (and {len(boards) - 1} more)" if len(boards) > 1 else "")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("councils.add_council"):
            readonly += REGISTER_FIELDS
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_record_status_permission(self, request):
        return request.user.has_perm(RECORD_PERMISSION) and request.user.has_perm("councils.change_council")

    def save_model(self, request, obj, form, change):
        if change:
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
            recorded = council_set_status(council=obj, by=request.user, **form.status_move)
            self.message_user(request, recorded_message(recorded), messages.SUCCESS)

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


@admin.register(IntegratedCareBoard)
class IntegratedCareBoardAdmin(RankedSearchMixin, admin.ModelAdmin):
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
