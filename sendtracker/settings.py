"""Settings for SEND Tracker, driven by the environment.

One module for every environment. Development needs nothing set except
``DJANGO_DEBUG=1`` (``make run`` sets it); production must set
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and ``DATABASE_URL``, and should set
``REDIS_URL``. Test tweaks live in ``tests/settings.py``.
"""

import datetime
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from celery.schedules import crontab

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
    "csp",
    "axes",
    "auditlog",
    "django_prose_editor",
    "sendtracker",
    "api",
    "councils",
    "articles",
    "comments",
    "alerts",
]

MIDDLEWARE = [
    "sendtracker.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sendtracker.middleware.PermissionsPolicyMiddleware",
    "sendtracker.middleware.AdminNoIndexMiddleware",
    "sendtracker.middleware.ContentSecurityPolicyMiddleware",
    "sendtracker.middleware.DatabaseUnavailableMiddleware",
    "sendtracker.middleware.ReplicaReadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the staff member on each audit log entry (sendtracker/audit.py says what is recorded).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Outside the page cache, so cached pages and 304s get X-Frame-Options (embed pages none) too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sendtracker.middleware.EmbedFramingMiddleware",
    # After sessions, CSRF, auth and messages (see sendtracker/cache/middleware.py).
    "sendtracker.cache.middleware.PageCacheMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
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
                "sendtracker.cache.csrf_placeholder",
            ],
        },
    },
    # The tracker, its embed and council pages (views render them with using="jinja2"): Jinja2 renders their
    # hundreds of rows several times faster; sendtracker/jinja2.py keeps their output Django's.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "sendtracker.jinja2.environment"},
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
# Two stores. "default" holds what can be rebuilt (pages, their versions, the session cache)
# and may evict under memory pressure. "limits" holds what must last its whole window: the
# comment forms already sent, the rate-limit counters, the marks of text already sent, the
# API throttle's windows. Evicted early, they would let a replayed form through and start the
# limits again; distinct valid filters, which anyone can send, fill the page store. Give
# "limits" its own Redis with ``maxmemory-policy noeviction`` (DJANGO_LIMITS_REDIS_URL; docs/deploy.md).
# Without one, both are REDIS_URL, as before.
REDIS_URL = env("REDIS_URL", "")
LIMITS_REDIS_URL = env("DJANGO_LIMITS_REDIS_URL", "") or REDIS_URL
if REDIS_URL:
    _redis_cache = {
        # Django's RedisCache, reusing its client, that logs and answers "miss" while Redis
        # is down, so pages are served uncached (sendtracker/cache_backends.py).
        "BACKEND": "sendtracker.cache_backends.TolerantRedisCache",
        "KEY_PREFIX": env("DJANGO_CACHE_PREFIX", "sendtracker"),
        "TIMEOUT": None,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    CACHES = {
        "default": {**_redis_cache, "LOCATION": REDIS_URL},
        "limits": {**_redis_cache, "LOCATION": LIMITS_REDIS_URL},
    }
else:
    # One store in this process's memory: the same LOCATION makes both aliases one dictionary.
    _memory_cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sendtracker",
        "TIMEOUT": None,
    }
    CACHES = {"default": _memory_cache, "limits": dict(_memory_cache)}

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
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
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
    # Open-data API: anonymous requests are throttled per client address. The default is
    # generous (data users page through lists); DJANGO_API_ANON_RATE tightens it, e.g. "120/minute".
    "DEFAULT_THROTTLE_RATES": {"anon": env("DJANGO_API_ANON_RATE", "1000/minute")},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "SEND Tracker API",
    "DESCRIPTION": "Open data on the DfE's £70m SEND and AP change programme pilot.",
    "VERSION": "1.0.0",
    # The API docs' Swagger UI and ReDoc from drf-spectacular-sidecar: served by the site itself,
    # never a CDN, so they run under the CSP (the Swagger start-up script is a static file, via
    # SpectacularSwaggerSplitView).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PilotStatusEnum": "councils.choices.PilotStatus",
        "PartnershipStatusEnum": "councils.choices.PartnershipStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_api",
    ],
}

# Editorial settings.
SITE_NAME = "SEND Tracker"
SITE_URL = env("DJANGO_SITE_URL", "http://127.0.0.1:8000")
ADMIN_URL = env("DJANGO_ADMIN_URL", "admin/")

