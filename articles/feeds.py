"""Atom feed of published articles."""

from django.conf import settings
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from sendtracker.cache import cache_page
from sendtracker.site_url import SiteFeed

from .models import Article

FEED_LENGTH = 20


@cache_page("articles")
class ArticleFeed(SiteFeed):
    feed_type = Atom1Feed
    author_name = settings.SITE_NAME  # RFC 4287: a feed names its author; each entry names its own too
    title = f"{settings.SITE_NAME}: articles"
    subtitle = "Reporting on the DfE's £70m SEND reform pilot."

    def link(self):
        return reverse("articles:list")

    def items(self):
        return Article.objects.published()[:FEED_LENGTH]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # Atom summaries are type="html": the plain-text standfirst goes in escaped, so no feed reader runs it.
        return escape(item.standfirst)

    def item_author_name(self, item):
        return item.byline

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.published_at, item.updated_at)
