"""The page cache: whole public pages kept in the shared cache until what they show changes.

For a view author, three things::

    from sendtracker import cache

    @cache.cache_page("tracker", params=(CouncilFilter, "page"))   # may be cached; built from the tracker's facts
    def tracker(request): ...

    @cache.cache_page("articles", lambda request, slug: f"article:{slug}")
    def article_detail(request, slug):
        article = ...
        cache.depends_on(request, f"comments:article:{article.pk}")   # keys found while rendering
        ...

    cache.fresh_value(request, "comment_form_started", article.pk)   # a value made afresh per response

and, for an app, in ``AppConfig.ready()``: ``cache.watch_app(self, "tracker", rows=...)``
(which keys its tables feed), ``cache.expires_at(provider, keys=...)`` (changes with no
write) and ``cache.register_fresh_value(name, function)``.

Modules: ``declare`` (the decorator, query parameters), ``middleware`` (serving and
storing), ``versions`` (keys' tokens in the shared cache), ``writes`` (SQL → keys, bumped
on commit), ``purge`` (Varnish), ``placeholders`` (CSRF and fresh values), ``release``.
docs/performance.md explains the whole.
"""

from .declare import cache_page, depends_on, per_version, version_of
from .placeholders import csrf_placeholder, fresh_value, register_fresh_value
from .release import RELEASE
from .versions import expires_at
from .writes import changed, watch_app

__all__ = [
    "RELEASE",
    "cache_page",
    "changed",
    "csrf_placeholder",
    "depends_on",
    "expires_at",
    "fresh_value",
    "register_fresh_value",
    "per_version",
    "version_of",
    "watch_app",
]
