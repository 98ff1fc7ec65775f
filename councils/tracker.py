"""The tracker table: its rows (as they stand or stood) and its sortable columns."""

from collections import Counter
from functools import lru_cache

from django.db.models import BooleanField, ExpressionWrapper, F, Q, Value, Window
from django.db.models.functions import RowNumber
from django.urls import get_script_prefix, reverse

from . import selectors
from .charts import SHAPE_NAMES, STATUS_SHAPES
from .choices import MembershipRole, OfstedJudgement, PilotStatus
from .models import Council, PartnershipMembership, PartnershipName
from .models.names import name_in_force
from .models.partnerships import JOINT_LEAD_LABEL

# (heading, ordering key in CouncilFilter, or None if the column does not sort)
COLUMNS = (
    ("Council", "name"),
    ("Region", "region"),
    ("Status", "status"),
    ("Since", "updated"),
    ("Children's services", "ofsted"),
    ("Safety valve", None),
    ("Partnership", None),
    ("Latest news", None),
)
DEFAULT_ORDERING = "name"


# Each judgement's label: get_ofsted_judgement_display() flattens the field's choices on every call.
OFSTED_LABELS = dict(OfstedJudgement.choices)

# Each status's place in the choices: the order a sort by status follows (as CouncilOrderingFilter's).
STATUS_RANKS = {status: rank for rank, status in enumerate(PilotStatus)}


@lru_cache(maxsize=1024)
def _council_url(script_prefix, slug):
    return reverse("councils:detail", kwargs={"slug": slug})


def council_url(council):
    """``council.get_absolute_url()``, reversed once per process (a tracker page links every row)."""
    return _council_url(get_script_prefix(), council.slug)


@lru_cache(maxsize=1024)
def _partnership_url(script_prefix, slug):
    return reverse("councils:partnership-detail", kwargs={"slug": slug})


class PartnershipLink:
    """One partnership in a table row's "Partnership" cell: its link, its name (as of the date) and the
    council's role in it, in lower case ("joint lead council")."""

    __slots__ = ("url", "name", "role")

    def __init__(self, url, name, role):
        self.url, self.name, self.role = url, name, role


def _mark_shown(rows, as_of):
    for row in rows:
        row.url = council_url(row)
        row.ofsted_label = OFSTED_LABELS.get(row.ofsted_judgement, row.ofsted_judgement)
        row.shown_status = PilotStatus(row.status_as_of if as_of else row.status)
        row.shown_since = row.status_effective_as_of if as_of else row.status_effective_on
        row.shape = SHAPE_NAMES[STATUS_SHAPES[row.shown_status]]
    return rows


def _mark_partnerships(rows, as_of):
    """Each row's ``partnerships`` (PartnershipLink) from its prefetched ``partnership_memberships``."""
    prefix = get_script_prefix()
    for row in rows:
        row.partnerships = [
            PartnershipLink(
                _partnership_url(prefix, membership.partnership.slug),
                membership.partnership.name_on(as_of) if as_of else membership.partnership.name,
                membership.role_label.lower(),
            )
            for membership in row.partnership_memberships
        ]
    return rows


def tracker_rows(council_filter, *, as_of=None):
    """The filtered councils, each with ``shown_status`` and ``shown_since`` (as of the date, if given)."""
    queryset = council_filter.qs.annotate(**selectors.latest_change_annotations(as_of))
    rows = _mark_shown(list(queryset.prefetch_related(selectors.council_memberships_prefetch(as_of))), as_of)
    return _mark_partnerships(rows, as_of)


class TrackerRow:
    """One council as the tracker's table reads it: plain values, no model instance (the page draws 153)."""

    __slots__ = (
        "pk",
        "short_name",
        "name",
        "slug",
        "region",
        "url",
        "ofsted_label",
        "in_safety_valve",
        "shown_status",
        "shown_since",
        "latest_note",
        "latest_source_url",
        "latest_source_title",
        "partnerships",
    )


# The council's columns the tracker reads (with the annotations below).
_OVERVIEW_FIELDS = (
    "pk",
    "short_name",
    "name",
    "slug",
    "region",
    "ofsted_judgement",
    "in_safety_valve",
    "latitude",
    "longitude",
)


