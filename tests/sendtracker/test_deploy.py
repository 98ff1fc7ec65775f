"""Production settings: `check --deploy` is clean, weak keys are refused, HTTPS is enforced (each in a fresh process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k7#Qx2!vR9@pL4$wZ8^mN3&tB6*yH1(cF5)jD0_gS2+eU7=aW4-iO9"
PRODUCTION = {
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "send-tracker.example",
    "DATABASE_URL": "postgres://tracker@db.internal:5432/sendtracker",
}


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "sendtracker.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(names, **env):
    code = (
        "import json; import sendtracker.settings as settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"DJANGO_ALLOWED_HOSTS": "example.org"},
        # The scaled-out set-up: shared Redis, a read replica, behind a TLS-terminating load balancer.
        {
            "REDIS_URL": "redis://cache.internal:6379/0",
            "DATABASE_REPLICA_URL": "postgres://tracker@replica.internal:5432/sendtracker",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
            "DJANGO_ADMIN_URL": "newsroom-7f3a/",
        },
    ],
    ids=["minimal", "example.org", "scaled-out"],
)
def test_check_deploy_reports_nothing_in_production(extra):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **{**PRODUCTION, **extra})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "key",
    ["", "changeme", "django-insecure-" + "x" * 50, "short-but-random-7Hq2", "a" * 60, "abcd" * 20],
)
def test_a_weak_secret_key_stops_production_with_one_line(key):
    result = run(["-c", "import sendtracker.settings"], **{**PRODUCTION, "DJANGO_SECRET_KEY": key})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters when DJANGO_DEBUG is off."
    )
    assert "Traceback" not in result.stderr


def test_production_forces_https_with_hsts_and_secure_cookies():
    values = settings_with(
        [
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_PROXY_SSL_HEADER",
        ],
        **PRODUCTION,
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_development_does_not_redirect_to_https():
    values = settings_with(["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"], DJANGO_DEBUG="1")
    assert values == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("HTTP_X_FORWARDED_PROTO", ["HTTP_X_FORWARDED_PROTO", "https"]),
        ("HTTP_X_FORWARDED_SSL=on", ["HTTP_X_FORWARDED_SSL", "on"]),
    ],
)
def test_the_proxy_ssl_header_is_set_from_the_environment(value, expected):
    values = settings_with(["SECURE_PROXY_SSL_HEADER"], **PRODUCTION, DJANGO_SECURE_PROXY_SSL_HEADER=value)
    assert values["SECURE_PROXY_SSL_HEADER"] == expected


def test_the_admin_path_comes_from_the_environment():
    code = "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))"
    result = run(["-c", code], **PRODUCTION, DJANGO_ADMIN_URL="newsroom-7f3k/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/newsroom-7f3k/"


def test_sessions_live_in_the_database_or_redis_never_in_one_server():
    assert settings_with(["SESSION_ENGINE"], **PRODUCTION)["SESSION_ENGINE"] == "sendtracker.sessions.db"
    with_redis = settings_with(["SESSION_ENGINE", "CACHES"], **PRODUCTION, REDIS_URL="redis://cache.internal:6379/0")
    assert with_redis["SESSION_ENGINE"] == "sendtracker.sessions.cached_db"
    assert with_redis["CACHES"]["default"]["BACKEND"] == "sendtracker.cache_backends.TolerantRedisCache"


def test_old_secret_keys_can_be_kept_as_fallbacks_while_rotating():
    values = settings_with(["SECRET_KEY_FALLBACKS"], **PRODUCTION, DJANGO_SECRET_KEY_FALLBACKS="old-key-1,old-key-2")
    assert values["SECRET_KEY_FALLBACKS"] == ["old-key-1", "old-key-2"]
