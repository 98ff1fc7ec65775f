"""Project-level pages that draw on several apps: the home page, the data page and robots.txt."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from api.renderers import columns_for
from api.serializers.councils import StatusChangeSerializer
from articles.models import Article
from councils import charts, headline, selectors
from councils.exports import TRACKER_COLUMNS
from councils.models import Programme, StatusChange
from councils.sources import hidden_paths, public_sources
from councils.views import bad_as_of, requested_as_of

from .cache import cache_page
from .paging import NoSuchPage
from .site_url import absolute_url


@cache_page("tracker", "articles", params=("as_of",))
@require_safe
@bad_as_of
def home(request):
    """The home page today, or with ``?as_of=`` as it stood that day: figures reported by then,
    the headline from the memberships in force then."""
    as_of = requested_as_of(request)
    points = selectors.council_points(as_of)
    hidden = hidden_paths()
    figures = selectors.key_figures(as_of)
    public_sources(figures.values(), hidden)
    counts = selectors.in_pilot_counts(points)
    key_figures = headline.figures_newest_first(figures.values())
    changes = StatusChange.objects.for_timeline()
    if as_of:
        changes = changes.as_of(as_of)
    return render(
        request,
        "home.html",
        {
            "as_of": as_of,
            "programme": Programme.objects.current(),
            "headline": headline.partnership_headline(as_of),
            "key_figures": key_figures,
            "figure_sources": headline.figure_sources(key_figures),
            "gap": selectors.shortlist_gap(figures, selectors.named_on_shortlist_count(as_of)),
            "status_counts": counts,
            "status_chart": charts.status_bar_chart(counts),
            "ofsted_profile": charts.ofsted_profile(figures),
            "latest_changes": public_sources(changes[:6], hidden),
            "latest_articles": Article.objects.published()[:4],
            "last_updated": selectors.last_updated(),
        },
    )


@cache_page()
@require_safe
def data(request):
    """Every download and feed, with its columns and licence, and what a feed is."""
    return render(
        request,
        "data.html",
        {"tracker_columns": TRACKER_COLUMNS, "change_columns": columns_for(StatusChangeSerializer())},
    )


@cache_page()
@require_safe
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        # Never the admin's address: robots.txt is public. Admin responses carry X-Robots-Tag instead.
        {"sitemap_url": absolute_url(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )


def page_not_found(request, exception):
    """The 404 page; for a page number that is not a page of a list, it says which pages there are.

    Only ``NoSuchPage`` messages are shown: other 404s' messages were written for developers.
    """
    message = str(exception) if isinstance(exception, NoSuchPage) else None
    return render(request, "404.html", {"message": message}, status=404)
