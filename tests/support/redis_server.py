"""A redis-server of a test module's own, and Django's cache and sessions pointed at it.

Tests that count the Redis commands a request makes, or that need Redis's own behaviour
(ADD, INCR, expiry), ask for ``production_stores`` (tests/conftest.py makes both fixtures
available everywhere; the server starts only for a module that asks).
"""

import contextlib
import shutil
import socket
import subprocess
import time

import pytest
import redis


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_redis(*options):
    """``(client, port)`` of a redis-server of its own (no persistence, ``options`` added), stopped at the end."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed; these tests run against a real Redis")
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", *options],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield client, port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def redis_server():
    """``(client, port)`` of a redis-server started for the module (no persistence)."""
    with running_redis() as server:
        yield server


@pytest.fixture
def production_stores(redis_server, settings):
    """The production cache backend and session store, on the module's Redis, emptied for each test."""
    client, port = redis_server
    client.flushdb()
    store = {
        "BACKEND": "sendtracker.cache_backends.TolerantRedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "KEY_PREFIX": "test",
        "TIMEOUT": None,
    }
    # One Redis for the pages and the limits, as with REDIS_URL alone.
    settings.CACHES = {"default": store, "limits": dict(store)}
    settings.SESSION_ENGINE = "sendtracker.sessions.cached_db"
    return client


def redis_commands(client):
    """The commands Redis ran since the last call, by name (the module's Redis serves nobody else)."""
    stats = client.info("commandstats")
    client.config_resetstat()
    counts = {name.removeprefix("cmdstat_"): value["calls"] for name, value in stats.items()}
    return {name: calls for name, calls in counts.items() if name not in ("info", "config|resetstat")}


class RoundTrips:
    """What redis-py sends from now on: one ``send_packed_command`` (a command, a pipeline or a script) is one
    round trip. ``count`` in all, ``by_port``: how many to each redis-server."""

    def __init__(self, monkeypatch):
        self.count = 0
        self.by_port = {}
        original = redis.connection.AbstractConnection.send_packed_command

        def counted(connection, *args, **kwargs):
            self.count += 1
            self.by_port[connection.port] = self.by_port.get(connection.port, 0) + 1
            return original(connection, *args, **kwargs)

        monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)

    def reset(self):
        self.count = 0
        self.by_port = {}


@pytest.fixture
def round_trips(monkeypatch):
    """A ``RoundTrips`` counting from the start of the test."""
    return RoundTrips(monkeypatch)
