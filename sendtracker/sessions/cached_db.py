"""Redis in front of the database, with signed keys, and keys known to be gone remembered.

A key this site issued whose session no longer exists (signed out, expired, deleted) would
still miss in Redis and be looked up in the database on every request. The first lookup
leaves ``GONE`` in the session's own cache entry for ``GONE_SECONDS``; until then the key
is treated like a junk one (no session, a new key if one is saved).

Why the marker cannot hide a real session:

* it is written with ``add``, never over an entry: a session saved between the database
  miss and the marker keeps its entry;
* saving a session writes its entry with ``set``, replacing any marker;
* a new key is never one that has a marker: ``exists()`` counts the entry, so
  ``_get_new_session_key`` draws again (and keys are random and signed, so a client cannot
  choose the key it is later given: signing in always makes a new one).
"""

import contextlib

from django.contrib.sessions.backends import cached_db

from . import SignedKeys

GONE = "sendtracker.sessions:gone"
GONE_SECONDS = 60


class SessionStore(SignedKeys, cached_db.SessionStore):
    def load(self):
        cache_key = self.cache_key_prefix + self.session_key
        try:
            data = self._cache.get(cache_key)
        except Exception:  # as Django's: a backend refusing the key resets the session
            data = None
        if data == GONE:
            self._session_key = None
            return {}
        if data is not None:
            return data
        stored = self._get_session_from_db()  # sets the key to None when it is gone
        if stored is None:
            with contextlib.suppress(Exception):
                self._cache.add(cache_key, GONE, GONE_SECONDS)
            return {}
        data = self.decode(stored.session_data)
        self._cache.set(cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    async def aload(self):
        cache_key = self.cache_key_prefix + self.session_key
        try:
            data = await self._cache.aget(cache_key)
        except Exception:
            data = None
        if data == GONE:
            self._session_key = None
            return {}
        if data is not None:
            return data
        stored = await self._aget_session_from_db()
        if stored is None:
            with contextlib.suppress(Exception):
                await self._cache.aadd(cache_key, GONE, GONE_SECONDS)
            return {}
        data = self.decode(stored.session_data)
        await self._cache.aset(cache_key, data, await self.aget_expiry_age(expiry=stored.expire_date))
        return data
