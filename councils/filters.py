"""One FilterSet per list, shared by the public pages and the API.

``CouncilFilter`` drives /tracker/, its CSV, the embed and /api/councils/. The lists no page
filters yet (status changes, partnerships, contracts, key figures) have theirs here too, used by
the API today; a page that grows filters for one of them reuses its FilterSet.
"""

import copy
import datetime
import re
from decimal import Decimal

import django_filters
import django_filters.fields
from django import forms
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import FilterMethod

from .choices import IN_PILOT_STATUSES, OfstedJudgement, PartnershipStatus, PilotStatus, Region
from .models import Contract, Council, KeyFigure, Partnership, PartnershipMembership, StatusChange, in_force_on

# The tracker's history runs from 2019 (the SEND review): ``as_of`` takes no earlier date.
HISTORY_STARTS = datetime.date(2019, 1, 1)

# The largest value a contract or figure can hold (14 digits, 2 of them pence).
MAX_MONEY = Decimal("999999999999")


class LightCopy:
    """A filter that each FilterSet instance copies without deep-copying its ``extra``.

    ``FilterSet.__init__`` deep-copies every declared filter, and with them their choices and
    widgets (about a third of setting up the tracker's filter for a request). Nothing in ``extra``
    is changed in place once declared: a form field deep-copies its widget and rebuilds its
    choices when made, and a filter that sets a key (``LazyModelChoiceFilter``'s queryset) sets
    it in its own copy of the dict. A method filter's proxy names its filter, so the copy gets
    its own.
    """

    # Whether the copies may share the declared filter's form field: a form deep-copies its fields when
    # made, as Django's own declared fields are shared by every form. Not for a field built per request.
    share_field = True

    def __deepcopy__(self, memo):
        copied = object.__new__(type(self))  # copy.copy, without its generic reduce and rebuild
        copied.__dict__.update(self.__dict__)
        copied.extra = dict(self.extra)
        copied.__dict__.pop("_field", None)
        if self.share_field and self._label is not None:
            copied._field = self.field  # made once, on the declared filter
        if isinstance(self.__dict__.get("filter"), FilterMethod):
            copied.filter = FilterMethod(copied)
        memo[id(self)] = copied
        return copied


class KnownChoices:
    """A choice field whose choices the code declares, never changed once the field is made: a value is
    checked against the set of them (Django's ``valid_value`` lists and normalises every choice per value).

    The set is made when the choices are set, on the declared field, so each form's shallow copy of
    it (``_FieldsCopiedLightly``) shares it; choices set on a copy make that copy its own set.
    """

    @property
    def choices(self):
        return super().choices

    @choices.setter
    def choices(self, value):
        super(KnownChoices, type(self)).choices.__set__(self, value)
        self._known_values = _choice_values(self.choices)

    def valid_value(self, value):
        return str(value) in self._known_values


def _choice_values(choices):
    """Every choice's value, as text (the values inside a group of choices, not the group's name)."""
    known = set()
    for key, label in choices:
        if isinstance(label, list | tuple):  # a group of choices
            known.update(str(inner) for inner, _label in label)
        else:
            known.add(str(key))
    return frozenset(known)


class KnownChoiceField(KnownChoices, django_filters.fields.ChoiceField):
    pass


class KnownMultipleChoiceField(KnownChoices, django_filters.fields.MultipleChoiceField):
    pass


# A day written as ISO 8601 (what the tracker's date input sends): of the date formats a field takes, only
# the ISO one, tried last, reads it.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class DayField(forms.DateField):
    """A DateField that reads an ISO 8601 day at once; Django tries each of the locale's formats first, each
    failure an exception."""

    def to_python(self, value):
        if isinstance(value, str) and ISO_DAY.fullmatch(value.strip()):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass  # not a day (2023-02-30): Django's message
        return super().to_python(value)


class CharFilter(LightCopy, django_filters.CharFilter):
    pass


class MultipleChoiceFilter(LightCopy, django_filters.MultipleChoiceFilter):
    field_class = KnownMultipleChoiceField


class ChoiceFilter(LightCopy, django_filters.ChoiceFilter):
    field_class = KnownChoiceField


class BooleanFilter(LightCopy, django_filters.BooleanFilter):
    pass


