"""Primary/replica routing, used only when DATABASE_REPLICA_URL is set.

Public pages fetched with GET read from the replica. Everything else reads from
the primary: the admin, every request that writes, and the tables that must be
read back at once after a write anywhere (sessions, users, login attempts, the
admin log). All writes and migrations go to the primary.
"""

import contextlib
import contextvars

from django.conf import settings

_replica_reads = contextvars.ContextVar("replica_reads", default=False)

PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "admin", "axes", "contenttypes"})


@contextlib.contextmanager
def replica_reads(allowed=True):
    token = _replica_reads.set(allowed)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_reads.get() and "replica" in settings.DATABASES and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
