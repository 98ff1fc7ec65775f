"""Purges to the caching proxies in front (Varnish with xkey): exactly the keys a write changed.

``settings.VARNISH_PURGE_URLS`` lists them (none by default). Each gets one ``PURGE``
request with the keys in an ``xkey-purge`` header, after the transaction commits. A proxy
that does not answer is logged, never raised: the write stands, and the proxy's copies
expire on their own (``MAX_PROXY_TTL``).
"""

import logging
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 1.0


def send(keys):
    urls = getattr(settings, "VARNISH_PURGE_URLS", ())
    if not keys or not urls:
        return
    header = " ".join(sorted(keys))
    for url in urls:
        request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": header})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
                answer.read()
        except Exception:
            logger.warning("Could not purge %s from %s; its copies expire on their own.", header, url, exc_info=True)
