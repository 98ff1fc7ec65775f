"""Django's Redis cache backend, without building a new Redis client for every cache call.

Django's RedisCacheClient.get_client() constructs a ``redis.Redis`` per operation; with
redis-py 8 that costs more than the round trip itself (about 0.4 ms against 0.2 ms
here), and the page cache makes one or two cache calls on every request. A client
object is thread-safe and holds no connection of its own (connections come from the
pool), so one per connection pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients.setdefault(index, self._client(connection_pool=self._get_connection_pool(write)))
        return client


class RedisCache(DjangoRedisCache):
    """Use as the BACKEND, or set ``_class = ReusedClientRedisCacheClient`` in another RedisCache subclass."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
