"""The audit logs, readable by editors, changeable by no one.

- The audit log (django-auditlog): every change to the tracker's facts, the journalism, comment
  moderation and staff accounts, with who, when and each field's old → new value.
- The admin's own "log entries" (Django's), kept as the history from before the audit log.
"""

import auditlog.admin  # noqa: F401 - registers auditlog's admin first, replaced below
from auditlog.filters import ResourceTypeFilter
from auditlog.mixins import LogEntryAdminMixin
from auditlog.models import LogEntry as AuditEntry
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html

from .admin_mixins import ReadOnlyAdminMixin
from .audit import VIA, made_via


def _value(value):
    return "(blank)" if value in ("", "None", None) else value


def field_changes(entry):
    """Each changed field as "Effective date: 19 May 2023 → 18 May 2023" (choices and dates as people read them)."""
    if entry.action == AuditEntry.Action.DELETE:
        return "Deleted"
    model = entry.content_type.model_class()
    shown = entry.changes_display_dict
    lines = []
    for name, raw in entry.changes_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except (AttributeError, FieldDoesNotExist):
            label = name
        if isinstance(raw, dict):  # many-to-many: {"operation": "add", "objects": [...]}
            verb = "added" if raw.get("operation") == "add" else "removed"
            lines.append(f"{label}: {verb} {', '.join(str(item) for item in raw.get('objects', []))}")
            continue
        values = shown.get(label, raw)
        old, new = (values[0], values[1]) if len(values) == 2 else raw
        if entry.action == AuditEntry.Action.CREATE:
            if new not in ("", "None", None):
                lines.append(f"{label}: {new}")
        else:
            lines.append(f"{label}: {_value(old)} → {_value(new)}")
    return "; ".join(lines) or "—"


class MadeByFilter(admin.SimpleListFilter):
    """Changes made in the admin, or by a management command (an import, a loader)."""

    title = "made in"
    parameter_name = "made_in"

    def lookups(self, request, model_admin):
        return (("admin", "The admin"), ("command", "A command (import or loader)"))

    def queryset(self, request, queryset):
        if self.value() == "command":
            return queryset.filter(additional_data__has_key=VIA)
        if self.value() == "admin":
            return queryset.exclude(additional_data__has_key=VIA)
        return queryset


admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, LogEntryAdminMixin, admin.ModelAdmin):
    list_display = ("created", "who", "action", "resource_url", "what_changed")
    # Only the object types and people that appear in the log.
    list_filter = ("action", ResourceTypeFilter, ("actor", admin.RelatedOnlyFieldListFilter), MadeByFilter)
    search_fields = ("object_repr", "actor__username")
    list_select_related = ("content_type", "actor")
    show_full_result_count = False
    fieldsets = ((None, {"fields": ("created", "who", "resource_url", "action", "what_changed", "msg")}),)
    readonly_fields = ("created", "who", "resource_url", "action", "what_changed", "msg")

    @admin.display(description="who", ordering="actor__username")
    def who(self, entry):
        """The person, the command that made the change (and the person it ran for), or "—"."""
        via = made_via(entry)
        if entry.actor_id:
            return f"{entry.actor.get_username()} (via the {via})" if via else self.user_url(entry)
        return f"The {via}" if via else "—"

    @admin.display(description="what changed (old → new)")
    def what_changed(self, entry):
        return format_html('<span class="audit-changes">{}</span>', field_changes(entry))

    def get_queryset(self, request):
        self.request = request  # LogEntryAdminMixin reads it
        return super().get_queryset(request)


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    date_hierarchy = "action_time"
    list_display = ("action_time", "user", "action", "content_type", "object_link", "change_summary")
    # Only the object types and people that appear in the log: not sessions, axes or permissions.
    list_filter = (
        "action_flag",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("object_repr", "change_message", "user__username")
    list_select_related = ("user", "content_type")
    # The log only grows: count it once per page, not a second time for "(N total)" beside a
    # filtered count (a filtered list offers "Show all" instead).
    show_full_result_count = False
    fields = ("action_time", "user", "action", "content_type", "object_id", "object_repr", "change_summary")
    readonly_fields = fields

    @admin.display(description="action", ordering="action_flag")
    def action(self, entry):
        if entry.is_addition():
            return "Created"
        if entry.is_change():
            return "Changed"
        return "Deleted"

    @admin.display(description="object", ordering="object_repr")
    def object_link(self, entry):
        if entry.is_deletion():
            return entry.object_repr
        url = entry.get_admin_url()
        return format_html('<a href="{}">{}</a>', url, entry.object_repr) if url else entry.object_repr

    @admin.display(description="what changed")
    def change_summary(self, entry):
        return entry.get_change_message() or "—"
