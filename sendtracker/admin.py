"""The admin's audit log: who created, changed or deleted what, readable by editors, changeable by no one."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.utils.html import format_html

from .admin_mixins import ReadOnlyAdminMixin


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    date_hierarchy = "action_time"
    list_display = ("action_time", "user", "action", "content_type", "object_link", "change_summary")
    list_filter = ("action_flag", "content_type", "user")
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
