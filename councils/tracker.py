"""The tracker table: its rows (as they stand or stood) and its sortable columns."""

import re
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from jinja2 import pass_context, pass_environment
from markupsafe import Markup

from . import selectors
from .charts import SHAPE_NAMES, STATUS_SHAPES, dot_map
from .choices import MembershipRole, OfstedJudgement, PilotStatus
from .models.partnerships import JOINT_LEAD_LABEL
from .tracker_facts import tracker_facts

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
        "drawn",
    )


def _partnership_links(facts, as_of, listed_pks):
    """The partnerships of the councils in ``listed_pks`` (in force on ``as_of``, or today), as
    ``{council pk: [PartnershipLink, ...]}`` in ``PartnershipMembership.objects.for_display``'s order,
    with each partnership's name as it was on ``as_of``."""
    memberships = facts.memberships_on(as_of)
    leads = facts.lead_counts(memberships)
    prefix = get_script_prefix()
    links = {}
    for membership in memberships:
        if membership.council_id not in listed_pks:
            continue
        links.setdefault(membership.council_id, []).append(
            PartnershipLink(
                _partnership_url(prefix, membership.slug),
                facts.partnership_name_on(membership, as_of),
                _role_label(membership.role, leads[membership.partnership_id]),
            )
        )
    return links


def _row(facts, council, shown, partnerships):
    """The council's TrackerRow as ``shown`` (its status, since and latest change on the day), with its
    ``partnerships``: made once per tracker version for each distinct row, kept in ``facts``."""
    status, since, change = shown
    key = (council.pk, status, since, change, tuple((link.url, link.name, link.role) for link in partnerships))
    row = facts.kept_rows.get(key)
    if row is None:
        row = TrackerRow()
        row.pk, row.short_name, row.name, row.slug, row.region = (
            council.pk,
            council.short_name,
            council.name,
            council.slug,
            council.region,
        )
        row.url = _council_url(get_script_prefix(), council.slug)
        row.ofsted_label = OFSTED_LABELS.get(council.ofsted_judgement, council.ofsted_judgement)
        row.in_safety_valve = council.in_safety_valve
        row.shown_status, row.shown_since = status, since
        row.latest_note = row.latest_source_url = row.latest_source_title = None
        if change is not None:
            row.latest_note, row.latest_source_url, row.latest_source_title = (
                change.note,
                change.source_url,
                change.source_title,
            )
        row.partnerships = partnerships
        row.drawn = {}
        if len(facts.kept_rows) >= ROWS_KEPT:
            facts.kept_rows.clear()
        facts.kept_rows[key] = row
    return row


def _role_label(role, lead_count):
    """``PartnershipMembership.role_label``, lower case, from the role and the partnership's lead count."""
    if role == MembershipRole.LEAD and lead_count > 1:
        return JOINT_LEAD_LABEL.lower()
    return str(MembershipRole(role).label).lower()


def tracker_overview(council_filter, *, as_of=None, version=None):
    """Everything /tracker/ reads about councils, from the facts held for ``version`` of the
    ``tracker`` key (councils.tracker_facts): no query while the tracker is unchanged, however
    the filters, date and sort vary, but one for a search or a partnership filter.

    ``council_filter`` is None when the filters are invalid: then nothing is listed. Returns
    ``rows`` (TrackerRow, listed and in the filter's order), ``points`` (as
    ``selectors.council_points``, by name), ``named_on_shortlist`` and ``last_updated``.
    """
    facts = tracker_facts(version)
    if council_filter is None:
        ordered, shown = [], {council.pk: facts.status_on(council, as_of) for council in facts.councils}
    else:
        ordered, shown = facts.listed(council_filter, as_of)
    points = [facts.point(council, shown[council.pk][0]) for council in facts.councils]
    links = _partnership_links(facts, as_of, {council.pk for council in ordered}) if ordered else {}
    rows = [_row(facts, council, shown[council.pk], links.get(council.pk, [])) for council in ordered]
    return {
        "rows": rows,
        "points": points,
        "partnership_choices": facts.partnership_choices(as_of),
        "named_on_shortlist": facts.named_on_shortlist if facts.councils else 0,
        "last_updated": facts.last_updated,
    }