# --- "Your thoughts" reader comments: moderation, spam defences and privacy. ---
# Articles stop taking comments this many days after publication (0 = never auto-close).
COMMENTS_AUTO_CLOSE_DAYS = env_int("DJANGO_COMMENTS_AUTO_CLOSE_DAYS", 30)
# Distinct readers' reports that send an approved comment back to the moderators' queue.
COMMENTS_REPORT_THRESHOLD = env_int("DJANGO_COMMENTS_REPORT_THRESHOLD", 3)
COMMENTS_MAX_LENGTH = env_int("DJANGO_COMMENTS_MAX_LENGTH", 3000)
COMMENTS_MAX_LINKS = env_int("DJANGO_COMMENTS_MAX_LINKS", 2)
# The form carries a signed timestamp: sent sooner than the minimum (a bot) or later
# than the maximum (a replayed or very stale form) is refused, with the text kept.
COMMENTS_FORM_MIN_AGE_SECONDS = env_int("DJANGO_COMMENTS_FORM_MIN_AGE_SECONDS", 3)
COMMENTS_FORM_MAX_AGE_SECONDS = env_int("DJANGO_COMMENTS_FORM_MAX_AGE_SECONDS", 6 * 60 * 60)
# Rate limits as (submissions, window in seconds), counted in the shared cache (Redis
# when REDIS_URL is set) so they hold across every app process and server.
COMMENTS_RATE_LIMIT_PER_IP = (env_int("DJANGO_COMMENTS_RATE_PER_IP", 5), 10 * 60)
COMMENTS_RATE_LIMIT_PER_EMAIL = (env_int("DJANGO_COMMENTS_RATE_PER_EMAIL", 3), 10 * 60)
COMMENTS_REPORT_RATE_LIMIT_PER_IP = (env_int("DJANGO_COMMENTS_REPORT_RATE_PER_IP", 20), 60 * 60)
# The same text on the same article within this window is refused as a duplicate.
COMMENTS_DUPLICATE_WINDOW_SECONDS = env_int("DJANGO_COMMENTS_DUPLICATE_WINDOW_SECONDS", 7 * 24 * 60 * 60)
# Readers' IPs are stored only as a salted HMAC. Set a salt of its own in production;
# without one it is derived from SECRET_KEY (rotating the key then changes the hashes).
COMMENTS_IP_HASH_SALT = env("DJANGO_COMMENTS_IP_HASH_SALT", "") or ("comments-ip-hash:" + SECRET_KEY)
# --- end of "Your thoughts" settings. ---

# --- Email: DJANGO_EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587 (smtps:// for
# TLS from the start, smtp:// for none). Without it: the console in development, localhost:25 otherwise. ---
EMAIL_URL = env("DJANGO_EMAIL_URL", "")
if EMAIL_URL:
    _email = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or {"smtps": 465, "smtp+tls": 587}.get(_email.scheme, 25)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtps"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "SEND Tracker <alerts@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Readers' email alerts (alerts/) on Celery (sendtracker/celery.py). ---
# Redis is the broker when REDIS_URL is set; without it tasks run in-process (make run needs no worker).
# The limits' Redis by default: it does not evict, so no queued task is lost to a full page cache.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", LIMITS_REDIS_URL) or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("DJANGO_TASKS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it has finished, so a worker that dies mid-send leaves it queued.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "weekly-digests": {
        "task": "alerts.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    "moderators-digest": {"task": "alerts.tasks.send_moderators_digest", "schedule": 3600},
    "fan-out-pending": {"task": "alerts.tasks.fan_out_pending", "schedule": 300},
    "send-unsent": {"task": "alerts.tasks.send_unsent", "schedule": 900},
    "delete-unconfirmed": {"task": "alerts.tasks.delete_unconfirmed", "schedule": 24 * 3600},
}
# Following by email: sign-ups per client address and per address, as (count, window in seconds),
# in the shared cache; at most this many confirmation emails to one address a day, whoever asks.
ALERTS_RATE_LIMIT_PER_IP = (env_int("DJANGO_ALERTS_RATE_PER_IP", 10), 60 * 60)
ALERTS_RATE_LIMIT_PER_EMAIL = (env_int("DJANGO_ALERTS_RATE_PER_EMAIL", 5), 60 * 60)
ALERTS_CONFIRMATIONS_PER_DAY = env_int("DJANGO_ALERTS_CONFIRMATIONS_PER_DAY", 3)
ALERTS_UNCONFIRMED_DAYS = 7  # unconfirmed sign-ups are deleted after this
ALERTS_MANAGE_LINK_DAYS = env_int("DJANGO_ALERTS_MANAGE_LINK_DAYS", 90)
ALERTS_FAN_OUT_CHUNK = env_int("DJANGO_ALERTS_FAN_OUT_CHUNK", 500)
# Moderators get a digest of comments waiting longer than this.
ALERTS_MODERATION_WAIT_MINUTES = env_int("DJANGO_ALERTS_MODERATION_WAIT_MINUTES", 60)
# --- end of alerts settings. ---

