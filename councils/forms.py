"""The admin's forms for the tracker's facts.

Status (every change goes through councils.services):
- the council change form (CouncilChangeForm),
- the date, note and source asked by the "Mark as …" bulk actions (StatusDetailsForm),
- an editor's correction of a recorded change (StatusChangeCorrectionForm).

Forms check a move with services.status_move_check so a refusal is a form error and
nothing is saved; the save itself calls services.council_set_status, which checks
again under the row lock.

Partnerships: the partnership form and its member councils (PartnershipForm, MembershipForm,
MembershipFormSet); the rules are councils.partnerships', the forms only show their messages.
"""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .choices import PilotStatus
from .partnerships import PartnershipRefused, partnership_check_member, partnership_check_room
from .services import CORRECTABLE_FIELDS, OVERRIDE_PERMISSION, StatusChangeRefused, status_move_check

# One date widget everywhere: the admin's own (text box and calendar), as the model forms use.
DATE_INPUT = AdminDateWidget()

NO_SOURCE_HELP = (
    "Tick only when nothing public can be linked to; then say in the public note where the fact comes from."
)

STATUS_FIELDS = (
    "pilot_status",
    "status_effective_date",
    "status_note",
    "status_source_url",
    "status_source_title",
    "status_no_public_source",
)

# The service names its date problems "effective_on"; each form has its own name for that field.
SERVICE_FIELD_NAMES = {"effective_on": "status_effective_date"}


def can_override(user):
    return user.has_perm(OVERRIDE_PERMISSION)


def refusal_messages(error):
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def require_source(form, *, url_field, flag_field):
    """A status change carries a source URL unless the journalist says there is no public source."""
    if form.cleaned_data.get(url_field) or form.cleaned_data.get(flag_field) or form.has_error(url_field):
        return
    form.add_error(
        url_field,
        "Give the source's address, or tick “No public source” and say in the public note where this comes from.",
    )


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
    status_no_public_source = forms.BooleanField(label="No public source", required=False, help_text=NO_SOURCE_HELP)
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
            if any(details.values()) or cleaned.get("status_no_public_source"):
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
        require_source(self, url_field="status_source_url", flag_field="status_no_public_source")
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
        if not self.errors:
            self.status_move = {"status": status, "override": override, **details}
        return cleaned


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
    no_public_source = forms.BooleanField(label="No public source", required=False, help_text=NO_SOURCE_HELP)
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

    def clean(self):
        cleaned = super().clean()
        require_source(self, url_field="source_url", flag_field="no_public_source")
        return cleaned

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


class PublicEndForm(forms.Form):
    """What the public timeline says when a partnership is withdrawn or deleted, or a member removed."""

    end_note = forms.CharField(
        label="Public note on this change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown on the public timeline of the partnership and its councils, "
        "e.g. “The DfE merged it into the South East partnership.”",
    )
    end_source_url = forms.URLField(
        label="Source URL of this change",
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text="Where it was reported, if anywhere public.",
    )


class PartnershipForm(forms.ModelForm):
    """A partnership's own fields; the programme's cap is checked by councils.partnerships (the admin supplies the model).

    Withdrawing it (status Withdrawn) or removing a member records a dated public timeline entry
    with the note and source given here.
    """

    withdrawn_on = forms.DateField(
        label="Withdrawn on",
        required=False,
        widget=DATE_INPUT,
        help_text="When choosing Withdrawn: the date it was withdrawn, as reported. Blank: today.",
    )
    end_note = PublicEndForm.base_fields["end_note"]
    end_source_url = PublicEndForm.base_fields["end_source_url"]

    def clean_withdrawn_on(self):
        day = self.cleaned_data.get("withdrawn_on")
        if day and day > timezone.localdate():
            raise ValidationError("The date it was withdrawn cannot be in the future.", code="future")
        return day

    def clean(self):
        cleaned = super().clean()
        programme, status = cleaned.get("programme"), cleaned.get("status")
        if programme and status:
            try:
                partnership_check_room(programme=programme, status=status, partnership=self.instance)
            except PartnershipRefused as error:
                self.add_error(None, error)
        return cleaned


