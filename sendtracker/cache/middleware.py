"""The page cache middleware: anonymous GETs to declared views, answered from the shared cache.

Which requests: GET and HEAD to a view declared with ``@cache_page``, with no
``Authorization`` header, no messages cookie and no signed-in session (a session cookie
that is invalid, expired or anonymous is served from the cache like no cookie).

The key: the release, the placeholders in use (they derive from ``SECRET_KEY``), the site's address (``SITE_URL``, never the request's Host), the
path, the query string reduced to the parameters the view reads (sorted, empty ones
dropped; the view sees only those) and, for views that negotiate on it, ``Accept``.

An entry holds the body, headers and the tokens of the keys it was built from, and is
served only while each is still current. Each process keeps recently served entries in
memory, so a hit is one read of the tokens from the shared cache.

One render per page and versions: a miss takes a lock named by the key and the declared
keys' tokens (``add``; on Redis, in the script that read the tokens); other requests that miss the same page meanwhile wait for its entry
(up to ``RENDER_WAIT_SECONDS``) instead of rendering it again, and serve it only if every
token it was built from is still current when they read it, as a hit would. A write during
the wait replaces a token, so they render themselves; so do they when the renderer stores
nothing (its lock is gone) or takes too long.

Responses stored: status 200, not streamed, no cookie set, no session write, no
``private``/``no-store``/``no-cache``, no ``Vary`` beyond Cookie/Accept-Encoding (and
Accept where keyed), no CSP nonce, no CSRF token outside ``{% csrf_token %}``.

Validators: a response's own strong ETag (the API's) is kept; other pages get an ETag
from the release, the key and the tokens, and ``Last-Modified`` from the newest token.
``If-None-Match`` and ``If-Modified-Since`` are answered 304 without running the view.
Shared proxies get the keys in ``xkey`` and how long they may keep the page in
``X-Cache-TTL`` (deploy/varnish/default.vcl strips both).

Place it after SessionMiddleware, CsrfViewMiddleware, AuthenticationMiddleware and
MessageMiddleware; middleware after it has its headers stored with the page.
"""

import contextlib
import hashlib
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from ..site_url import site_origin
from . import placeholders, versions
from .declare import policy_of
from .release import RELEASE

ENTRY_KEY = "page:{digest}"
HARMLESS_VARY = {"cookie", "accept-encoding"}
KEPT_ATTRIBUTES = re.compile(r"^(xframe_options_exempt|_csp_\w+)$")
FRESH_ETAG_SECONDS = 3600
MAX_PROXY_TTL = 3600  # a proxy that missed a purge serves a page at most this long
SIGNED_IN_COOKIE = "signedin"  # tells caching proxies to pass (see deploy/varnish/default.vcl)
RENDER_LOCK_KEY = "page-render:{digest}:"  # and the digest of the declared keys' versions (versions.lock_name)
RENDER_LOCK_SECONDS = 30  # a renderer that died frees its page after this
RENDER_WAIT_SECONDS = 2.0  # how long a miss waits for another request's render, then renders itself
RENDER_POLL_SECONDS = 0.01
_pause = time.sleep  # between looks at a render in progress (tests replace it)


class LocalEntries:
    """This process's copies of recently served entries, least recently used dropped first."""

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


class Render:
    """A miss being rendered: where it will be stored and the tokens read before the view ran."""

    def __init__(self, digest, entry_key, tokens, lock_key=None):
        self.digest, self.entry_key, self.tokens, self.lock_key = digest, entry_key, tokens, lock_key
        self.failed = False

    def add(self, keys):
        wanted = [key for key in versions.expand(keys) if key not in self.tokens]
        if wanted:
            tokens, _found = versions.read(wanted)
            if tokens is None:
                self.failed = True
            else:
                self.tokens.update(tokens)


