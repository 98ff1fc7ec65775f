"""The benchmark's baseline and cache bypass exist only under bench/settings.py, never in production.

`make bench` starts gunicorn with DJANGO_SETTINGS_MODULE=bench.settings, which adds
/bench/ping and honours the X-Bench-No-Page-Cache header; the production settings (which
the test settings extend) know nothing of either.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

import bench.settings
import sendtracker.settings
from bench import server

pytestmark = pytest.mark.django_db

BASE = Path(__file__).resolve().parents[2]
BYPASS = {"HTTP_X_BENCH_NO_PAGE_CACHE": "1"}
# The only settings bench/settings.py changes.
BENCH_ONLY = ("ROOT_URLCONF", "MIDDLEWARE")


@pytest.fixture
def bench_settings(settings):
    for name in BENCH_ONLY:
        setattr(settings, name, getattr(bench.settings, name))
    return settings


def test_bench_settings_change_only_the_urls_and_the_page_cache():
    changed = {
        name
        for name in dir(bench.settings)
        if name.isupper() and getattr(bench.settings, name) != getattr(sendtracker.settings, name, None)
    }
    assert changed == set(BENCH_ONLY)


def test_the_bench_runs_the_server_with_the_bench_settings():
    args = argparse.Namespace(port=8500, workers=2, threads=4, db="pool", env=[])
    redises = server.Redises("redis://127.0.0.1:1/0", "redis://127.0.0.1:2/0")
    env = server.bench_env(args, redises)
    assert env["DJANGO_SETTINGS_MODULE"] == "bench.settings"
    assert (env["REDIS_URL"], env["DJANGO_LIMITS_REDIS_URL"]) == redises


def test_the_bench_stores_its_pages_in_a_redis_of_its_own_and_stops_it(tmp_path, monkeypatch):
    """A run stores thousands of distinct 180 KB tracker pages: they must not be left in the machine's Redis
    (one day's runs had left 15 GB there). The bench's Redises are laid out as docs/deploy.md asks: the
    page cache's evicts, the limits' does not."""
    import redis

    monkeypatch.delenv("BENCH_REDIS_URL", raising=False)
    with server.own_redis(tmp_path / "redis.log") as redises:
        pages, limits = redis.Redis.from_url(redises.pages), redis.Redis.from_url(redises.limits)
        assert os.environ.get("REDIS_URL") not in redises
        assert redises.pages != redises.limits
        assert pages.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
        assert int(pages.config_get("maxmemory")["maxmemory"]) > 0
        assert limits.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
        for client in (pages, limits):
            assert client.config_get("save") == {"save": ""}
            client.set("page", b"x" * 1000)
    for client in (pages, limits):
        with pytest.raises(redis.ConnectionError):
            client.ping()


def test_production_has_no_bench_code(settings):
    assert not hasattr(settings, "BENCH_MODE")
    assert not any("bench" in name for name in settings.MIDDLEWARE)
    assert settings.ROOT_URLCONF == "sendtracker.urls"


def test_no_environment_variable_turns_the_bench_on_in_production():
    """The old switch, DJANGO_BENCH=1, added /bench/ping to the production URLconf."""
    code = (
        "import django; django.setup(); from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/bench/ping')\nexcept Resolver404:\n    print('404')"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sendtracker.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "production-like-secret-key-" + "Zq8x!" * 10,
        "DJANGO_BENCH": "1",
    }
    output = subprocess.run([sys.executable, "-c", code], cwd=BASE, env=environment, capture_output=True, text=True)
    assert output.returncode == 0, output.stderr
    assert output.stdout.strip() == "404"


def test_production_has_no_ping(client):
    assert client.get("/bench/ping").status_code == 404


def test_production_ignores_the_bypass_header(client):
    assert client.get("/tracker/", **BYPASS)["X-Page-Cache"] == "miss"
    assert client.get("/tracker/", **BYPASS)["X-Page-Cache"] == "hit"


def test_bench_serves_ping_past_the_page_cache(bench_settings, client):
    for _ in range(2):
        response = client.get("/bench/ping")
        assert response.status_code == 200
        assert response.content == b"pong"
        assert "X-Page-Cache" not in response


def test_bench_bypass_header_reaches_the_view(bench_settings, client):
    assert client.get("/tracker/")["X-Page-Cache"] == "miss"
    assert client.get("/tracker/")["X-Page-Cache"] == "hit"
    bypassed = client.get("/tracker/", **BYPASS)
    assert bypassed.status_code == 200
    assert "X-Page-Cache" not in bypassed
    assert b"<table" in bypassed.content


def test_bench_bypass_stores_nothing(bench_settings, client):
    assert "X-Page-Cache" not in client.get("/tracker/", **BYPASS)
    assert client.get("/tracker/")["X-Page-Cache"] == "miss"


def test_the_scenarios_no_cache_can_answer_never_repeat_a_request():
    """The tracker's and the API's scenarios with distinct filters send a valid date and sort no
    earlier request of the run sent: a five-round run sends some 5,000 of each (a random day each time, as
    the API scenario once did, repeated most of them by then and was answered by the page cache)."""
    from bench import scenarios

    sequence = scenarios.tracker_filter_sequence()
    for path in (scenarios.DISTINCT_TRACKER_PATH, scenarios.DISTINCT_API_PATH):
        sent = [scenarios.sequence_path(path, sequence, n) for n in range(20000)]
        assert len(set(sent)) == len(sent)
        assert all("{" not in url and "as_of=" in url and "ordering=" in url for url in sent)


def test_each_round_of_wrk_makes_its_texts_new_not_only_new_in_the_run():
    """The database keeps every run's comments, and wrk seeds its random numbers from the clock, so two
    runs could send the same "A benchmark comment {n}" texts: one round of "comment POST valid" was
    answered 400 ("already been sent") 325 times. Each round now begins every "{n}" with a salt of its own."""
    from bench import load

    scenario = {"method": "POST", "path": "/articles/a/comments/", "body": "text={n}&started={token}", "tokens": []}
    salts = {load.wrk_config(scenario, threads=1)["salt"] for _ in range(50)}
    assert len(salts) == 50 and all(len(salt) == 16 for salt in salts)
    script = load.WRK_SCRIPT.read_text()
    assert 'local unique = (config.salt or "") ..' in script
