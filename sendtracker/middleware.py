"""Middleware for production: request ids, security headers, framing rules, database outages, replica reads.

Every response passes through these, whatever view, renderer or error page made
it, so pages added later inherit the headers without doing anything.
"""

import logging
import sys
import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from . import db_router
from .log import bind_request_id, request_id_from, unbind_request_id

request_logger = logging.getLogger("sendtracker.requests")
outage_logger = logging.getLogger("sendtracker.outage")

DATABASE_ERRORS = (OperationalError, InterfaceError)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_frameable(request):
    return request.path_info.startswith(tuple(settings.FRAMEABLE_PATH_PREFIXES))


class RequestIdMiddleware:
    """Gives each request an id (a sane X-Request-ID from the proxy, or a new one), logs it and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_from(request.headers.get("X-Request-ID"))
        token = bind_request_id(request.id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            unbind_request_id(token)


class AdminNoIndexMiddleware:
    """Tells search engines to keep out of the admin: ``X-Robots-Tag: noindex, nofollow`` on every admin response.

    robots.txt is public, so it never names the admin's address (DJANGO_ADMIN_URL is meant
    to be hard to guess); this header keeps the admin out of indexes instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class PermissionsPolicyMiddleware:
    """Turns off the browser features the site does not use (camera, geolocation, payment...)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the one exception to frame-ancestors 'none': embed pages may be framed by anyone."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if is_frameable(request) and not report_only:
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["*"]}
        return parts


class EmbedFramingMiddleware:
    """Exempts embed pages from Django's X-Frame-Options: DENY (CSP frame-ancestors governs them).

    Sits below django.middleware.clickjacking.XFrameOptionsMiddleware so the mark is set before that runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_frameable(request):
            response.xframe_options_exempt = True
        return response


def note_database_unavailable(sender, request=None, **kwargs):
    """got_request_exception receiver: remember that the error being handled was the database being unreachable."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request.database_unavailable = True


def service_unavailable_response():
    """The 503 page, rendered with no request context so it needs no database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer 503 with the maintenance page, never a traceback.

    Django turns any exception raised inside the stack into a 500 response before
    it gets here; the got_request_exception receiver above marks the request when
    the cause was the database, and this swaps that 500 for the 503 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            outage_logger.error("Database unavailable: answered 503 for %s", request.path)
            return service_unavailable_response()
        return response


class ReplicaReadsMiddleware:
    """Lets public GET pages read from the replica (when one is configured); the admin and writes use the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_replica = request.method in SAFE_METHODS and not request.path_info.startswith(f"/{settings.ADMIN_URL}")
        with db_router.replica_reads(use_replica):
            return self.get_response(request)
