"""Partnerships and their member councils: the programme's rules, for every write path.

The admin, loaders and imports all write partnerships and memberships through these
functions, so each runs the same rules:

Refused (PartnershipRefused, a ValidationError with a message a journalist can act on):
- more live (not withdrawn) partnerships than the programme allows;
- a council in two live partnerships at once (the message names the other one);
- a council listed twice in one partnership, or leaving before it joined.

Warned (``partnership_warnings``; shown to the journalist, never a silent pass):
- a size other than 3 or 4 councils; no lead council;
- councils that share no NHS integrated care board;
- a partner further than FAR_APART_KM from every lead;
- councils whose care board is not recorded (named, rather than claiming "one ICB").

A council's status changes only through councils.services.council_set_status: adding or
removing a member records one only when asked (``new_status``).

Ending is public: a partnership withdrawn or deleted, and a council leaving one or removed from
it, each leave a dated PartnershipEvent (with the public note and source given) that the council
pages, the partnership page and the list of changes show.
"""

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import signals
from .choices import MembershipRole, PartnershipStatus
from .models import Council, Partnership, PartnershipEvent, PartnershipMembership, Programme
from .selectors import care_boards_prefetch
from .services import council_set_status

# A partnership is a lead council and two or three nearby councils (joint leads count as councils).
SIZE_RANGE = (3, 4)
# Further apart than this, a partner council is flagged as far from its lead(s).
FAR_APART_KM = 80

EDITABLE_PARTNERSHIP_FIELDS = ("programme", "name", "slug", "region", "status", "launched_on", "note", "source_url")
EDITABLE_MEMBERSHIP_FIELDS = ("role", "joined_on", "left_on", "source_url", "note", "left_note")


class PartnershipRefused(ValidationError):
    """A write the programme's rules do not allow; the message says why and what to do instead."""


def distance_km(a, b):
    """Great-circle distance between two councils' points, or None if either lacks one."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


# --- refusals ----------------------------------------------------------------------------------


def partnership_check_room(*, programme, status, partnership=None):
    """Refuse a live partnership beyond the programme's cap (``partnership``: the one being edited, if any)."""
    if status == PartnershipStatus.WITHDRAWN:
        return
    live = Partnership.objects.active().filter(programme=programme)
    if partnership is not None and partnership.pk:
        live = live.exclude(pk=partnership.pk)
    count = live.count()
    if count >= programme.max_partnerships:
        raise PartnershipRefused(
            f"{programme} allows at most {programme.max_partnerships} partnerships and {count} are already "
            "active. Mark one as withdrawn, or save this one as withdrawn.",
            code="too_many_partnerships",
        )


def partnership_check_member(*, partnership, council, exclude=None):
    """Refuse ``council`` joining ``partnership`` if it is already in it, or in another live partnership.

    ``exclude``: a membership being edited, not counted. ``partnership`` may be unsaved (a new one).
    """
    current = PartnershipMembership.objects.current().filter(council=council).select_related("partnership")
    if exclude is not None and exclude.pk:
        current = current.exclude(pk=exclude.pk)
    if partnership.pk and current.filter(partnership=partnership).exists():
        raise PartnershipRefused(f"{council} is already a member of {partnership}.", code="already_member")
    if partnership.status == PartnershipStatus.WITHDRAWN:
        return
    other = current.exclude(partnership__status=PartnershipStatus.WITHDRAWN)
    if partnership.pk:
        other = other.exclude(partnership=partnership)
    other = other.first()
    if other is not None:
        raise PartnershipRefused(
            f"{council} is already in {other.partnership} ({other.role_label.lower()}): a council can be in one "
            f"live partnership at a time. Record it leaving {other.partnership} first.",
            code="in_another_partnership",
        )


# --- writes ------------------------------------------------------------------------------------


@transaction.atomic
def partnership_create(
    *,
    programme,
    name,
    slug,
    region="",
    status=PartnershipStatus.PROPOSED,
    source_url="",
    by=None,
    launched_on=None,
    note="",
):
    """Create a partnership, refused if the programme already has its number of live ones.

    The programme's row is locked first, so two journalists creating the last allowed
    partnership at once cannot both succeed. Members are added with partnership_add_member.
    """
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    partnership_check_room(programme=programme, status=status)
    partnership = Partnership(
        programme=programme,
        name=name,
        slug=slug,
        region=region,
        status=status,
        source_url=source_url,
        launched_on=launched_on,
        note=note,
    )
    partnership.full_clean()
    partnership.save()
    signals.send_change(signals.PARTNERSHIP_FORMED, partnership)
    return partnership


