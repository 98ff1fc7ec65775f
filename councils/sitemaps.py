"""Sitemaps for the tracker's pages."""

from django.urls import reverse

from sendtracker.site_url import SiteSitemap

from .models import Council, Partnership


class StaticSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return [
            "home",
            "councils:tracker",
            "councils:partnerships",
            "councils:programme",
            "councils:contracts",
            "councils:changes",
            "councils:how-we-track",
            "articles:list",
            "articles:quotes",
        ]

    def location(self, item):
        return reverse(item)


class CouncilSitemap(SiteSitemap):
    changefreq = "weekly"
    lastmod_field = "updated_at"

    def items(self):
        return Council.objects.order_by("slug").only("slug", "updated_at")

    def lastmod(self, council):
        return council.updated_at


class PartnershipSitemap(SiteSitemap):
    changefreq = "weekly"
    lastmod_field = "updated_at"

    def items(self):
        return Partnership.objects.order_by("slug").only("slug", "updated_at")

    def lastmod(self, partnership):
        return partnership.updated_at
