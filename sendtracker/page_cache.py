"""The page cache: anonymous GET responses stored whole in the shared cache, keyed by the content version.

One middleware covers every public page and API list, including pages added later;
views need no code. How it decides:

* **Which requests.** GET and HEAD without a session cookie, a messages cookie or
  an ``Authorization`` header, to a path not matched by ``PAGE_CACHE_EXCLUDE``
  (the admin, ``/healthz``, comment endpoints). Staff and logged-in readers
  always carry a session cookie, so they bypass the cache without a database hit.
* **Which responses.** Status 200, not streamed, no cookie set by the view, no
  session write, no ``Cache-Control: private/no-store/no-cache``, no ``Vary`` on a
  header the key does not include, no CSP nonce and no CSRF token obtained
  outside the template tag. Anything else is served as rendered and not stored.
* **The key.** The full path with its query string, and the ``Accept`` header for
  paths in ``PAGE_CACHE_VARY_ON_ACCEPT`` (the API negotiates JSON, CSV and the
  browsable page on it). The entry records the content version
  (``sendtracker.content_version``) it was rendered under and is served only while
  that is still the current version; both are read in one cache round trip
  (``get_many``), and a page re-rendered after an edit overwrites its old entry.
* **CSRF tokens.** While a page that may be stored is rendered, ``{% csrf_token %}``
  writes a secret placeholder (see ``csrf_placeholder``, a context processor). The
  stored body keeps the placeholder; every response, hit or miss, gets a fresh
  token for its own visitor, and CsrfViewMiddleware sets that visitor's cookie.
  Such pages are sent ``private`` and their ETag includes the visitor's CSRF
  secret, so a browser's copy never carries another visitor's token.
* **Other per-response values.** The same for any value that must be fresh in each
  response, such as the comment form's signed start time: a view asks
  ``fresh_value(request, name, arg)`` and, while a storable page is rendered, gets a
  placeholder that every response fills with the function named for ``name`` in
  ``PAGE_CACHE_FRESH_VALUES`` (called with ``arg``). The ETag of such a page also
  changes every ``FRESH_ETAG_SECONDS``, so a browser's copy is never revalidated
  for long; ``If-Modified-Since`` alone never gets it a 304.
* **Conditional GET.** Responses carry ``ETag`` (version + key) and
  ``Last-Modified`` (when the version was made). A matching ``If-None-Match`` is
  answered 304 from the version alone, before the page is looked up and before
  any view code runs; without one, an ``If-Modified-Since`` not older than the
  version is answered 304 if the page is stored under the current version.

Place the middleware after SessionMiddleware, CsrfViewMiddleware,
AuthenticationMiddleware and MessageMiddleware. Middleware placed after it has its
response headers stored with the page; middleware before it runs on every hit.
"""

import contextlib
import hashlib
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.module_loading import import_string

from . import content_version

ENTRY_KEY = "page:{digest}"
# Headers a stored page may vary on: Cookie (requests with session cookies never
# use the cache), Accept-Encoding (compression is applied outside) and Accept where keyed.
HARMLESS_VARY = {"cookie", "accept-encoding"}
# Response attributes that outer middleware reads (X-Frame-Options and CSP exemptions).
KEPT_ATTRIBUTES = re.compile(r"^(xframe_options_exempt|_csp_\w+)$")


def _placeholder():
    # Secret per deployment, so page content (say, a comment) cannot smuggle it in to collect tokens.
    return "csrfph" + salted_hmac("sendtracker.page_cache", "csrf-placeholder").hexdigest()[:40]


CSRF_PLACEHOLDER = SimpleLazyObject(_placeholder)
FRESH_PREFIX = SimpleLazyObject(
    lambda: "pcfresh" + salted_hmac("sendtracker.page_cache", "fresh-value").hexdigest()[:32]
)
FRESH_ETAG_SECONDS = 3600


