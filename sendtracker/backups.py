"""Back up the PostgreSQL database with pg_dump, and restore a dump into a new database with pg_restore.

Everything that matters lives in PostgreSQL (the tracker, the articles, the comments, users
and the admin's audit log); Redis holds only what can be rebuilt. A dump is pg_dump's custom
format: compressed, restorable table by table. A restore never writes over a database: it
creates the one it is given, so the damaged or current database is kept until you switch.
See docs/operations.md.
"""

import os
import subprocess

from django.db import connections


class BackupError(Exception):
    """pg_dump, createdb or pg_restore failed; the message is the tool's own."""


def _postgres_settings(alias):
    settings_dict = connections[alias].settings_dict
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(f"The {alias!r} database is not PostgreSQL: back up its file instead.")
    return settings_dict


def client_environment(alias="default", *, name=None):
    """The libpq environment (PGHOST, PGUSER…) for the database ``alias`` or, with ``name``, another on its server."""
    settings_dict = _postgres_settings(alias)
    options = settings_dict.get("OPTIONS", {})
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": name or settings_dict["NAME"],
        "PGSSLMODE": options.get("sslmode"),
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _run(command, environment):
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def backup(path, *, alias="default"):
    """Dump the database to ``path`` (custom format, no owners or privileges, so it restores under any role)."""
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"],
        client_environment(alias),
    )
    return path


def restore(path, *, into, alias="default"):
    """Create the database ``into`` on the same server and restore the dump at ``path`` into it, all or nothing."""
    environment = client_environment(alias, name=into)
    _run(["createdb", into], environment)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={into}",
            path,
        ],
        environment,
    )
    return into


def drop(name, *, alias="default"):
    """Drop the database ``name`` if it exists (a restore check's scratch database)."""
    _run(["dropdb", "--if-exists", name], client_environment(alias, name=name))