def _current(entry, tokens):
    return all(key in tokens and tokens[key].value == value for key, value in entry["tokens"].items())


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = getattr(settings, "PAGE_CACHE_ENABLED", True)
        self.entry_timeout = settings.PAGE_CACHE_ENTRY_TIMEOUT
        self.local = LocalEntries(settings.PAGE_CACHE_LOCAL_BYTES)

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except BaseException:
            self.release(request.__dict__.pop("_page_cache", None))
            raise
        self.mark_signed_in(request, response)
        render = request.__dict__.pop("_page_cache", None)
        request._page_cache_rendering = False
        if render is None:
            return response
        if render.failed or not self.storable(request, response):
            self.release(render)  # nothing to wait for: the waiting requests render themselves
            if hasattr(response, "content") and not response.streaming:
                placeholders.fill(request, response)  # rendered with placeholders but not stored (a 404 with a form)
            return response
        entry = self.to_entry(response, render.tokens)
        self.local.put(render.digest, entry)
        self.store(render, entry)
        response["X-Page-Cache"] = "miss"
        return self.finish(request, response, entry, render.tokens)

    def process_view(self, request, view, view_args, view_kwargs):
        policy = policy_of(view)
        if policy is None or not self.enabled or not self.cacheable_request(request):
            return None
        query = policy.canonical_query(request.GET)
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query
        parts = [RELEASE, placeholders.generation(), site_origin(), request.path_info, query]
        if policy.vary_on_accept:
            parts.append(request.META.get("HTTP_ACCEPT", ""))
        digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
        entry_key = ENTRY_KEY.format(digest=digest)
        declared = versions.expand(policy.keys_for(request, view_args, view_kwargs))

        # One round trip: the tokens, and the entry unless this process holds a copy (on Redis, with the
        # render lock taken in the same script if the entry is missing).
        local = self.local.get(digest)
        wanted = set(declared) | set(local["tokens"] if local else ())
        lock = (
            None if local else versions.RenderLock(RENDER_LOCK_KEY.format(digest=digest), declared, RENDER_LOCK_SECONDS)
        )
        tokens, found = versions.read(sorted(wanted), () if local else (entry_key,), lock)
        if tokens is None:  # cache unreachable: served uncached
            return None
        entry = local if local is not None and _current(local, tokens) else None
        if entry is None:
            if local is not None:
                with contextlib.suppress(Exception):
                    found = {entry_key: cache.get(entry_key)}
            entry = self.shared_entry(found.get(entry_key), tokens)
            if entry is not None:
                self.local.put(digest, entry)
        lock_key = None
        if entry is None:
            if lock is not None and lock.taken is not None:  # tried in the read
                lock_key, mine = lock.name, lock.taken
            else:
                lock_key = self.render_lock(digest, declared, tokens)
                mine = self.take(lock_key)
            if not mine:  # another request is rendering this page under these versions
                waited, lock_key = self.wait_for_render(entry_key, lock_key), None
                if waited is not None:
                    entry, tokens = waited
                    self.local.put(digest, entry)
                else:  # render here, under the versions current now (a write may have come meanwhile)
                    tokens, _found = versions.read(declared)
                    if tokens is None:
                        return None
        if entry is not None and (policy.hit_check is None or policy.hit_check(request)):
            return self.serve(request, entry, tokens)

        request._page_cache = Render(digest, entry_key, {key: tokens[key] for key in declared}, lock_key)
        request._page_cache_rendering = True
        return None

    # -- one render per page and versions -----------------------------------------------

    def render_lock(self, digest, declared, tokens):
        return versions.lock_name(RENDER_LOCK_KEY.format(digest=digest), declared, tokens)

    def take(self, lock_key):
        """Whether this request renders the page (True also when the lock cannot be reached)."""
        try:
            return bool(cache.add(lock_key, 1, timeout=RENDER_LOCK_SECONDS))
        except Exception:
            return True

    def release_key(self, lock_key):
        if lock_key is not None:
            with contextlib.suppress(Exception):
                cache.delete(lock_key)

    def store(self, render, entry):
        """Store the page, then let go of its render lock: one round trip where the cache can pipeline."""
        with contextlib.suppress(Exception):  # unreachable: served uncached, the next request tries again
            set_and_delete = getattr(cache, "set_and_delete", None)
            if set_and_delete is not None and render.lock_key is not None:
                set_and_delete(render.entry_key, entry, self.entry_timeout, render.lock_key)
                render.lock_key = None
            else:
                cache.set(render.entry_key, entry, timeout=self.entry_timeout)
        self.release(render)

    def release(self, render):
        if render is not None:
            self.release_key(render.lock_key)

    def wait_for_render(self, entry_key, lock_key):
        """Wait while another request renders the page; its entry and tokens read now if all are current, else None."""
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        try:
            while cache.get(lock_key) is not None:  # the renderer lets go once its entry is stored
                if time.monotonic() >= deadline:
                    return None
                _pause(RENDER_POLL_SECONDS)
            stored = cache.get(entry_key)
        except Exception:
            return None
        # The tokens are read after the entry: a write committed before this read has replaced one of them.
        tokens = {}
        current = self.shared_entry(stored, tokens)
        return (current, tokens) if current is not None else None

    def shared_entry(self, entry, tokens):
        if not isinstance(entry, dict) or "tokens" not in entry:
            return None
        missing = [key for key in entry["tokens"] if key not in tokens]
        if missing:
            more, _found = versions.read(missing)
            if more is None:
                return None
            tokens.update(more)
        return entry if _current(entry, tokens) else None

    # -- which requests and responses -------------------------------------------------

    def cacheable_request(self, request):
        if request.method not in ("GET", "HEAD"):
            return False
        if "messages" in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            # Only a signed-in session bypasses the cache; a junk, expired or anonymous one does not.
            return not request.session.get(SESSION_KEY)
        return True

    def storable(self, request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        allowed_vary = HARMLESS_VARY | ({"accept"} if policy_of(request.resolver_match.func).vary_on_accept else set())
        vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
        if vary - allowed_vary:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # a real CSRF token was rendered outside {% csrf_token %}
        if isinstance(getattr(request, "_csp_nonce", None), str):
            return False
        messages = getattr(request, "_messages", None)
        return not (messages is not None and getattr(messages, "_queued_messages", None))

    def mark_signed_in(self, request, response):
        """Keep the proxies' signed-in marker in step with the session (see SIGNED_IN_COOKIE)."""
        user = getattr(request, "user", None)
        if user is None or not hasattr(request, "session") or not request.session.accessed:
            return
        signed_in = bool(request.session.get(SESSION_KEY))
        if signed_in and SIGNED_IN_COOKIE not in request.COOKIES:
            response.set_cookie(SIGNED_IN_COOKIE, "1", httponly=True, samesite="Lax", secure=request.is_secure())
        elif not signed_in and SIGNED_IN_COOKIE in request.COOKIES:
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")

    # -- serving ----------------------------------------------------------------------

    def serve(self, request, entry, tokens):
        own = entry["validators"]
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if own:
            if self.own_validators_match(request, own, if_none_match):
                return self.not_modified(own, None)
        else:
            etag = self.etag(request, entry)
            if if_none_match:
                sent = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
                if etag.removeprefix("W/") in sent:
                    return self.not_modified(None, (request, entry, tokens, etag))
            elif not entry["fresh"]:
                since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
                if since is not None and self.last_modified(entry, tokens) <= since:
                    return self.not_modified(None, (request, entry, tokens, etag))
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        for name, value in entry["attributes"].items():
            setattr(response, name, value)
        response["X-Page-Cache"] = "hit"
        return self.finish(request, response, entry, tokens)

    def own_validators_match(self, request, own, if_none_match):
        if if_none_match:
            return own["ETag"] in parse_etags(if_none_match) or if_none_match.strip() == "*"
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        last_modified = parse_http_date_safe(own["Last-Modified"] or "")
        return since is not None and last_modified is not None and last_modified <= since

    def not_modified(self, own, ours):
        response = HttpResponseNotModified()
        if own:
            for name, value in own.items():
                if value:
                    response[name] = value
        else:
            request, entry, tokens, etag = ours
            self.set_validators(response, entry, tokens, etag)
        response["X-Page-Cache"] = "not-modified"
        return response

    def etag(self, request, entry):
        source = ":".join([RELEASE, entry["digest"], *sorted(entry["tokens"].values())])
        if entry["csrf"]:
            source += ":" + request.META.get("CSRF_COOKIE", "")
        if entry["fresh"]:
            source += f":{int(time.time() // FRESH_ETAG_SECONDS)}"
        return 'W/"' + hashlib.blake2b(source.encode(), digest_size=12).hexdigest() + '"'

    def last_modified(self, entry, tokens):
        return max(tokens[key].last_modified() for key in entry["tokens"])

    def set_validators(self, response, entry, tokens, etag):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(self.last_modified(entry, tokens))
        response["Cache-Control"] = "private, no-cache" if entry["csrf"] else "no-cache"
        patch_vary_headers(response, ("Cookie",))

    def proxy_headers(self, response, entry, tokens):
        """What a shared proxy needs: the page's keys, and how long it may keep it at most."""
        if entry["csrf"] or entry["fresh"]:
            return
        response["xkey"] = " ".join(key for key in sorted(entry["tokens"]) if key != versions.DAY)
        expiries = [tokens[key].expires_at for key in entry["tokens"] if tokens[key].expires_at]
        ttl = min([MAX_PROXY_TTL, *(expiry - time.time() for expiry in expiries)])
        response["X-Cache-TTL"] = str(max(0, int(ttl)))

    # -- storing ----------------------------------------------------------------------

    def to_entry(self, response, tokens):
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("content-length", "x-page-cache", "etag", "last-modified")
        ]
        slots = placeholders.locate(response.content)
        has_csrf = placeholders.has_csrf(slots)
        own = None
        etag = response.get("ETag")
        if not has_csrf and etag and not etag.startswith("W/") and response.get("Vary", "").strip() != "*":
            own = {name: response.get(name) for name in ("ETag", "Last-Modified", "Cache-Control")}
        return {
            # Names the body in the ETag. SHA-1 (hardware-assisted) reads a 180 KB tracker page in half
            # BLAKE2b's time; no one gains by forging a collision with a page of their own.
            "digest": hashlib.sha1(response.content, usedforsecurity=False).hexdigest()[:16],
            "tokens": {key: token.value for key, token in tokens.items()},
            "status": response.status_code,
            "headers": headers,
            "content": response.content,
            "csrf": has_csrf,
            "fresh": placeholders.has_fresh(slots),
            "slots": slots,
            "attributes": {name: value for name, value in vars(response).items() if KEPT_ATTRIBUTES.match(name)},
            "validators": own,
        }

    def finish(self, request, response, entry, tokens):
        if entry["csrf"] or entry["fresh"]:
            placeholders.fill(request, response, entry.get("slots"))
        if entry["validators"]:
            for name, value in entry["validators"].items():
                if value:
                    response[name] = value
                elif name in response:
                    del response[name]
        else:
            self.set_validators(response, entry, tokens, self.etag(request, entry))
        self.proxy_headers(response, entry, tokens)
        return response
