"""Partnerships and their member councils in the admin.

Every write goes through councils.partnerships, which holds the programme's rules (DESIGN §4):
its refusals are shown as form errors and nothing is saved; its warnings are shown as
warning messages after a save, and in a "Checks" section and column. Adding a member can
also record the council's new status, through councils.services.council_set_status.

Ending is public and by role: journalists withdraw a partnership (status Withdrawn) or record a
member leaving ("left on"); editors may also delete one recorded by mistake. Each leaves a dated
entry, with the public note and source given, on the public timelines.
"""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect, QueryDict
from django.utils.html import format_html_join

from sendtracker.admin_mixins import HTTPS_URLS, RankedSearchMixin, ReadOnlyAdminMixin, SingleChoicePreselectMixin

from ..choices import MembershipRole, PartnershipStatus
from ..forms import MembershipForm, MembershipFormSet, PartnershipForm, PublicEndForm, refusal_messages
from ..models import Partnership, PartnershipMembership
from ..partnerships import (
    EDITABLE_PARTNERSHIP_FIELDS,
    FAR_APART_KM,
    PartnershipRefused,
    partnership_add_member,
    partnership_change_member,
    partnership_create,
    partnership_delete,
    partnership_delete_member,
    partnership_remove_member,
    partnership_update,
    partnership_warnings,
)
from ..selectors import care_boards_prefetch
from ..services import StatusChangeRefused, council_set_status

MEMBER_FIELDS = ("role", "joined_on", "source_url", "note")


class PublicEndMixin:
    """The delete page asks for the public note and source that the timelines will show.

    ``delete_model`` reads them from ``request.public_end``; an invalid source URL shows the
    page again with its error, and nothing is deleted.
    """

    delete_confirmation_template = "admin/councils/delete_with_public_note.html"

    def delete_view(self, request, object_id, extra_context=None):
        form = PublicEndForm(request.POST if request.method == "POST" else None)
        request.public_end = form.cleaned_data if form.is_bound and form.is_valid() else {}
        if form.is_bound and form.errors:
            request.POST = QueryDict()  # Django's delete view deletes on any POST data: show the page again
        return super().delete_view(request, object_id, {**(extra_context or {}), "end_form": form})

    @staticmethod
    def public_end(request):
        end = getattr(request, "public_end", {}) or {}
        return {"public_note": end.get("end_note", ""), "public_source_url": end.get("end_source_url", "")}


class MembershipInline(admin.StackedInline):
    model = PartnershipMembership
    form = MembershipForm
    formset = MembershipFormSet
    formfield_overrides = HTTPS_URLS
    extra = 0
    autocomplete_fields = ("council",)
    verbose_name = "member council"
    verbose_name_plural = "member councils (a lead, or joint leads, and two or three partners)"
    fieldsets = (
        (None, {"fields": (("council", "role"), ("joined_on", "left_on"), "source_url", "note", "left_note")}),
        (
            "Also record the council's status",
            {
                "fields": (
                    ("record_status", "status_effective_on"),
                    "status_note",
                    ("status_source_url", "status_source_title"),
                ),
                "description": "Recorded on the council's public timeline through the usual status rules, "
                "e.g. Herefordshire: declined → partner council. Leaving changes a status only with a note.",
            },
        ),
    )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"user": request.user})
        return formset