def fresh_value(request, name, arg):
    """A placeholder for a per-response value while a page that may be stored is rendered, else None.

    ``name`` is a key of ``settings.PAGE_CACHE_FRESH_VALUES``; ``arg`` (letters, digits, ``_``
    and ``-``) is passed to its function when each response is filled in.
    """
    if getattr(request, "_page_cache_rendering", False):
        return f"{FRESH_PREFIX}:{name}:{arg}:"
    return None


def _fresh_pattern():
    return re.compile(rf"{FRESH_PREFIX}:([a-z_]+):([A-Za-z0-9_-]*):".encode())


FRESH_PATTERN = SimpleLazyObject(_fresh_pattern)


def fill_fresh_values(content):
    """``content`` with each fresh-value placeholder replaced by a newly made value."""
    fillers = {}

    def fill(match):
        name = match.group(1).decode()
        if name not in fillers:
            fillers[name] = import_string(settings.PAGE_CACHE_FRESH_VALUES[name])
        return str(fillers[name](match.group(2).decode())).encode()

    return FRESH_PATTERN.sub(fill, content)


def csrf_placeholder(request):
    """Context processor: the CSRF token's placeholder while a page that may be cached is rendered."""
    if getattr(request, "_page_cache_rendering", False):
        return {"csrf_token": str(CSRF_PLACEHOLDER)}
    return {}


