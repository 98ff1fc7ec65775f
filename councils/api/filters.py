"""FilterSets for the lists the tracker's pages do not filter yet (councils use CouncilFilter).

A page that grows filters for these lists should reuse them: one FilterSet per list.
"""

from decimal import Decimal

import django_filters
from django.db.models import Q

from ..choices import PartnershipStatus, PilotStatus, Region
from ..models import Contract, Council, KeyFigure, Partnership, StatusChange

# The largest value a contract or figure can hold (14 digits, 2 of them pence).
MAX_MONEY = Decimal("999999999999")


def search(queryset, fields, value):
    value = value.strip()
    if not value:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": value})
    return queryset.filter(condition)


def council_choice(field_name, help_text):
    return django_filters.ModelChoiceFilter(
        queryset=Council.objects.all(), to_field_name="slug", field_name=field_name, help_text=help_text
    )


class StatusChangeFilter(django_filters.FilterSet):
    council = council_choice("council", "Only this council's changes, by its slug (e.g. `herefordshire`).")
    status = django_filters.MultipleChoiceFilter(
        field_name="to_status",
        choices=PilotStatus.choices,
        help_text="Only changes to these statuses; repeat for several (`status=declined&status=considering`).",
    )
    from_status = django_filters.MultipleChoiceFilter(
        choices=PilotStatus.choices, help_text="Only changes from these statuses; repeat for several."
    )
    region = django_filters.MultipleChoiceFilter(
        field_name="council__region", choices=Region.choices, help_text="Only changes to councils in these regions."
    )
    since = django_filters.DateFilter(
        field_name="effective_on", lookup_expr="gte", help_text="Changes effective on or after this date (YYYY-MM-DD)."
    )
    until = django_filters.DateFilter(
        field_name="effective_on", lookup_expr="lte", help_text="Changes effective on or before this date (YYYY-MM-DD)."
    )
    q = django_filters.CharFilter(
        method="filter_search", help_text="Search the council's name, the public note and the source title."
    )
    ordering = django_filters.OrderingFilter(
        fields=(("effective_on", "effective_on"), ("recorded_at", "recorded_at"), ("council__short_name", "council")),
        help_text="Sort by these fields; prefix `-` for descending. Newest first (`-effective_on`) unless set.",
    )

    class Meta:
        model = StatusChange
        fields = ["council", "status", "from_status", "region", "since", "until", "q"]

    def filter_search(self, queryset, name, value):
        return search(queryset, ["council__short_name", "council__name", "note", "source_title"], value)


class PartnershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", help_text="Search the partnership's name and its councils' names."
    )
    status = django_filters.MultipleChoiceFilter(
        choices=PartnershipStatus.choices, help_text="Only partnerships with these statuses; repeat for several."
    )
    region = django_filters.MultipleChoiceFilter(
        choices=Region.choices, help_text="Only partnerships in these regions."
    )
    council = council_choice("memberships__council", "Only partnerships this council belongs to, by its slug.")
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("launched_on", "launched_on"), ("status", "status"), ("updated_at", "updated")),
        help_text="Sort by these fields; prefix `-` for descending. By name unless set.",
    )

    class Meta:
        model = Partnership
        fields = ["q", "status", "region", "council"]

    def filter_search(self, queryset, name, value):
        return search(queryset, ["name", "memberships__council__short_name"], value).distinct()


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", help_text="Search the role, supplier, buyer, reference and notes."
    )
    value_min = django_filters.NumberFilter(
        field_name="value",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_MONEY,
        help_text="Contracts worth at least this many pounds, e.g. `10000`.",
    )
    value_max = django_filters.NumberFilter(
        field_name="value",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_MONEY,
        help_text="Contracts worth at most this many pounds.",
    )
    ordering = django_filters.OrderingFilter(
        fields=(("value", "value"), ("role", "role"), ("supplier", "supplier"), ("published_on", "published_on")),
        help_text="Sort by these fields; prefix `-` for descending (`-value`: largest first). By role unless set.",
    )

    class Meta:
        model = Contract
        fields = ["q", "value_min", "value_max"]

    def filter_search(self, queryset, name, value):
        return search(queryset, ["role", "supplier", "buyer", "reference", "notes"], value)


class KeyFigureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", help_text="Search the figure's key, label and note.")
    ordering = django_filters.OrderingFilter(
        fields=(("position", "position"), ("reported_on", "reported_on"), ("key", "key")),
        help_text="Sort by these fields; prefix `-` for descending. In page order unless set.",
    )

    class Meta:
        model = KeyFigure
        fields = ["q"]

    def filter_search(self, queryset, name, value):
        return search(queryset, ["key", "label", "note"], value)
