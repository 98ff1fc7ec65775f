"""Plain serializers for the busiest lists: the same dicts DRF's serializers make, at a fraction of the cost.

A page of 150 councils through ``CouncilSerializer`` costs some 27 field lookups, each with
DRF's checks, per council; an uncached ``/api/councils/?as_of=…`` spent about half its time
there. Here each row is built in one function from the tracker's facts held in memory
(councils.tracker_facts: the councils, their status on the day, care boards and
memberships), with the addresses formatted from one ``reverse()`` per list. Dates and times
still go through DRF's own fields, so the time zone and format are DRF's. The serializer
stays the source of truth: it makes the detail pages, the CSV header and the schema, and
``tests/api/test_list_payloads.py`` compares every list and filter byte for byte with what it
answered before this module existed.

A view opts in with ``plain_list = <function>`` (``PublicReadOnlyViewSet.list``).
"""

import re
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.settings import api_settings

from councils.choices import MembershipRole
from councils.models import Council, PartnershipMembership
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


_DATETIME = serializers.DateTimeField()
_written_times = {}


def _updated_at(value, zone):
    """A council's ``updated_at`` as DRF writes it in time zone ``zone`` (the current one), once per process
    for each time and zone: few councils change between two requests."""
    key = (value, zone)
    written = _written_times.get(key)
    if written is None:
        written = _DATETIME.to_representation(value)
        if len(_written_times) >= 4096:
            _written_times.clear()
        _written_times[key] = written
    return written


class SlugAddresses:
    """``absolute_url(reverse(view_name, kwargs={"slug": slug}))`` for many slugs, reversing once.

    A slug of other characters than a URL pattern's (none today) is reversed as usual.
    """

    def __init__(self, view_name):
        self.view_name = view_name
        self.before, self.after = _address_parts(view_name, get_script_prefix(), get_urlconf(), settings.SITE_URL)

    def parts(self):
        return self.before, self.after

    def __call__(self, slug):
        if slug in _matching_slugs or _matches(slug):
            return f"{self.before}{slug}{self.after}"
        return absolute_url(reverse(self.view_name, kwargs={"slug": slug}))


_matching_slugs = set()  # slugs seen to match a URL pattern's: a set lookup instead of a regex per address


def _matches(slug):
    if not _SLUG.fullmatch(slug):
        return False
    if len(_matching_slugs) >= 8192:
        _matching_slugs.clear()
    _matching_slugs.add(slug)
    return True


@lru_cache(maxsize=64)
def _address_parts(view_name, _script_prefix, _urlconf, _site_url):
    """The address of ``view_name`` for a slug, before and after the slug: reversed once per process."""
    return tuple(absolute_url(reverse(view_name, kwargs={"slug": _PLACEHOLDER})).split(_PLACEHOLDER))


def council_rows(councils, shown, *, as_of=None):
    """The rows ``council_list`` reads (each council's columns, and ``status_as_of`` and ``status_effective_as_of``
    with a date) for ``councils`` (``tracker_facts.CouncilFacts``, as ``TrackerFacts.listed`` lists them),
    with the status as ``shown`` on ``as_of`` (``{pk: (status, since, change)}``).

    Each row is the council's own values (read, never changed: ``council_list`` only reads them), or
    with a date a copy of them with the day's status added, made at C speed rather than field by field.
    """
    if not as_of:
        return [council.values for council in councils]
    rows = []
    for council in councils:
        status, since, _change = shown[council.pk]
        rows.append({**council.values, "status_as_of": status.value, "status_effective_as_of": since})
    return rows