# ---------------------------------------------------------------------------
# Security and operations. Production is the default: everything
# below is on unless DJANGO_DEBUG is set. `manage.py check --deploy
# --fail-level WARNING` is clean with DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS
# and DATABASE_URL set.
# ---------------------------------------------------------------------------

# Key rotation: the previous key(s), comma-separated, keep sessions valid while servers roll (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")

# HTTPS only. Behind a TLS-terminating proxy or load balancer set
# DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (or NAME=value when the
# proxy sends something other than "https"), and make sure the proxy overwrites
# that header on every request.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
_proxy_ssl_header = env("DJANGO_SECURE_PROXY_SSL_HEADER", "")
if _proxy_ssl_header:
    _name, _, _value = _proxy_ssl_header.partition("=")
    SECURE_PROXY_SSL_HEADER = (_name.strip(), _value.strip() or "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: HTTPS only, out of reach of scripts, not sent on cross-site posts.
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script reads the cookie
CSRF_COOKIE_SAMESITE = "Lax"
# A form refused for want of its CSRF token gets the site's own page saying what to do (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "sendtracker.ops_views.csrf_failure"

# Staff sessions last a working day, and live in the database (with Redis in
# front when configured) so any app server can serve any request. Their keys are signed,
# so a made-up session cookie costs no lookup (sendtracker/sessions/).
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_ENGINE = "sendtracker.sessions.cached_db" if REDIS_URL else "sendtracker.sessions.db"

# Oversized requests are refused with 400 before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # 1 MB: the longest article is a few tens of kB
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Content-Security-Policy (django-csp 4). No inline script or style anywhere,
# nothing from another host. Only /embed/ pages may be framed, by anyone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
FRAMEABLE_PATH_PREFIXES = ("/embed/",)
# Powerful browser features the site never uses, switched off for every page and any frame.
PERMISSIONS_POLICY = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "sync-xhr",
    "usb",
    "xr-spatial-tracking",
)
# Staff login: django-axes locks a username + IP pair out after repeated
# failures, counted in the database so every app server sees the same count.
# Unknown usernames are counted exactly like known ones.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Only staff sign in, to the admin: a login without ``next`` lands on the admin's index.
LOGIN_REDIRECT_URL = "admin:index"
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sendtracker.ops_views.login_locked_out"  # templates/429.html, with Retry-After
AXES_CLIENT_IP_CALLABLE = "sendtracker.client_address.client_address"

# The audit log (django-auditlog; sendtracker/audit.py lists what it records): who and what, old → new.
# No addresses: staff are named, and readers' comments are recorded for their moderation only.
AUDITLOG_DISABLE_REMOTE_ADDR = True
# Related objects are logged by name when the change is made, so the log reads without a query per row.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
AXES_VERBOSE = False
# How many proxies (load balancer, CDN) append to X-Forwarded-For in front of the app;
# 0 means REMOTE_ADDR is the client. The one setting behind every per-client limit:
# login lockout, comment and report rate limits, the API throttle (sendtracker/client_address.py).
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# An optional read replica: GET requests for public pages read from it.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["sendtracker.db_router.PrimaryReplicaRouter"]

# Structured logs: one JSON object per line on stdout, each with the request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "sendtracker.log.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Requests are logged once, by sendtracker.requests; django.server would repeat them.
        "django.server": {"level": "WARNING"},
        # django-axes: failures and lockouts are warnings; its INFO chatter is not needed.
        "axes": {"level": "WARNING"},
        # Each 4xx answer is already one sendtracker.requests line (method, path, status, request id);
        # Django's own warning for it would be a second line per refused request, and in a flood
        # of refusals, half the log. Its 5xx errors, with their tracebacks, are kept.
        "django.request": {"level": "ERROR"},
    },
}

# --- Performance: page cache, database connections, static files, gunicorn ---
# Templates: Django wraps the loaders in the cached loader whenever OPTIONS["loaders"]
# is not given, so each template is compiled once per process.
#
# Page cache (sendtracker/cache/): anonymous GET answers of views declared with
# @cache_page, kept until a write changes what they were built from. DJANGO_PAGE_CACHE=0 turns it off.
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", True)
# Entries under replaced versions are never read again; this only returns their memory.
PAGE_CACHE_ENTRY_TIMEOUT = env_int("DJANGO_PAGE_CACHE_ENTRY_TIMEOUT", 24 * 3600)
# Each process also keeps recently served pages in memory (up to this many bytes), so a hit
# costs one small read of the versions from Redis instead of fetching the whole page.
PAGE_CACHE_LOCAL_BYTES = env_int("DJANGO_PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)
# Varnish servers to send purges to, e.g. "http://127.0.0.1:6081/" (deploy/varnish/default.vcl).
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS", "")

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
# Files browsers ask for at the site's root (/favicon.ico, /apple-touch-icon.png), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "public"