def _partnership_links(as_of, listed_pks):
    """The partnerships of the councils in ``listed_pks`` (in force on ``as_of``, or today), as
    ``{council pk: [PartnershipLink, ...]}`` in ``PartnershipMembership.objects.for_display``'s order.

    One query for every membership in force (a few per council at most), whose leads are counted
    here rather than by a subquery per row; with ``as_of``, a second for the partnerships' former names.
    """
    memberships = list(
        PartnershipMembership.objects.in_force(as_of)
        .order_by("partnership__name", "role", "council__short_name")
        .values_list("council_id", "role", "partnership_id", "partnership__slug", "partnership__name")
    )
    leads = Counter(membership[2] for membership in memberships if membership[1] == MembershipRole.LEAD)
    memberships = [membership for membership in memberships if membership[0] in listed_pks]
    former_names = {}
    if as_of and memberships:
        for partnership_id, name, replaced_on in PartnershipName.objects.filter(
            partnership__in={membership[2] for membership in memberships}
        ).values_list("partnership_id", "name", "replaced_on"):
            former_names.setdefault(partnership_id, []).append(_FormerName(name, replaced_on))
    prefix = get_script_prefix()
    links = {}
    for council_pk, role, partnership_pk, slug, name in memberships:
        if as_of and partnership_pk in former_names:
            name = name_in_force(name, former_names[partnership_pk], as_of)
        links.setdefault(council_pk, []).append(
            PartnershipLink(_partnership_url(prefix, slug), name, _role_label(role, leads[partnership_pk]))
        )
    return links


class _FormerName:
    __slots__ = ("name", "replaced_on")

    def __init__(self, name, replaced_on):
        self.name, self.replaced_on = name, replaced_on


def _role_label(role, lead_count):
    """``PartnershipMembership.role_label``, lower case, from the role and the partnership's lead count."""
    if role == MembershipRole.LEAD and lead_count > 1:
        return JOINT_LEAD_LABEL.lower()
    return str(MembershipRole(role).label).lower()


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


def tracker_overview(council_filter, *, as_of=None):
    """Everything /tracker/ reads about councils, in two queries however many there are.

    One query reads all councils (as of the date, if given), each marked with whether the
    filter lists it, in the filter's order, with its latest change's note and source; it also
    carries the two figures the page heads with (councils named on the shortlist, when the tracker last changed). A second reads
    the listed councils' partnerships. ``council_filter`` is None when the filters are invalid:
    then nothing is listed. Returns ``rows`` (TrackerRow), ``points`` (as
    ``selectors.council_points``), ``named_on_shortlist`` and ``last_updated``.

    The rows are plain values (``values_list``), not model instances: building 153 instances and
    prefetching into them was a third of the page's time.
    """
    councils = Council.objects.all()
    if as_of:
        councils = councils.as_of(as_of)
    listed = Value(False)
    by_status = None  # with a sort by status: whether descending
    if council_filter is not None:
        if lists_every_council(council_filter.form.cleaned_data):
            listed = Value(True)  # "All 153 councils" and nothing else: no need to ask which the filter keeps
        else:
            listed = ExpressionWrapper(Q(pk__in=council_filter.qs.values("pk")), output_field=BooleanField())
        ordering = council_filter.form.cleaned_data.get("ordering") or []
        if len(ordering) == 1 and ordering[0].lstrip("-") == "status":
            # Sorted here, by each status's place in the choices and then by name, as the filter's
            # SQL sorts: its CASE over the rebuilt status repeated the as-of subquery once per status.
            by_status = ordering[0].startswith("-")
        elif ordering:
            councils = council_filter.filters["ordering"].filter(councils, ordering)
    status, since = ("status_as_of", "status_effective_as_of") if as_of else ("status", "status_effective_on")
    values = list(
        councils.annotate(
            listed=listed,
            # The map lists councils by name whatever order the table is sorted in.
            name_rank=Window(RowNumber(), order_by=[F("short_name").asc(), F("pk").asc()]),
            named_on_shortlist=selectors.named_on_shortlist_expression(),
            last_updated=selectors.last_updated_expression(),
            **selectors.latest_change_annotations(as_of),
        ).values_list(
            *_OVERVIEW_FIELDS,
            status,
            since,
            "listed",
            "name_rank",
            "latest_note",
            "latest_source_url",
            "latest_source_title",
            "named_on_shortlist",
            "last_updated",
        )
    )
    prefix = get_script_prefix()
    statuses = {status.value: status for status in PilotStatus}
    rows, ranks, points = [], [], [None] * len(values)
    for (
        pk,
        short_name,
        name,
        slug,
        region,
        ofsted_judgement,
        in_safety_valve,
        latitude,
        longitude,
        status_value,
        shown_since,
        is_listed,
        name_rank,
        latest_note,
        latest_source_url,
        latest_source_title,
        _named,
        _updated,
    ) in values:
        shown_status = statuses[status_value]
        points[name_rank - 1] = {
            "pk": pk,
            "name": short_name,
            "slug": slug,
            "latitude": latitude,
            "longitude": longitude,
            "status": shown_status,
        }
        if is_listed:
            row = TrackerRow()
            row.pk, row.short_name, row.name, row.slug, row.region = pk, short_name, name, slug, region
            row.url = _council_url(prefix, slug)
            row.ofsted_label = OFSTED_LABELS.get(ofsted_judgement, ofsted_judgement)
            row.in_safety_valve = in_safety_valve
            row.shown_status, row.shown_since = shown_status, shown_since
            row.latest_note, row.latest_source_url, row.latest_source_title = (
                latest_note,
                latest_source_url,
                latest_source_title,
            )
            rows.append(row)
            ranks.append((-STATUS_RANKS[shown_status] if by_status else STATUS_RANKS[shown_status], name_rank))
    if by_status is not None:
        rows = [row for _rank, row in sorted(zip(ranks, rows, strict=True), key=lambda pair: pair[0])]
    if rows:
        links = _partnership_links(as_of, {row.pk for row in rows})
        for row in rows:
            row.partnerships = links.get(row.pk, [])
    return {
        "rows": rows,
        "points": points,
        "named_on_shortlist": values[0][-2] if values else 0,
        "last_updated": values[0][-1] if values else None,
    }