# Each distinct row of the tracker's table, drawn once per process: a row depends on nothing but the
# values below (the site has one language: no LocaleMiddleware), so the table of a date, filter or sort not seen before is mostly
# rows drawn already. Drawing 153 rows was most of an uncached tracker page's time.
ROW_TEMPLATE = "councils/_tracker_row.html"
# A row is about 1 KB: 16,384 rows (16 MB a process at most) hold every state of every council in a
# history of some 16,000 status changes; the real story has a few hundred.
ROWS_KEPT = 16384
_drawn_rows = {}


@pass_environment
def tracker_rows_html(environment, rows, link_target=None):
    """The ``<tr>`` of each of ``rows`` (TrackerRow, or councils from ``tracker_rows``), in order."""
    link_target = link_target or None
    return Markup("".join([_tracker_row(environment, council, link_target) for council in rows]))


def _tracker_row(environment, council, link_target):
    drawn = getattr(council, "drawn", None)  # a kept TrackerRow holds its own HTML
    if drawn is not None:
        html = drawn.get((environment, link_target))
        if html is None:
            html = drawn[(environment, link_target)] = _draw_row(environment, council, link_target)
        return html
    return _draw_row(environment, council, link_target)


def _draw_row(environment, council, link_target):
    key = (
        environment,
        link_target,
        council.url,
        council.short_name,
        council.name,
        council.region,
        council.shown_status,
        council.shown_since,
        council.ofsted_label,
        council.in_safety_valve,
        tuple((link.url, link.name, link.role) for link in council.partnerships),
        council.latest_note,
        council.latest_source_url,
        council.latest_source_title,
    )
    html = _drawn_rows.get(key)
    if html is None:
        html = Markup(environment.get_template(ROW_TEMPLATE).render(council=council, link_target=link_target))
        if len(_drawn_rows) >= ROWS_KEPT:  # bounded: every past date can bring its own rows
            _drawn_rows.clear()
        _drawn_rows[key] = html
    return html


# The tracker's map for each distinct set of markers (which councils are listed, and their statuses as
# shown), drawn once per process: most dates and sorts share one. Bounded like the rows.
MAP_SVG_TEMPLATE = "councils/_map_svg.html"
_maps = {}
_drawn_maps = {}


def tracker_map(points, listed_pks):
    """``charts.dot_map(points, listed_pks)``, made once per process for each set of markers, with the
    ``key`` that ``map_svg`` draws it by."""
    key = tuple((point["pk"], point["status"], point["pk"] in listed_pks) for point in points)
    drawn = _maps.get(key)
    if drawn is None:
        drawn = {**dot_map(points, listed_pks), "key": key}
        if len(_maps) >= 256:
            _maps.clear()
        _maps[key] = drawn
    return drawn


@pass_environment
def map_svg(environment, drawn):
    """The map's ``<svg>`` for ``drawn`` (a ``tracker_map``, or any ``dot_map``: drawn afresh without a key)."""
    key = drawn.get("key")
    html = _drawn_maps.get((environment, key)) if key is not None else None
    if html is None:
        html = Markup(environment.get_template(MAP_SVG_TEMPLATE).render(map=drawn))
        if key is not None:
            if len(_drawn_maps) >= 256:
                _drawn_maps.clear()
            _drawn_maps[(environment, key)] = html
    return html


# The filter form's fields whose choices are the code's own, not the database's (the partnership's
# are): their widget's markup depends on nothing but the value chosen, so each is drawn once per
# process and value (about 30 checkboxes and options were a quarter of the page's render).
STATIC_WIDGETS = frozenset({"status", "scope", "region", "ofsted_judgement", "in_safety_valve", "ordering"})
_drawn_widgets = {}
# The partnership's widget, when the view sets ``form.partnership_choices`` (tracker_overview's: the
# partnerships formed by the date, as ``(slug, name)`` in the field's order).
PARTNERSHIP_WIDGET = "partnership"


