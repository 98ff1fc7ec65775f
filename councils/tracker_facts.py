"""What the tracker reads about councils, held in memory for one version of the tracker's facts.

The tracker is small (153 councils, their status history, a few dozen memberships), but a page
for any date, filter and sort is a valid URL: no page cache can hold them all. Each one used to
rebuild every council's status as of the date in the database, then draw 153 rows. Instead,
each process loads the facts once per version of the page cache's ``tracker`` key (a write to
any of the tracker's tables replaces it: sendtracker/cache/writes.py) and answers any date,
filter and sort from them in Python:

- the status, its date and the latest change's note and source as they stood on a date: a
  bisection of the council's history, which is sorted as ``Council.objects.as_of`` reads it
  (the latest on or before the date; on the same day, the one recorded last);
- the memberships in force on a date, with the partnership's name then;
- the sorts the database orders by text (names, regions: its collation decides), read once as
  each council's place in each order, exactly as ``CouncilOrderingFilter`` sorts.

A read whose version is unknown (the cache unreachable) loads the facts for that request alone.
``tests/councils/test_tracker_facts.py`` checks every answer against the database's own.
"""

import threading
from bisect import bisect_right
from collections import Counter

from django.db.models import F, OrderBy, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from . import selectors
from .choices import IN_PILOT_STATUSES, MembershipRole, PilotStatus
from .filters import CouncilFilter
from .models import Council, CouncilCareBoard, PartnershipMembership, PartnershipName, StatusChange
from .models.names import name_in_force

# The sorts whose order the database decides (text under its collation, NULLs where it puts them):
# each council's place in each, ascending and descending, is read when the facts are loaded. The
# status sort is made here (it depends on the date).
# Each status's place in the choices: the order a sort by status follows (as CouncilOrderingFilter's).
STATUS_RANKS = {status: rank for rank, status in enumerate(PilotStatus)}
DATABASE_SORTS = tuple(
    f"{sign}{key}" for key in ("name", "region", "updated", "ofsted", "population") for sign in ("", "-")
)


class CouncilFacts:
    """One council: its columns (``values``, every concrete field; the tracker's also as attributes),
    its place in each sort, and its status history (oldest first)."""

    COLUMNS = (
        "short_name",
        "name",
        "slug",
        "region",
        "ofsted_judgement",
        "in_safety_valve",
        "latitude",
        "longitude",
        "status",
        "status_effective_on",
        "updated_at",
    )
    __slots__ = ("pk", *COLUMNS, "values", "name_rank", "places", "change_dates", "changes")


class Change:
    """A status change as the tracker shows it: the status, its date, its note and source."""

    __slots__ = ("to_status", "effective_on", "note", "source_url", "source_title")

    def __init__(self, to_status, effective_on, note, source_url, source_title):
        self.to_status = to_status
        self.effective_on = effective_on
        self.note, self.source_url, self.source_title = note, source_url, source_title


class Membership:
    __slots__ = ("council_id", "role", "partnership_id", "slug", "name", "joined_on", "left_on")

    def __init__(self, council_id, role, partnership_id, slug, name, joined_on, left_on):
        self.council_id, self.role, self.partnership_id = council_id, role, partnership_id
        self.slug, self.name, self.joined_on, self.left_on = slug, name, joined_on, left_on

    def in_force_on(self, day):
        return (self.joined_on is None or self.joined_on <= day) and (self.left_on is None or self.left_on > day)


class FormerName:
    __slots__ = ("name", "replaced_on")

    def __init__(self, name, replaced_on):
        self.name, self.replaced_on = name, replaced_on