class LocalEntries:
    """This process's copies of recently served entries, least recently used dropped first.

    Only an optimisation: an entry is served only while its version is the current one,
    read from the shared cache on every request.
    """

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, digest):
        with self.lock:
            entry = self.entries.get(digest)
            if entry is not None:
                self.entries.move_to_end(digest)
            return entry

    def put(self, digest, entry):
        size = len(entry["content"])
        if size > self.max_bytes // 4:
            return
        with self.lock:
            old = self.entries.pop(digest, None)
            if old is not None:
                self.size -= len(old["content"])
            self.entries[digest] = entry
            self.size += size
            while self.size > self.max_bytes:
                _digest, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped["content"])


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = getattr(settings, "PAGE_CACHE_ENABLED", True)
        self.exclude = re.compile("|".join(f"(?:{p})" for p in settings.PAGE_CACHE_EXCLUDE) or r"(?!)")
        self.accept_prefixes = tuple(settings.PAGE_CACHE_VARY_ON_ACCEPT)
        self.entry_timeout = settings.PAGE_CACHE_ENTRY_TIMEOUT
        self.skip_cookies = {settings.SESSION_COOKIE_NAME, "messages"}
        self.local = LocalEntries(settings.PAGE_CACHE_LOCAL_BYTES)
        self.hit_checks = [
            (prefix, import_string(path)) for prefix, path in getattr(settings, "PAGE_CACHE_HIT_CHECKS", ())
        ]

    def __call__(self, request):
        if not self.enabled or not self.cacheable_request(request):
            return self.get_response(request)
        key_source = self.key_source(request)
        digest = hashlib.blake2b(key_source.encode(), digest_size=16).hexdigest()
        entry_key = ENTRY_KEY.format(digest=digest)
        # The version is always read from the shared cache (so an edit on any server counts at
        # once). The page itself comes from this process's memory when it holds it under that
        # version; otherwise from the shared cache, read in the same round trip as the version
        # unless a local copy (or a revalidation) makes that likely wasted.
        local = self.local.get(digest)
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        skip_entry = bool(if_none_match) or local is not None
        version, found = content_version.current_and(() if skip_entry else (entry_key,))
        if version is None:  # cache unreachable
            return self.get_response(request)

        if if_none_match and not self.checked_elsewhere(request):
            not_modified = self.etag_matches(request, version, digest, if_none_match)
            if not_modified is not None:
                return not_modified

        if local is not None and local["version"] == version.token:
            entry = local
        else:
            if skip_entry:
                try:
                    found = {entry_key: cache.get(entry_key)}
                except Exception:
                    found = {}
            entry = found.get(entry_key)
            if entry is not None and entry.get("version") == version.token:
                self.local.put(digest, entry)
            else:
                entry = None
        if entry is not None and not self.hit_allowed(request):
            entry = None  # the view answers (a 429, say), and is not stored
        elif entry is not None:
            fresh = entry.get("fresh", False)
            own = entry.get("validators")
            if own and self.own_validators_match(request, own, if_none_match):
                return self.own_not_modified_response(own)
            if not own and if_none_match and self.checked_elsewhere(request):
                # The early answer above skips paths with hit checks; they passed, so answer here.
                not_modified = self.etag_matches(request, version, digest, if_none_match)
                if not_modified is not None:
                    return not_modified
            if not own and not if_none_match and not fresh and self.not_modified_since(request, version):
                # Only for a page stored under the current version: never a 304 for a page
                # that does not exist or is not cached.
                etag = self.etag(request, version, digest, entry["csrf"])
                return self.not_modified_response(request, version, etag, entry["csrf"])
            response = self.from_entry(entry)
            response["X-Page-Cache"] = "hit"
            return self.finish(request, response, version, digest, entry["csrf"], fresh, own)

        request._page_cache_rendering = True
        try:
            response = self.get_response(request)
        finally:
            request._page_cache_rendering = False
        if not self.storable(request, response):
            if hasattr(response, "content") and not response.streaming:
                # Rendered with placeholders but not storable (say, a 404 with a form): fill them in.
                self.fill_placeholders(request, response)
            return response
        has_csrf = str(CSRF_PLACEHOLDER).encode() in response.content
        entry = self.to_entry(response, version, has_csrf)
        self.local.put(digest, entry)
        with contextlib.suppress(Exception):  # cache unreachable: served uncached, the next request tries again
            cache.set(entry_key, entry, timeout=self.entry_timeout)
        response["X-Page-Cache"] = "miss"
        return self.finish(request, response, version, digest, has_csrf, entry["fresh"], entry["validators"])

    # -- which requests and responses -------------------------------------------------

    def cacheable_request(self, request):
        """Whether the cache may answer this request or store its response (subclasses may narrow it)."""
        if request.method not in ("GET", "HEAD"):
            return False
        if self.skip_cookies.intersection(request.COOKIES) or "HTTP_AUTHORIZATION" in request.META:
            return False
        return not self.exclude.search(request.path_info)

    def key_source(self, request):
        parts = [request.get_full_path()]
        if request.path_info.startswith(self.accept_prefixes):
            parts.append(request.META.get("HTTP_ACCEPT", ""))
        return "\n".join(parts)

    def storable(self, request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        allowed_vary = set(HARMLESS_VARY)
        if request.path_info.startswith(self.accept_prefixes):
            allowed_vary.add("accept")
        vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
        if vary - allowed_vary:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # a real CSRF token was rendered outside {% csrf_token %}
        if isinstance(getattr(request, "_csp_nonce", None), str):
            return False  # a per-request CSP nonce is in the page
        messages = getattr(request, "_messages", None)
        return not (messages is not None and getattr(messages, "_queued_messages", None))

    def checked_elsewhere(self, request):
        """Paths with hit checks (see ``hit_allowed``) never take the early 304."""
        return any(request.path_info.startswith(prefix) for prefix, _check in self.hit_checks)

    def hit_allowed(self, request):
        """``PAGE_CACHE_HIT_CHECKS``: (path prefix, callable) pairs run before a stored page is served.

        The API's throttle is one: a reader over the rate gets the view's 429, hit or miss.
        """
        return all(check(request) for prefix, check in self.hit_checks if request.path_info.startswith(prefix))

    # -- conditional GET ---------------------------------------------------------------
    #
    # A response that brings its own strong validators (the API's ETag hashes its body;
    # its Last-Modified is the rows' own time) keeps them, stored with the page, and
    # conditional requests are answered against them once the page is found under the
    # current version. Other pages get validators from the version.

    def own_validators(self, response):
        etag = response.get("ETag")
        if not etag or etag.startswith("W/") or response.get("Vary", "").strip() == "*":
            return None
        return {
            "ETag": etag,
            "Last-Modified": response.get("Last-Modified"),
            "Cache-Control": response.get("Cache-Control"),
        }

    def own_validators_match(self, request, own, if_none_match):
        if if_none_match:
            return own["ETag"] in parse_etags(if_none_match) or if_none_match.strip() == "*"
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        last_modified = parse_http_date_safe(own["Last-Modified"] or "")
        return since is not None and last_modified is not None and last_modified <= since

    def own_not_modified_response(self, own):
        response = HttpResponseNotModified()
        for name, value in own.items():
            if value:
                response[name] = value
        response["X-Page-Cache"] = "not-modified"
        return response

    def etag(self, request, version, digest, csrf_bound, fresh=False):
        source = f"{version.token}:{digest}"
        if csrf_bound:
            source += ":" + request.META.get("CSRF_COOKIE", "")
        if fresh:
            source += f":{int(time.time() // FRESH_ETAG_SECONDS)}"
        return 'W/"' + hashlib.blake2b(source.encode(), digest_size=12).hexdigest() + '"'

    def etag_matches(self, request, version, digest, if_none_match):
        """A 304 if the client holds this page under the current version (its ETag), else None."""
        sent = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
        for csrf_bound, fresh in ((False, False), (True, False), (True, True), (False, True)):
            etag = self.etag(request, version, digest, csrf_bound, fresh)
            if etag.removeprefix("W/") in sent:
                return self.not_modified_response(request, version, etag, csrf_bound)
        return None

    def not_modified_since(self, request, version):
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return since is not None and version.made_at <= since

    def not_modified_response(self, request, version, etag, csrf_bound):
        response = HttpResponseNotModified()
        self.set_validators(response, version, etag, csrf_bound)
        response["X-Page-Cache"] = "not-modified"
        return response

    def set_validators(self, response, version, etag, csrf_bound):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(version.last_modified())
        response["Cache-Control"] = "private, no-cache" if csrf_bound else "no-cache"
        patch_vary_headers(response, ("Cookie",))

    # -- storing and serving -----------------------------------------------------------

    def to_entry(self, response, version, has_csrf):
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("content-length", "x-page-cache", "etag", "last-modified")
        ]
        attributes = {name: value for name, value in vars(response).items() if KEPT_ATTRIBUTES.match(name)}
        return {
            "version": version.token,
            "status": response.status_code,
            "headers": headers,
            "content": response.content,
            "csrf": has_csrf,
            "fresh": str(FRESH_PREFIX).encode() in response.content,
            "attributes": attributes,
            "validators": None if has_csrf else self.own_validators(response),
        }

    def from_entry(self, entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        for name, value in entry["attributes"].items():
            setattr(response, name, value)
        return response

    def fill_placeholders(self, request, response, fresh=True):
        if fresh and str(FRESH_PREFIX).encode() in response.content:
            response.content = fill_fresh_values(response.content)
        placeholder = str(CSRF_PLACEHOLDER).encode()
        if placeholder in response.content:
            response.content = response.content.replace(placeholder, get_token(request).encode())
            patch_vary_headers(response, ("Cookie",))
            return True
        return False

    def finish(self, request, response, version, digest, has_csrf, fresh=False, own=None):
        if has_csrf or fresh:
            self.fill_placeholders(request, response, fresh)
        if own:
            for name, value in own.items():
                if value:
                    response[name] = value
                elif name in response:
                    del response[name]
            return response
        self.set_validators(response, version, self.etag(request, version, digest, has_csrf, fresh), has_csrf)
        return response
