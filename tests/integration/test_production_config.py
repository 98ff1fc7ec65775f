"""Production configuration the benchmark relies on: compiled templates kept, gthread gunicorn, the DB pool."""

import ast
import gc
import os
import runpy
import subprocess
import sys
import weakref
from pathlib import Path

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

BASE = Path(__file__).resolve().parents[2]


def test_templates_are_compiled_once_per_process():
    assert isinstance(engines["django"].engine.template_loaders[0], CachedLoader)


def test_gunicorn_runs_threaded_workers_logging_to_stdout(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("GUNICORN_THREADS", "6")
    config = runpy.run_path(str(BASE / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread"
    assert config["threads"] == 6
    assert config["bind"] == "0.0.0.0:8123"
    assert config["accesslog"] == "-"
    assert config["wsgi_app"] == "sendtracker.wsgi:application"


def test_a_worker_keeps_what_loading_the_app_made_out_of_full_collections():
    """The objects a loaded app holds for good (here this test process's: Django, the project, the
    test libraries) are frozen, so a full collection no longer walks them; garbage is not frozen."""
    config = runpy.run_path(str(BASE / "gunicorn.conf.py"))
    loop = []
    loop.append(loop)
    garbage = weakref.ref(Tracked(loop))
    del loop
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000
        assert garbage() is None  # collected before the freeze, not kept for good
    finally:
        gc.unfreeze()


class Tracked:
    def __init__(self, loop):
        self.loop = loop
        loop.append(self)


def read_production_database_settings(**env):
    code = "from sendtracker import settings; print(repr((settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default'].get('OPTIONS', {}).get('pool'))))"
    inherited = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DB_POOL", "DJANGO_CONN_MAX_AGE")}
    environment = {
        **inherited,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "production-like-secret-key-" + "Zq8x!" * 10,
        "DATABASE_URL": "postgres://app@db.internal:5432/sendtracker",
        **env,
    }
    output = subprocess.run([sys.executable, "-c", code], cwd=BASE, env=environment, capture_output=True, text=True)
    assert output.returncode == 0, output.stderr
    return ast.literal_eval(output.stdout)


def test_postgresql_uses_a_connection_pool_sized_to_the_threads():
    conn_max_age, pool = read_production_database_settings(GUNICORN_THREADS="8")
    assert conn_max_age == 0
    assert pool["max_size"] == 8


def test_the_pool_can_be_turned_off_for_persistent_connections():
    conn_max_age, pool = read_production_database_settings(DJANGO_DB_POOL="0", DJANGO_CONN_MAX_AGE="600")
    assert (conn_max_age, pool) == (600, None)


def test_the_redis_cache_reuses_one_client_per_connection_pool():
    from sendtracker.redis_cache import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/5", {})  # building clients opens no connection
    client = backend._cache.get_client("key")
    assert backend._cache.get_client("other", write=True) is client
    assert client.connection_pool is backend._cache._get_connection_pool(write=False)
