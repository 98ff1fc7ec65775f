"""Atom feeds of status changes: every change, and one council's."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from sendtracker.cache import cache_page
from sendtracker.site_url import SiteFeed

from .models import Council, StatusChange

FEED_LENGTH = 50


@cache_page("tracker")
class StatusChangeFeed(SiteFeed):
    feed_type = Atom1Feed
    title = f"{settings.SITE_NAME}: status changes"
    subtitle = "Every recorded change of a council's status in the DfE's £70m SEND reform pilot, newest first."

    def link(self):
        return reverse("councils:changes")

    def items(self):
        return StatusChange.objects.for_timeline()[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.council}: {item.get_from_status_display()} → {item.get_to_status_display()}"

    def item_description(self, item):
        # Atom summaries are type="html": a journalist's plain text goes in escaped, so no feed reader runs it.
        effective = f"Effective {item.effective_on:%-d %B %Y}."
        source = f" Source: {item.source_title or item.source_url}." if (item.source_title or item.source_url) else ""
        return escape(" ".join(part for part in (item.note, effective + source) if part))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"tag:send-tracker,2023:status-change/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.recorded_at

    def item_updateddate(self, item):
        return item.recorded_at

    def item_categories(self, item):
        return [item.get_to_status_display()]


class CouncilStatusFeed(StatusChangeFeed):
    """One council's timeline, for a reader following that council."""

    def get_object(self, request, slug):
        return get_object_or_404(Council, slug=slug)

    def title(self, council):
        return f"{settings.SITE_NAME}: {council}"

    def subtitle(self, council):
        return f"Changes of {council.name}'s status in the SEND reform pilot."

    def link(self, council):
        return council.get_absolute_url()

    def items(self, council):
        return council.status_changes.select_related("council").order_by("-effective_on", "-recorded_at", "-pk")[
            :FEED_LENGTH
        ]
