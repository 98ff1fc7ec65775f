"""Public pages for the tracker's facts. Thin: fetch through a queryset or selector, render."""

from functools import wraps

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from sendtracker.cache import cache_page, per_version, version_of
from sendtracker.jinja2 import FormRenderer
from sendtracker.paging import page_number, page_or_404

from . import charts, partnership_pages, selectors
from .choices import IN_PILOT_STATUSES, PilotStatus
from .exports import tracker_csv_response
from .filters import CouncilFilter, as_of_from_query
from .models import Contract, Council, KeyFigure, PartnershipEvent, Programme, StatusChange
from .sources import hidden_paths, public_sources
from .tracker import active_filters, sort_columns, tracker_map, tracker_overview, tracker_rows

CHANGES_PER_PAGE = 50
CONTRACTS_PER_PAGE = 50
PARTNERSHIP_TIMELINE_PER_PAGE = 20
# Quotes and articles on a council's or partnership's page: the newest, with a link to all.
ON_COUNCIL_PAGE = 10
# The query parameters the tracker's pages read: its filter's, the sort and the page.
TRACKER_PARAMS = (CouncilFilter, "ordering", "page", "bom")
# The filter form's widgets (about 30 checkboxes and options) through Django's own Jinja2 widget templates:
# the same markup as through Django templates, drawn in a fraction of the time.
FILTER_FORM_RENDERER = FormRenderer()


def requested_as_of(request):
    """The page's ``?as_of=`` date (None for today); a date outside the tracker's history is a 400."""
    as_of, error = as_of_from_query(request.GET)
    if error:
        raise BadAsOf(error)
    return as_of


class BadAsOf(Exception):
    """``?as_of=`` is not a date the tracker covers."""


def bad_as_of(view):
    """Answer a page's bad ``?as_of=`` with 400 and the reason, in plain text."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadAsOf as error:
            return HttpResponseBadRequest(f"as_of: {error}\n", content_type="text/plain; charset=utf-8")

    return wrapped


def _tracker_filter(request):
    """The tracker's filter from the query string: whether it is valid, and its date."""
    council_filter = CouncilFilter(request.GET, queryset=Council.objects.all())
    council_filter.form.renderer = FILTER_FORM_RENDERER
    valid = council_filter.is_valid()
    as_of = council_filter.form.cleaned_data.get("as_of") if valid else None
    return {"filter": council_filter, "form": council_filter.form, "valid": valid, "as_of": as_of}


def _tracker_context(request):
    """What /tracker.csv and /embed/tracker/ share with /tracker/: the filter and its rows."""
    context = _tracker_filter(request)
    context["rows"] = tracker_rows(context["filter"], as_of=context["as_of"]) if context["valid"] else []
    return context


def _public_key_figures():
    figures = selectors.key_figures()
    public_sources(figures.values())
    return figures


@cache_page("tracker", "articles", params=TRACKER_PARAMS)
@require_safe
def tracker(request):
    context = _tracker_filter(request)
    version = version_of(request, "tracker")
    overview = tracker_overview(
        context["filter"] if context["valid"] else None, as_of=context["as_of"], version=version
    )
    if context["valid"]:
        # The partnership filter's choices (those formed by the date), from the same facts: no query.
        context["form"].partnership_choices = overview["partnership_choices"]
    context["rows"] = overview["rows"]
    points = overview["points"]
    counts = selectors.status_counts(points)
    figures = per_version(request, "tracker key figures", ("tracker", "articles"), _public_key_figures)
    in_pilot = [count for count in counts if count.status in IN_PILOT_STATUSES]
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "total_councils": len(points),
            "status_counts": counts,
            "status_chart": charts.status_bar_chart(in_pilot),
            "not_shortlisted": sum(c.count for c in counts if c.status == PilotStatus.NOT_SHORTLISTED),
            "map": tracker_map(points, {row.pk for row in context["rows"]}),
            "columns": sort_columns(request.GET),
            "query": query.urlencode(),
            "gap": selectors.shortlist_gap(figures, overview["named_on_shortlist"]),
            "last_updated": overview["last_updated"],
            "filtered": any(value for key, value in request.GET.items() if key != "ordering"),
            "active_filters": active_filters(context["form"], request.GET, request.path) if context["valid"] else [],
        }
    )
    return render(request, "councils/tracker.html", context, status=200 if context["valid"] else 400, using="jinja2")


@cache_page("tracker", "articles", params=TRACKER_PARAMS)
@require_safe
def tracker_csv(request):
    context = _tracker_context(request)
    if not context["valid"]:
        message = "The filters could not be applied:\n" + "\n".join(
            f"{name}: {' '.join(errors)}" for name, errors in context["form"].errors.items()
        )
        return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")
    return tracker_csv_response(context["rows"], as_of=context["as_of"], request=request)


@cache_page("tracker", "articles", params=TRACKER_PARAMS)
@require_safe
@xframe_options_exempt
def tracker_embed(request):
    """The tracker table for other sites to frame: the one page that may be framed."""
    context = _tracker_context(request)
    query = request.GET.copy()
    context["query"] = query.urlencode()
    context["columns"] = sort_columns(request.GET, sortable=False)
    return render(
        request, "councils/embed_tracker.html", context, status=200 if context["valid"] else 400, using="jinja2"
    )


