"""Who is asking: the one place the client's address is read, for every limit that counts per client.

Login lockout (django-axes), comment and report rate limits, and the API throttle all
call :func:`client_address`. Behind ``settings.TRUSTED_PROXY_COUNT`` proxies that each
append the address they received from to ``X-Forwarded-For``, the client is the entry
that many places from the right: whatever a client writes further left is its own
claim and is never read. With no trusted proxy the header is ignored.
"""

from django.conf import settings


def client_address(request):
    """The client's IP address as the nearest trusted proxy saw it, else ``REMOTE_ADDR``."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
