"""What a write changed: the database tables mapped to dependency keys.

Each app declares, in its ``AppConfig.ready()``, which keys its tables feed::

    cache.watch_app(self, "tracker", rows={"Council": (council_keys, ("council:*",))})

Every INSERT, UPDATE, DELETE or TRUNCATE Django sends to one of the app's tables then
bumps the app's keys. Watching the SQL (not model signals) also catches
``QuerySet.update()``, ``bulk_create()``, cascades and raw SQL.

``rows`` narrows a model's writes to row keys: ``(function(instance, adding) -> keys,
keys for any row)``. When a statement comes from that model's ``save()`` or ``delete()``
(announced by ``pre_save``/``pre_delete``), the function's keys are bumped; any other write
to its table (no row named: ``update()``, a cascade's ``SET NULL``) bumps the app's keys and
the "any row" keys (``council:*``). The function may return no keys (a held comment changes
nothing public).

Keys are bumped right after the statement and again when the transaction commits, so a
reader that fetched the tokens before the commit and rendered the old rows stores its
page under tokens nobody will ask for again. After the commit, the changed keys are
also purged from the caching proxies (``purge``).
"""

import re
import threading

from django.core.signals import request_started
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from .purge import send as send_purge
from .versions import bump

_table_keys: dict[str, frozenset] = {}
_row_keys = {}  # model -> function(instance, adding) -> keys
_pattern = None
_local = threading.local()  # .rows: {table: [keys, ...]} announced by pre_save/pre_delete; .changed: {alias: set}


def watch_app(app_config, *keys, rows=None, exclude=()):
    """Bump ``keys`` on every write to ``app_config``'s tables (models in ``exclude`` are private).

    ``rows`` maps model names to ``(function(instance, adding) -> keys, keys for any row)``.
    """
    rows = rows or {}
    for model in app_config.get_models(include_auto_created=True):
        name = model._meta.object_name
        if name in exclude:
            continue
        table_keys = set(keys)
        if name in rows:
            row_function, any_row = rows[name]
            _row_keys[model] = row_function
            for signal in (pre_save, pre_delete):
                signal.connect(_announce_row, sender=model, dispatch_uid=f"cache-row-{signal}-{model._meta.label}")
            for signal in (post_save, post_delete):
                signal.connect(_forget_rows, sender=model, dispatch_uid=f"cache-forget-{signal}-{model._meta.label}")
            table_keys.update(any_row)
        _table_keys[model._meta.db_table] = frozenset(table_keys)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through._meta.db_table
            _table_keys[through] = frozenset(_table_keys.get(through, frozenset()) | set(keys))
    _compile()
    connection_created.connect(_install, dispatch_uid="cache-sql-watch")
    request_started.connect(_reset_rows, dispatch_uid="cache-reset-rows")
    for connection in connections.all(initialized_only=True):
        _install(connection=connection)


def _compile():
    global _pattern
    names = "|".join(re.escape(name) for name in sorted(_table_keys, key=len, reverse=True))
    _pattern = re.compile(rf'["`]({names})["`]')


def tables_written(sql):
    """The watched tables an INSERT, UPDATE, DELETE or TRUNCATE names, else ()."""
    if _pattern is None or not isinstance(sql, str):
        return ()
    head = sql.lstrip()[:9].upper()
    if head.startswith("TRUNCATE"):
        return set(_pattern.findall(sql))
    if not head.startswith(("INSERT", "UPDATE", "DELETE")):
        return ()
    # INSERT INTO "t", UPDATE "t" and DELETE FROM "t" name their table first.
    match = _pattern.search(sql[:200])
    return (match.group(1),) if match else ()


def _rows():
    if not hasattr(_local, "rows"):
        _local.rows = {}
    return _local.rows


def _tables_of(model):
    return [model._meta.db_table] + [parent._meta.db_table for parent in model._meta.get_parent_list()]


def _announce_row(sender, instance, **kwargs):
    adding = instance._state.adding if kwargs.get("signal") is pre_save else False
    keys = tuple(_row_keys[sender](instance, adding))
    for table in _tables_of(sender):
        _rows().setdefault(table, []).append(keys)


def _forget_rows(sender, **kwargs):
    for table in _tables_of(sender):
        _rows().pop(table, None)


def _reset_rows(**kwargs):
    _rows().clear()


def _install(sender=None, connection=None, **kwargs):
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _watch(execute, sql, params, many, context):
    tables = tables_written(sql)
    announced = [_rows().pop(table, None) for table in tables]
    result = execute(sql, params, many, context)
    keys = set()
    for table, rows in zip(tables, announced, strict=True):
        if rows is None:
            keys |= _table_keys[table]
        else:
            for row in rows:
                keys.update(row)
    if keys:
        changed(keys, using=context["connection"].alias)
    return result


def changed(keys, using="default"):
    """``keys`` changed on connection ``using``: bump now, and again (and purge) when its transaction commits."""
    connection = connections[using]
    if not connection.in_atomic_block:
        bump(keys)
        send_purge(keys)
        return
    bump(keys)
    if not hasattr(_local, "changed"):
        _local.changed = {}
    flushes = (getattr(func, "cache_flush", None) == using for _sids, func, _robust in connection.run_on_commit)
    if using not in _local.changed or not any(flushes):
        # The first write of this transaction: keys still pending belong to one rolled back
        # (its flush was discarded with it), which changed nothing to purge. (A flush already
        # run but still listed is one a test ran with captureOnCommitCallbacks.)
        _local.changed[using] = set()
        transaction.on_commit(_flusher(using), using=using)
    _local.changed[using].update(keys)


def _flusher(using):
    def flush():
        keys = _local.changed.pop(using, set())
        bump(keys)
        send_purge(keys)

    flush.cache_flush = using
    return flush
