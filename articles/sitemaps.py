"""Sitemap of published articles."""

from sendtracker.site_url import SiteSitemap

from .models import Article


class ArticleSitemap(SiteSitemap):
    changefreq = "weekly"
    lastmod_field = "updated_at"

    def items(self):
        return Article.objects.published().only("slug", "updated_at", "published_at")

    def lastmod(self, article):
        return article.updated_at
