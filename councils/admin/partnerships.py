"""Admin for regional expert partnerships: the rules it enforces and the warnings it raises (DESIGN §4).

Refused (form errors): more active partnerships than the programme allows; more than
three partner councils besides the lead; the lead also listed as a partner.
Flagged without blocking (admin messages, and a "Checks" column): members in
different ICBs, a partner far from the lead, fewer than two partners.
"""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils.html import format_html_join

from sendtracker.admin_mixins import HTTPS_URLS, ReadOnlyAdminMixin

from ..forms import MAX_PARTNERS, MIN_PARTNERS, MembershipFormSet, PartnershipForm
from ..models import FAR_APART_KM, Partnership, PartnershipMembership, distance_km


def partnership_warnings(partnership, memberships=None):
    """What a journalist should double-check about a partnership (nothing here blocks a save)."""
    lead = partnership.lead_council
    if memberships is None:
        memberships = PartnershipMembership.objects.filter(partnership=partnership).select_related("council__icb")
    partners = [m.council for m in memberships if m.council_id != lead.pk]
    warnings = []
    councils = [lead, *partners]
    icbs = {council.icb for council in councils if council.icb_id}
    if len(icbs) > 1:
        where = "; ".join(f"{council} ({council.icb or 'ICB not recorded'})" for council in councils)
        warnings.append(f"Members sit in {len(icbs)} different integrated care boards: {where}.")
    for partner in partners:
        km = distance_km(lead, partner)
        if km is not None and km > FAR_APART_KM:
            warnings.append(f"{partner} is {km:.0f} km from the lead council, {lead} (more than {FAR_APART_KM} km).")
    if len(partners) < MIN_PARTNERS:
        warnings.append(
            f"{len(partners)} partner council{'s' if len(partners) != 1 else ''} so far: "
            f"a partnership has {MIN_PARTNERS} or {MAX_PARTNERS} besides the lead."
        )
    return warnings


class MembershipInline(admin.TabularInline):
    model = PartnershipMembership
    formset = MembershipFormSet
    extra = 0
    fields = ("council", "role", "joined_on")
    autocomplete_fields = ("council",)
    verbose_name = "member council"
    verbose_name_plural = "member councils (two or three besides the lead)"


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    form = PartnershipForm
    list_display = ("name", "lead_council", "status", "member_count", "launched_on", "checks_summary")
    list_filter = ("status", "region", "programme")
    search_fields = ("name", "slug", "lead_council__short_name", "memberships__council__short_name")
    autocomplete_fields = ("lead_council", "icbs")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("checks", "created_at", "updated_at")
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("programme", "name", "slug", "region", "lead_council", "status", "launched_on")}),
        ("Health", {"fields": ("icbs",)}),
        ("Reporting", {"fields": ("note", "source_url")}),
        ("Checks", {"fields": ("checks",)}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("lead_council__icb", "programme")
            .prefetch_related(
                Prefetch("memberships", queryset=PartnershipMembership.objects.select_related("council__icb"))
            )
        )

    @admin.display(description="Partner councils")
    def member_count(self, obj):
        return sum(1 for m in obj.memberships.all() if m.council_id != obj.lead_council_id)

    @admin.display(description="Checks")
    def checks_summary(self, obj):
        warnings = partnership_warnings(obj, obj.memberships.all())
        return f"{len(warnings)} to check" if warnings else "OK"

    @admin.display(description="To double-check")
    def checks(self, obj):
        if obj is None or obj.pk is None:
            return "Shown once the partnership is saved."
        warnings = partnership_warnings(obj)
        if not warnings:
            return "Nothing to flag: one ICB, members close together."
        return format_html_join("", "<p>{}</p>", ((w,) for w in warnings))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in partnership_warnings(form.instance):
            self.message_user(request, warning, messages.WARNING)


@admin.register(PartnershipMembership)
class PartnershipMembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A searchable list of who is in which partnership; edit members on the partnership itself."""

    list_display = ("council", "partnership", "role", "joined_on")
    list_filter = ("role", "partnership")
    list_select_related = ("council", "partnership")
    search_fields = ("council__short_name", "partnership__name")
