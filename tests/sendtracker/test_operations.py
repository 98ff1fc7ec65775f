"""Operations: /healthz, the 503 page when the database is down, JSON logs with request ids, Redis outages, replica routing."""

import json
import logging
import socket

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.test import Client

from sendtracker import db_router
from sendtracker.cache_backends import TolerantRedisCache
from sendtracker.log import RequestIdFilter

pytestmark = pytest.mark.django_db


def unused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does when PostgreSQL cannot be reached."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal", port 5432 failed: Connection refused')

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.executemany", refuse)


@pytest.fixture
def dead_redis(settings):
    """The cache pointed at a Redis that is not running."""
    settings.REDIS_URL = f"redis://127.0.0.1:{unused_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "sendtracker.cache_backends.TolerantRedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield caches["default"]
    caches["default"].close()


def test_healthz_reports_the_database_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_naming_the_database_when_it_is_down(database_down):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "down"}


def test_healthz_checks_the_cache_when_redis_is_configured(client, dead_redis):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "down"}


def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/"), ("get", "/tracker/"), ("get", "/changes/"), ("get", "/articles/"), ("post", "/admin/login/")],
)
def test_pages_answer_503_with_the_maintenance_page_when_the_database_is_down(database_down, method, path):
    client = Client(raise_request_exception=False)
    response = getattr(client, method)(path, *([{"username": "editor", "password": "x"}] if method == "post" else []))
    assert response.status_code == 503
    assert "SEND Tracker is unavailable for a moment" in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"]


def test_logs_are_json_with_the_request_id(client, caplog, settings):
    with caplog.at_level(logging.INFO, logger="sendtracker.requests"):
        response = client.get("/tracker/", HTTP_X_REQUEST_ID="trace-42")
    record = next(r for r in caplog.records if r.name == "sendtracker.requests")
    assert record.request_id == "trace-42" == response["X-Request-ID"]
    assert record.status == 200

    from pythonjsonlogger.json import JsonFormatter

    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    line = json.loads(JsonFormatter(**options).format(record))
    assert line["request_id"] == "trace-42"
    assert line["logger"] == "sendtracker.requests"
    assert line["level"] == "INFO"
    assert line["path"] == "/tracker/"
    assert line["status"] == 200


def test_the_cache_answers_as_empty_while_redis_is_down(dead_redis, caplog):
    cache = dead_redis
    assert isinstance(cache, TolerantRedisCache)
    assert cache.get("page", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("page", "html") is None
    assert cache.add("counter", 1) is True
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert cache.get_or_set("page", "rendered") == "rendered"
    assert cache.has_key("page") is False
    cache.delete("page")
    cache.touch("page")
    assert "Redis unavailable" in caplog.text


def test_pages_are_served_while_redis_is_down(client, dead_redis):
    assert client.get("/tracker/").status_code == 200


class TestReplicaRouting:
    @pytest.fixture
    def router(self, settings):
        settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
        return db_router.PrimaryReplicaRouter()

    def test_public_reads_go_to_the_replica_inside_a_public_get(self, router):
        from councils.models import Council

        assert router.db_for_read(Council) == "default"
        with db_router.replica_reads(True):
            assert router.db_for_read(Council) == "replica"
        assert router.db_for_write(Council) == "default"

    def test_sessions_users_and_login_attempts_always_read_the_primary(self, router):
        from axes.models import AccessAttempt
        from django.contrib.auth.models import User
        from django.contrib.sessions.models import Session

        with db_router.replica_reads(True):
            for model in (Session, User, AccessAttempt):
                assert router.db_for_read(model) == "default"

    def test_migrations_run_on_the_primary_only(self, router):
        assert router.allow_migrate("default", "councils")
        assert not router.allow_migrate("replica", "councils")

    @pytest.mark.parametrize(
        ("method", "path", "replica"),
        [("GET", "/tracker/", True), ("HEAD", "/", True), ("POST", "/articles/x/", False), ("GET", "/admin/", False)],
    )
    def test_the_middleware_allows_replica_reads_only_for_public_gets(self, rf, method, path, replica):
        from sendtracker.middleware import ReplicaReadsMiddleware

        seen = []
        ReplicaReadsMiddleware(lambda request: seen.append(db_router._replica_reads.get()))(rf.generic(method, path))
        assert seen == [replica]
        assert db_router._replica_reads.get() is False

    def test_without_a_replica_everything_reads_the_primary(self):
        from councils.models import Council

        with db_router.replica_reads(True):
            assert db_router.PrimaryReplicaRouter().db_for_read(Council) == "default"


@pytest.mark.parametrize(("path", "status"), [("/no/such/page/", 404), ("/tracker/?status=bogus", 400)])
def test_django_request_lines_for_4xx_answers_carry_the_request_id(client, caplog, path, status):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(path, HTTP_X_REQUEST_ID="trace-4xx")
    assert response.status_code == status
    record = next(r for r in caplog.records if r.name == "django.request")

    RequestIdFilter().filter(record)

    assert record.request_id == "trace-4xx" == response["X-Request-ID"]


def test_a_refused_request_is_one_log_line_and_a_server_error_is_still_logged_with_its_traceback(client, caplog):
    """A flood of refusals (a 429 per request) writes one line per request, not two: Django's own 4xx
    warning repeated what the request line says. A 500 is still logged, with its traceback."""
    assert logging.getLogger("django.request").getEffectiveLevel() == logging.ERROR
    with caplog.at_level(logging.INFO, logger="sendtracker.requests"):
        response = client.get("/tracker/?status=bogus", HTTP_X_REQUEST_ID="refused-once")
    assert response.status_code == 400
    lines = [record for record in caplog.records if getattr(record, "request_id", None) == "refused-once"]
    lines += [record for record in caplog.records if record.name == "django.request"]
    assert [(record.name, record.levelname) for record in lines] == [("sendtracker.requests", "INFO")]
    assert logging.getLogger("django.request").isEnabledFor(logging.ERROR)


def test_a_line_outside_any_request_says_so_with_a_null_id():
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "outside a request", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id is None
