"""Sources the public may see: a source pointing at one of this site's pages that is not public yet is no source.

A journalist may cite the article they are still writing as the source of a status change,
a key figure or a partnership. Until that article is published, its address and headline
must not appear on any public page, feed, CSV or API answer. The app that owns such pages
(articles) registers a function naming their paths; every public read passes its objects
through ``public_sources()``, which blanks those sources on the objects in memory.
"""

import dataclasses
from urllib.parse import urlsplit

from django.conf import settings

_hidden_path_providers = []


def hide_sources_at(provider):
    """Register ``provider()``: it returns the set of this site's URL paths that are not public yet."""
    _hidden_path_providers.append(provider)
    return provider


def hidden_paths():
    """Every registered path not public yet (one query per provider)."""
    paths = set()
    for provider in _hidden_path_providers:
        paths.update(provider())
    return frozenset(paths)


def is_hidden(url, hidden):
    """Whether ``url`` is this site's address (relative, or on ``SITE_URL``'s host) for a path in ``hidden``."""
    if not url or not hidden:
        return False
    parts = urlsplit(url.strip())
    if parts.netloc and parts.netloc.lower() != urlsplit(settings.SITE_URL).netloc.lower():
        return False
    return (parts.path or "/") in hidden


def public_sources(objects, hidden=None):
    """``objects`` as a list, each source that is not public yet blanked (``source_url`` and ``source_title``).

    Only the objects in memory change (a frozen dataclass, such as a name span, is replaced by
    a blanked copy); call this on what a public page, feed or export shows.
    """
    hidden = hidden_paths() if hidden is None else hidden
    shown = []
    for obj in objects:
        if obj is not None and is_hidden(getattr(obj, "source_url", ""), hidden):
            blank = {"source_url": "", **({"source_title": ""} if hasattr(obj, "source_title") else {})}
            if dataclasses.is_dataclass(obj):
                obj = dataclasses.replace(obj, **blank)
            else:
                for name, value in blank.items():
                    setattr(obj, name, value)
        if obj is not None:
            shown.append(obj)
    return shown
