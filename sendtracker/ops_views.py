"""Operational endpoints."""

import logging
import math
import uuid

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connections
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import limits

logger = logging.getLogger("sendtracker.health")


def _database_ok(alias):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        logger.error("Health check: database %s unreachable: %s", alias, error)
        return False


def _cache_ok(store, name):
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        store.set(key, "ok", timeout=10)
        ok = store.get(key) == "ok"
        store.delete(key)
    except Exception as error:  # any backend, any failure: report it, do not raise
        logger.error("Health check: %s unreachable: %s", name, error)
        return False
    if not ok:
        logger.error("Health check: %s did not return what was written", name)
    return ok


@never_cache
@require_safe
def healthz(request):
    """200 when the database (and the shared cache, when REDIS_URL is set, and the limits' own Redis, when
    DJANGO_LIMITS_REDIS_URL names one) answer; 503 naming what is down."""
    checks = {"database": _database_ok("default")}
    if "replica" in settings.DATABASES:
        checks["replica"] = _database_ok("replica")
    if settings.REDIS_URL:
        checks["cache"] = _cache_ok(cache, "cache")
    if settings.LIMITS_REDIS_URL and settings.LIMITS_REDIS_URL != settings.REDIS_URL:
        checks["limits"] = _cache_ok(limits.store(), "limits store")
    body = {name: "ok" if ok else "down" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer: 429 with the admin's look, saying when to try again (and Retry-After)."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    response = render(request, "429.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response


@never_cache
def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without this site's security token gets the site's 403 page saying what to do."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    context = {
        "cookie_missing": reason == REASON_NO_CSRF_COOKIE,
        "admin_form": request.path.startswith(f"/{settings.ADMIN_URL}"),
    }
    return render(request, "403_csrf.html", context, status=403)