def council_list(councils, *, facts, as_of=None):
    """``CouncilSerializer(councils, many=True).data`` for a page of councils (``council_rows``).

    Reads what the serializer reads through ``CouncilViewSet``'s prefetches (each council's care
    boards; every membership in force, with its partnership's name on ``as_of``) from the
    tracker's facts held in memory (``facts``: councils.tracker_facts), as plain values.
    """
    councils = list(councils)
    boards = _care_boards(facts)
    memberships = {}
    api_partnership = SlugAddresses("api:partnership-detail")
    for council_id, slug, name, role, lead_count, joined_on in _membership_rows(facts, as_of):
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
    zone = timezone.get_current_timezone_name()
    drawn = _drawn_rows(facts, (zone, api_council.parts(), council_page.parts(), *_drf_formats()))
    rows = []
    for council in councils:
        partnerships = memberships.get(council["id"], [])
        key = (
            council["id"],
            council.get("status_as_of"),
            council.get("status_effective_as_of"),
            tuple(tuple(membership.values()) for membership in partnerships),
        )
        row = drawn.get(key)
        if row is None:
            row = drawn[key] = _council_row(council, boards, partnerships, api_council, council_page, zone)
        rows.append(row)
    return rows


_rows_of = (None, None, None)  # (facts, what else a row depends on, {council and its day: row})
ROWS_KEPT = 8192  # about 2 KB each: some 16 MB at most per process


def _drawn_rows(facts, context):
    """The rows already drawn for these facts and ``context`` (time zone, addresses, DRF's formats): a row
    depends on nothing else but its council, its status on the day and its partnerships then, so each
    is drawn once per process and shared by the lists that show it, which only read it."""
    global _rows_of
    kept_for, kept_context, drawn = _rows_of
    if kept_for is not facts or kept_context != context or len(drawn) >= ROWS_KEPT:
        drawn = {}
        _rows_of = (facts, context, drawn)
    return drawn


def _drf_formats():
    return (api_settings.DATE_FORMAT, api_settings.DATETIME_FORMAT)


def _council_row(council, boards, partnerships, api_council, council_page, zone):
    """One council's dict, as ``CouncilSerializer`` makes it."""
    links = boards.get(council["id"], [])
    status_effective_as_of = council.get("status_effective_as_of")
    slug = council["slug"]
    return {
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
        "partnerships": partnerships,
        "updated_at": None if council["updated_at"] is None else _updated_at(council["updated_at"], zone),
    }


_boards_of = (None, None)  # (facts, their care boards as the list shows them): made once per set of facts


def _care_boards(facts):
    """``{council pk: [care board dict, ...]}``: the same for every date, so made once for each set of facts
    (a write gives the tracker new facts). The dicts are shared by the lists that read them, which only read."""
    global _boards_of
    kept_for, boards = _boards_of
    if kept_for is not facts:
        boards = {}
        for council_id, name, code, position, share_note in _care_board_rows(facts):
            boards.setdefault(council_id, []).append(
                {"name": name, "code": code, "is_main": position == 0, "share_note": share_note}
            )
        _boards_of = (facts, boards)
    return boards


def _care_board_rows(facts):
    """``(council_id, name, code, position, share_note)`` of every council's care boards."""
    return [(council_id, *board) for council_id, boards in facts.care_boards().items() for board in boards]


def _membership_rows(facts, as_of):
    """Every membership in force on ``as_of`` (today if None), as ``council_memberships_prefetch`` orders
    them: ``(council_id, slug, name then, role, lead count, joined_on)``."""
    memberships = facts.memberships_on(as_of)
    leads = facts.lead_counts(memberships)
    return [
        (
            membership.council_id,
            membership.slug,
            facts.partnership_name_on(membership, as_of),
            membership.role,
            leads[membership.partnership_id],
            membership.joined_on,
        )
        for membership in memberships
    ]


def _role_label(role, lead_count):
    """``PartnershipMembership.role_label`` for a row read with its lead count."""
    if role == MembershipRole.LEAD and lead_count > 1:
        return JOINT_LEAD_LABEL
    return ROLE_LABELS.get(role, role)


_MONEY = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)


def _money(value):
    return None if value is None else _MONEY.to_representation(value)