@transaction.atomic
def partnership_update(*, partnership, by=None, withdrawn_on=None, public_note="", public_source_url="", **fields):
    """Change a partnership's own fields (not its members).

    A withdrawn partnership made live again (or moved to another programme) is refused if
    the programme is full or one of its members has joined another live partnership since.
    Withdrawing one records a public event dated ``withdrawn_on`` (default today) with
    ``public_note`` and ``public_source_url``, shown on its page and its members' pages.
    """
    unknown = set(fields) - set(EDITABLE_PARTNERSHIP_FIELDS)
    if unknown:
        raise ValueError(f"partnership_update cannot change {', '.join(sorted(unknown))}.")
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    was_live = locked.is_live
    programme_before = locked.programme_id
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name, value in fields.items():
        setattr(locked, name, value)
    if locked.is_live and (not was_live or locked.programme_id != programme_before):
        programme = Programme.objects.select_for_update().get(pk=locked.programme_id)
        partnership_check_room(programme=programme, status=locked.status, partnership=locked)
    if locked.is_live and not was_live:
        memberships = list(locked.memberships.current().select_related("council"))
        # Lock the members' rows (in a fixed order) so none joins another partnership meanwhile.
        list(Council.objects.select_for_update().filter(pk__in=[m.council_id for m in memberships]).order_by("pk"))
        for membership in memberships:
            partnership_check_member(partnership=locked, council=membership.council, exclude=membership)
    locked.full_clean()
    locked.save()
    if was_live and not locked.is_live:
        _record_event(
            PartnershipEvent.Kind.WITHDRAWN,
            partnership=locked,
            councils=[m.council for m in locked.memberships.current().select_related("council")],
            effective_on=withdrawn_on,
            note=public_note,
            source_url=public_source_url,
            by=by,
        )
    for name in (*EDITABLE_PARTNERSHIP_FIELDS, "updated_at"):
        setattr(partnership, name, getattr(locked, name))
    if changed:
        signals.send_change(signals.PARTNERSHIP_CHANGED, locked, fields=changed)
    return partnership


@transaction.atomic
def partnership_add_member(
    *,
    partnership,
    council,
    role,
    joined_on,
    source_url="",
    note="",
    by=None,
    new_status=None,
    status_effective_on=None,
    status_note=None,
    status_source_url=None,
    status_source_title="",
):
    """Add ``council`` to ``partnership`` as ``role`` (lead or partner), and optionally record its new status.

    Refused if the council is already a member, or is in another live partnership. With
    ``new_status`` (e.g. PilotStatus.PARTNER), the council's status change is recorded through
    council_set_status, dated ``status_effective_on`` (default: the joining date), with
    ``status_note`` and ``status_source_url`` (default: the membership's note and source); if
    the status rules refuse it, nothing is saved. The council's row is locked, so two
    partnerships cannot take the same council at once.
    """
    council = Council.objects.select_for_update().get(pk=council.pk)
    partnership_check_member(partnership=partnership, council=council)
    membership = PartnershipMembership(
        partnership=partnership,
        council=council,
        role=MembershipRole(role),
        joined_on=joined_on,
        source_url=source_url,
        note=note,
    )
    membership.full_clean()
    membership.save()
    signals.send_change(signals.MEMBER_JOINED, membership)
    if new_status:
        council_set_status(
            council=council,
            status=new_status,
            effective_on=status_effective_on or joined_on,
            note=note if status_note is None else status_note,
            source_url=source_url if status_source_url is None else status_source_url,
            source_title=status_source_title,
            by=by,
        )
    return membership