# What adding (or removing) a member may record as the council's new status, through council_set_status.
MEMBER_STATUS_CHOICES = [
    ("", "Leave the status as it is"),
    (PilotStatus.PARTNER, PilotStatus.PARTNER.label),
    (PilotStatus.CONFIRMED_LEAD, PilotStatus.CONFIRMED_LEAD.label),
    (PilotStatus.WITHDRAWN, PilotStatus.WITHDRAWN.label),
]


class MembershipForm(forms.ModelForm):
    """One member council, with the offer to record its status change on its public timeline.

    A council leaves by getting a "left on" date (the membership stays as history); its status
    then changes only with a note saying why.
    """

    record_status = forms.ChoiceField(
        label="Also record its status",
        choices=MEMBER_STATUS_CHOICES,
        required=False,
        help_text="e.g. a council joining as a partner: “Partner council”, recorded on its public timeline.",
    )
    status_effective_on = forms.DateField(
        label="Status effective date",
        required=False,
        widget=DATE_INPUT,
        help_text="Leave blank for the date it joined (or left).",
    )
    status_note = forms.CharField(
        label="Public note on its timeline",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Leave blank to use the membership's note (or, when it leaves, why it left).",
    )
    status_source_url = forms.URLField(
        label="Status source URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Leave blank to use the membership's source URL.",
    )
    status_source_title = forms.CharField(
        label="Source title", required=False, max_length=300, help_text="e.g. the headline or document name."
    )

    user = None  # set per request by MembershipInline.get_formset

    class Meta:  # the admin supplies the model and fields
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "left_note": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.left_before = self.instance.left_on  # as saved, before this form changes the instance
        self.status_move = None

    @property
    def is_new(self):
        return self.instance.pk is None

    @property
    def is_leaving(self):
        return not self.is_new and self.left_before is None and bool(self.cleaned_data.get("left_on"))

    def clean(self):
        cleaned = super().clean()
        council = cleaned.get("council")
        if not self.is_new and "council" in self.changed_data:
            self.add_error(
                "council", "To replace a council, give it a “left on” date and add the new one: the history stays."
            )
            return cleaned
        if self.is_new and cleaned.get("left_on"):
            self.add_error("left_on", "Add the council first; record it leaving when it does.")
        if self.left_before is not None and "left_on" in self.changed_data and not cleaned.get("left_on"):
            self.add_error("left_on", f"It left on {self.left_before:%-d %B %Y}: to record it rejoining, add it again.")
        status = cleaned.get("record_status")
        if not status or council is None or self.errors:
            return cleaned
        if self.is_leaving and not (cleaned.get("left_note") or "").strip():
            self.add_error("left_note", "Say why the council left: its status changes only with a note.")
            return cleaned
        effective_on = cleaned.get("status_effective_on") or (
            cleaned.get("left_on") if self.is_leaving else cleaned.get("joined_on")
        )
        try:
            status_move_check(council=council, status=status, effective_on=effective_on, by=self.user)
        except (StatusChangeRefused, PermissionDenied) as error:
            add_refusal(self, error, "record_status", {"effective_on": "status_effective_on"})
            return cleaned
        self.status_move = {"status": status, "effective_on": effective_on}
        return cleaned


class MembershipFormSet(forms.BaseInlineFormSet):
    """The partnership's member councils: refusals come from councils.partnerships, shown on the row."""

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("council") or data.get("left_on"):
                continue
            council = data["council"]
            if council.pk in seen:
                form.add_error("council", f"{council} is listed twice: a council has one role in a partnership.")
                continue
            seen[council.pk] = form
            if form.is_new:
                try:
                    partnership_check_member(partnership=self.instance, council=council)
                except PartnershipRefused as error:
                    form.add_error("council", error.messages)
