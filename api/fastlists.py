"""Plain serializers for the busiest lists: the same dicts DRF's serializers make, at a fraction of the cost.

A page of 150 councils through ``CouncilSerializer`` costs some 27 field lookups, each with
DRF's checks, per council; an uncached ``/api/councils/?as_of=…`` spent about half its time
there. Here each row is built in one function from the objects the view's query already
read (prefetched care boards and memberships), with the addresses formatted from one
``reverse()`` per list. Dates and times still go through DRF's own fields, so the time zone
and format are DRF's. The serializer stays the source of truth: it makes the detail pages,
the CSV header and the schema, and ``tests/api/test_list_payloads.py`` compares every list
and filter byte for byte with what it answered before this module existed.

A view opts in with ``plain_list = <function>`` (``PublicReadOnlyViewSet.list``).
"""

import datetime
import re

from django.db import connections, router
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from councils.choices import MembershipRole
from councils.models import Council, CouncilCareBoard, PartnershipMembership, PartnershipName
from councils.models.partnerships import JOINT_LEAD_LABEL
from sendtracker.site_url import absolute_url

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "slug-placeholder"
_DATE = serializers.DateField()


def _date(value):
    return None if value is None else _DATE.to_representation(value)


def _labels(model, field):
    """``get_<field>_display()``'s labels by value, flattened once per process, not on every call."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


COUNCIL_TYPE_LABELS = _labels(Council, "council_type")
STATUS_LABELS = _labels(Council, "status")
OFSTED_LABELS = _labels(Council, "ofsted_judgement")
ROLE_LABELS = _labels(PartnershipMembership, "role")


class _Memo(dict):
    """``function(value)`` once per distinct value (a list's rows share few update times)."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __call__(self, value):
        if value not in self:
            self[value] = self.function(value)
        return self[value]


class SlugAddresses:
    """``absolute_url(reverse(view_name, kwargs={"slug": slug}))`` for many slugs, reversing once.

    A slug of other characters than a URL pattern's (none today) is reversed as usual.
    """

    def __init__(self, view_name):
        self.view_name = view_name
        self.before, self.after = absolute_url(reverse(view_name, kwargs={"slug": _PLACEHOLDER})).split(_PLACEHOLDER)

    def __call__(self, slug):
        if _SLUG.fullmatch(slug):
            return f"{self.before}{slug}{self.after}"
        return absolute_url(reverse(self.view_name, kwargs={"slug": slug}))


# What ``council_list`` reads of each council, as ``council_values`` makes the list's query read it.
COUNCIL_FIELDS = (
    "id",
    "slug",
    "short_name",
    "gss_code",
    "la_number",
    "name",
    "code",
    "region",
    "council_type",
    "population",
    "latitude",
    "longitude",
    "status",
    "status_effective_on",
    "ofsted_judgement",
    "ofsted_judgement_on",
    "in_safety_valve",
    "safety_valve_amount",
    "updated_at",
)
AS_OF_FIELDS = ("status_as_of", "status_effective_as_of")


def council_values(councils):
    """The filtered councils' query, reading ``values()`` rows of what ``council_list`` needs
    (with the status rebuilt as of a date when ``as_of`` annotated it) instead of model instances."""
    annotated = [name for name in AS_OF_FIELDS if name in councils.query.annotations]
    return councils.values(*COUNCIL_FIELDS, *annotated)


def council_list(councils, *, as_of=None):
    """``CouncilSerializer(councils, many=True).data`` for a page of councils (``council_values`` rows).

    Reads what the serializer reads through ``CouncilViewSet``'s prefetches in two queries
    (every council's care boards; every membership in force, with its partnership's name on
    ``as_of``), as plain rows and without Django's per-object related managers. Both read all
    councils' rows (a few hundred at most) rather than the page's, so their SQL does not depend
    on the page and is compiled once per process (``_OncePerProcess``).
    """
    councils = list(councils)
    boards = {}
    for council_id, name, code, position, share_note in _CARE_BOARDS.rows():
        boards.setdefault(council_id, []).append(
            {"name": name, "code": code, "is_main": position == 0, "share_note": share_note}
        )
    memberships = {}
    api_partnership = SlugAddresses("api:partnership-detail")
    for council_id, slug, name, role, lead_count, joined_on in _MEMBERSHIPS.rows(as_of):
        memberships.setdefault(council_id, []).append(
            {
                "slug": slug,
                "name": name,
                "role": role,
                "role_label": _role_label(role, lead_count),
                "joined_on": _date(joined_on),
                "url": api_partnership(slug),
            }
        )
    api_council = SlugAddresses("api:council-detail")
    council_page = SlugAddresses("councils:detail")
    updated = _Memo(serializers.DateTimeField().to_representation)
    rows = []
    for council in councils:
        links = boards.get(council["id"], [])
        status_effective_as_of = council.get("status_effective_as_of")
        slug = council["slug"]
        rows.append(
            {
                "slug": slug,
                "name": council["short_name"],
                "gss_code": council["gss_code"],
                "la_number": council["la_number"],
                "url": api_council(slug),
                "page_url": council_page(slug),
                "official_name": council["name"],
                "code": council["code"],
                "region": council["region"],
                "council_type": council["council_type"],
                "council_type_label": COUNCIL_TYPE_LABELS.get(council["council_type"], council["council_type"]),
                "population": council["population"],
                "latitude": council["latitude"],
                "longitude": council["longitude"],
                "status": council["status"],
                "status_label": STATUS_LABELS.get(council["status"], council["status"]),
                "status_effective_on": _date(council["status_effective_on"]),
                "status_as_of": council.get("status_as_of"),
                "status_effective_as_of": status_effective_as_of.isoformat() if status_effective_as_of else None,
                "ofsted_judgement": council["ofsted_judgement"],
                "ofsted_judgement_label": OFSTED_LABELS.get(council["ofsted_judgement"], council["ofsted_judgement"]),
                "ofsted_judgement_on": _date(council["ofsted_judgement_on"]),
                "in_safety_valve": council["in_safety_valve"],
                "safety_valve_amount": _money(council["safety_valve_amount"]),
                "icb": {"name": links[0]["name"], "code": links[0]["code"]} if links else None,
                "care_boards": links,
                "partnerships": memberships.get(council["id"], []),
                "updated_at": None if council["updated_at"] is None else updated(council["updated_at"]),
            }
        )
    return rows


class _OncePerProcess:
    """A query whose SQL the ORM writes once per process (per database and shape); each run
    passes its day in place of the placeholder day the SQL was written with.

    ``queryset(day, dated)`` is the ORM's query of ``model`` for ``day`` (``dated``: the day was asked for,
    not today); its only parameters that change from run to run must be that day. Rows come
    straight from the cursor: dates as the database gives them (``_date`` writes a date and
    SQLite's ISO text alike), so only columns needing no conversion may be read.
    """

    PLACEHOLDER = datetime.date(1900, 1, 2)  # a day no query asks for (as_of starts in 2019)

    def __init__(self, model, queryset):
        self.model = model
        self.queryset = queryset
        self.compiled = {}

    def rows(self, as_of=None):
        day = as_of or timezone.localdate()
        alias = router.db_for_read(self.model)
        key = (alias, as_of is not None)
        if key not in self.compiled:
            query = self.queryset(self.PLACEHOLDER, as_of is not None).query
            self.compiled[key] = query.get_compiler(using=alias).as_sql()
        sql, params = self.compiled[key]
        connection = connections[alias]
        placeholder, day = (connection.ops.adapt_datefield_value(value) for value in (self.PLACEHOLDER, day))
        params = [day if param == placeholder else param for param in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _care_boards(_day, _dated):
    """Every council's care boards, each council's main part first."""
    return CouncilCareBoard.objects.order_by("council_id", "position").values_list(
        "council_id", "care_board__name", "care_board__code", "position", "share_note"
    )


def _memberships(day, dated):
    """As ``council_memberships_prefetch`` reads them for every council (in force on ``day``, with
    lead counts, in its order), as plain rows: ``(council_id, slug, name, role, lead_count,
    joined_on)``; with a ``dated`` day, ``name`` is the partnership's name then (``name_in_force``'s
    rule: the earliest former name replaced after that day, else today's), read in the same query
    instead of a prefetch of former names."""
    queryset = PartnershipMembership.objects.for_display(day)
    name = F("partnership__name")
    if dated:
        former = PartnershipName.objects.filter(partnership=OuterRef("partnership"), replaced_on__gt=day)
        name = Coalesce(Subquery(former.order_by("replaced_on").values("name")[:1]), name)
    return queryset.annotate(shown_name=name).values_list(
        "council_id", "partnership__slug", "shown_name", "role", "lead_count", "joined_on"
    )


_CARE_BOARDS = _OncePerProcess(CouncilCareBoard, _care_boards)
_MEMBERSHIPS = _OncePerProcess(PartnershipMembership, _memberships)


def _role_label(role, lead_count):
    """``PartnershipMembership.role_label`` for a row read with its lead count."""
    if role == MembershipRole.LEAD and lead_count > 1:
        return JOINT_LEAD_LABEL
    return ROLE_LABELS.get(role, role)


_MONEY = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)


def _money(value):
    return None if value is None else _MONEY.to_representation(value)
