import pytest
from django.core.cache import cache

from tests.support.smtp import SmtpServer


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at a real aiosmtpd server on a spare loopback port."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server.inbox


@pytest.fixture(autouse=True)
def fresh_limits():
    """Rate-limit counters live in the (process-wide) cache: each test starts with none."""
    cache.clear()