def filter_widget(field):
    """``str(field)`` for a field of the tracker's filter form; drawn once per value for ``STATIC_WIDGETS``.

    A field with errors, or one whose choices come from the database, is drawn afresh every time.
    """
    choices = None
    if field.name == PARTNERSHIP_WIDGET:
        # Its choices are the partnerships formed by the date, as the view read them from the tracker's facts.
        choices = getattr(field.form, "partnership_choices", None)
        if choices is None:
            return str(field)
    elif field.name not in STATIC_WIDGETS:
        return str(field)
    if field.errors:
        return str(field)
    value = field.value()
    key = (
        type(field.form.renderer),
        field.html_name,
        field.auto_id,
        tuple(value) if isinstance(value, list | tuple) else value,
        choices,
    )
    try:
        html = _drawn_widgets.get(key)
    except TypeError:  # a value that cannot be a key
        return str(field)
    if html is None:
        if (
            choices is not None
        ):  # drawn from them, not from the field's query (the same partnerships, in the same order)
            field.field.widget.choices = [("", field.field.empty_label), *choices]
        html = str(field)
        if len(_drawn_widgets) >= 1024:  # any value the form accepts is a key: keep the memo bounded
            _drawn_widgets.clear()
        _drawn_widgets[key] = html
    return html


FILTER_FORM_TEMPLATE = "councils/_filter_form.html"
# The field whose value differs between most requests (each date of the history is a valid page).
DATE_FIELD = "as_of"
# In a kept form, where the date's value goes: no character a form's markup can hold.
_DATE_SLOT = "\x00"
# A date as a reader types it, with no character that markup escapes: echoed into the input as it came.
_PLAIN_DATE = re.compile(r"[0-9A-Za-z ,./-]{1,40}")
_drawn_forms = {}


@pass_context
def filter_form(context, form):
    """The tracker's filter form (``_filter_form.html``), drawn once per process for each set of values but the date's.

    Only the date changes between most requests for the tracker's pages (each day of the history is a page),
    so a form with no errors is kept with a slot where the date's value goes. A form with errors, or whose
    partnership choices the view did not set, is drawn afresh.
    """
    environment = context.environment
    template = environment.get_template(FILTER_FORM_TEMPLATE)
    choices = getattr(form, "partnership_choices", None)
    if choices is None or form.errors:
        return Markup(template.render(context.get_all()))
    values, date = [], None
    for field in form:
        value = field.value()
        if field.name == DATE_FIELD:
            date = value or None
        else:
            values.append((field.name, tuple(value) if isinstance(value, list | tuple) else value))
    if date is not None and not _PLAIN_DATE.fullmatch(date):
        return Markup(template.render(context.get_all()))
    key = (environment, type(form.renderer), get_script_prefix(), tuple(values), choices, date is None)
    try:
        kept = _drawn_forms.get(key)
    except TypeError:  # a value that cannot be a key
        return Markup(template.render(context.get_all()))
    if kept is None:
        html = template.render(context.get_all())
        kept = html
        if date is not None:
            attribute = f' value="{date}"'
            if html.count(attribute) != 1:  # the date's value is not one attribute alone: never kept
                return Markup(html)
            kept = html.replace(attribute, f' value="{_DATE_SLOT}"')
        if len(_drawn_forms) >= 1024:  # any values the form accepts are a key: keep the memo bounded
            _drawn_forms.clear()
        _drawn_forms[key] = kept
    return Markup(kept if date is None else kept.replace(_DATE_SLOT, date))


@lru_cache(maxsize=4096)
def _encoded(key, value):
    """``key=value`` as ``QueryDict.urlencode`` writes it, once per process for each pair (most recur)."""
    return urlencode({key.encode("utf-8"): value.encode("utf-8")})


def _query_lists(query):
    """The query's ``(key, values)`` but the page number, in order."""
    return [(key, values) for key, values in query.lists() if key != "page"]


def sort_columns(query, *, sortable=True):
    """Column headings with the link that sorts by each and its aria-sort value."""
    current = query.get("ordering") or DEFAULT_ORDERING
    lists = _query_lists(query) if sortable else ()
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
                # The query with this sort in place of the current one (or added last), as a copy of the
                # QueryDict with ``ordering`` set would write it.
                parts = []
                for name, values in lists:
                    if name == "ordering":
                        parts.append(_encoded(name, next_ordering))
                    else:
                        parts.extend(_encoded(name, str(value)) for value in values)
                if "ordering" not in query:
                    parts.append(_encoded("ordering", next_ordering))
                column["url"] = "?" + "&".join(parts)
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

    lists = _query_lists(query)

    def without(name, value=None):
        parts = []
        for key, values in lists:
            values = [v for v in values if v]  # fields the form sent empty say nothing
            if key == name:
                if value is None:
                    continue
                values = [v for v in values if v != value]
            parts.extend(_encoded(key, str(v)) for v in values)
        encoded = "&".join(parts)
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
