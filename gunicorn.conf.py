"""gunicorn settings for SEND Tracker: `gunicorn` (run from the project directory) reads this file.

Threaded workers (gthread): each worker process serves GUNICORN_THREADS requests at
once and keeps idle keep-alive connections in a poller, not in a thread. Pages are
mostly served from the shared cache, so a few threads per core are enough; the
database pool (DJANGO_DB_POOL) or persistent connections are sized to the threads.
"""

import gc
import multiprocessing
import os

wsgi_app = "sendtracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10
# Logs to stdout/stderr for the platform to collect.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# The load balancer's address, whose X-Forwarded-* headers are trusted.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's runtime control socket ($HOME/.gunicorn/gunicorn.ctl) would be shared by every
# server on the machine; off unless GUNICORN_CONTROL_SOCKET names one.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def post_worker_init(worker):
    """Keep what loading the app made (modules, classes, URL patterns: about 100,000 objects, which
    live as long as the worker) out of the garbage collector's full collections. Each full collection
    walked them all while every thread of the worker waited: up to 96 ms, several times a minute per
    worker under load, where an API answer takes 6 ms. Collected first, so no garbage is kept for good.
    docs/performance.md, "Collector pauses"."""
    gc.collect()
    gc.freeze()
