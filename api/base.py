"""The base every API endpoint shares: read-only, anonymous, JSON or CSV, cacheable, throttled.

A data user meets one set of rules for errors, paging, CSV, caching and throttling
whichever endpoint they call, because every viewset in ``api/views/`` is a
``PublicReadOnlyViewSet``.
"""

import hashlib

from django.db.models import Max
from django.http import Http404
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from sendtracker import limits
from sendtracker.cache import cache_page
from sendtracker.client_address import client_address

from .filters import APIFilterBackend
from .pagination import APIPagination, page_number
from .renderers import CSVRenderer, FastJSONRenderer

# How the address names one object: a slug (councils, partnerships, articles, people) or a number.
SLUG_PATTERN = "[-a-zA-Z0-9_]+"
ID_PATTERN = "[0-9]{1,18}"


class APIContentNegotiation(DefaultContentNegotiation):
    """``?format=`` is json or csv; anything else is a 400 naming ``format``."""

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = request.query_params.getlist(api_settings.URL_FORMAT_OVERRIDE)
        if requested and not all(value in {renderer.format for renderer in renderers} for value in requested):
            choices = " or ".join(renderer.format for renderer in renderers)
            raise ValidationError({"format": [f"Choose {choices}."]})
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            choices = " or ".join(renderer.format for renderer in renderers)
            raise ValidationError({"format": [f"Choose {choices}."]}) from None


class AnonymousThrottle(AnonRateThrottle):
    """Requests per client address, at the rate in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]``.

    Reads the rate when the request arrives (DRF's own class reads it once, at import),
    so a settings override takes effect at once. Counts in the store of limits
    (``sendtracker.limits``), which does not evict. On Redis, DRF's sliding window (the times
    of the requests allowed in the last ``duration`` seconds, newest first) is a Redis list
    that one script trims, counts and extends: one round trip where DRF's cache calls take
    two, and two requests at once cannot both take the last place.
    """

    cache_format = "throttle:%(scope)s:%(ident)s"

    @property
    def cache(self):
        return limits.store()

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        client = limits.redis_client(self.key)
        if client is None:
            return super().allow_request(request, view)
        self.now = self.timer()
        try:
            allowed, count, oldest = client.eval(
                _WINDOW_SCRIPT, 1, self.cache.make_key(self.key), repr(self.now), self.duration, self.num_requests
            )
        except (RedisConnectionError, RedisTimeoutError):
            return True  # as DRF's throttle on the tolerant cache: while Redis is down, nobody is held back
        if allowed:
            return True
        self.full_window = (count, float(oldest) if oldest else None)  # None: a rate of none at all
        return self.throttle_failure()

    def wait(self):
        if not hasattr(self, "full_window"):
            return super().wait()
        count, oldest = self.full_window  # DRF's arithmetic, on the window the script read
        remaining = self.duration if oldest is None else self.duration - (self.now - oldest)
        available = self.num_requests - count + 1
        return None if available <= 0 else remaining / available


# KEYS[1]: the window; ARGV: now, duration, the number of requests allowed in it. Returns
# {1, count, ""} when this request is allowed (and recorded), {0, count, oldest time} when not.
_WINDOW_SCRIPT = """
local now, duration, allowed = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
while true do
  local oldest = redis.call('LINDEX', KEYS[1], -1)
  if not oldest or tonumber(oldest) > now - duration then break end
  redis.call('RPOP', KEYS[1])
end
local count = redis.call('LLEN', KEYS[1])
if count >= allowed then return {0, count, redis.call('LINDEX', KEYS[1], -1)} end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(duration))
return {1, count + 1, ''}
"""


