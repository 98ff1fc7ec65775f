"""Test configuration: production settings with the test-only tweaks."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-" + "x9Qk2" * 10)

from sendtracker.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "https://send-tracker.example"

# Security: the test client and live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
AUTHENTICATION_BACKENDS = [
    "tests.support.axes_backend.AxesBackendAllowingClientLogin",
    "django.contrib.auth.backends.ModelBackend",
]

# No PostgreSQL connection pool in the test process: Django keeps pools per alias, so a pool
# opened before the test database is created (Django's fallback when the "postgres" database
# is busy) would keep pointing at DATABASE_URL's own database, and pytest-django's test threads
# and live servers would exhaust it. gunicorn in tests/integration/test_scale_out.py
# and tests/integration/test_production_config.py still run with the production pool.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