@transaction.atomic
def partnership_change_member(*, membership, by=None, **fields):
    """Correct a membership's role, dates, source or notes (a council leaving: partnership_remove_member).

    A membership cannot be made current again by clearing its leaving date: add the council again.
    """
    unknown = set(fields) - set(EDITABLE_MEMBERSHIP_FIELDS)
    if unknown:
        raise ValueError(f"partnership_change_member cannot change {', '.join(sorted(unknown))}.")
    locked = (
        PartnershipMembership.objects.select_for_update().select_related("council", "partnership").get(pk=membership.pk)
    )
    if "left_on" in fields:
        if locked.left_on is None and fields["left_on"] is not None:
            raise PartnershipRefused(
                "Record a council leaving with partnership_remove_member.", code="use_remove_member"
            )
        if locked.left_on is not None and fields["left_on"] is None:
            raise PartnershipRefused(
                f"{locked.council} left {locked.partnership} on {locked.left_on:%-d %B %Y}: to record it rejoining, "
                "add it again.",
                code="rejoin",
            )
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    left_before = locked.left_on
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if left_before and {"left_on", "left_note"} & set(changed):
        # A corrected leaving date or note: its public entry says the same, and no other entry changes
        # (a council that left twice the same day has two).
        entries = PartnershipEvent.objects.filter(kind=PartnershipEvent.Kind.MEMBER_LEFT, membership=locked)
        if not entries.exists():  # recorded before leavings named their membership: that day's one entry
            entries = PartnershipEvent.objects.filter(
                kind=PartnershipEvent.Kind.MEMBER_LEFT,
                membership=None,
                partnership=locked.partnership,
                councils=locked.council,
                effective_on=left_before,
            )
            entries = entries if entries.count() == 1 else entries.none()
        entries.update(effective_on=locked.left_on, note=locked.left_note)
    for name in EDITABLE_MEMBERSHIP_FIELDS:
        setattr(membership, name, getattr(locked, name))
    if changed:
        signals.send_change(signals.MEMBER_CHANGED, locked, fields=changed)
    return membership


@transaction.atomic
def partnership_remove_member(
    *, membership, left_on, note, by, new_status=None, status_source_url="", status_source_title=""
):
    """Record ``membership``'s council leaving on ``left_on``; the membership stays as history.

    With ``new_status`` (e.g. PilotStatus.WITHDRAWN) the council's status change is recorded
    through council_set_status, dated ``left_on``: only with a ``note`` saying why.
    """
    locked = (
        PartnershipMembership.objects.select_for_update().select_related("council", "partnership").get(pk=membership.pk)
    )
    if locked.left_on is not None:
        raise PartnershipRefused(
            f"{locked.council} already left {locked.partnership} on {locked.left_on:%-d %B %Y}.", code="already_left"
        )
    if left_on is None:
        raise PartnershipRefused({"left_on": "Say when the council left."}, code="left_on_missing")
    if left_on > timezone.localdate():
        raise PartnershipRefused({"left_on": "The date it left cannot be in the future."}, code="future")
    note = (note or "").strip()
    if new_status and not note:
        raise PartnershipRefused(
            {"left_note": "Say why the council left: its status changes only with a note."}, code="note_missing"
        )
    locked.left_on = left_on
    locked.left_note = note
    locked.full_clean()
    locked.save()
    membership.left_on, membership.left_note = locked.left_on, locked.left_note
    _record_event(
        PartnershipEvent.Kind.MEMBER_LEFT,
        partnership=locked.partnership,
        councils=[locked.council],
        effective_on=left_on,
        note=note,
        source_url=status_source_url,
        by=by,
        membership=locked,
    )
    signals.send_change(signals.MEMBER_LEFT, locked)
    if new_status:
        council_set_status(
            council=locked.council,
            status=new_status,
            effective_on=left_on,
            note=note,
            source_url=status_source_url or locked.source_url,
            source_title=status_source_title,
            by=by,
        )
    return membership


@transaction.atomic
def partnership_delete_member(*, membership, by=None, public_note="", public_source_url=""):
    """Delete a membership recorded by mistake (a council that left is recorded with partnership_remove_member).

    The council's and the partnership's pages then say, dated today, that it was removed.
    """
    locked = (
        PartnershipMembership.objects.select_for_update()
        .select_related("council", "partnership")
        .filter(pk=membership.pk)
        .first()
    )
    if locked is None:
        return
    _record_event(
        PartnershipEvent.Kind.MEMBER_DELETED,
        partnership=locked.partnership,
        councils=[locked.council],
        note=public_note,
        source_url=public_source_url,
        by=by,
    )
    locked.delete()


