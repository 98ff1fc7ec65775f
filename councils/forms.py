"""The admin's forms for the tracker's facts.

Status (every change goes through councils.services):
- the council change form (CouncilChangeForm),
- the list-editable status column (CouncilStatusListForm),
- the date, note and source asked by the "Mark as …" bulk actions (StatusDetailsForm),
- an editor's correction of a recorded change (StatusChangeCorrectionForm).

Forms check a move with services.status_move_check so a refusal is a form error and
nothing is saved; the save itself calls services.council_set_status, which checks
again under the row lock.

Partnerships: the partnership form and its member councils (PartnershipForm, MembershipFormSet).
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .choices import MembershipRole, PartnershipStatus, PilotStatus
from .models import Partnership
from .services import CORRECTABLE_FIELDS, OVERRIDE_PERMISSION, StatusChangeRefused, status_move_check

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


MAX_PARTNERS = 3
MIN_PARTNERS = 2


class PartnershipForm(forms.ModelForm):
    """The admin supplies the model and fields."""

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        status = cleaned.get("status")
        if programme and status and status != PartnershipStatus.WITHDRAWN:
            active = Partnership.objects.active().filter(programme=programme).exclude(pk=self.instance.pk).count()
            if active >= programme.max_partnerships:
                raise ValidationError(
                    f"{programme} allows at most {programme.max_partnerships} partnerships and {active} are already "
                    "active. Mark one as withdrawn, or save this one as withdrawn.",
                    code="too_many_partnerships",
                )
        return cleaned


class MembershipFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        lead = self.instance.lead_council if self.instance.lead_council_id else None
        partners = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("council"):
                continue
            council, role = data["council"], data.get("role")
            if lead and council.pk == lead.pk:
                if role != MembershipRole.LEAD:
                    form.add_error("council", f"{council} leads this partnership, so it cannot also be a partner.")
            elif role == MembershipRole.LEAD:
                form.add_error("role", f"Only the lead council{f' ({lead})' if lead else ''} has the lead role.")
            else:
                partners.append(council)
        if len(partners) > MAX_PARTNERS:
            raise ValidationError(
                f"A partnership has at most {MAX_PARTNERS} partner councils besides the lead; this one lists "
                f"{len(partners)}: {', '.join(str(c) for c in partners)}.",
                code="too_many_partners",
            )
