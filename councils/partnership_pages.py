"""What a partnership's page and feed read: its members (as they stand, or stood on a date) with
their statuses and inspections, its care boards, and its timeline. Reads only.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import selectors
from .choices import PilotStatus
from .models import Council, PartnershipEvent, StatusChange


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing that happened to a partnership: a member's status change, a council joining, leaving
    or removed, or the partnership withdrawn."""

    kind: str  # "status", "joined", "left", or a PartnershipEvent's kind
    date: datetime.date
    council: Council | None
    title: str
    note: str
    source_url: str
    source_title: str
    guid: str
    recorded_at: datetime.datetime | None
    status_change: StatusChange | None = None
    event: PartnershipEvent | None = None


def partnership_detail(slug, as_of=None):
    """The partnership ``slug`` with everything its page shows (404 if none, or none had formed by ``as_of``).

    ``partnership.members`` are the memberships in force (today, or on ``as_of``), each council
    with ``shown_status`` (its status then), ``latest_inspection`` and its care boards;
    ``partnership.care_boards`` the members' boards, each once; ``partnership.timeline`` the
    members' status changes and the joins and leaves, newest first (up to ``as_of``).
    A fixed number of queries however many members or changes.
    """
    partnership = get_object_or_404(selectors.partnerships_with_members(as_of, icbs=False, members=False), slug=slug)
    # Every membership it has had, once: today's (or ``as_of``'s) are its members, all feed the timeline.
    history = list(
        partnership.memberships.select_related("council").with_lead_count(as_of).order_by("role", "council__short_name")
    )
    day = as_of or timezone.localdate()
    partnership.current_memberships = memberships = [m for m in history if m.in_force_on(day)]
    councils = [membership.council for membership in memberships]
    prefetch_related_objects(
        councils,
        selectors.care_boards_prefetch(),
        Prefetch("send_inspections", to_attr="inspection_list"),
    )
    statuses = {}
    if as_of:
        statuses = dict(
            Council.objects.as_of(as_of).filter(pk__in=[c.pk for c in councils]).values_list("pk", "status_as_of")
        )
    boards = {}
    for council in councils:
        council.shown_status = PilotStatus(statuses.get(council.pk, council.status))
        council.latest_inspection = council.inspection_list[0] if council.inspection_list else None
        for link in council.care_board_links.all():
            boards.setdefault(link.care_board.pk, link.care_board)
    partnership.care_boards = sorted(boards.values(), key=lambda board: board.name)
    partnership.timeline = partnership_timeline(partnership, as_of=as_of, memberships=history)
    return partnership


def partnership_timeline(partnership, *, as_of=None, limit=None, memberships=None):
    """The members' status changes (while members) and the councils joining and leaving, newest first.

    Three queries: every membership the partnership has had (unless given as ``memberships``), those
    councils' status changes, and the partnership's withdrawal and removals (PartnershipEvent).
    A member's status changes count from the start of its record (how it came to join: shortlisted,
    declined, partner) until it left. With ``as_of``, nothing after that day.
    """
    end = as_of or timezone.localdate()
    if memberships is None:
        memberships = list(partnership.memberships.select_related("council"))
    entries = []
    spans = {}
    for membership in memberships:
        council = membership.council
        spans.setdefault(council.pk, []).append((membership.joined_on, membership.left_on))
        source = (membership.source_url, "")
        if membership.joined_on and membership.joined_on <= end:
            entries.append(
                TimelineEntry(
                    "joined",
                    membership.joined_on,
                    council,
                    f"{council.short_name} joined as {membership.get_role_display().lower()}",
                    membership.note,
                    *source,
                    f"tag:send-tracker,2023:membership/{membership.pk}/joined",
                    None,
                )
            )
        if membership.left_on and membership.left_on <= end:
            entries.append(
                TimelineEntry(
                    "left",
                    membership.left_on,
                    council,
                    f"{council.short_name} left the partnership",
                    membership.left_note,
                    *source,
                    f"tag:send-tracker,2023:membership/{membership.pk}/left",
                    None,
                )
            )
    changes = (
        StatusChange.objects.filter(council__in=list(spans), effective_on__lte=end)
        .select_related("council")
        .with_modified_at()
    )
    for change in changes:
        if not any(left is None or change.effective_on < left for _joined, left in spans[change.council_id]):
            continue
        entries.append(
            TimelineEntry(
                "status",
                change.effective_on,
                change.council,
                f"{change.council.short_name}: {change.get_from_status_display()} → {change.get_to_status_display()}",
                change.note,
                change.source_url,
                change.source_title,
                f"tag:send-tracker,2023:status-change/{change.pk}",
                change.recorded_at,
                change,
            )
        )
    # Withdrawn, and councils removed as recorded by mistake (one that left is its membership's "left" above).
    events = partnership.events.filter(
        kind__in=(PartnershipEvent.Kind.WITHDRAWN, PartnershipEvent.Kind.MEMBER_DELETED), effective_on__lte=end
    )
    for event in events:
        entries.append(
            TimelineEntry(
                event.kind,
                event.effective_on,
                None,
                event.title,
                event.note,
                event.source_url,
                "",
                f"tag:send-tracker,2023:partnership-event/{event.pk}",
                event.recorded_at,
                event=event,
            )
        )
    entries.sort(key=lambda entry: (entry.date, entry.recorded_at or _midnight(entry.date)), reverse=True)
    return entries[:limit] if limit else entries


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
