"""Admin for the tracker's facts. (Placeholder registration; the journalists' admin is built on this.)"""

from django.contrib import admin

from .models import (
    Contract,
    Council,
    IntegratedCareBoard,
    KeyFigure,
    Partnership,
    PartnershipMembership,
    Programme,
    SendInspection,
    StatusChange,
)

for model in (Contract, IntegratedCareBoard, KeyFigure, Partnership, PartnershipMembership, Programme, SendInspection):
    admin.site.register(model)


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ("short_name", "region", "status", "status_effective_on")
    list_filter = ("status", "region")
    search_fields = ("short_name", "name", "code", "gss_code")
    readonly_fields = ("status", "status_effective_on")


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("council", "from_status", "to_status", "effective_on", "recorded_at", "recorded_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
