"""The content version: one token in the shared cache that changes whenever public content does.

The page cache (``sendtracker.page_cache``) keys every stored page, and every ETag,
by this token. Changing it makes every cached page on every app server unreachable
at once, so an edit is visible on the very next request: there is no time-based
expiry to wait for.

What counts as a change is declared once per app, in its ``AppConfig.ready()``::

    content_version.watch_app(self, exclude=("CommentReport",))

From then on every INSERT, UPDATE, DELETE or TRUNCATE that Django sends to one of
that app's tables (its models and their many-to-many tables) bumps the version.
Watching the SQL rather than model signals also catches ``QuerySet.update()``,
``bulk_create()`` and cascades, which send no signals.

The version is bumped right after the statement and again when the transaction
commits (``transaction.on_commit``): a reader that fetched the version before the
commit and rendered the old rows stores its page under a version nobody will ask
for again, so no reader can cache pre-commit state under the current version.

Content can also change with no write at all: an article scheduled for 09:00
appears at 09:00. Apps register ``expires_at`` providers (returning the next such
moment); the version then carries that moment and is replaced once it has passed.

If the cache loses the version (restart, eviction, flush), a new one is seeded from
the clock plus random bits, never reused, so pages stored under the old version
are simply never found again.
"""

import logging
import math
import re
import secrets
import threading
import time
from datetime import timedelta

from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone

logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"

_watched_tables: set[str] = set()
_write_pattern: re.Pattern | None = None
_expiry_providers = []
_retry_lock = threading.Lock()
_bump_failed = False


class Version:
    """A content version: a token that is never reused, when it was made, and until when it holds."""

    __slots__ = ("made_ns", "token", "expires_at")

    def __init__(self, made_ns, token, expires_at):
        self.made_ns = made_ns
        self.token = token
        self.expires_at = expires_at

    @property
    def made_at(self):
        return self.made_ns / 1e9

    def as_value(self):
        return (self.made_ns, self.token, self.expires_at)

    def last_modified(self):
        """``Last-Modified`` for content of this version, in whole seconds.

        HTTP dates carry no fractions: claim the next second only once it has passed, so an
        edit later in the same second can never be hidden behind an ``If-Modified-Since``.
        """
        seconds = math.ceil(self.made_at)
        if seconds > time.time():
            seconds = math.floor(self.made_at)
        return seconds

    @classmethod
    def from_value(cls, value):
        if isinstance(value, tuple) and len(value) == 3 and isinstance(value[1], str):
            return cls(*value)
        return None

    def __repr__(self):
        return f"<Version {self.token}>"


# ---------------------------------------------------------------------------
# Declaring what counts as public content


def watch_app(app_config, *, exclude=()):
    """Bump the version on every write to ``app_config``'s tables, except ``exclude`` (model names)."""
    global _write_pattern
    for model in app_config.get_models(include_auto_created=True):
        if model._meta.object_name in exclude:
            continue
        _watched_tables.add(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            _watched_tables.add(field.remote_field.through._meta.db_table)
    names = "|".join(re.escape(name) for name in sorted(_watched_tables))
    _write_pattern = re.compile(rf'^\s*(?:INSERT|UPDATE|DELETE|TRUNCATE)\b.*?["`](?:{names})["`]', re.I | re.S)
    connection_created.connect(_install_sql_watch, dispatch_uid="content_version_sql_watch")
    # Connections opened before this call (rare: ready() runs before any query).
    for connection in connections.all(initialized_only=True):
        _install_sql_watch(connection=connection)


def expires_at(provider):
    """Register ``provider() -> datetime | None``: the next moment content changes by itself."""
    _expiry_providers.append(provider)
    return provider


def _next_midnight():
    """Pages may say "today": the version rolls over at local midnight."""
    now = timezone.localtime()
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


_expiry_providers.append(_next_midnight)


def is_watched_write(sql):
    if _write_pattern is None or not isinstance(sql, str):
        return False
    # INSERT INTO "t", UPDATE "t" and DELETE FROM "t" name their table first; a bulk INSERT can
    # be megabytes long, so only TRUNCATE (which lists many tables) is searched whole.
    head = sql if sql.lstrip()[:8].upper() == "TRUNCATE" else sql[:200]
    return _write_pattern.search(head) is not None


def _install_sql_watch(sender=None, connection=None, **kwargs):
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if is_watched_write(sql):
        content_changed(using=context["connection"].alias)
    return result


def content_changed(using="default"):
    """Public content changed on connection ``using``: bump now and again when its transaction commits."""
    connection = connections[using]
    if not connection.in_atomic_block:
        bump()  # autocommit: the write is already committed
        return
    bump(refresh_expiry=False)
    pending = any(func is bump for _sids, func, _robust in connection.run_on_commit)
    if not pending:
        transaction.on_commit(bump, using=using)


# ---------------------------------------------------------------------------
# Reading and bumping


def _new_version(expires):
    return Version(time.time_ns(), f"{time.time_ns():x}{secrets.token_hex(4)}", expires)


def _compute_expiry():
    moments = []
    for provider in _expiry_providers:
        try:
            moment = provider()
        except Exception:  # a provider must never break a write or a page; it only shortens the version's life
            logger.exception("Content version expiry provider %r failed; the version expires in a minute.", provider)
            moment = timezone.now() + timedelta(minutes=1)
        if moment is not None:
            moments.append(moment)
    return min(moments).timestamp() if moments else None


def bump(refresh_expiry=True):
    """Replace the version: every page cached so far becomes unreachable."""
    global _bump_failed
    if refresh_expiry:
        expires = _compute_expiry()
    else:
        try:
            previous = Version.from_value(cache.get(VERSION_KEY))
        except Exception:
            previous = None
        expires = previous.expires_at if previous else _next_midnight().timestamp()
    version = _new_version(expires)
    try:
        cache.set(VERSION_KEY, version.as_value(), timeout=None)
    except Exception:
        # The cache is unreachable: no page can be served from it now, and we retry
        # the bump before this process next reads the version, so none is served stale later.
        logger.exception("Could not bump the content version; will retry before the next cached page.")
        _bump_failed = True
        return None
    _bump_failed = False
    return version


def current():
    """The current version, or None when the cache cannot be used (then nothing is cached)."""
    return current_and(())[0]


def current_and(keys):
    """``(current version, {key: value})``: the version and other cache keys in one round trip.

    The page cache reads a page's entry together with the version this way.
    """
    if _bump_failed:
        with _retry_lock:
            if _bump_failed and bump() is None:
                return None, {}
    try:
        values = cache.get_many([VERSION_KEY, *keys]) if keys else {VERSION_KEY: cache.get(VERSION_KEY)}
    except Exception:
        logger.warning("Cache unreachable: pages are served uncached.", exc_info=True)
        return None, {}
    version = Version.from_value(values.pop(VERSION_KEY, None))
    if version is not None and version.expires_at is not None and time.time() >= version.expires_at:
        return bump(), {}
    if version is None:
        return _seed(), {}
    return version, values


def _seed():
    """No version in the cache (first start, restart, eviction): make one that was never used."""
    version = _new_version(_compute_expiry())
    try:
        if cache.add(VERSION_KEY, version.as_value(), timeout=None):
            return version
        return Version.from_value(cache.get(VERSION_KEY))
    except Exception:
        logger.warning("Cache unreachable: pages are served uncached.", exc_info=True)
        return None
