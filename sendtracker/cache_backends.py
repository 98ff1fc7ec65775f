"""A Redis cache that degrades to "no cache" when Redis is unreachable.

Django's RedisCache raises on a connection error, which would turn a Redis
outage into a site outage. This subclass logs the error and behaves as an empty
cache instead: reads miss, writes are dropped, counters start again. Pages are
then served uncached from the database until Redis is back. Timeouts are set in
CACHES OPTIONS so a hung Redis costs at most half a second per call.
"""

import functools
import logging

from redis.exceptions import ConnectionError, TimeoutError

from .redis_cache import RedisCache  # Django's, reusing one Redis client per pool

logger = logging.getLogger("sendtracker.cache")

UNAVAILABLE = (ConnectionError, TimeoutError)


def _on_outage(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                logger.warning("Redis unavailable during cache %s: %s", method.__name__, error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (cache unavailable).")


class TolerantRedisCache(RedisCache):
    """RedisCache whose every operation answers as an empty cache would while Redis is down."""

    get = _on_outage(lambda key, default=None, **kwargs: default)(RedisCache.get)
    get_many = _on_outage(lambda keys, **kwargs: {})(RedisCache.get_many)
    has_key = _on_outage(lambda key, **kwargs: False)(RedisCache.has_key)
    # An empty cache accepts an add (the key was absent); the value is simply forgotten.
    add = _on_outage(lambda key, value, *args, **kwargs: True)(RedisCache.add)
    set = _on_outage(lambda key, value, *args, **kwargs: None)(RedisCache.set)
    set_many = _on_outage(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _on_outage(lambda key, *args, **kwargs: False)(RedisCache.touch)
    delete = _on_outage(lambda key, **kwargs: False)(RedisCache.delete)
    delete_many = _on_outage(lambda keys, **kwargs: None)(RedisCache.delete_many)
    incr = _on_outage(_missing_key)(RedisCache.incr)
    clear = _on_outage(lambda: False)(RedisCache.clear)

    @_on_outage(lambda key, value, timeout, delete_key: None)
    def set_and_delete(self, key, value, timeout, delete_key):
        """``set(key, value, timeout)`` and ``delete(delete_key)`` in one round trip (a pipeline, not a
        transaction): the page cache stores a page and lets go of its render lock together."""
        key, delete_key = self.make_and_validate_key(key), self.make_and_validate_key(delete_key)
        timeout = self.get_backend_timeout(timeout)
        pipeline = self._cache.get_client(key, write=True).pipeline(transaction=False)
        if timeout == 0:
            pipeline.delete(key)
        else:
            pipeline.set(key, self._cache._serializer.dumps(value), ex=timeout)
        pipeline.delete(delete_key)
        pipeline.execute()
