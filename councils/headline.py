"""What the home page leads with: who is in the partnerships today, and the key figures with their own dates.

Reads only. A reported figure stays true of the day it was reported ("20 shortlisted,
May 2023"); the headline is counted from the data as it stands.
"""

from django.db.models import Count

from .models import PartnershipMembership


def partnership_headline(as_of=None):
    """Councils with a membership in force (today, or on ``as_of``) in a live (not withdrawn) partnership,
    and those partnerships: one query.

    Counts what the memberships hold, so before any partnership is recorded it says 0 and 0.
    """
    live = PartnershipMembership.objects.live(as_of).order_by()
    return live.aggregate(councils=Count("council", distinct=True), partnerships=Count("partnership", distinct=True))


def figures_newest_first(figures):
    """Key figures, the most recently reported first, each date in its page order."""
    return sorted(figures, key=lambda figure: (-figure.reported_on.toordinal(), figure.position, figure.key))


def figure_sources(figures):
    """Each source the figures cite, once, in the figures' order: (reported_on, source_url, source_title)."""
    seen = {}
    for figure in figures:
        if figure.source_url or figure.source_title:
            seen.setdefault((figure.source_url, figure.source_title), figure.reported_on)
    return [
        {"reported_on": reported_on, "source_url": url, "source_title": title}
        for (url, title), reported_on in seen.items()
    ]
