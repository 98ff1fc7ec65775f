"""Public pages for the tracker's facts. Thin: fetch through a queryset or selector, render."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from sendtracker.cache import cache_page

from . import charts, selectors
from .choices import IN_PILOT_STATUSES, PilotStatus
from .exports import tracker_csv_response
from .filters import CouncilFilter
from .models import Contract, Council, Programme, StatusChange
from .tracker import sort_columns, tracker_overview, tracker_rows

CHANGES_PER_PAGE = 50
# The query parameters the tracker's pages read: its filter's, the sort and the page.
TRACKER_PARAMS = (CouncilFilter, "ordering", "page")


def _tracker_filter(request):
    """The tracker's filter from the query string: whether it is valid, and its date."""
    council_filter = CouncilFilter(request.GET, queryset=Council.objects.all())
    valid = council_filter.is_valid()
    as_of = council_filter.form.cleaned_data.get("as_of") if valid else None
    return {"filter": council_filter, "form": council_filter.form, "valid": valid, "as_of": as_of}


def _tracker_context(request):
    """What /tracker.csv and /embed/tracker/ share with /tracker/: the filter and its rows."""
    context = _tracker_filter(request)
    context["rows"] = tracker_rows(context["filter"], as_of=context["as_of"]) if context["valid"] else []
    return context


@cache_page("tracker", params=TRACKER_PARAMS)
@require_safe
def tracker(request):
    context = _tracker_filter(request)
    overview = tracker_overview(context["filter"] if context["valid"] else None, as_of=context["as_of"])
    context["rows"] = overview["rows"]
    points = overview["points"]
    counts = selectors.status_counts(points)
    figures = selectors.key_figures()
    in_pilot = [count for count in counts if count.status in IN_PILOT_STATUSES]
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "total_councils": len(points),
            "status_counts": counts,
            "status_chart": charts.status_bar_chart(in_pilot),
            "not_shortlisted": sum(c.count for c in counts if c.status == PilotStatus.NOT_SHORTLISTED),
            "map": charts.dot_map(points, {row.pk for row in context["rows"]}),
            "columns": sort_columns(request.GET),
            "query": query.urlencode(),
            "gap": selectors.shortlist_gap(figures, overview["named_on_shortlist"]),
            "last_updated": overview["last_updated"],
            "filtered": any(value for key, value in request.GET.items() if key != "ordering"),
        }
    )
    return render(request, "councils/tracker.html", context, status=200 if context["valid"] else 400)


@cache_page("tracker", params=TRACKER_PARAMS)
@require_safe
def tracker_csv(request):
    context = _tracker_context(request)
    if not context["valid"]:
        message = "The filters could not be applied:\n" + "\n".join(
            f"{name}: {' '.join(errors)}" for name, errors in context["form"].errors.items()
        )
        return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")
    return tracker_csv_response(context["rows"], as_of=context["as_of"], request=request)


@cache_page("tracker", params=TRACKER_PARAMS)
@require_safe
@xframe_options_exempt
def tracker_embed(request):
    """The tracker table for other sites to frame: the one page that may be framed."""
    context = _tracker_context(request)
    query = request.GET.copy()
    context["query"] = query.urlencode()
    context["columns"] = sort_columns(request.GET, sortable=False)
    return render(request, "councils/embed_tracker.html", context, status=200 if context["valid"] else 400)


@cache_page("tracker", "articles")  # its quotes and articles too
@require_safe
def council_detail(request, slug):
    council = selectors.council_detail(slug)
    if council is None:
        raise Http404("No council has that address.")
    return render(
        request,
        "councils/council_detail.html",
        {
            "council": council,
            "shape": charts.legend([council.status])[0],
            "quotes": council.quotes.select_related("person", "article"),
            "articles": council.articles.published(),
        },
    )


@cache_page("tracker")
@require_safe
def partnership_list(request):
    return render(request, "councils/partnership_list.html", {"partnerships": selectors.partnerships_with_members()})


@cache_page("tracker")
@require_safe
def partnership_detail(request, slug):
    partnership = get_object_or_404(selectors.partnerships_with_members(), slug=slug)
    return render(request, "councils/partnership_detail.html", {"partnership": partnership})


@cache_page("tracker")
@require_safe
def contract_list(request):
    contracts = Contract.objects.all()
    return render(
        request,
        "councils/contract_list.html",
        {"contracts": contracts, "totals": contracts.totals_by_role(), "total": contracts.total()},
    )


@cache_page("tracker", params=("page",))
@require_safe
def change_list(request):
    paginator = Paginator(StatusChange.objects.for_timeline(), CHANGES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "councils/change_list.html", {"page": page, "changes": page.object_list})


@cache_page("tracker")
@require_safe
def programme(request):
    """The programme's public timeline: every dated event with its source, and its names over time."""
    current = Programme.objects.current()
    return render(
        request,
        "councils/programme.html",
        {"programme": current, "events": list(current.events.all()) if current else []},
    )


@cache_page()
@require_safe
def how_we_track(request):
    return render(request, "councils/how_we_track.html", {"statuses": charts.legend(PilotStatus)})
