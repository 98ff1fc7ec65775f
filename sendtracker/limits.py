"""The store of what must last its whole window: forms already sent, rate limits, throttles.

``CACHES["limits"]`` (settings: ``DJANGO_LIMITS_REDIS_URL``, else ``REDIS_URL``). Unlike the page
cache, which may evict whatever it likes, nothing here may be forgotten early: an evicted
form mark lets a replayed form through, an evicted counter starts a limit again. A settings
override that names only ``default`` (as some tests do) makes the default cache the store.
"""

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache

ALIAS = "limits"


def store():
    """The limits' cache."""
    return caches[ALIAS if ALIAS in settings.CACHES else DEFAULT_CACHE_ALIAS]


def redis_client(key):
    """The Redis client behind the limits' cache for ``key`` (for a script), or None for another cache."""
    backend = store()
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(backend.make_key(key), write=True)


def shares_page_cache():
    """Whether the limits live in the page cache's own Redis: then one script may read a page version with them."""
    configured = settings.CACHES
    if ALIAS not in configured:
        return True
    limits, default = configured[ALIAS], configured[DEFAULT_CACHE_ALIAS]
    return limits.get("LOCATION") == default.get("LOCATION") and limits.get("KEY_PREFIX") == default.get("KEY_PREFIX")
