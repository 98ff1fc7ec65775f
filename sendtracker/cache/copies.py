"""Copies, in the store of limits, of the versions a script there must read: one round trip, not two.

A refused comment is answered in one round trip to the store of limits (comments/protection.py):
the claim's script also reads whether the articles have changed since this process last read
the one its page shows. That is the page cache's ``articles`` version, which lives in the
page cache's Redis. Where the limits have a Redis of their own (``sendtracker.limits``,
docs/deploy.md), each ``versions.bump`` of a key kept here (``keep``) also writes a new value
for it in the limits' Redis, and the script reads that value instead.

The value is not the page cache's token: it is a random number, replaced at each bump, and all
a reader may ask of it is "has it changed since?". The two writes can part:

* **The copy's write fails** (the limits' Redis unreachable a moment): the writing process writes
  it again before its next read of the versions, and with its next bump (as ``versions`` retries
  its own). Meanwhile, whoever keeps something by a copy's value also checks it against the page
  cache's own version at least every ``CHECK_SECONDS`` and, when that moved and the copy did not,
  replaces the copy (``replace``), for every process. A copy that missed a bump is believed for
  ``CHECK_SECONDS`` at most.
* **The page cache's write fails**: the copy still changes (each write is tried on its own).
* **The copy is missing** (a new or emptied limits Redis): the script reads nothing, the reader
  reads the page cache's version instead, and ``seed`` writes a copy for next time.

Where the limits share the page cache's Redis, nothing is copied: the script reads the version itself.
"""

import logging
import secrets

from sendtracker import limits

logger = logging.getLogger(__name__)

PREFIX = "version-copy:"
# How long a value kept by a copy's value is believed without a look at the page cache's version.
CHECK_SECONDS = 5

_kept: set[str] = set()
_failed: set[str] = set()


def keep(*keys):
    """Copy ``keys``' versions into the store of limits at each bump (from an ``AppConfig.ready()``)."""
    _kept.update(keys)


def active(key):
    """Whether ``key`` is copied: kept here, with the limits in a Redis of their own."""
    return key in _kept and not limits.shares_page_cache()


def stored_name(key):
    """The limits' store's own name for ``key``'s copy: for a Redis script that reads it."""
    return limits.store().make_key(PREFIX + key)


def value_from_stored(raw, key):
    """The value of ``key``'s copy in ``raw``, what a script read under ``stored_name(key)``.

    A missing copy is seeded (``seed``) and the new value returned. None when it is unreadable,
    could not be seeded, or while a write of a copy waits to be retried here (it may be the old one).
    """
    if _failed:
        return None
    if raw is None:
        return seed(key)
    try:
        return int(raw)  # Django's RedisSerializer stores a whole number as its digits
    except (TypeError, ValueError):
        return None


def write(keys):
    """A new value for each of ``keys`` that is copied: called by ``versions.bump`` for the keys it replaced."""
    copied = {key for key in keys if active(key)}
    if not copied:
        return
    try:
        refused = limits.store().set_many({PREFIX + key: _new_value() for key in copied}, timeout=None)
    except Exception:
        logger.exception("Could not replace the copied versions of %s; will retry.", sorted(copied))
        refused = True
    if refused:  # the tolerant backend names what it dropped while Redis was down
        _failed.update(copied)
    else:
        _failed.difference_update(copied)


def retry():
    """Write again the copies whose last write failed (before the next read of the versions)."""
    if _failed:
        write(set(_failed))


def replace(key):
    """A new value for ``key``'s copy, written now; returns it, or None when it could not be written."""
    value = _new_value()
    try:
        refused = limits.store().set_many({PREFIX + key: value}, timeout=None)
    except Exception:
        logger.warning("Could not replace the copied version of %s.", key, exc_info=True)
        return None
    return None if refused else value


def seed(key):
    """A first value for a missing copy (ADD: a concurrent bump's value wins); returns it, or None."""
    value = _new_value()
    try:
        return value if limits.store().add(PREFIX + key, value, timeout=None) else None
    except Exception:
        logger.warning("Could not write the copied version of %s.", key, exc_info=True)
        return None


def _new_value():
    return secrets.randbits(62)
