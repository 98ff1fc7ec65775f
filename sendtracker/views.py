"""Project-level pages that draw on both apps: the home page and robots.txt."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles.models import Article
from councils import charts, headline, selectors
from councils.models import Programme, StatusChange

from .cache import cache_page
from .site_url import absolute_url


@cache_page("tracker", "articles")
@require_safe
def home(request):
    points = selectors.council_points()
    figures = selectors.key_figures()
    counts = selectors.in_pilot_counts(points)
    key_figures = headline.figures_newest_first(figures.values())
    return render(
        request,
        "home.html",
        {
            "programme": Programme.objects.current(),
            "headline": headline.partnership_headline(),
            "key_figures": key_figures,
            "figure_sources": headline.figure_sources(key_figures),
            "gap": selectors.shortlist_gap(figures, selectors.named_on_shortlist_count()),
            "status_counts": counts,
            "status_chart": charts.status_bar_chart(counts),
            "ofsted_profile": charts.ofsted_profile(figures),
            "latest_changes": StatusChange.objects.for_timeline()[:6],
            "latest_articles": Article.objects.published()[:4],
            "last_updated": selectors.last_updated(),
        },
    )


@cache_page()
@require_safe
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"admin_path": settings.ADMIN_URL, "sitemap_url": absolute_url(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
