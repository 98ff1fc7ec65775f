"""Settings for SEND Tracker, driven by the environment.

One module for every environment. Development needs nothing set except
``DJANGO_DEBUG=1`` (``make run`` sets it); production must set
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and ``DATABASE_URL``, and should set
``REDIS_URL``. Test tweaks live in ``tests/settings.py``.
"""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


class ImproperlyConfiguredExit(SystemExit):
    """Refuse to start with a one-line message, not a traceback."""


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DJANGO_DEBUG", False)

# Weak or example keys are refused in production, as is no key at all.
WEAK_SECRET_KEYS = {"", "changeme", "secret", "django-insecure", "dev", "development"}
SECRET_KEY = env("DJANGO_SECRET_KEY", "")
if not DEBUG and (
    SECRET_KEY.lower() in WEAK_SECRET_KEYS
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    sys.stderr.write(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters when DJANGO_DEBUG is off.\n"
    )
    raise ImproperlyConfiguredExit(1)
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "councils",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sessions, CSRF, auth and messages (see sendtracker/page_cache.py).
    "sendtracker.page_cache.PageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sendtracker.urls"
WSGI_APPLICATION = "sendtracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sendtracker.page_cache.csrf_placeholder",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL through psycopg 3 in production and CI);
# without it, an embedded SQLite file for zero set-up development.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}

# Cache: Redis when REDIS_URL is set (shared by every app server), local memory otherwise.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's backend, reusing its Redis client (perf, issue 6: sendtracker/redis_cache.py).
            "BACKEND": "sendtracker.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("DJANGO_CACHE_PREFIX", "sendtracker"),
            "TIMEOUT": None,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sendtracker",
            "TIMEOUT": None,
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "SEND Tracker API",
    "DESCRIPTION": "Open data on the DfE's £70m SEND and AP change programme pilot.",
    "VERSION": "1.0.0",
}

# Editorial settings.
SITE_NAME = "SEND Tracker"
SITE_URL = env("DJANGO_SITE_URL", "http://127.0.0.1:8000")
ADMIN_URL = env("DJANGO_ADMIN_URL", "admin/")

# --- Performance (perf, issue 6): page cache, database connections, static files, gunicorn ---
# Templates: Django wraps the loaders in the cached loader whenever OPTIONS["loaders"]
# is not given, so each template is compiled once per process.
#
# Page cache (sendtracker/page_cache.py): anonymous GET responses in the shared cache,
# keyed by the content version (sendtracker/content_version.py) that every write to
# the councils and articles tables replaces. DJANGO_PAGE_CACHE=0 turns it off.
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", True)
PAGE_CACHE_EXCLUDE = (
    rf"^/{ADMIN_URL}",
    r"^/healthz",
    r"/comments?/",
    r"/thanks/?$",
    r"/report/?$",
    r"^/bench/",
)
PAGE_CACHE_VARY_ON_ACCEPT = ("/api/",)  # paths whose responses depend on the Accept header
# Entries under replaced versions are never read again; this only returns their memory.
PAGE_CACHE_ENTRY_TIMEOUT = env_int("DJANGO_PAGE_CACHE_ENTRY_TIMEOUT", 24 * 3600)
# Each process also keeps recently served pages in memory (up to this many bytes), so a hit
# costs one small read of the version from Redis instead of fetching the whole page.
PAGE_CACHE_LOCAL_BYTES = env_int("DJANGO_PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)
# Only for `make bench`: serve /bench/ping and honour the X-Bench-No-Page-Cache header.
BENCH_MODE = env_bool("DJANGO_BENCH", False)

# PostgreSQL connections: Django's psycopg 3 pool, one pool per gunicorn worker sized to its
# threads (CONN_MAX_AGE must then be 0). DJANGO_DB_POOL=0 falls back to per-thread persistent
# connections (DJANGO_CONN_MAX_AGE, above). docs/performance.md has the measurement.
GUNICORN_THREADS = env_int("GUNICORN_THREADS", 4)
if env_bool("DJANGO_DB_POOL", True) and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": GUNICORN_THREADS,
        "timeout": 10,
    }

# Static files: hashed names (CompressedManifestStaticFilesStorage) are served by whitenoise
# as immutable with a ten-year max-age; files requested by their unhashed name get a day.
WHITENOISE_MAX_AGE = 0 if DEBUG else 24 * 3600
