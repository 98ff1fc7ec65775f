"""One FilterSet per list, shared by the public pages and the API."""

import datetime

import django_filters
from django import forms
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES

from .choices import IN_PILOT_STATUSES, OfstedJudgement, PilotStatus, Region
from .models import Council, Partnership


def _rank(field, choices):
    """Order by a choice's position in its declaration (Outstanding before Good), not alphabetically."""
    return Case(
        *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(choices.values)), default=Value(99)
    )


class CouncilOrderingFilter(django_filters.OrderingFilter):
    """Sorts judgements and statuses in their meaningful order; ties break by name.

    With ``as_of`` the status sort reads the rebuilt status.
    """

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            descending = param.startswith("-")
            field = self.param_map.get(param.lstrip("-"), param.lstrip("-"))
            if field == "ofsted_judgement":
                expression = _rank("ofsted_judgement", OfstedJudgement)
            elif field == "status":
                status_field = "status_as_of" if "status_as_of" in qs.query.annotations else "status"
                expression = _rank(status_field, PilotStatus)
            else:
                ordering.append(self.get_ordering_value(param))
                continue
            ordering.append(expression.desc() if descending else expression.asc())
        return qs.order_by(*ordering, "short_name")


class CouncilFilter(django_filters.FilterSet):
    """Filters for /tracker/, /tracker.csv and /api/councils/.

    With no ``status`` chosen, the list shows the councils in the pilot; ``scope=all``
    shows all 153. ``as_of`` rebuilds every council's status as it stood on that date.
    """

    q = django_filters.CharFilter(method="filter_search", label="Council name")
    status = django_filters.MultipleChoiceFilter(
        choices=PilotStatus.choices, method="filter_status", widget=forms.CheckboxSelectMultiple, label="Status"
    )
    scope = django_filters.ChoiceFilter(
        choices=[("pilot", "Councils in the pilot"), ("all", "All 153 councils")],
        method="filter_scope",
        empty_label=None,
        label="Show",
    )
    region = django_filters.MultipleChoiceFilter(
        choices=Region.choices, widget=forms.CheckboxSelectMultiple, label="Region"
    )
    ofsted_judgement = django_filters.MultipleChoiceFilter(
        choices=OfstedJudgement.choices, widget=forms.CheckboxSelectMultiple, label="Children's services judgement"
    )
    in_safety_valve = django_filters.BooleanFilter(
        label="In the safety valve programme",
        widget=forms.Select(choices=[("", "Either"), ("true", "Yes"), ("false", "No")]),
    )
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(),
        to_field_name="slug",
        method="filter_partnership",
        label="Partnership",
        empty_label="Any partnership",
    )
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        label="As it stood on",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[lambda value: validate_as_of(value)],
    )
    ordering = CouncilOrderingFilter(
        fields=(
            ("short_name", "name"),
            ("region", "region"),
            ("status", "status"),
            ("status_effective_on", "updated"),
            ("ofsted_judgement", "ofsted"),
            ("population", "population"),
        ),
        label="Sort by",
        empty_label="Council name (A to Z)",
    )

    class Meta:
        model = Council
        fields = ["q", "status", "scope", "region", "ofsted_judgement", "in_safety_valve", "partnership", "as_of"]

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            queryset = super().qs
            # Without a status filter or "all", show the councils in the pilot (as of the date, if given).
            data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
            if not data.get("status") and data.get("scope") != "all":
                field = "status_as_of" if data.get("as_of") else "status"
                queryset = queryset.filter(**{f"{field}__in": IN_PILOT_STATUSES})
            self._qs = queryset
        return self._qs

    def filter_queryset(self, queryset):
        # as_of annotates first, so the status filter reads the rebuilt status.
        as_of = self.form.cleaned_data.get("as_of")
        if as_of:
            queryset = queryset.as_of(as_of)
        return super().filter_queryset(queryset)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(short_name__icontains=value) | Q(name__icontains=value) | Q(alt_names__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        field = "status_as_of" if self.form.cleaned_data.get("as_of") else "status"
        return queryset.filter(**{f"{field}__in": value})

    def filter_scope(self, queryset, name, value):
        return queryset

    def filter_partnership(self, queryset, name, value):
        if not value:
            return queryset
        # Its members today, leads included (one membership row must match both conditions).
        return queryset.filter(memberships__partnership=value, memberships__left_on__isnull=True).distinct()

    def filter_as_of(self, queryset, name, value):
        # Applied in filter_queryset, before the other filters.
        return queryset


def validate_as_of(value):
    """The tracker's history runs from 2019 (the SEND review) to today."""
    if value and value > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")
    if value and value < datetime.date(2019, 1, 1):
        raise forms.ValidationError("The tracker's history starts in 2019.")
