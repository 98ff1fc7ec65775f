"""The site's own address (``SITE_URL``, from ``DJANGO_SITE_URL``) for every absolute link.

Never the request's ``Host``: a request with a forged Host must not put its host into a
page that the cache then serves to everyone (feeds, sitemap, robots.txt, API links, CSV).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.db.models import Max


def site_origin():
    """``https://example.org``: the scheme and host of ``SITE_URL``."""
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def absolute_url(path):
    """``path`` (``/tracker/``) as an absolute URL on the site's own address."""
    return settings.SITE_URL.rstrip("/") + path


class _OnSite:
    """A request as Django's feed framework reads it, but on the site's own address."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_host(self):
        return urlsplit(settings.SITE_URL).netloc

    def is_secure(self):
        return urlsplit(settings.SITE_URL).scheme == "https"


class SiteFeed(Feed):
    """A feed whose links (feed, entries, self) are on the site's own address."""

    def get_feed(self, obj, request):
        return super().get_feed(obj, _OnSite(request))


class SiteSitemap(Sitemap):
    """A sitemap whose URLs are on the site's own address, in pages of ``limit`` URLs.

    ``/sitemap.xml`` is the index (``sitemap_index``) naming each section and each page of it
    (``/sitemap-articles.xml?p=2``), so no sitemap grows with the number of articles.
    """

    limit = 500
    # The field ``lastmod`` reads, for the index's newest date in one query.
    lastmod_field = None

    def get_latest_lastmod(self):
        """The section's newest ``lastmod`` as one aggregate (Django's default reads every item)."""
        if self.lastmod_field is None:
            return super().get_latest_lastmod()
        return self.items().aggregate(latest=Max(self.lastmod_field))["latest"]

    @property
    def protocol(self):  # read by the index for the sections' addresses
        return urlsplit(settings.SITE_URL).scheme

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


def sitemap_index(request, **kwargs):
    """Django's sitemap index (``django.contrib.sitemaps.views.index``), its links on the site's own address."""
    return sitemap_views.index(_OnSite(request), **kwargs)