# "articles": its quotes and articles, and sources citing an article show once it is published.
# ?page= is the page of its timeline (newest first, 20 a page).
@cache_page("tracker", "articles", params=("as_of", "page"))
@require_safe
@bad_as_of
def council_detail(request, slug):
    as_of = requested_as_of(request)
    page = page_number(request.GET.get("page"), what="this timeline")
    council = selectors.council_detail(slug, as_of=as_of, page=page)
    if council is None:
        raise Http404("No council has that address.")
    hidden = hidden_paths()
    public_sources(council.timeline_entries, hidden)
    public_sources(council.partnership_memberships, hidden)
    public_sources([membership.partnership for membership in council.partnership_memberships], hidden)
    return render(
        request,
        "councils/council_detail.html",
        {
            "council": council,
            "as_of": as_of,
            "shape": charts.legend([council.shown_status])[0],
            # The newest few, with a link to the rest: a page that does not grow with the story.
            "quotes": public_sources(council.quotes.public()[:ON_COUNCIL_PAGE], hidden),
            "articles": council.articles.published()[:ON_COUNCIL_PAGE],
        },
        using="jinja2",
    )


def _public_partnerships(partnerships, hidden=None):
    """The partnerships and their members, each source not public yet blanked."""
    hidden = hidden_paths() if hidden is None else hidden
    partnerships = public_sources(partnerships, hidden)
    for partnership in partnerships:
        public_sources(partnership.current_memberships, hidden)
    return partnerships


@cache_page("tracker", "articles", params=("as_of",))
@require_safe
@bad_as_of
def partnership_list(request):
    as_of = requested_as_of(request)
    partnerships = _public_partnerships(selectors.partnerships_with_members(as_of))
    groups = {
        membership.council_id: (number, partnership.name_on(as_of) if as_of else partnership.name)
        for number, partnership in enumerate(partnerships, start=1)
        for membership in partnership.members
    }
    return render(
        request,
        "councils/partnership_list.html",
        {
            "partnerships": partnerships,
            "programme": Programme.objects.current(),
            "as_of": as_of,
            "map": charts.dot_map(selectors.council_points(as_of), set(groups), groups=groups) if groups else None,
        },
    )


@cache_page("tracker", "articles", params=("as_of", "page"))
@require_safe
@bad_as_of
def partnership_detail(request, slug):
    as_of = requested_as_of(request)
    raw_page = request.GET.get("page")
    page_number(raw_page, what="this timeline")  # junk is a 404 before any work
    partnership = partnership_pages.partnership_detail(slug, as_of)
    hidden = hidden_paths()
    _public_partnerships([partnership], hidden)
    timeline_page = page_or_404(partnership.timeline, PARTNERSHIP_TIMELINE_PER_PAGE, raw_page, what="this timeline")
    partnership.timeline = public_sources(timeline_page.object_list, hidden)
    councils = [membership.council for membership in partnership.members]
    quotes = {}
    # The quotes about each member, with who said them and where: one query (the Quote model
    # lives in articles, which councils does not import; the relation names it).
    quote_model = Council._meta.get_field("quotes").related_model
    prefetch_related_objects(councils, Prefetch("quotes", queryset=quote_model.objects.public()))
    for council in councils:
        for quote in council.quotes.all():
            quotes.setdefault(quote.pk, quote)
    return render(
        request,
        "councils/partnership_detail.html",
        {
            "partnership": partnership,
            "as_of": as_of,
            "page": timeline_page,
            "quotes": public_sources(
                sorted(quotes.values(), key=lambda quote: quote.said_on, reverse=True)[:ON_COUNCIL_PAGE], hidden
            ),
            "articles": partnership.articles.published()[:ON_COUNCIL_PAGE],
        },
    )


@cache_page("tracker", "articles", params=("page",))
@require_safe
def contract_list(request):
    contracts = Contract.objects.all()
    page = page_or_404(contracts, CONTRACTS_PER_PAGE, request.GET.get("page"), what="the contracts")
    return render(
        request,
        "councils/contract_list.html",
        {
            "page": page,
            "contracts": public_sources(page.object_list),
            "totals": contracts.totals_by_role(),
            "total": contracts.total(),
            "ledger_disagreements": KeyFigure.objects.ledger_disagreements(),
        },
    )


@cache_page("tracker", "articles", params=("page",))
@require_safe
def change_list(request):
    page = page_or_404(
        StatusChange.objects.for_timeline(), CHANGES_PER_PAGE, request.GET.get("page"), what="the changes"
    )
    # Partnerships withdrawn or deleted, councils leaving or removed: few, the newest on the first page.
    events = public_sources(PartnershipEvent.objects.for_timeline()[:CHANGES_PER_PAGE]) if page.number == 1 else []
    return render(
        request,
        "councils/change_list.html",
        {"page": page, "changes": public_sources(page.object_list), "partnership_events": events},
    )


@cache_page("tracker", "articles")
@require_safe
def programme(request):
    """The programme's public timeline: every dated event with its source, and its names over time."""
    current = Programme.objects.current()
    hidden = hidden_paths()
    return render(
        request,
        "councils/programme.html",
        {
            "programme": current,
            "events": public_sources(current.events.all(), hidden) if current else [],
            "name_history": public_sources(current.partnerships_name_history, hidden) if current else [],
        },
    )


@cache_page()
@require_safe
def how_we_track(request):
    return render(request, "councils/how_we_track.html", {"statuses": charts.legend(PilotStatus)})
