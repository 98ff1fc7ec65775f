"""The tracker table: its rows (as they stand or stood) and its sortable columns."""

from functools import lru_cache

from django.db.models import BooleanField, ExpressionWrapper, F, Q, Value, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.urls import get_script_prefix, reverse

from . import selectors
from .charts import SHAPE_NAMES, STATUS_SHAPES
from .choices import OfstedJudgement, PilotStatus
from .models import Council

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


@lru_cache(maxsize=1024)
def _council_url(script_prefix, slug):
    return reverse("councils:detail", kwargs={"slug": slug})


def council_url(council):
    """``council.get_absolute_url()``, reversed once per process (a tracker page links every row)."""
    return _council_url(get_script_prefix(), council.slug)


def _mark_shown(rows, as_of):
    for row in rows:
        row.url = council_url(row)
        row.ofsted_label = OFSTED_LABELS.get(row.ofsted_judgement, row.ofsted_judgement)
        row.shown_status = PilotStatus(row.status_as_of if as_of else row.status)
        row.shown_since = row.status_effective_as_of if as_of else row.status_effective_on
        row.shape = SHAPE_NAMES[STATUS_SHAPES[row.shown_status]]
    return rows


def tracker_rows(council_filter, *, as_of=None):
    """The filtered councils, each with ``shown_status`` and ``shown_since`` (as of the date, if given)."""
    queryset = council_filter.qs.annotate(**selectors.latest_change_annotations(as_of))
    return _mark_shown(list(queryset.prefetch_related(selectors.council_memberships_prefetch(as_of))), as_of)


def tracker_overview(council_filter, *, as_of=None):
    """Everything /tracker/ reads about councils, in two queries however many there are.

    One query reads all councils (as of the date, if given), each marked with whether the
    filter lists it, in the filter's order, with its latest change's note and source; it also
    carries the two figures the page heads with (councils named on the shortlist, when the tracker last changed). A second reads
    the listed councils' partnerships. ``council_filter`` is None when the filters are invalid:
    then nothing is listed. Returns ``rows`` (as ``tracker_rows``), ``points`` (as
    ``selectors.council_points``), ``named_on_shortlist`` and ``last_updated``.
    """
    councils = Council.objects.all()
    if as_of:
        councils = councils.as_of(as_of)
    listed = Value(False)
    if council_filter is not None:
        listed = ExpressionWrapper(Q(pk__in=council_filter.qs.values("pk")), output_field=BooleanField())
        if council_filter.qs.query.order_by:
            councils = councils.order_by(*council_filter.qs.query.order_by)
    councils = list(
        councils.annotate(
            listed=listed,
            # The map lists councils by name whatever order the table is sorted in.
            name_rank=Window(RowNumber(), order_by=[F("short_name").asc(), F("pk").asc()]),
            named_on_shortlist=selectors.named_on_shortlist_expression(),
            last_updated=selectors.last_updated_expression(),
            **selectors.latest_change_annotations(as_of),
        )
    )
    rows = _mark_shown([council for council in councils if council.listed], as_of)
    prefetch_related_objects(rows, selectors.council_memberships_prefetch(as_of))
    status_field = "status_as_of" if as_of else "status"
    points = [
        selectors.map_point(council, status_field)
        for council in sorted(councils, key=lambda council: council.name_rank)
    ]
    return {
        "rows": rows,
        "points": points,
        "named_on_shortlist": councils[0].named_on_shortlist if councils else 0,
        "last_updated": councils[0].last_updated if councils else None,
    }


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
