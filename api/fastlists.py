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

import re

from django.urls import reverse
from rest_framework import serializers

from councils.models import CouncilCareBoard, PartnershipMembership
from sendtracker.site_url import absolute_url

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "slug-placeholder"
_DATE = serializers.DateField()


def _date(value):
    return None if value is None else _DATE.to_representation(value)


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


def council_list(councils, *, as_of=None):
    """``CouncilSerializer(councils, many=True).data`` for a page of councils read without prefetches.

    Reads what the serializer reads through ``CouncilViewSet``'s prefetches in the same two
    queries (care boards; memberships in force, plus their partnerships' former names with
    ``as_of``), as plain rows and without Django's per-object related managers.
    """
    councils = list(councils)
    ids = [council.pk for council in councils]
    boards = {}
    for council_id, name, code, position, share_note in (
        CouncilCareBoard.objects.filter(council_id__in=ids)
        .order_by("council", "position")
        .values_list("council_id", "care_board__name", "care_board__code", "position", "share_note")
    ):
        boards.setdefault(council_id, []).append(
            {"name": name, "code": code, "is_main": position == 0, "share_note": share_note}
        )
    memberships = {}
    for membership in _memberships(ids, as_of):
        memberships.setdefault(membership.council_id, []).append(membership)
    api_council = SlugAddresses("api:council-detail")
    council_page = SlugAddresses("councils:detail")
    api_partnership = SlugAddresses("api:partnership-detail")
    updated = serializers.DateTimeField()
    rows = []
    for council in councils:
        links = boards.get(council.pk, [])
        status_effective_as_of = getattr(council, "status_effective_as_of", None)
        slug = council.slug
        rows.append(
            {
                "slug": slug,
                "name": council.short_name,
                "gss_code": council.gss_code,
                "la_number": council.la_number,
                "url": api_council(slug),
                "page_url": council_page(slug),
                "official_name": council.name,
                "code": council.code,
                "region": council.region,
                "council_type": council.council_type,
                "council_type_label": council.get_council_type_display(),
                "population": council.population,
                "latitude": council.latitude,
                "longitude": council.longitude,
                "status": council.status,
                "status_label": council.get_status_display(),
                "status_effective_on": _date(council.status_effective_on),
                "status_as_of": getattr(council, "status_as_of", None),
                "status_effective_as_of": status_effective_as_of.isoformat() if status_effective_as_of else None,
                "ofsted_judgement": council.ofsted_judgement,
                "ofsted_judgement_label": council.get_ofsted_judgement_display(),
                "ofsted_judgement_on": _date(council.ofsted_judgement_on),
                "in_safety_valve": council.in_safety_valve,
                "safety_valve_amount": _money(council.safety_valve_amount),
                "icb": {"name": links[0]["name"], "code": links[0]["code"]} if links else None,
                "care_boards": links,
                "partnerships": [
                    {
                        "slug": membership.partnership.slug,
                        "name": membership.partnership.name_on(as_of) if as_of else membership.partnership.name,
                        "role": membership.role,
                        "role_label": membership.role_label,
                        "joined_on": _date(membership.joined_on),
                        "url": api_partnership(membership.partnership.slug),
                    }
                    for membership in memberships.get(council.pk, ())
                ],
                "updated_at": None if council.updated_at is None else updated.to_representation(council.updated_at),
            }
        )
    return rows


def _memberships(council_ids, as_of):
    """As ``council_memberships_prefetch(as_of)`` reads them: in force, with lead counts, in its order."""
    queryset = PartnershipMembership.objects.for_display(as_of).filter(council_id__in=council_ids)
    if as_of:
        queryset = queryset.prefetch_related("partnership__former_names")
    return queryset


_MONEY = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)


def _money(value):
    return None if value is None else _MONEY.to_representation(value)
