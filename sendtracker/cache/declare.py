"""How a view says it may be cached: ``@cache_page(keys..., params=...)``."""

import functools
from urllib.parse import urlencode

from .versions import read as read_versions

# Never part of a key, whatever a view declares: added by social sites and mailers.
TRACKING = ("utm_", "mc_")
TRACKING_NAMES = {"fbclid", "gclid", "dclid", "msclkid", "_ga"}


class Policy:
    """A view's cache declaration: its dependency keys, the query parameters it reads, a hit check."""

    def __init__(self, keys, params, hit_check, vary_on_accept):
        self.keys = keys
        self.names, self.prefixes = set(), []
        for param in params:
            if isinstance(param, str):
                self.names.add(param)
            else:  # a FilterSet: its filters, and range filters' suffixed parameters (``date_after``)
                for name in param.base_filters:
                    self.names.add(name)
                    self.prefixes.append(name + "_")
        self.prefixes = tuple(self.prefixes)
        self.hit_check = hit_check
        self.vary_on_accept = vary_on_accept

    def reads(self, name):
        if name.startswith(TRACKING) or name in TRACKING_NAMES:
            return False
        return name in self.names or name.startswith(self.prefixes)

    def canonical_query(self, query):
        """The parameters the view reads, sorted by name, as a query string (empty values kept: the API answers them 400)."""
        pairs = [(name, value) for name in sorted(query) if self.reads(name) for value in query.getlist(name)]
        return urlencode(pairs)

    def keys_for(self, request, args, kwargs):
        keys = []
        for key in self.keys:
            keys.append(key(request, *args, **kwargs) if callable(key) else key)
        return keys


def cache_page(*keys, params=(), hit_check=None, vary_on_accept=False):
    """Let the page cache store this view's anonymous GET answers until one of ``keys`` changes.

    ``keys`` are dependency keys (see ``sendtracker.cache.versions``), or callables
    ``(request, *args, **kwargs) -> key`` given the URL's arguments. ``params`` names the
    query parameters the view reads (names or FilterSet classes): any other parameter is
    removed before the view runs and is not part of the key. ``hit_check(request) -> bool``
    runs before a stored answer is served (False: the view answers). Works on a view
    function, a view class or a callable class (a Feed).
    """
    policy = Policy(keys, params, hit_check, vary_on_accept)

    def decorate(view):
        if isinstance(view, type):
            view.page_cache = policy
            return view

        @functools.wraps(view)
        def cached_view(*args, **kwargs):
            return view(*args, **kwargs)

        cached_view.page_cache = policy
        return cached_view

    return decorate


def policy_of(view):
    """The view's ``Policy``, or None (then the page cache leaves it alone)."""
    return getattr(view, "page_cache", None) or getattr(getattr(view, "cls", None), "page_cache", None)


def depends_on(request, *keys):
    """Add keys found while the view runs (the councils an article names).

    Call it before reading the rows the keys stand for: their versions are read now.
    Outside a cached render it does nothing.
    """
    state = getattr(request, "_page_cache", None)
    if state is not None:
        state.add(keys)


def version_of(request, key):
    """The token of ``key`` the page is being rendered under (read now outside a cached render), for
    memoising what the page reads from the data ``key`` stands for; None while the cache is unreachable.

    Read it before the data: a write committed in between replaces the token, so what is memoised
    under a token is never older than the data the token stands for.
    """
    state = getattr(request, "_page_cache", None)
    if state is not None and key in state.tokens:
        return state.tokens[key].value
    tokens, _found = read_versions([key])
    return tokens[key].value if tokens else None


# What ``per_version`` holds: {name: (tokens, value)}, the newest tokens this process has seen per name.
_per_version = {}


def per_version(request, name, keys, compute):
    """``compute()``, worked out once per process while the tokens of ``keys`` stay the same.

    For what a page reads that depends only on the data the keys stand for (and is not changed by
    whoever reads it): a page not in the cache, with another date or filter, still reads it from
    memory. Computed every time while the cache is unreachable.
    """
    tokens = tuple(version_of(request, key) for key in keys)
    if None in tokens:
        return compute()
    held = _per_version.get(name)
    if held is not None and held[0] == tokens:
        return held[1]
    value = compute()
    _per_version[name] = (tokens, value)
    return value
