"""Session stores whose keys say, without a lookup, whether the server could have issued them.

A request carrying a ``sessionid`` must find out whether it is signed in before the page
cache may answer it. With Django's stores any string of eight characters or more is looked
up: ``cached_db`` misses in Redis and asks the database, so a client sending a new random
cookie with every request made each one cost a query (issue 14: "tracker, junk session
cookie"). Here a key is 24 random characters followed by 16 of an HMAC of them
(``SECRET_KEY``, or one of ``SECRET_KEY_FALLBACKS`` while rotating); a key without a valid
HMAC is treated as no key at all, as Django treats a key that is too short: no lookup, an
empty anonymous session, and a new key if the session is ever saved. A signed-in
reader's key is always a real one, so is always looked up.

Keys the server did issue but that no longer exist (signed out, expired) are remembered
briefly by ``cached_db`` (see there). Sessions made before these stores (32 characters,
no HMAC) are not recognised: staff sign in again once after the deploy that brings them.

``SESSION_ENGINE`` is ``sendtracker.sessions.cached_db`` with Redis, else
``sendtracker.sessions.db``.
"""

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac

RANDOM_LENGTH = 24
MAC_LENGTH = 16  # 24 + 16 = 40, the session table's key length
SALT = "sendtracker.sessions.key"


def _mac(random_part, secret):
    return salted_hmac(SALT, random_part, secret=secret, algorithm="sha256").hexdigest()[:MAC_LENGTH]


def new_key():
    random_part = get_random_string(RANDOM_LENGTH, VALID_KEY_CHARS)
    return random_part + _mac(random_part, settings.SECRET_KEY)


def issued_here(key):
    """Whether ``key`` has the shape of a key this site made: a cheap check, never a lookup."""
    if not isinstance(key, str) or len(key) != RANDOM_LENGTH + MAC_LENGTH:
        return False
    random_part, mac = key[:RANDOM_LENGTH], key[RANDOM_LENGTH:]
    return any(
        constant_time_compare(mac, _mac(random_part, secret))
        for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    )


class SignedKeys:
    """Mixin for a Django session store: new keys carry an HMAC; keys without one are ignored."""

    def _validate_session_key(self, key):
        return issued_here(key)

    def _get_new_session_key(self):
        while True:
            key = new_key()
            if not self.exists(key):
                return key

    async def _aget_new_session_key(self):
        while True:
            key = new_key()
            if not await self.aexists(key):
                return key
