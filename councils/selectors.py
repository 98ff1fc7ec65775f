"""Reads the public pages share: each is one query, however many councils or changes there are.

Views call these (and the queryset methods on the models); they do not rebuild
filters inline. Nothing here writes.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce, Greatest

from sendtracker.paging import PageOf, page_or_404

from .choices import IN_PILOT_STATUSES, PilotStatus
from .models import (
    AS_OF_CHANGE,
    Council,
    CouncilCareBoard,
    KeyFigure,
    Partnership,
    PartnershipEvent,
    PartnershipMembership,
    SendInspection,
    StatusChange,
    StatusChangeCorrection,
)


@dataclass(frozen=True)
class StatusCount:
    status: PilotStatus
    count: int

    @property
    def label(self):
        return self.status.label


def council_points(as_of=None):
    """Every council with its place and its status (as it stood on ``as_of``, if given): one query.

    Drives the map and the counts per status.
    """
    queryset = Council.objects.order_by("short_name")
    field = "status"
    if as_of:
        queryset = queryset.as_of(as_of)
        field = "status_as_of"
    return [
        map_point(council, field) for council in queryset.only("short_name", "slug", "latitude", "longitude", "status")
    ]


def map_point(council, status_field="status"):
    """One council as the map and the counts per status read it (``status_field``: the status or the rebuilt one)."""
    return {
        "pk": council.pk,
        "name": council.short_name,
        "slug": council.slug,
        "latitude": council.latitude,
        "longitude": council.longitude,
        "status": PilotStatus(getattr(council, status_field)),
    }


def status_counts(points, statuses=None):
    """Counts per status over ``points`` (from council_points), in the order the choices are declared."""
    counter = Counter(point["status"] for point in points)
    return [StatusCount(status, counter[status]) for status in (statuses or PilotStatus) if counter[status]]


def in_pilot_counts(points):
    return status_counts(points, statuses=IN_PILOT_STATUSES)


def key_figures(as_of=None):
    """Key figures by key; with ``as_of``, only those reported on or before that date."""
    figures = KeyFigure.objects.select_related("programme")
    if as_of:
        figures = figures.filter(reported_on__lte=as_of)
    return {figure.key: figure for figure in figures}


def shortlist_gap(figures, named):
    """The reported shortlist against the councils named so far: (reported or None, named)."""
    reported = figures.get("shortlisted")
    return {"reported": int(reported.value) if reported else None, "named": named, "figure": reported}


def named_on_shortlist_count(as_of=None):
    """Councils the reporting has named on the shortlist (whatever their status since), by ``as_of`` if given."""
    changes = StatusChange.objects.filter(to_status=PilotStatus.SHORTLISTED)
    if as_of:
        changes = changes.as_of(as_of)
    return changes.values("council").distinct().count()


def last_updated():
    """When the tracker last changed: the newest recorded status change or correction of one."""
    return StatusChange.objects.annotate(latest=last_updated_expression()).values_list("latest", flat=True).first()


# The same two figures as expressions, for a page that folds them into the query it makes anyway
# (uncorrelated scalar subqueries: the database works each out once, not once per row).


def named_on_shortlist_expression():
    """``named_on_shortlist_count()`` as an expression."""
    named = (
        StatusChange.objects.filter(to_status=PilotStatus.SHORTLISTED)
        .order_by()
        .values("to_status")
        .annotate(named=Count("council", distinct=True))
        .values("named")[:1]
    )
    return Coalesce(Subquery(named), 0)


def last_updated_expression():
    """``last_updated()`` as an expression: the newest change recorded, or the newest correction if later.

    A correction is always made after the change it corrects, so when there is one it is the newer.
    """
    recorded = Subquery(StatusChange.objects.order_by("-recorded_at").values("recorded_at")[:1])
    corrected = Subquery(StatusChangeCorrection.objects.order_by("-corrected_at").values("corrected_at")[:1])
    return Greatest(Coalesce(corrected, recorded), recorded)


LATEST_CHANGE_FIELDS = ("note", "source_url", "source_title")


def latest_change_annotations(as_of=None):
    """Each council's latest change's public note and source (``latest_note``, ``latest_source_url``,
    ``latest_source_title``), as it stood on ``as_of`` if given; no query of their own.

    With ``as_of`` they are columns of the change ``Council.objects.as_of(as_of)`` joins, so the
    queryset they annotate must have been through ``as_of(as_of)`` first (the tracker's always
    is). Without, they are correlated subqueries reading each council's latest change.
    """
    if as_of:
        return {f"latest_{field}": F(f"{AS_OF_CHANGE}__{field}") for field in LATEST_CHANGE_FIELDS}
    changes = StatusChange.objects.filter(council=OuterRef("pk")).order_by("-effective_on", "-recorded_at", "-pk")
    return {f"latest_{field}": Subquery(changes.values(field)[:1]) for field in LATEST_CHANGE_FIELDS}


def with_children(queryset, relation, model, fields, to_attr, *, also=()):
    """``queryset``'s objects, each with its ``relation`` rows in list ``to_attr``: one query, a LEFT JOIN.

    For short lists (a council's inspections, a change's corrections) where a prefetch would
    cost a query of its own. Each object comes once; its related rows are built as unsaved
    ``model`` instances holding ``fields``. ``queryset`` must be ordered so that each object's
    rows come together (by a unique key of the object first), then in the children's order.
    ``also``: more ``(relation, model, fields, to_attr)`` joined in the same query; their rows
    multiply (keep them short), each child is kept once, in the order first met.
    """
    specs = [(relation, model, fields, to_attr), *also]
    names = {attr: {field: f"{attr}_{field}" for field in ("pk", *flds)} for _rel, _model, flds, attr in specs}
    annotations = {
        name: F(f"{rel}__{field}") for rel, _model, _flds, attr in specs for field, name in names[attr].items()
    }
    objects = []
    for row in queryset.annotate(**annotations):
        if not objects or objects[-1].pk != row.pk:
            for _rel, _model, _flds, attr in specs:
                setattr(row, attr, [])
            objects.append(row)
            seen = set()
        for _rel, child_model, _flds, attr in specs:
            pk = getattr(row, names[attr]["pk"])
            if pk is not None and (attr, pk) not in seen:
                seen.add((attr, pk))
                child = child_model(**{field: getattr(row, name) for field, name in names[attr].items()})
                getattr(objects[-1], attr).append(child)
    return objects


def care_boards_prefetch(prefix=""):
    """Prefetch councils' care-board links (``council.care_board_list``), main part first: one query."""
    return Prefetch(f"{prefix}care_board_links", queryset=CouncilCareBoard.objects.select_related("care_board"))