class TrackerFacts:
    """Every council (by name, as the map lists them), its history, the memberships, and the two
    figures the tracker heads with. Loaded in three queries; partnerships' former names in a
    fourth, the first time a date is asked for."""

    def __init__(self):
        statuses = {status.value: status for status in PilotStatus}
        ordering = _ordering_filter()
        places = {
            f"place_{index}": Window(RowNumber(), order_by=_order_by(ordering, sort))
            for index, sort in enumerate(DATABASE_SORTS)
        }
        rows = Council.objects.annotate(
            named_on_shortlist=selectors.named_on_shortlist_expression(),
            last_updated=selectors.last_updated_expression(),
            **places,
        ).order_by("short_name", "pk")
        columns = [field.attname for field in Council._meta.concrete_fields]
        self.councils = []
        self.by_pk = {}
        self.named_on_shortlist, self.last_updated = 0, None
        for rank, values in enumerate(rows.values(*columns, "named_on_shortlist", "last_updated", *places), start=1):
            council = CouncilFacts()
            council.values = {column: values[column] for column in columns}
            for field in CouncilFacts.COLUMNS:
                setattr(council, field, values[field])
            council.pk = values["id"]
            council.status = statuses[council.status]
            council.name_rank = rank
            council.places = {sort: values[f"place_{index}"] for index, sort in enumerate(DATABASE_SORTS)}
            council.change_dates, council.changes = [], []
            self.named_on_shortlist, self.last_updated = values["named_on_shortlist"], values["last_updated"]
            self.councils.append(council)
            self.by_pk[council.pk] = council
        for council_id, to_status, effective_on, note, source_url, source_title in StatusChange.objects.order_by(
            "council_id", "effective_on", "recorded_at", "pk"
        ).values_list("council_id", "to_status", "effective_on", "note", "source_url", "source_title"):
            council = self.by_pk[council_id]
            council.change_dates.append(effective_on)
            council.changes.append(Change(statuses[to_status], effective_on, note, source_url, source_title))
        self.memberships = [
            Membership(*values)
            for values in PartnershipMembership.objects.order_by(
                "partnership__name", "role", "council__short_name"
            ).values_list(
                "council_id",
                "role",
                "partnership_id",
                "partnership__slug",
                "partnership__name",
                "joined_on",
                "left_on",
            )
        ]
        self._former_names = None
        self._care_boards = None
        # Made from these facts, kept with them (councils.tracker): each distinct table row, each map point.
        self.kept_rows = {}
        self._points = {}
        self._lock = threading.Lock()

    def point(self, council, status):
        """The council on the map and in the counts with ``status`` (``selectors.map_point``'s dict; shared:
        read, never changed)."""
        key = (council.pk, status)
        point = self._points.get(key)
        if point is None:
            point = self._points[key] = {
                "pk": council.pk,
                "name": council.short_name,
                "slug": council.slug,
                "latitude": council.latitude,
                "longitude": council.longitude,
                "status": status,
            }
        return point

    def change_on(self, council, as_of=None):
        """The change in force at the end of ``as_of`` (None: the latest of all), or None before the first."""
        if as_of is None:
            return council.changes[-1] if council.changes else None
        index = bisect_right(council.change_dates, as_of)
        return council.changes[index - 1] if index else None

    def status_on(self, council, as_of=None):
        """``(status, since, latest change)`` as the tracker shows the council: as of the date, or today."""
        change = self.change_on(council, as_of)
        if as_of is None:
            return council.status, council.status_effective_on, change
        if change is None:
            return PilotStatus.NOT_SHORTLISTED, None, None
        return change.to_status, change.effective_on, change

    def memberships_on(self, as_of=None):
        """The memberships in force at the end of ``as_of`` (today if None), in the tracker's order."""
        day = as_of or timezone.localdate()
        return [membership for membership in self.memberships if membership.in_force_on(day)]

    def partnership_choices(self, as_of=None):
        """The partnerships formed by the end of ``as_of`` (today if None), as the tracker's partnership
        filter offers them (``Partnership.objects.formed_by``, by name): ``((slug, name), ...)``."""
        choices = {}
        for membership in self.memberships_on(as_of):
            choices.setdefault(membership.slug, membership.name)
        return tuple(choices.items())

    def former_names(self):
        """``{partnership pk: [FormerName, ...]}``, read the first time a date is asked for."""
        if self._former_names is None:
            with self._lock:
                if self._former_names is None:
                    names = {}
                    for partnership_id, name, replaced_on in PartnershipName.objects.values_list(
                        "partnership_id", "name", "replaced_on"
                    ):
                        names.setdefault(partnership_id, []).append(FormerName(name, replaced_on))
                    self._former_names = names
        return self._former_names

    def care_boards(self):
        """``{council pk: [(name, code, position, share_note), ...]}``, the main part first; read the first
        time it is asked for (the API lists them; the tracker does not)."""
        if self._care_boards is None:
            with self._lock:
                if self._care_boards is None:
                    boards = {}
                    for council_id, *board in CouncilCareBoard.objects.order_by("council_id", "position").values_list(
                        "council_id", "care_board__name", "care_board__code", "position", "share_note"
                    ):
                        boards.setdefault(council_id, []).append(tuple(board))
                    self._care_boards = boards
        return self._care_boards

    def listed(self, council_filter, as_of=None):
        """The councils a valid ``council_filter`` keeps, in its order, and ``{pk: (status, since, change)}``
        as shown on ``as_of`` for every council."""
        shown = {council.pk: self.status_on(council, as_of) for council in self.councils}
        statuses = {pk: status for pk, (status, _since, _change) in shown.items()}
        data = council_filter.form.cleaned_data
        if lists_every_council(data):
            listed = self.by_pk
        else:
            listed = listed_by_simple_filters(self, data, statuses)
            if listed is None:
                listed = set(council_filter.qs.values_list("pk", flat=True))
        ordered = self.sorted(data.get("ordering") or [], statuses, as_of)
        return [council for council in ordered if council.pk in listed], shown

    def sorted(self, ordering, statuses, as_of=None):
        """The councils in ``CouncilOrderingFilter``'s order: by status here (it depends on the date), by the
        database's order read with the facts for the others; ties by name."""
        if not ordering:
            return self.councils
        if len(ordering) == 1:
            sort = ordering[0]
            if sort.lstrip("-") == "status":
                sign = -1 if sort.startswith("-") else 1
                return sorted(
                    self.councils, key=lambda council: (sign * STATUS_RANKS[statuses[council.pk]], council.name_rank)
                )
            if sort in DATABASE_SORTS:
                return sorted(self.councils, key=lambda council: council.places[sort])
        # Several sorts at once (``?ordering=region,-status``): the database orders them.
        councils = Council.objects.as_of(as_of) if as_of else Council.objects.all()
        order = CouncilFilter().filters["ordering"].filter(councils, ordering).values_list("pk", flat=True)
        return [self.by_pk[pk] for pk in order if pk in self.by_pk]

    def partnership_name_on(self, membership, as_of):
        former = self.former_names().get(membership.partnership_id) if as_of else None
        return name_in_force(membership.name, former, as_of) if former else membership.name

    def lead_counts(self, memberships):
        return Counter(
            membership.partnership_id for membership in memberships if membership.role == MembershipRole.LEAD
        )


