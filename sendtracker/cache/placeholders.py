"""Per-response values in stored pages: the CSRF token and registered fresh values.

While a page that may be stored is rendered, ``{% csrf_token %}`` writes a secret
placeholder (the ``csrf_placeholder`` context processor), and ``fresh_value(request,
name, arg)`` returns one. The stored body keeps the placeholders; every response, hit or
miss, gets them filled for its own visitor (``fill``).
"""

import re

from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject

# Secret per deployment, so page content (say, a comment) cannot smuggle them in to collect tokens.
CSRF_PLACEHOLDER = SimpleLazyObject(
    lambda: "csrfph" + salted_hmac("sendtracker.page_cache", "csrf-placeholder").hexdigest()[:40]
)
FRESH_PREFIX = SimpleLazyObject(
    lambda: "pcfresh" + salted_hmac("sendtracker.page_cache", "fresh-value").hexdigest()[:32]
)
FRESH_PATTERN = SimpleLazyObject(lambda: re.compile(rf"{FRESH_PREFIX}:([a-z_]+):([A-Za-z0-9_-]*):".encode()))

_fresh_values = {}


def register_fresh_value(name, function):
    """``function(arg) -> str`` makes the value ``fresh_value(request, name, arg)`` stands for."""
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"fresh value names are lower-case letters and _: {name!r}")
    _fresh_values[name] = function


def fresh_value(request, name, arg):
    """A placeholder for a per-response value while a page that may be stored is rendered, else None.

    ``name`` was registered with ``register_fresh_value``; ``arg`` (letters, digits, ``_``
    and ``-``) is passed to its function when each response is filled in. On None, the
    caller makes the value itself.
    """
    if getattr(request, "_page_cache_rendering", False):
        if name not in _fresh_values:
            raise LookupError(f"no fresh value registered as {name!r}")
        return f"{FRESH_PREFIX}:{name}:{arg}:"
    return None


def csrf_placeholder(request):
    """Context processor: the CSRF token's placeholder while a page that may be cached is rendered."""
    if getattr(request, "_page_cache_rendering", False):
        return {"csrf_token": str(CSRF_PLACEHOLDER)}
    return {}


def generation():
    """The placeholders in use, for the page key: a page stored by a server with another
    ``SECRET_KEY`` (a rotation, another deployment on the same Redis) holds placeholders this
    server would not recognise, and must not be served by it."""
    return f"{CSRF_PLACEHOLDER}:{FRESH_PREFIX}"


def has_csrf(content):
    return str(CSRF_PLACEHOLDER).encode() in content


def has_fresh(content):
    return str(FRESH_PREFIX).encode() in content


def fill(request, response):
    """Fill the response's placeholders for this visitor."""
    content = response.content
    if has_fresh(content):
        content = FRESH_PATTERN.sub(
            lambda match: str(_fresh_values[match.group(1).decode()](match.group(2).decode())).encode(), content
        )
    if has_csrf(content):
        content = content.replace(str(CSRF_PLACEHOLDER).encode(), get_token(request).encode())
        patch_vary_headers(response, ("Cookie",))
    response.content = content
