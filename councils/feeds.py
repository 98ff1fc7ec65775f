"""Atom feeds of status changes: every change, one council's, and one partnership's timeline.

The feeds of every change and of one council also carry the partnership events (a partnership
withdrawn or deleted, a council leaving or removed), as their pages do.
"""

import datetime

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from sendtracker.cache import cache_page
from sendtracker.site_url import SiteFeed

from .models import Council, Partnership, PartnershipEvent, StatusChange
from .partnership_pages import partnership_timeline
from .sources import public_sources

FEED_LENGTH = 50


def _newest(changes, events):
    """The newest FEED_LENGTH status changes and partnership events together (two queries)."""
    events = events.select_related("partnership").order_by("-effective_on", "-recorded_at", "-pk")
    merged = sorted(
        [*changes[:FEED_LENGTH], *events[:FEED_LENGTH]],
        key=lambda item: (item.effective_on, item.recorded_at),
        reverse=True,
    )
    return public_sources(merged[:FEED_LENGTH])


def _is_event(item):
    return getattr(item, "is_partnership_event", False)


@cache_page("tracker", "articles")
class StatusChangeFeed(SiteFeed):
    feed_type = Atom1Feed
    author_name = settings.SITE_NAME  # RFC 4287: a feed names its author
    title = f"{settings.SITE_NAME}: status changes"
    subtitle = "Every recorded change of a council's status in the DfE's £70m SEND reform pilot, newest first."

    def link(self):
        return reverse("councils:changes")

    def items(self):
        return _newest(StatusChange.objects.for_timeline().with_modified_at(), PartnershipEvent.objects.all())

    def item_title(self, item):
        if _is_event(item):
            return item.title
        return f"{item.council}: {item.get_from_status_display()} → {item.get_to_status_display()}"

    def item_description(self, item):
        # Atom summaries are type="html": a journalist's plain text goes in escaped, so no feed reader runs it.
        effective = f"Effective {item.effective_on:%-d %B %Y}."
        if _is_event(item):
            source = f" Source: {item.source_url}." if item.source_url else ""
            return escape(" ".join(part for part in (item.note, effective + source) if part))
        source = f" Source: {item.source_title or item.source_url}." if (item.source_title or item.source_url) else ""
        return escape(" ".join(part for part in (item.note, effective + source) if part))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        if _is_event(item):
            return f"tag:send-tracker,2023:partnership-event/{item.pk}"
        return f"tag:send-tracker,2023:status-change/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.recorded_at

    def item_updateddate(self, item):
        # A correction updates the entry (and so the feed's own ``updated``).
        return item.recorded_at if _is_event(item) else item.modified_at

    def item_categories(self, item):
        return [item.get_kind_display()] if _is_event(item) else [item.get_to_status_display()]


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
        return _newest(council.status_changes.for_timeline().with_modified_at(), council.partnership_events.all())


@cache_page("tracker", "articles")
class PartnershipFeed(SiteFeed):
    """One partnership's timeline: its members' status changes and councils joining or leaving, newest first."""

    feed_type = Atom1Feed
    author_name = settings.SITE_NAME

    def get_object(self, request, slug):
        return get_object_or_404(Partnership, slug=slug)

    def title(self, partnership):
        return f"{settings.SITE_NAME}: {partnership}"

    def subtitle(self, partnership):
        return f"Changes to {partnership}'s councils in the SEND reform pilot, and councils joining or leaving it."

    def link(self, partnership):
        return partnership.get_absolute_url()

    def items(self, partnership):
        return public_sources(partnership_timeline(partnership, limit=FEED_LENGTH))

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Escaped as in StatusChangeFeed: a journalist's plain text never runs in a feed reader.
        dated = f"{item.date:%-d %B %Y}."
        source = f" Source: {item.source_title or item.source_url}." if (item.source_title or item.source_url) else ""
        return escape(" ".join(part for part in (item.note, dated + source) if part))

    def item_link(self, item):
        if item.status_change:
            return item.status_change.get_absolute_url()
        if item.council is None:
            return item.event.get_absolute_url()
        return item.council.get_absolute_url()

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.recorded_at or _start_of(item.date)

    def item_updateddate(self, item):
        if item.status_change:
            return item.status_change.modified_at  # a correction updates the entry
        return self.item_pubdate(item)


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