def _ordering_filter():
    return CouncilFilter().filters["ordering"]


def lists_every_council(data):
    """Whether the tracker's valid filters (``cleaned_data``) keep every council: "All 153 councils"
    and no other filter (a date or a sort order keeps them all; a blank search is no filter)."""
    if data.get("scope") != "all":
        return False
    for name, value in data.items():
        if name in ("scope", "as_of", "ordering") or value is None or value in ("", [], ()):
            continue
        if name == "q" and not value.strip():
            continue
        return False
    return True


def _order_by(ordering_filter, sort):
    """The ORDER BY ``CouncilOrderingFilter`` gives ``sort``, as expressions for a window."""
    expressions = []
    for item in ordering_filter.filter(Council.objects.all(), [sort]).query.order_by:
        if isinstance(item, str):
            expressions.append(F(item[1:]).desc() if item.startswith("-") else F(item).asc())
        else:
            expressions.append(item if isinstance(item, OrderBy) else item.asc())
    expressions.append(F("pk").asc())
    return expressions


# The facts for the newest version this process has seen: (version, TrackerFacts).
_held = (None, None)
_held_lock = threading.Lock()


def tracker_facts(version):
    """The facts at ``version`` of the ``tracker`` key: loaded once per version and process (None: every time).

    After an edit, the threads of a process that ask at once wait for one load rather than each loading.
    """
    global _held
    held_version, facts = _held
    if version is not None and held_version == version:
        return facts
    if version is None:
        return TrackerFacts()
    with _held_lock:
        held_version, facts = _held
        if held_version != version:
            facts = TrackerFacts()
            _held = (version, facts)
    return facts


def forget():
    """Drop the held facts (tests that change the data under a version that stays, e.g. by raw SQL)."""
    global _held
    _held = (None, None)


def listed_by_simple_filters(facts, data, statuses):
    """The pks the tracker's filters keep, answered here when they are all plain columns or the status
    (``data``: the form's ``cleaned_data``; ``statuses``: ``{pk: status shown}``), else None.

    The same rules as ``CouncilFilter``: with no status chosen and not "All 153 councils", the
    councils in the pilot; each multiple choice keeps any of its values; "either" keeps both.
    A search or a partnership asks the database (their matching is its own).
    """
    if (data.get("q") or "").strip() or data.get("partnership"):
        return None
    wanted = set(data.get("status") or ())
    if not wanted and data.get("scope") != "all":
        wanted = set(IN_PILOT_STATUSES)
    regions = set(data.get("region") or ())
    judgements = set(data.get("ofsted_judgement") or ())
    safety_valve = data.get("in_safety_valve")
    return {
        council.pk
        for council in facts.councils
        if (not wanted or statuses[council.pk] in wanted)
        and (not regions or council.region in regions)
        and (not judgements or council.ofsted_judgement in judgements)
        and (safety_valve is None or council.in_safety_valve == safety_valve)
    }
