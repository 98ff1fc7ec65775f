"""Top-level URLs: the public pages of DESIGN §5, the API and the admin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import ArticleSitemap
from comments.admin import moved_admin_urlpatterns
from councils.sitemaps import CouncilSitemap, PartnershipSitemap, StaticSitemap

from . import ops_views, views
from .cache import cache_page
from .site_url import sitemap_index

admin.site.site_header = "SEND Tracker newsroom"
admin.site.site_title = "SEND Tracker admin"
admin.site.index_title = "Tracker facts, journalism and readers' comments"

# The sitemap's sections: the public pages, councils, partnerships and articles.
SITEMAPS = {
    "pages": StaticSitemap,
    "councils": CouncilSitemap,
    "partnerships": PartnershipSitemap,
    "articles": ArticleSitemap,
}

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("councils.urls")),
    path("articles/", include("articles.urls")),
    path("articles/", include("comments.urls")),
    # The index names each section and each page of it (?p=2): a sitemap of 500 URLs at most.
    path(
        "sitemap.xml",
        cache_page("tracker", "articles")(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page("tracker", "articles", params=("p",))(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("data/", views.data, name="data"),
    path("api/", include("api.urls")),
    path("alerts/", include("alerts.urls")),
    path(settings.ADMIN_URL, include(moved_admin_urlpatterns)),  # comments' old admin addresses
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", ops_views.healthz, name="healthz"),
]

# A page number that is not a page of a list says which pages there are (sendtracker/paging.py).
handler404 = views.page_not_found
