"""Settings for `make bench` only: the production settings plus the benchmark's two hooks.

bench/run.py starts gunicorn with ``DJANGO_SETTINGS_MODULE=bench.settings``. On top of
``sendtracker.settings`` (everything else as in production, from the same environment):

* ``/bench/ping`` (bench/urls.py), the baseline: the whole middleware stack and a four-byte
  answer, never stored in the page cache (it declares no ``@cache_page``);
* the ``X-Bench-No-Page-Cache`` request header, which the "uncached" scenarios send to
  reach the view behind the page cache (bench/middleware.py).
"""

from sendtracker.settings import *  # noqa: F403
from sendtracker.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = [
    "bench.middleware.BenchPageCacheMiddleware" if name == "sendtracker.cache.middleware.PageCacheMiddleware" else name
    for name in MIDDLEWARE
]
