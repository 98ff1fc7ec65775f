"""Dependency keys and their versions in the shared cache.

A key names something pages are built from: ``tracker``, ``articles``, ``council:12``,
``comments:article:5``. Each key has a version (a token never reused) in the shared
cache; a page is stored with the tokens of its keys and served only while they are all
still current. A write replaces the tokens of the keys it changed (``bump``).

* ``kind:id`` keys also depend on ``kind:*``: a write that cannot name its row (a bulk
  update, a truncate) bumps the ``*`` key and so every row of that kind.
* Every page also depends on ``day``, replaced at local midnight (pages may say "today").
* A key may carry an expiry (``expires_at``): an article scheduled for 09:00 appears at
  09:00 with no write, so ``articles`` is replaced then.
* A key missing from the cache (restart, eviction, flush) gets a new random token:
  pages stored under the old one are never served again.
"""

import contextlib
import hashlib
import logging
import math
import secrets
import threading
import time
from datetime import timedelta

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from .copies import retry as retry_copies
from .copies import write as write_copies

logger = logging.getLogger(__name__)

PREFIX = "dep:"
DAY = "day"

_expiry_providers: dict[str, list] = {}
_retry_lock = threading.Lock()
_failed_bumps: set[str] = set()


def expand(keys):
    """``keys`` with ``kind:*`` added for every ``kind:id``, and ``day``, sorted."""
    result = {DAY}
    for key in keys:
        result.add(key)
        if ":" in key and not key.endswith(":*"):
            result.add(key.rsplit(":", 1)[0] + ":*")
    return sorted(result)


class Token:
    """One key's version: a random value, when it was made (ns) and until when it holds (s, or None)."""

    __slots__ = ("value", "made_ns", "expires_at")

    def __init__(self, value, made_ns, expires_at):
        self.value, self.made_ns, self.expires_at = value, made_ns, expires_at

    @classmethod
    def new(cls, expires_at):
        now = time.time_ns()
        return cls(f"{now:x}{secrets.token_hex(4)}", now, expires_at)

    @classmethod
    def from_value(cls, value):
        if isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str):
            return cls(*value)
        return None

    def as_value(self):
        return (self.value, self.made_ns, self.expires_at)

    def expired(self):
        return self.expires_at is not None and time.time() >= self.expires_at

    def last_modified(self):
        """In whole seconds; the next second only once it has passed, so a later edit is never hidden."""
        seconds = math.ceil(self.made_ns / 1e9)
        return seconds if seconds <= time.time() else math.floor(self.made_ns / 1e9)


def expires_at(provider, *, keys):
    """Register ``provider() -> datetime | None``, the next moment ``keys`` change with no write."""
    for key in keys:
        _expiry_providers.setdefault(key, []).append(provider)
    return provider


def _next_midnight():
    now = timezone.localtime()
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


expires_at(_next_midnight, keys=(DAY,))


def _expiry(key):
    moments = []
    for provider in _expiry_providers.get(key, ()):
        try:
            moment = provider()
        except Exception:  # never breaks a write or a page: the key only lives a minute
            logger.exception("Cache expiry provider %r failed; %s expires in a minute.", provider, key)
            moment = timezone.now() + timedelta(minutes=1)
        if moment is not None:
            moments.append(moment)
    return min(moments).timestamp() if moments else None


def bump(keys):
    """Give ``keys`` new tokens: every page stored under the old ones is unreachable at once.

    Returns the new ``{key: Token}``, or None when the cache is unreachable.
    """
    tokens = {key: Token.new(_expiry(key)) for key in set(keys)}
    if not tokens:
        return tokens
    write_copies(tokens)  # on its own: a failure of either write never holds back the other
    try:
        # Names the keys it could not store: the tolerant Redis backend drops them while Redis is down.
        refused = cache.set_many({PREFIX + key: token.as_value() for key, token in tokens.items()}, timeout=None)
    except Exception:
        logger.exception("Could not replace the cache versions of %s; will retry before the next page.", keys)
        refused = True
    if refused:
        # Unreachable now: nothing is served from it, and the bump is retried before the next read.
        _failed_bumps.update(tokens)
        return None
    return tokens


class RenderLock:
    """A render lock ``read`` may take in its own round trip: asked for with the keys its name is made from.

    On Redis, when the entry ``read`` fetches (the last of ``extra``) is missing and every key of
    ``declared`` has a stored token, the read's script takes the lock named ``lock_name(prefix,
    those tokens)`` (SET NX) and ``taken`` says whether it did; otherwise ``taken`` stays None
    and the caller takes the lock itself, by the same name.
    """

    def __init__(self, prefix, declared, seconds):
        self.prefix, self.declared, self.seconds = prefix, declared, seconds
        self.taken = None
        self.name = None