@admin.register(Partnership)
class PartnershipAdmin(PublicEndMixin, RankedSearchMixin, SingleChoicePreselectMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    form = PartnershipForm
    list_display = ("name", "lead_councils", "status", "member_count", "launched_on", "checks_summary")
    list_filter = ("status", "region", "programme")
    search_fields = ("name", "slug", "memberships__council__short_name")
    autocomplete_fields = ("icbs",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("checks", "created_at", "updated_at")
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("programme", "name", "slug", "region", "status", "launched_on")}),
        ("Health", {"fields": ("icbs",)}),
        ("Reporting", {"fields": ("note", "source_url")}),
        (
            "Withdrawing it, or removing a member",
            {
                "fields": ("withdrawn_on", "end_note", "end_source_url"),
                "description": "Said on the public timelines when you choose Withdrawn, or delete a member "
                "recorded by mistake. A council that really left gets a “left on” date below instead.",
            },
        ),
        ("Checks", {"fields": ("checks",)}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        members = (
            PartnershipMembership.objects.current()
            .select_related("council")
            .prefetch_related(care_boards_prefetch("council__"))
            .order_by("role", "council__short_name")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("programme")
            .prefetch_related(Prefetch("memberships", queryset=members, to_attr="check_memberships"))
        )

    @admin.display(description="Lead council(s)")
    def lead_councils(self, obj):
        leads = [str(m.council) for m in obj.check_memberships if m.role == MembershipRole.LEAD]
        return " and ".join(leads) + (" (joint)" if len(leads) > 1 else "") if leads else "—"

    @admin.display(description="Councils")
    def member_count(self, obj):
        return len(obj.check_memberships)

    @admin.display(description="Checks")
    def checks_summary(self, obj):
        warnings = partnership_warnings(obj, obj.check_memberships)
        return f"{len(warnings)} to check" if warnings else "OK"

    @admin.display(description="To double-check")
    def checks(self, obj):
        if obj is None or obj.pk is None:
            return "Shown once the partnership is saved."
        warnings = partnership_warnings(obj)
        if not warnings:
            return (
                "Nothing to flag: 3 or 4 councils, every care board recorded and one shared, "
                f"partners within {FAR_APART_KM} km of a lead."
            )
        return format_html_join("", "<p>{}</p>", ((w,) for w in warnings))

    def save_model(self, request, obj, form, change):
        if change:
            changed = {name: getattr(obj, name) for name in form.changed_data if name in EDITABLE_PARTNERSHIP_FIELDS}
            partnership_update(
                partnership=obj,
                by=request.user,
                withdrawn_on=form.cleaned_data.get("withdrawn_on"),
                public_note=form.cleaned_data.get("end_note", ""),
                public_source_url=form.cleaned_data.get("end_source_url", ""),
                **changed,
            )
            if "status" in changed and obj.status == PartnershipStatus.WITHDRAWN:
                self.message_user(
                    request,
                    f"{obj} withdrawn: recorded on the public timeline of the partnership and its councils.",
                    messages.SUCCESS,
                )
            return
        created = partnership_create(
            programme=obj.programme,
            name=obj.name,
            slug=obj.slug,
            region=obj.region,
            status=obj.status,
            source_url=obj.source_url,
            launched_on=obj.launched_on,
            note=obj.note,
            by=request.user,
        )
        # The form and its member formsets hold ``obj``: it becomes the saved partnership.
        obj.pk, obj._state = created.pk, created._state
        obj.created_at, obj.updated_at = created.created_at, created.updated_at

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, MembershipFormSet):
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        deleted = set(formset.deleted_forms)
        for member_form in formset.forms:
            membership = member_form.instance
            if member_form in deleted:
                if membership.pk:
                    partnership_delete_member(
                        membership=membership,
                        by=request.user,
                        public_note=form.cleaned_data.get("end_note", ""),
                        public_source_url=form.cleaned_data.get("end_source_url", ""),
                    )
                    formset.deleted_objects.append(membership)
            elif member_form.is_new:
                if member_form.has_changed():
                    formset.new_objects.append(self._add_member(request, form.instance, member_form))
            elif member_form.has_changed():
                self._change_member(request, member_form)
                formset.changed_objects.append((membership, member_form.changed_data))

    def _add_member(self, request, partnership, member_form):
        data = member_form.cleaned_data
        move = member_form.status_move or {}
        return partnership_add_member(
            partnership=partnership,
            council=data["council"],
            role=data["role"],
            joined_on=data["joined_on"],
            source_url=data["source_url"],
            note=data["note"],
            by=request.user,
            new_status=move.get("status"),
            status_effective_on=move.get("effective_on"),
            status_note=data["status_note"] or None,
            status_source_url=data["status_source_url"] or None,
            status_source_title=data["status_source_title"],
        )

    def _change_member(self, request, member_form):
        membership, data = member_form.instance, member_form.cleaned_data
        editable = MEMBER_FIELDS if member_form.left_before is None else (*MEMBER_FIELDS, "left_on", "left_note")
        edits = {name: data[name] for name in editable if name in member_form.changed_data}
        if edits:
            partnership_change_member(membership=membership, by=request.user, **edits)
        move = member_form.status_move or {}
        if member_form.is_leaving:
            partnership_remove_member(
                membership=membership,
                left_on=data["left_on"],
                note=data["left_note"],
                by=request.user,
                new_status=move.get("status"),
                status_source_url=data["status_source_url"],
                status_source_title=data["status_source_title"],
            )
        elif move:
            council_set_status(
                council=membership.council,
                status=move["status"],
                effective_on=move["effective_on"],
                note=data["status_note"] or membership.note,
                source_url=data["status_source_url"] or membership.source_url,
                source_title=data["status_source_title"],
                by=request.user,
            )

    def delete_model(self, request, obj):
        partnership_delete(partnership=obj, by=request.user, **self.public_end(request))

    def delete_queryset(self, request, queryset):
        for partnership in queryset:
            partnership_delete(partnership=partnership, by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in partnership_warnings(form.instance):
            self.message_user(request, warning, messages.WARNING)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (PartnershipRefused, StatusChangeRefused) as error:
            # Someone else changed a council or the programme between the form's checks and the
            # save: the whole save rolled back.
            self.message_user(
                request,
                "Nothing was saved: the partnership's councils or the programme changed while you were editing. "
                + " ".join(refusal_messages(error)),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())


@admin.register(PartnershipMembership)
class PartnershipMembershipAdmin(PublicEndMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A searchable list of who is (and was) in which partnership; edit members on the partnership itself."""

    formfield_overrides = HTTPS_URLS
    list_display = ("council", "partnership", "role", "joined_on", "left_on")
    list_filter = ("role", "partnership")
    list_select_related = ("council", "partnership")
    search_fields = ("council__short_name", "partnership__name")

    actions = None  # one at a time, from the membership's page or its partnership's

    # Editors delete a membership recorded by mistake (here, or with its partnership); a council
    # that really left gets a "left on" date on the partnership instead, and stays as history.
    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("councils.delete_partnershipmembership")

    def delete_model(self, request, obj):
        partnership_delete_member(membership=obj, by=request.user, **self.public_end(request))
