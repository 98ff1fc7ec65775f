"""Writes with side effects. Every change of a council's status comes through here."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import signals
from .choices import PilotStatus, ProgrammeNameOf, is_allowed_transition
from .models import (
    Council,
    Partnership,
    PartnershipName,
    Programme,
    ProgrammeName,
    StatusChange,
    StatusChangeCorrection,
)

OVERRIDE_PERMISSION = "councils.override_status_rules"
CORRECT_PERMISSION = "councils.correct_statuschange"


class StatusChangeRefused(ValidationError):
    """The move is not one the rules allow (and no editor overrode them)."""


@transaction.atomic
def council_set_status(
    *,
    council,
    status,
    effective_on=None,
    note="",
    source_url="",
    source_title="",
    by=None,
    override=False,
):
    """Move ``council`` to ``status`` and record the StatusChange, in one transaction.

    The council row is locked first, so two journalists saving at once each record
    their change against the status the other left: neither is lost. Moves the
    rules refuse raise StatusChangeRefused unless ``override`` is set by a user
    holding the editors' override permission.
    """
    locked = Council.objects.select_for_update().get(pk=council.pk)
    from_status, status, effective_on, allowed = status_move_check(
        council=locked, status=status, effective_on=effective_on, by=by, override=override
    )
    change = StatusChange(
        council=locked,
        from_status=from_status,
        to_status=status,
        effective_on=effective_on,
        note=note,
        source_url=source_url,
        source_title=source_title,
        recorded_by=by,
        overridden=not allowed,
    )
    change.full_clean()
    change.save()

    locked.status = status
    locked.status_effective_on = effective_on
    locked.save(update_fields=["status", "status_effective_on", "updated_at"])
    council.status = locked.status
    council.status_effective_on = locked.status_effective_on
    council.updated_at = locked.updated_at
    signals.send_change(signals.STATUS, change)
    return change


def status_move_check(*, council, status, effective_on=None, by=None, override=False):
    """Raise StatusChangeRefused (or PermissionDenied) if the rules refuse this move.

    Reads ``council`` as given: council_set_status passes the locked row, and admin
    forms call it to show a refusal as a form error before anything is saved.
    Returns ``(from_status, status, effective_on, allowed)``.
    """
    status = PilotStatus(status)
    from_status = PilotStatus(council.status)
    if from_status == status:
        raise StatusChangeRefused(f"{council} is already “{status.label}”.", code="unchanged")
    allowed = is_allowed_transition(from_status, status)
    if not allowed:
        if not override:
            raise StatusChangeRefused(
                f"{council} cannot move from “{from_status.label}” to “{status.label}”. "
                "An editor can override this if the reporting supports it.",
                code="transition",
            )
        if by is not None and not by.has_perm(OVERRIDE_PERMISSION):
            raise PermissionDenied("Only editors can override the status rules.")
    today = timezone.localdate()
    effective_on = effective_on or today
    if effective_on > today:
        raise StatusChangeRefused({"effective_on": "The effective date cannot be in the future."}, code="future")
    if council.status_effective_on and effective_on < council.status_effective_on:
        raise StatusChangeRefused(
            {
                "effective_on": (
                    f"The effective date cannot be before {council.status_effective_on:%-d %B %Y}, "
                    f"when {council} became “{from_status.label}”."
                )
            },
            code="out_of_order",
        )
    return from_status, status, effective_on, allowed


CORRECTABLE_FIELDS = ("effective_on", "note", "source_url", "source_title")


@transaction.atomic
def status_change_correct(*, change, by, reason, **fields):
    """An editor's correction of a recorded change's date, note or source.

    The previous values are kept in a StatusChangeCorrection, shown with the change.
    """
    if by is None or not by.has_perm(CORRECT_PERMISSION):
        raise PermissionDenied("Only editors can correct the status history.")
    unknown = set(fields) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be corrected: {', '.join(sorted(unknown))}.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is being corrected."})
    change = StatusChange.objects.select_for_update().get(pk=change.pk)
    previous = {
        name: (getattr(change, name).isoformat() if name == "effective_on" else getattr(change, name))
        for name, value in fields.items()
        if getattr(change, name) != value
    }
    if not previous:
        raise ValidationError("Nothing was changed.")
    if "effective_on" in previous:
        _check_correction_keeps_order(change, fields["effective_on"])
    for name, value in fields.items():
        setattr(change, name, value)
    change.full_clean()
    change.save()
    if "effective_on" in previous:
        council = Council.objects.select_for_update().get(pk=change.council_id)
        if council.status_changes.order_by("-recorded_at", "-pk").first().pk == change.pk:
            council.status_effective_on = change.effective_on
            council.save(update_fields=["status_effective_on", "updated_at"])
    correction = StatusChangeCorrection.objects.create(
        status_change=change, corrected_by=by, reason=reason, previous=previous
    )
    signals.send_change(signals.CORRECTION, correction, fields=previous)
    return correction


def _check_correction_keeps_order(change, effective_on):
    """A corrected date must stay between the council's previous and next changes."""
    siblings = StatusChange.objects.filter(council_id=change.council_id).exclude(pk=change.pk)
    before = siblings.filter(recorded_at__lt=change.recorded_at).order_by("-recorded_at").first()
    after = siblings.filter(recorded_at__gt=change.recorded_at).order_by("recorded_at").first()
    if before and effective_on < before.effective_on:
        raise ValidationError(
            {"effective_on": f"The date cannot be before the previous change ({before.effective_on:%-d %B %Y})."}
        )
    if after and effective_on > after.effective_on:
        raise ValidationError(
            {"effective_on": f"The date cannot be after the next change ({after.effective_on:%-d %B %Y})."}
        )
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": "The effective date cannot be in the future."})