@transaction.atomic
def partnership_delete(*, partnership, by=None, public_note="", public_source_url=""):
    """Delete a partnership recorded by mistake, with its memberships (editors only, in the admin).

    Its members' pages and the list of changes say, dated today, that it was deleted. A
    partnership that really ended is withdrawn instead (partnership_update), and keeps its page.
    """
    locked = Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    if locked is None:
        return
    _record_event(
        PartnershipEvent.Kind.DELETED,
        partnership=None,
        partnership_name=locked.name,
        councils=[m.council for m in locked.memberships.current().select_related("council")],
        note=public_note,
        source_url=public_source_url,
        by=by,
    )
    locked.delete()


def _record_event(
    kind, *, partnership, councils, effective_on=None, note="", source_url="", by=None, membership=None, **names
):
    """One public PartnershipEvent: councils' names are kept, so it reads after any deletion."""
    event = PartnershipEvent(
        kind=kind,
        partnership=partnership,
        membership=membership,
        partnership_name=names.get("partnership_name") or partnership.name,
        council_name=councils[0].short_name if kind in _MEMBER_KINDS else "",
        effective_on=effective_on or timezone.localdate(),
        note=(note or "").strip(),
        source_url=source_url or "",
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    event.full_clean()
    event.save()
    event.councils.set(councils)
    return event


_MEMBER_KINDS = (PartnershipEvent.Kind.MEMBER_LEFT, PartnershipEvent.Kind.MEMBER_DELETED)


# --- warnings ----------------------------------------------------------------------------------


def memberships_for_checks(partnership):
    """The partnership's current memberships with each council's care boards: two queries."""
    return list(
        PartnershipMembership.objects.current()
        .filter(partnership=partnership)
        .select_related("council")
        .prefetch_related(care_boards_prefetch("council__"))
        .order_by("role", "council__short_name")
    )


def _names(councils):
    names = [str(council) for council in councils]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def partnership_warnings(partnership, memberships=None):
    """What a journalist should double-check about ``partnership`` (nothing here blocks a save).

    ``memberships``: its current memberships with councils and care boards prefetched (as
    memberships_for_checks returns), when a list of partnerships has them already.
    """
    if memberships is None:
        memberships = memberships_for_checks(partnership)
    memberships = [m for m in memberships if m.left_on is None]
    councils = [m.council for m in memberships]
    leads = [m.council for m in memberships if m.role == MembershipRole.LEAD]
    partners = [m.council for m in memberships if m.role == MembershipRole.PARTNER]
    warnings = []

    low, high = SIZE_RANGE
    if not low <= len(councils) <= high:
        warnings.append(
            f"{len(councils)} council{'s' if len(councils) != 1 else ''} so far: a partnership usually has "
            f"{low} or {high} (a lead and two or three partners)."
        )
    if councils and not leads:
        warnings.append("No lead council recorded: a partnership has a lead, or two or more joint leads.")

    boards = {council: council.care_board_list for council in councils}
    unknown = [council for council, its_boards in boards.items() if not its_boards]
    known = {council: its_boards for council, its_boards in boards.items() if its_boards}
    if unknown:
        warnings.append(
            f"No care board recorded for {_names(unknown)}: whether the partnership sits within one integrated "
            "care board cannot be checked for "
            f"{'it' if len(unknown) == 1 else 'them'}."
        )
    if len(known) > 1:
        shared = set.intersection(*(set(its_boards) for its_boards in known.values()))
        if not shared:
            every_board = {board for its_boards in known.values() for board in its_boards}
            where = "; ".join(
                f"{council} ({' and '.join(str(board) for board in its_boards)})"
                for council, its_boards in known.items()
            )
            warnings.append(f"Members sit in {len(every_board)} different integrated care boards: {where}.")

    for partner in partners:
        distances = [(distance_km(lead, partner), lead) for lead in leads]
        known_distances = [(km, lead) for km, lead in distances if km is not None]
        if leads and len(known_distances) < len(distances):
            warnings.append(f"No map point for {partner} or a lead council: its distance was not checked.")
        if not known_distances:
            continue
        km, nearest = min(known_distances, key=lambda pair: pair[0])
        if km > FAR_APART_KM:
            which = "the lead council" if len(leads) == 1 else "the nearest lead council"
            warnings.append(f"{partner} is {km:.0f} km from {which}, {nearest} (more than {FAR_APART_KM} km).")
    return warnings
