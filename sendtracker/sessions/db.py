"""Database sessions with signed keys (``sendtracker.sessions``), used when there is no Redis."""

from django.contrib.sessions.backends import db

from . import SignedKeys


class SessionStore(SignedKeys, db.SessionStore):
    pass
