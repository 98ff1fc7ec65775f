"""Per-response values in stored pages: the CSRF token and registered fresh values.

While a page that may be stored is rendered, ``{% csrf_token %}`` writes a secret
placeholder (the ``csrf_placeholder`` context processor), and ``fresh_value(request,
name, arg)`` returns one. The stored body keeps the placeholders, and the page is stored with
where they are (``locate``); every response, hit or miss, gets them filled for its own
visitor by joining slices of the body with the values (``fill``), with no search per hit.
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


def locate(content):
    """Where ``content``'s placeholders are: ``(start, end, name, arg)`` each, in order, found in one pass.

    ``name`` is None for the CSRF token. Stored with a page, so a hit fills it in by joining
    slices of the stored body, with no search.
    """
    if str(CSRF_PLACEHOLDER).encode() not in content and str(FRESH_PREFIX).encode() not in content:
        return ()
    # Either placeholder; a fresh value's name and argument are its groups (re caches the compiled pattern).
    pattern = re.compile(rf"{CSRF_PLACEHOLDER}|{FRESH_PREFIX}:([a-z_]+):([A-Za-z0-9_-]*):".encode())
    return tuple(
        (match.start(), match.end(), match.group(1) and match.group(1).decode(), (match.group(2) or b"").decode())
        for match in pattern.finditer(content)
    )


def has_csrf(slots):
    return any(name is None for _start, _end, name, _arg in slots)


def has_fresh(slots):
    return any(name is not None for _start, _end, name, _arg in slots)


def filled(request, content, slots):
    """``content`` with each of ``slots`` (from ``locate``) filled in for this visitor."""
    pieces, position, token = [], 0, None
    view = memoryview(content)
    for start, end, name, arg in slots:
        pieces.append(view[position:start])
        if name is None:
            if token is None:
                token = get_token(request).encode()
            pieces.append(token)
        else:
            pieces.append(str(_fresh_values[name](arg)).encode())
        position = end
    pieces.append(view[position:])
    return b"".join(pieces)


def fill(request, response, slots=None):
    """Fill the response's placeholders for this visitor (``slots`` from ``locate``, found now if not given)."""
    content = response.content
    if slots is None:
        slots = locate(content)
    if not slots:
        return
    response.content = filled(request, content, slots)
    if has_csrf(slots):
        patch_vary_headers(response, ("Cookie",))