# The filter form's fields whose choices are the code's own, not the database's (the partnership's
# are): their widget's markup depends on nothing but the value chosen, so each is drawn once per
# process and value (about 30 checkboxes and options were a quarter of the page's render).
STATIC_WIDGETS = frozenset({"status", "scope", "region", "ofsted_judgement", "in_safety_valve", "ordering"})
_drawn_widgets = {}


def filter_widget(field):
    """``str(field)`` for a field of the tracker's filter form; drawn once per value for ``STATIC_WIDGETS``.

    A field with errors, or one whose choices come from the database, is drawn afresh every time.
    """
    if field.name not in STATIC_WIDGETS or field.errors:
        return str(field)
    value = field.value()
    key = (
        type(field.form.renderer),
        field.html_name,
        field.auto_id,
        tuple(value) if isinstance(value, list | tuple) else value,
    )
    try:
        html = _drawn_widgets.get(key)
    except TypeError:  # a value that cannot be a key
        return str(field)
    if html is None:
        html = str(field)
        if len(_drawn_widgets) >= 1024:  # any value the form accepts is a key: keep the memo bounded
            _drawn_widgets.clear()
        _drawn_widgets[key] = html
    return html


def sort_columns(query, *, sortable=True):
    """Column headings with the link that sorts by each and its aria-sort value."""
    current = query.get("ordering") or DEFAULT_ORDERING
    columns = []
    for heading, key in COLUMNS:
        column = {"heading": heading, "key": key, "aria_sort": None, "url": None, "next": None}
        if key:
            if current == key:
                column["aria_sort"], next_ordering = "ascending", f"-{key}"
            elif current == f"-{key}":
                column["aria_sort"], next_ordering = "descending", key
            else:
                next_ordering = key
            if sortable:
                params = query.copy()
                params["ordering"] = next_ordering
                params.pop("page", None)
                column["url"] = "?" + params.urlencode()
                column["next"] = "descending" if next_ordering.startswith("-") else "ascending"
        columns.append(column)
    return columns


def active_filters(form, query, path):
    """The filters a valid tracker form applies, each with the link that removes it.

    ``[{"label": "Declined", "remove_url": "/tracker/?region=South+East#results"}, ...]``, in the form's order; the
    sort order is not a filter and stays in every link.
    """
    data = form.cleaned_data
    active = []

    def without(name, value=None):
        params = query.copy()
        params.pop("page", None)
        for key in list(params):  # fields the form sent empty say nothing
            params.setlist(key, [v for v in params.getlist(key) if v])
            if not params.getlist(key):
                del params[key]
        if value is None:
            params.pop(name, None)
        else:
            params.setlist(name, [v for v in params.getlist(name) if v != value])
        encoded = params.urlencode()
        return f"{path}?{encoded}#results" if encoded else f"{path}#results"

    for name, field in form.fields.items():
        value = data.get(name)
        if name == "ordering" or value in (None, "", []):
            continue
        if name == "scope":
            if value == "all":
                active.append({"label": "All 153 councils", "remove_url": without(name)})
        elif name in ("status", "region", "ofsted_judgement"):
            labels = dict(field.choices)
            active.extend({"label": str(labels[v]), "remove_url": without(name, v)} for v in value)
        elif name == "q":
            active.append({"label": f"Matching “{value}”", "remove_url": without(name)})
        elif name == "in_safety_valve":
            label = "In the safety valve" if value else "Not in the safety valve"
            active.append({"label": label, "remove_url": without(name)})
        elif name == "as_of":
            active.append({"label": f"As it stood on {value:%-d %B %Y}", "remove_url": without(name)})
        else:
            active.append({"label": str(value), "remove_url": without(name)})
    return active
