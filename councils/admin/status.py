"""The status history in the admin: read-only, corrected only by editors; and the "Mark as …" bulk actions.

New changes are recorded from the council (its change form or these actions, both asking for the
date, note and source), every one through councils.services.council_set_status.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from sendtracker.admin_mixins import ReadOnlyAdminMixin, excerpt

from ..choices import PilotStatus
from ..forms import StatusChangeCorrectionForm, StatusDetailsForm, refusal_messages
from ..models import StatusChange, StatusChangeCorrection
from ..services import (
    CORRECT_PERMISSION,
    StatusChangeRefused,
    council_set_status,
    status_change_correct,
    status_move_check,
)

RECORD_PERMISSION = "councils.add_statuschange"


def recorded_message(change):
    """What was recorded, in full: "Brighton and Hove: Considering → Declined, 1 Jun 2023, on the public timeline.\""""
    source = "" if change.source_url else " (no public source)"
    return (
        f"{change.council}: {change.get_from_status_display()} → {change.get_to_status_display()}, "
        f"{change.effective_on:%-d %b %Y}, on the public timeline{source}."
    )


def mark_status(modeladmin, request, queryset, status):
    """The "Mark as …" action: ask for date, note and source, then move each council."""
    status = PilotStatus(status)
    applying = "apply" in request.POST
    form = StatusDetailsForm(
        request.POST if applying else None,
        user=request.user,
        initial={"effective_on": timezone.localdate()},
    )
    councils = list(queryset.order_by("short_name"))
    if applying and form.is_valid():
        details = form.move_details()
        changed, refused, recorded = [], [], []
        for council in councils:
            try:
                recorded.append(council_set_status(council=council, status=status, by=request.user, **details))
            except (StatusChangeRefused, PermissionDenied) as error:
                refused.append(f"{council}: {' '.join(refusal_messages(error))}")
            else:
                changed.append(council)
        if changed:
            names = ", ".join(str(council) for council in changed)
            modeladmin.message_user(
                request,
                f"Marked {len(changed)} council{'s' if len(changed) != 1 else ''} as “{status.label}”: {names}.",
                messages.SUCCESS,
            )
            for change in recorded:
                modeladmin.message_user(request, recorded_message(change), messages.SUCCESS)
        if refused:
            modeladmin.message_user(
                request,
                f"{len(refused)} refused, nothing recorded for them. " + " ".join(refused),
                messages.ERROR,
            )
        return None

    rows = []
    for council in councils:
        try:
            status_move_check(council=council, status=status, by=request.user)
            problem = ""
        except (StatusChangeRefused, PermissionDenied) as error:
            problem = " ".join(refusal_messages(error))
        rows.append((council, problem))
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Mark as “{status.label}”",
        "subtitle": None,
        "opts": opts,
        "status": status,
        "rows": rows,
        "refused_count": sum(1 for _council, problem in rows if problem),
        "councils": councils,
        "form": form,
        "action": request.POST.get("action", ""),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/councils/council/mark_status.html", context)


def _mark_status_action(status):
    def action(modeladmin, request, queryset):
        return mark_status(modeladmin, request, queryset, status)

    action.__name__ = f"mark_{status.value}"
    return admin.action(description=f"Mark as “{status.label}”", permissions=("record_status",))(action)


mark_status_actions = [_mark_status_action(status) for status in PilotStatus]


class StatusChangeCorrectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StatusChangeCorrection

    @admin.display(description="Previously")
    def previous_values(self, obj):
        return obj.previous_text

    extra = 0
    fields = ("corrected_at", "corrected_by", "reason", "previous_values")
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
            "media": self.media + form.media,
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
    fields = ("status_change", "corrected_at", "corrected_by", "reason", "previous_values")
    readonly_fields = fields

    @admin.display(description="Previously")
    def previous_values(self, obj):
        return obj.previous_text

    @admin.display(description="Reason")
    def reason_excerpt(self, obj):
        return excerpt(obj.reason)
