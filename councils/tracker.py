"""The tracker table: its rows (as they stand or stood) and its sortable columns."""

from django.db.models import Prefetch

from .charts import SHAPE_NAMES, STATUS_SHAPES
from .choices import PilotStatus
from .models import PartnershipMembership

# (heading, ordering key in CouncilFilter, or None if the column does not sort)
COLUMNS = (
    ("Council", "name"),
    ("Region", "region"),
    ("Status", "status"),
    ("Since", "updated"),
    ("Children's services", "ofsted"),
    ("Safety valve", None),
    ("Partnership", None),
)
DEFAULT_ORDERING = "name"


def tracker_rows(council_filter, *, as_of=None):
    """The filtered councils, each with ``shown_status`` and ``shown_since`` (as of the date, if given)."""
    queryset = council_filter.qs.select_related("icb").prefetch_related(
        Prefetch(
            "memberships",
            queryset=PartnershipMembership.objects.select_related("partnership"),
            to_attr="partnership_memberships",
        )
    )
    rows = list(queryset)
    for row in rows:
        row.shown_status = PilotStatus(row.status_as_of if as_of else row.status)
        row.shown_since = row.status_effective_as_of if as_of else row.status_effective_on
        row.shape = SHAPE_NAMES[STATUS_SHAPES[row.shown_status]]
    return rows


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