class DateFilter(LightCopy, django_filters.DateFilter):
    field_class = DayField


def search(queryset, fields, value):
    """Rows where any of ``fields`` contains ``value`` (ignoring case); all rows for a blank search."""
    value = value.strip()
    if not value:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": value})
    return queryset.filter(condition)


def council_choice(field_name, help_text):
    """A filter naming a council by its slug; an unknown slug is an error the API answers with 404."""
    return django_filters.ModelChoiceFilter(
        queryset=Council.objects.all(), to_field_name="slug", field_name=field_name, help_text=help_text
    )


class _LazyChoices(forms.models.ModelChoiceIterator):
    """A model choice field's choices, reading its queryset only when iterated, with one plain query.

    Django's iterator reads the queryset when created (the widget creates one as soon as the field
    has a queryset) and through ``.iterator()``: on PostgreSQL a server-side cursor, three round
    trips (declare, fetch, close) for a few dozen rows.
    """

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class LazyModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose queryset is built on first use: when the form draws the choices or
    checks a submitted value (one lookup), never merely because the form exists.

    ``queryset`` is a callable returning the queryset.
    """

    iterator = _LazyChoices

    def __init__(self, queryset, **kwargs):
        self._make_queryset = queryset
        super().__init__(None, **kwargs)

    @property
    def queryset(self):
        if self._queryset is None and self._make_queryset is not None:
            self._queryset = self._make_queryset().all()
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        forms.ModelChoiceField._set_queryset(self, queryset)

    def __deepcopy__(self, memo):
        # Each form gets its own field (and widget choices), sharing no evaluated queryset.
        result = super(forms.ChoiceField, self).__deepcopy__(memo)
        result._queryset = None if self._queryset is None else self._queryset.all()
        result.widget.choices = result.choices
        return result


class LazyModelChoiceFilter(LightCopy, django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose queryset (a callable taking the request, as django-filter allows) is
    called only when the form draws its choices or checks a submitted value."""

    share_field = False  # its choices are the partnerships formed by the request's date

    field_class = LazyModelChoiceField

    @property
    def field(self):
        if not hasattr(self, "_field"):
            request = self.get_request()
            self.extra["queryset"] = lambda: self.get_queryset(request)
        # Skip QuerySetRequestMixin.field, which would build the queryset now.
        return super(django_filters.filters.QuerySetRequestMixin, self).field


def _rank(field, choices):
    """Order by a choice's position in its declaration (Outstanding before Good), not alphabetically."""
    return Case(
        *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(choices.values)), default=Value(99)
    )


class CouncilOrderingFilter(LightCopy, django_filters.OrderingFilter):
    """Sorts judgements and statuses in their meaningful order; ties break by name.

    With ``as_of`` the status sort reads the rebuilt status.
    """

    field_class = KnownChoiceField

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


class _FieldsCopiedLightly(dict):
    """A form class's ``base_fields`` whose deep copy (each form's ``fields``) copies each field shallowly.

    A form deep-copies its class's fields so that changing one form's field leaves the others alone;
    the fields shared here are never changed in place (see ``LightCopy``), and a shallow copy keeps
    every form's attributes its own. Deep-copying their widgets and choices was a tenth of a tracker
    page's cost.
    """

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


class LightFormFilterSet(django_filters.FilterSet):
    """A FilterSet of ``LightCopy`` filters whose form class is made once per process.

    django-filter makes a form class for every FilterSet instance. Here the class is made from the
    declared filters' shared fields once, and a filter whose field is made per request (``share_field``
    off: the partnership's, whose choices depend on the date) puts its field into each form as
    the form is made, where the class holds a stand-in.
    """

    _form_classes = {}

    def get_form_class(self):
        shared = tuple((name, filter_.field if filter_.share_field else None) for name, filter_ in self.filters.items())
        key = (type(self), shared)
        form_class = self._form_classes.get(key)
        if form_class is None:
            fields = {name: forms.Field() if field is None else field for name, field in shared}
            form_class = type(f"{type(self).__name__}Form", (self._meta.form,), fields)
            form_class.base_fields = _FieldsCopiedLightly(form_class.base_fields)
            self._form_classes[key] = form_class
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, filter_ in self.filters.items():
                if not filter_.share_field:
                    form.fields[name] = filter_.field  # made for this FilterSet: its own already
        return self._form