TIMELINE_PER_PAGE = 20
EVENT_FIELDS = ("kind", "partnership_name", "council_name", "effective_on", "note", "source_url", "recorded_at")


def council_detail(slug, as_of=None, page=1):
    """The council ``slug`` with everything its page shows, or None: six queries, however much there is.

    The council with its inspections (``inspections``); its care boards; its timeline
    (``timeline``, newest first) with each change's corrections (``correction_list``); its
    partnerships, current and past (``partnership_memberships``, each with ``lead_count``);
    then the view's quotes and articles. Each council carries ``shown_status`` and ``shown_since``.

    With ``as_of`` the page is as it stood at the end of that day: the timeline up to it, the
    status it gives, the memberships joined by then (one that left later shows as current, with
    ``shown_left_on`` None), and a seventh query for the partnerships' names then.

    The timeline comes in pages of ``TIMELINE_PER_PAGE`` (``page``, newest first), so the page
    costs the same however many changes a council has had: the page's changes are a sliced
    subquery and each row carries the timeline's length (``council.timeline_count``). A page
    past the end raises ``NoSuchPage``; page 2 onwards with ``as_of`` reads the status then
    in one more query.
    """
    found = with_children(
        Council.objects.filter(slug=slug).order_by("pk", "-send_inspections__published_on"),
        "send_inspections",
        SendInspection,
        ("published_on", "outcome", "is_revisit", "report_url", "note"),
        "inspections",
        # Partnerships it was in withdrawn or deleted, or it left or was removed: few, so joined here.
        also=[("partnership_events", PartnershipEvent, EVENT_FIELDS, "event_list")],
    )
    if not found:
        return None
    council = found[0]
    changes = StatusChange.objects.filter(council=council)
    memberships = PartnershipMembership.objects.select_related("partnership").with_lead_count(as_of)
    if as_of:
        changes = changes.as_of(as_of)
        memberships = memberships.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=as_of)).prefetch_related(
            "partnership__former_names"
        )
    newest_first = ("-effective_on", "-recorded_at", "-pk")
    offset = (page - 1) * TIMELINE_PER_PAGE
    on_page = changes.order_by(*newest_first).values("pk")[offset : offset + TIMELINE_PER_PAGE]
    length = changes.order_by().values("council").annotate(n=Count("pk")).values("n")[:1]
    council.timeline = with_children(
        changes.filter(pk__in=on_page)
        .annotate(timeline_count=Subquery(length))
        .order_by(*newest_first, "-corrections__corrected_at"),
        "corrections",
        StatusChangeCorrection,
        ("corrected_at", "reason"),
        "correction_list",
    )
    if council.timeline:
        council.timeline_count = council.timeline[0].timeline_count
    else:
        council.timeline_count = changes.count() if page > 1 else 0
    council.timeline_page = page_or_404(
        PageOf(council.timeline, council.timeline_count), TIMELINE_PER_PAGE, str(page), what="this timeline"
    )
    prefetch_related_objects(
        [council],
        care_boards_prefetch(),
        Prefetch(
            "memberships",
            queryset=memberships.order_by(F("left_on").desc(nulls_first=True), "partnership__name"),
            to_attr="partnership_memberships",
        ),
    )
    # The timeline shown: status changes and partnership events (withdrawn, left, removed), newest first.
    # Each event goes on the page of changes its date falls among: after this page's oldest change (unless
    # this is the last page) and before the previous page's oldest (one more query, from page 2 on).
    events = [event for event in council.event_list if not as_of or event.effective_on <= as_of]
    if council.timeline and council.timeline_page.has_next():
        events = [event for event in events if event.effective_on >= council.timeline[-1].effective_on]
    if page > 1:
        before = changes.order_by(*newest_first).values_list("effective_on", flat=True)[offset - 1]
        events = [event for event in events if event.effective_on < before]
    council.timeline_entries = sorted(
        [*council.timeline, *events],
        key=lambda entry: (entry.effective_on, entry.recorded_at),
        reverse=True,
    )
    # When the page last changed: the council, or a correction to its timeline (a change's own
    # recording always moves the council's ``updated_at``).
    council.last_updated = max(
        [
            council.updated_at,
            *(c.corrected_at for change in council.timeline for c in change.correction_list),
            *(event.recorded_at for event in events),
        ]
    )
    if as_of:
        latest = council.timeline[0] if page == 1 and council.timeline else changes.order_by(*newest_first).first()
        council.shown_status = PilotStatus(latest.to_status) if latest else PilotStatus.NOT_SHORTLISTED
        council.shown_since = latest.effective_on if latest else None
    else:
        council.shown_status, council.shown_since = PilotStatus(council.status), council.status_effective_on
    for membership in council.partnership_memberships:
        left = membership.left_on
        membership.shown_left_on = left if left and (not as_of or left <= as_of) else None
        membership.shown_name = membership.partnership.name_on(as_of) if as_of else membership.partnership.name
    if as_of:
        # Those still in force that day first, as today's page lists the current ones first.
        council.partnership_memberships.sort(key=lambda membership: membership.shown_left_on is not None)
    return council