class ConditionalGetMixin:
    """ETag, Last-Modified and 304 for GET and HEAD; CORS for public reads.

    The ETag hashes the body, so it changes exactly when the answer does. Last-Modified
    is the newest ``last_modified_field`` among the objects the request selects, where the
    model keeps such a time: on a paginated list the page's query reads it alongside the
    rows (see ``APIPagination.read_page``). The page cache keeps these validators.
    """

    last_modified_field = None

    def get_etag(self, response):
        return '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'

    def get_last_modified(self):
        if not self.last_modified_field:
            return None
        if self.detail or hasattr(self, "_object"):
            value = getattr(self.get_object(), self.last_modified_field)
        elif hasattr(self.read_page_paginator(), "latest"):
            value = self.read_page_paginator().latest  # read with the page
        else:
            queryset = self.filter_queryset(self.get_queryset()).order_by()
            value = queryset.aggregate(latest=Max(self.last_modified_field))["latest"]
        # Whole seconds: HTTP dates carry no fractions, so If-Modified-Since can match.
        return int(value.timestamp()) if value else None

    def read_page_paginator(self):
        """The Django paginator of the list page just read, or None (a detail, or a CSV download)."""
        page = getattr(getattr(self, "_paginator", None), "page", None)
        return getattr(page, "paginator", None)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After, Content-Disposition"
        patch_vary_headers(response, ["Accept"])
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response

        response.render()
        etag = self.get_etag(response)
        last_modified = self.get_last_modified()
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = "public, max-age=60"
        conditional = get_conditional_response(
            request._request, etag=etag, last_modified=last_modified, response=response
        )
        if conditional is not response:
            for header in ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers"):
                conditional[header] = response[header]
        return conditional


def throttle_allows(request):
    """For the page cache (``api_cache_page``'s hit check): may this reader have a stored API page?

    Counts the request against the anonymous rate exactly as the view would; when over it,
    the page cache lets the view answer its 429.
    """
    return AnonymousThrottle().allow_request(request, None)


# The query parameters every endpoint reads besides its FilterSet's.
API_PARAMS = ("page", "page_size", "format", "bom")


def api_cache_page(*keys, params=()):
    """``sendtracker.cache.cache_page`` for an API view class: its FilterSet's parameters, the
    paging ones and ``params`` are the query it reads, it negotiates on ``Accept``, and the
    throttle counts hits."""

    def decorate(view_class):
        filterset = getattr(view_class, "filterset_class", None)
        read = (*API_PARAMS, *params, *([filterset] if filterset else []))
        return cache_page(*keys, params=read, hit_check=throttle_allows, vary_on_accept=True)(view_class)

    return decorate


class PublicReadOnlyViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only public endpoint: list and detail, JSON or ``?format=csv``.

    No authentication is read (so no cookies or credentials matter), anyone may read,
    and writes answer 405.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [FastJSONRenderer, CSVRenderer]
    content_negotiation_class = APIContentNegotiation
    pagination_class = APIPagination
    filter_backends = [APIFilterBackend]
    throttle_classes = [AnonymousThrottle]
    # A method making the list's objects into what ``serializer_class(objects, many=True).data`` is,
    # faster (api/fastlists.py); the detail, the CSV header and the schema keep the serializer.
    plain_list = None
    # With ``plain_list``, optionally a method making the filtered queryset read ``values()`` rows
    # (dicts) instead of model instances, for ``plain_list`` to build from.
    plain_values = None

    def list(self, request, *args, **kwargs):
        if self.plain_list is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        if self.plain_values is not None:
            queryset = self.plain_values(queryset)
        page = self.paginate_queryset(queryset)
        if page is not None:
            return self.get_paginated_response(self.plain_list(page))
        return Response(self.plain_list(queryset))

    def filter_queryset(self, queryset):
        # Filters narrow lists; a detail address names its object whatever the query string says.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = super().get_object()
        return self._object

    @property
    def paginator(self):
        # CSV is a download of every matching row, not one page of them.
        renderer = getattr(getattr(self, "request", None), "accepted_renderer", None)
        if renderer is not None and renderer.format == "csv":
            # Still refuse malformed paging values, so the rules are the same in every format.
            APIPagination().get_page_size(self.request)
            page_number(self.request)
            return None
        return super().paginator

    def handle_exception(self, exc):
        # Errors are JSON whatever format was asked for: a CSV of an error helps nobody.
        self.request.accepted_renderer = FastJSONRenderer()
        self.request.accepted_media_type = FastJSONRenderer.media_type
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is not None and renderer.format == "csv" and response.status_code == 200:
            # Named after the address: councils.csv, status-changes.csv, councils-herefordshire.csv.
            name = "-".join(part for part in request.path.split("/")[2:] if part) or "api"
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