@transaction.atomic
def programme_rename(*, programme, name, changed_on, of=ProgrammeNameOf.PROGRAMME, source_url="", source_title=""):
    """Give the programme (or, with ``of=PARTNERSHIPS``, its partnerships together) a new name from ``changed_on``.

    The name it replaces is kept as a ProgrammeName with that date and the source, so
    pages as of an earlier date still read the old name. Returns the ProgrammeName.
    """
    of = ProgrammeNameOf(of)
    field = "partnerships_name" if of == ProgrammeNameOf.PARTNERSHIPS else "name"
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    former = ProgrammeName(
        programme=locked,
        of=of,
        name=getattr(locked, field),
        replaced_on=changed_on,
        source_url=source_url,
        source_title=source_title,
    )
    _check_rename(former, name, locked.former_names.filter(of=of))
    former.save()
    setattr(locked, field, name)
    locked.full_clean()
    locked.save(update_fields=[field])
    setattr(programme, field, name)
    return former


@transaction.atomic
def partnership_rename(*, partnership, name, changed_on, source_url="", source_title=""):
    """Give a partnership a new name from ``changed_on``, keeping the old one (a PartnershipName) with its date."""
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    former = PartnershipName(
        partnership=locked,
        name=locked.name,
        replaced_on=changed_on,
        source_url=source_url,
        source_title=source_title,
    )
    _check_rename(former, name, locked.former_names.all())
    former.save()
    locked.name = name
    locked.full_clean()
    locked.save(update_fields=["name", "updated_at"])
    partnership.name = name
    return former


def _check_rename(former, name, earlier):
    """A rename changes the name, is not in the future and comes after the last one."""
    if not name.strip():
        raise ValidationError({"name": "Give the new name."})
    if name == former.name:
        raise ValidationError({"name": f"It is already called “{name}”."})
    if former.replaced_on > timezone.localdate():
        raise ValidationError({"changed_on": "The date of the new name cannot be in the future."})
    last = earlier.order_by("-replaced_on").first()
    if last and former.replaced_on <= last.replaced_on:
        raise ValidationError(
            {"changed_on": f"The name last changed on {last.replaced_on:%-d %B %Y}; a new name must come after."}
        )
    former.full_clean()