def current_memberships_prefetch(prefix="", as_of=None):
    """Prefetch each partnership's members today, or in force on ``as_of`` (``partnership.members``),
    leads first: one query."""
    return Prefetch(
        f"{prefix}memberships",
        queryset=PartnershipMembership.objects.for_display(as_of),
        to_attr="current_memberships",
    )


def council_memberships_prefetch(as_of=None):
    """Prefetch each council's partnerships today, or in force on ``as_of`` (``council.partnership_memberships``).

    One query; with ``as_of`` a second reads the partnerships' former names, for ``name_on(as_of)``.
    """
    queryset = PartnershipMembership.objects.for_display(as_of)
    if as_of:
        queryset = queryset.prefetch_related("partnership__former_names")
    return Prefetch("memberships", queryset=queryset, to_attr="partnership_memberships")


def partnerships_with_members(as_of=None, *, icbs=True, members=True):
    """Partnerships with their members today (every partnership), or as they stood on ``as_of``
    (only those with a membership in force then); with their recorded care boards unless ``icbs`` is False,
    and their members unless ``members`` is False (a page reading every membership it has had)."""
    partnerships = Partnership.objects.all()
    if as_of:
        partnerships = partnerships.formed_by(as_of)
    lookups = (
        ([current_memberships_prefetch(as_of=as_of)] if members else []) + ["former_names"] + (["icbs"] if icbs else [])
    )
    return partnerships.prefetch_related(*lookups).order_by("name")