class CouncilFilter(LightFormFilterSet):
    """Filters for /tracker/, /tracker.csv and /api/councils/.

    With no ``status`` chosen, the list shows the councils in the pilot; ``scope=all``
    shows all 153. ``as_of`` rebuilds every council's status as it stood on that date.
    """

    q = CharFilter(
        method="filter_search",
        label="Council name or partnership",
        help_text="A council's name, or a partnership's name today or before it was renamed.",
    )
    status = MultipleChoiceFilter(
        choices=PilotStatus.choices, method="filter_status", widget=forms.CheckboxSelectMultiple, label="Status"
    )
    scope = ChoiceFilter(
        choices=[("pilot", "Councils in the pilot"), ("all", "All 153 councils")],
        method="filter_scope",
        empty_label=None,
        label="Show",
    )
    region = MultipleChoiceFilter(choices=Region.choices, widget=forms.CheckboxSelectMultiple, label="Region")
    ofsted_judgement = MultipleChoiceFilter(
        choices=OfstedJudgement.choices, widget=forms.CheckboxSelectMultiple, label="Children's services judgement"
    )
    in_safety_valve = BooleanFilter(
        label="In the safety valve programme",
        widget=forms.Select(choices=[("", "Either"), ("true", "Yes"), ("false", "No")]),
    )
    partnership = LazyModelChoiceFilter(
        # The partnerships that existed on the date asked for (today without one); built only when
        # the form draws the choices or checks a submitted slug.
        queryset=lambda request: Partnership.objects.all(),
        to_field_name="slug",
        method="filter_partnership",
        label="Partnership",
        empty_label="Any partnership",
    )
    as_of = DateFilter(
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

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["partnership"].queryset = self._partnerships

    def _partnerships(self, request):
        """The partnership choices: those that existed on the date asked for (today without one)."""
        return Partnership.objects.formed_by(self._as_of_from_data())

    def _as_of_from_data(self):
        """The valid ``as_of`` in the query, read before validation (None if absent or invalid)."""
        return as_of_from_query(self.data or {})[0]

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
        # Members (on the date asked for, or today) of a partnership whose name, today's or a former one, matches.
        in_partnership = (
            PartnershipMembership.objects.in_force(self.form.cleaned_data.get("as_of"))
            .filter(Q(partnership__name__icontains=value) | Q(partnership__former_names__name__icontains=value))
            .values("council")
        )
        return search(queryset, ["short_name", "name", "alt_names"], value) | queryset.filter(pk__in=in_partnership)

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
        # Its members on the date asked for (or today), leads included: one membership row must match both.
        in_force = in_force_on(self.form.cleaned_data.get("as_of"), prefix="memberships__")
        return queryset.filter(in_force, memberships__partnership=value).distinct()

    def filter_as_of(self, queryset, name, value):
        # Applied in filter_queryset, before the other filters.
        return queryset


def as_of_from_query(query):
    """``(date, None)`` for a valid ``as_of`` in ``query``, ``(None, None)`` without one,
    ``(None, message)`` for one that is not a date the tracker's history covers."""
    try:
        value = DayField(required=False).clean(query.get("as_of") or None)
        validate_as_of(value)
    except forms.ValidationError as error:
        return None, " ".join(error.messages)
    return value, None


def validate_as_of(value):
    """The tracker's history runs from 2019 (the SEND review) to today."""
    if value and value > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")
    if value and value < HISTORY_STARTS:
        raise forms.ValidationError("The tracker's history starts in 2019.")


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
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        help_text="The partnerships as they stood at the end of this date (YYYY-MM-DD): only those formed by "
        "then, with the members and names of that day.",
        validators=[lambda value: validate_as_of(value)],
    )
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("launched_on", "launched_on"), ("status", "status"), ("updated_at", "updated")),
        help_text="Sort by these fields; prefix `-` for descending. By name unless set.",
    )

    class Meta:
        model = Partnership
        fields = ["q", "status", "region", "council", "as_of"]

    def filter_search(self, queryset, name, value):
        return search(queryset, ["name", "former_names__name", "memberships__council__short_name"], value).distinct()

    def filter_as_of(self, queryset, name, value):
        return queryset.formed_by(value)


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
