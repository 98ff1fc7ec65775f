"""The admin's ways of changing a council's status, all through councils.services.

- the council change form (CouncilChangeForm),
- the list-editable status column (CouncilStatusListForm),
- the "Mark as …" bulk actions with their intermediate page (MarkStatusForm, mark_status_actions),
- an editor's correction of a recorded change (StatusChangeCorrectionForm).

Forms check a move with services.status_move_check so a refusal is a form error and
nothing is saved; the save itself calls services.council_set_status, which checks
again under the row lock.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone

from .choices import PilotStatus
from .services import (
    CORRECTABLE_FIELDS,
    OVERRIDE_PERMISSION,
    StatusChangeRefused,
    council_set_status,
    status_move_check,
)

RECORD_PERMISSION = "councils.add_statuschange"

# The browser's own date picker; it needs ISO dates, whatever the site's display format.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

STATUS_FIELDS = (
    "pilot_status",
    "status_effective_date",
    "status_note",
    "status_source_url",
    "status_source_title",
)

# The service names its date problems "effective_on"; each form has its own name for that field.
SERVICE_FIELD_NAMES = {"effective_on": "status_effective_date"}


def can_override(user):
    return user.has_perm(OVERRIDE_PERMISSION)


def refusal_messages(error):
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def status_seen(form, field):
    """The status the journalist saw when the form was shown (its hidden initial value)."""
    return form.data.get(form.add_initial_prefix(field)) or form.instance.status


def moved_meanwhile(form, field, current):
    """True if the status moved since the form was shown (the hidden initial says what the journalist saw).

    The form then re-renders knowing the new status, so saving again is a fresh decision.
    """
    initial_name = form.add_initial_prefix(field)
    seen = form.data.get(initial_name)
    if not seen or seen == current:
        return False
    form.data = form.data.copy()
    form.data[initial_name] = current
    return True


def add_refusal(form, error, field, field_names=None):
    """Put a refusal from the service on the form field it is about."""
    field_names = field_names or {}
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(field_names.get(name, field), errors)
    else:
        form.add_error(field, refusal_messages(error))


class CouncilChangeForm(forms.ModelForm):
    """The council's facts, plus a status section that records a StatusChange when the status moves.

    The model's own status columns are never form fields: only the service writes them.
    """

    pilot_status = forms.ChoiceField(
        label="Pilot status",
        choices=PilotStatus.choices,
        help_text="Choose a new status to record a change on the council's public timeline.",
    )
    status_effective_date = forms.DateField(
        label="Effective date",
        required=False,
        widget=DATE_INPUT,
        help_text="When the change happened, as reported. Leave blank for today.",
    )
    status_note = forms.CharField(
        label="Public note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown on the public timeline, e.g. what the council said.",
    )
    status_source_url = forms.URLField(label="Source URL", required=False, max_length=500, assume_scheme="https")
    status_source_title = forms.CharField(
        label="Source title", required=False, max_length=300, help_text="e.g. the article headline."
    )
    override_rules = forms.BooleanField(
        label="Override the usual rules",
        required=False,
        help_text="Editors only: record a move the rules refuse (e.g. declined → shortlisted). Say why in the note.",
    )

    user = None  # set per request by CouncilAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot_status"].initial = self.instance.status
        self.fields["pilot_status"].show_hidden_initial = True
        self.status_move = None

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("pilot_status")
        details = {
            "effective_on": cleaned.get("status_effective_date"),
            "note": cleaned.get("status_note", ""),
            "source_url": cleaned.get("status_source_url", ""),
            "source_title": cleaned.get("status_source_title", ""),
        }
        if not status or status == status_seen(self, "pilot_status"):
            if any(details.values()):
                self.add_error(
                    "pilot_status",
                    "The date, note and source go with a status change: choose the new status, or clear them.",
                )
            return cleaned
        if moved_meanwhile(self, "pilot_status", self.instance.status):
            self.add_error(
                "pilot_status",
                f"While you were editing, {self.instance} moved to “{self.instance.get_status_display()}” "
                "(see the timeline). Nothing was saved: check the status and save again.",
            )
            return cleaned
        override = bool(cleaned.get("override_rules")) and can_override(self.user)
        try:
            status_move_check(
                council=self.instance,
                status=status,
                effective_on=details["effective_on"],
                by=self.user,
                override=override,
            )
        except (StatusChangeRefused, PermissionDenied) as error:
            add_refusal(self, error, "pilot_status", SERVICE_FIELD_NAMES)
            return cleaned
        self.status_move = {"status": status, "override": override, **details}
        return cleaned


class CouncilStatusListForm(forms.ModelForm):
    """One row of the council list's editable status column: today's date, no note."""

    status_only = True
    user = None  # set per request by CouncilAdmin.get_changelist_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].show_hidden_initial = True
        self.status_move = None

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == status_seen(self, "status"):
            return status  # not touched in this row
        if moved_meanwhile(self, "status", self.instance.status):
            raise ValidationError(
                f"While you were editing, {self.instance} moved to “{self.instance.get_status_display()}”. "
                "Nothing was saved: check and save again."
            )
        if status != self.instance.status:
            try:
                status_move_check(council=self.instance, status=status, by=self.user)
            except (StatusChangeRefused, PermissionDenied) as error:
                raise ValidationError(refusal_messages(error)) from error
            self.status_move = {"status": status}
        return status


class StatusDetailsForm(forms.Form):
    """Date, note and source for a status change (the bulk action's intermediate page)."""

    effective_on = forms.DateField(
        label="Effective date",
        widget=DATE_INPUT,
        help_text="When the change happened, as reported.",
    )
    note = forms.CharField(
        label="Public note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown on each council's public timeline.",
    )
    source_url = forms.URLField(label="Source URL", required=False, max_length=500, assume_scheme="https")
    source_title = forms.CharField(label="Source title", required=False, max_length=300)
    override_rules = forms.BooleanField(
        label="Override the usual rules",
        required=False,
        help_text="Editors only: record moves the rules refuse.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not can_override(user):
            del self.fields["override_rules"]

    def clean_effective_on(self):
        effective_on = self.cleaned_data["effective_on"]
        if effective_on > timezone.localdate():
            raise ValidationError("The effective date cannot be in the future.")
        return effective_on

    def move_details(self):
        data = self.cleaned_data
        return {
            "effective_on": data["effective_on"],
            "note": data["note"],
            "source_url": data["source_url"],
            "source_title": data["source_title"],
            "override": bool(data.get("override_rules")) and can_override(self.user),
        }


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
        changed, refused = [], []
        for council in councils:
            try:
                council_set_status(council=council, status=status, by=request.user, **details)
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


class StatusChangeCorrectionForm(forms.Form):
    """An editor's correction of a recorded change: the reason is required and shown publicly."""

    effective_on = forms.DateField(label="Effective date", widget=DATE_INPUT)
    note = forms.CharField(label="Public note", required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    source_url = forms.URLField(label="Source URL", required=False, max_length=500, assume_scheme="https")
    source_title = forms.CharField(label="Source title", required=False, max_length=300)
    reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Shown publicly with the change, e.g. “The council's statement was dated 18 May, not 19 May.”",
    )

    def __init__(self, *args, change, **kwargs):
        kwargs.setdefault("initial", {name: getattr(change, name) for name in CORRECTABLE_FIELDS})
        super().__init__(*args, **kwargs)
        self.change = change

    def corrected_fields(self):
        return {
            name: self.cleaned_data[name]
            for name in CORRECTABLE_FIELDS
            if self.cleaned_data[name] != getattr(self.change, name)
        }