def lock_name(prefix, declared, tokens):
    """The render lock for ``declared`` at ``tokens``: their stored bytes' SHA-1, as the read's script makes it."""
    dumps = _stored_bytes()
    digest = hashlib.sha1(usedforsecurity=False)
    for key in declared:
        digest.update(dumps(tokens[key].as_value()))
    return prefix + digest.hexdigest()


def _stored_bytes():
    serializer = getattr(getattr(cache, "_cache", None), "_serializer", None)
    if serializer is not None:
        return serializer.dumps
    return lambda value: repr(value).encode()  # another cache: any name the same tokens always make


# KEYS: the versions (``declared`` first), then the entry. ARGV: how many versions, how many declared,
# the lock's name up to its digest, its lifetime. Returns the values MGET read and 1 (the lock taken),
# 2 (another request holds it) or 0 (not tried: the entry is there, or a declared version is missing).
_READ_AND_LOCK = """
local values = redis.call('MGET', unpack(KEYS))
local versions, declared = tonumber(ARGV[1]), tonumber(ARGV[2])
if values[versions + 1] then return {values, 0} end
local stored = {}
for position = 1, declared do
  if not values[position] then return {values, 0} end
  stored[position] = values[position]
end
local name = ARGV[3] .. redis.sha1hex(table.concat(stored))
if redis.call('SET', name, '1', 'NX', 'EX', ARGV[4]) then return {values, 1} end
return {values, 2}
"""


def _read_and_lock(keys, extra, lock):
    """``cache.get_many`` of the versions and ``extra``, and ``lock`` tried, in one script; None off Redis."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if lock is None or not extra or not isinstance(backend, RedisCache):
        return None
    declared = [PREFIX + key for key in lock.declared]
    names = declared + [PREFIX + key for key in keys if key not in lock.declared] + list(extra)
    made = [cache.make_key(name) for name in names]
    values, outcome = backend._cache.get_client(made[0], write=True).eval(
        _READ_AND_LOCK,
        len(made),
        *made,
        len(names) - len(extra),
        len(declared),
        cache.make_key(lock.prefix),
        lock.seconds,
    )
    loads = backend._cache._serializer.loads
    found = {name: loads(value) for name, value in zip(names, values, strict=True) if value is not None}
    if outcome:
        lock.taken = outcome == 1
    return found


def read(keys, extra=(), lock=None):
    """``({key: Token}, {extra cache key: value})`` in one round trip; ``(None, {})`` if the cache is unusable.

    ``lock``: a ``RenderLock`` to take in the same round trip if the last of ``extra`` is missing (on Redis).
    """
    retry_copies()
    if _failed_bumps:
        with _retry_lock:
            pending = set(_failed_bumps)
            _failed_bumps.clear()
            if pending and bump(pending) is None:
                return None, {}
    try:
        found = _read_and_lock(keys, extra, lock)
        if found is None:
            found = cache.get_many([PREFIX + key for key in keys] + list(extra))
    except Exception:
        logger.warning("Cache unreachable: pages are served uncached.", exc_info=True)
        return None, {}
    tokens, expired = {}, []
    for key in keys:
        token = Token.from_value(found.pop(PREFIX + key, None))
        if token is None:
            token = _seed(key)
            if token is None:
                return None, {}
        elif token.expired():
            expired.append(key)
        tokens[key] = token
    if lock is not None and lock.taken is not None:
        lock.name = lock_name(lock.prefix, lock.declared, tokens)  # as the script named it, from what it read
        if expired:  # taken under tokens about to be replaced: let go, and the caller takes its own
            if lock.taken:
                with contextlib.suppress(Exception):
                    cache.delete(lock.name)
            lock.taken = lock.name = None
    if expired:
        renewed = bump(expired)
        if renewed is None:
            return None, {}
        tokens.update(renewed)
    return tokens, found


def stored_name(key):
    """The shared cache's own name for ``key``'s version: for a Redis script that reads it with other keys."""
    return cache.make_key(PREFIX + key)


def token_from_stored(raw):
    """The Token in ``raw``, the bytes a Redis script read under ``stored_name(key)``, or None when only
    ``read`` can answer: the key missing or unreadable, its token expired, or a bump waiting to be retried.

    A token returned here is the one ``read`` would have returned (``read`` would change nothing).
    """
    if not isinstance(raw, bytes) or _failed_bumps:
        return None
    try:
        value = cache._cache._serializer.loads(raw)  # the Redis backend's own (Django's RedisSerializer)
    except Exception:
        return None
    token = Token.from_value(value)
    if token is None or token.expired():
        return None
    return token


def _seed(key):
    token = Token.new(_expiry(key))
    try:
        if cache.add(PREFIX + key, token.as_value(), timeout=None):
            return token
        return Token.from_value(cache.get(PREFIX + key))
    except Exception:
        logger.warning("Cache unreachable: pages are served uncached.", exc_info=True)
        return None
