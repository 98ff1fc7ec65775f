"""The server a bench run measures: its environment, its PostgreSQL database and data set, and gunicorn.

PostgreSQL is the local one (or DATABASE_URL); the run uses a database of its own (created if
missing). Redis is two redis-servers of the run's own (``own_redis``) on spare ports, configured as
docs/deploy.md asks (no persistence; the page cache's with ``maxmemory`` and ``allkeys-lru``, the
limits' with ``noeviction``), and stopped at the end: the pages a run stores (thousands of distinct tracker pages of 180 KB each) are
not left in the machine's Redis, and no run measures a Redis an earlier run filled. BENCH_REDIS_URL
names an existing Redis to use instead. gunicorn runs the production configuration
(gunicorn.conf.py) with bench/settings.py.
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import typing
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import django
import psycopg
from django.core.management import call_command
from django.db import connections

from bench import dataset

BASE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS_MODULE = "bench.settings"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sendtracker_bench"
# The bench's own Redis: room for every page a five-round run stores (about 3 GB), so nothing is evicted: the
# comment checks keep their keys in this cache too (at 1 GB a run had 400s; docs/performance.md).
REDIS_MAXMEMORY = "4gb"
# The baseline (bench/urls.py): the whole middleware stack and nothing else.
PING_PATH = "/bench/ping"


def bench_env(args, redises):
    """The server's environment: production settings, bench URLs, and what the scenarios need."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            "REDIS_URL": redises.pages,
            "DJANGO_LIMITS_REDIS_URL": redises.limits,
            "DJANGO_CACHE_PREFIX": "sendtracker-bench",
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_THREADS": str(args.threads),
            "GUNICORN_ACCESS_LOG": "-",
            "GUNICORN_MAX_REQUESTS": "0",
            # The comment scenarios (settings COMMENTS_*). The form is fetched once and posted
            # at once, so no minimum form age; the X-Forwarded-For the valid-POST scenario
            # varies names the reader, as our proxy's would, so each request is another reader
            # and the per-address limit (5 in 10 minutes, kept) refuses only the rate-limited
            # scenario's single address.
            "DJANGO_COMMENTS_FORM_MIN_AGE_SECONDS": "0",
            "DJANGO_TRUSTED_PROXY_COUNT": "1",
            # TLS ends at the proxy in production; the load generator talks plain HTTP to gunicorn.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            # The API's per-address throttle would turn the load generator's one address into 429s.
            "DJANGO_API_ANON_RATE": "100000000/minute",
        }
    )
    if args.db == "pool":
        env["DJANGO_DB_POOL"] = "1"
        env["DJANGO_CONN_MAX_AGE"] = "0"
    else:
        env["DJANGO_DB_POOL"] = "0"
        env["DJANGO_CONN_MAX_AGE"] = "600"
    for item in args.env:
        key, _, value = item.partition("=")
        env[key] = value
    return env


def spare_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Redises(typing.NamedTuple):
    """The run's two Redis URLs, as docs/deploy.md lays them out: the page cache's, and the limits'."""

    pages: str
    limits: str


@contextlib.contextmanager
def own_redis(log_path):
    """The Redises the run uses (``Redises``): BENCH_REDIS_URL for both, or two redis-servers of its own,
    stopped when the run ends: the page cache's evicts (``allkeys-lru``), the limits' does not."""
    if os.environ.get("BENCH_REDIS_URL"):
        yield Redises(os.environ["BENCH_REDIS_URL"], os.environ["BENCH_REDIS_URL"])
        return
    if not shutil.which("redis-server"):
        raise SystemExit("The benchmark starts its own Redis: install redis-server, or set BENCH_REDIS_URL.")
    with contextlib.ExitStack() as running:
        pages = running.enter_context(
            _redis_server(log_path, "--maxmemory", REDIS_MAXMEMORY, "--maxmemory-policy", "allkeys-lru")
        )
        limits = running.enter_context(
            _redis_server(log_path.with_name(f"limits-{log_path.name}"), "--maxmemory-policy", "noeviction")
        )
        yield Redises(pages, limits)


@contextlib.contextmanager
def _redis_server(log_path, *options):
    port = spare_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with open(log_path, "w") as log:
        process = subprocess.Popen([*command, *options], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                        sock.sendall(b"PING\r\n")
                        if sock.recv(16).startswith(b"+PONG"):
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"redis-server did not start on port {port}; see {log_path}")
                time.sleep(0.1)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=15)


def ensure_database(url):
    """Create the benchmark's own database if it does not exist (never touches any other)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def prepare_data(env, rebuild):
    """Migrate the database and build the data set unless it is there; the pages the scenarios use."""
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))})
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    if rebuild or not dataset.is_built():
        started = time.monotonic()
        counts = dataset.build()
        print(f"Built the data set in {time.monotonic() - started:.1f} s: {counts}.")
    else:
        print("Reusing the data set already in the database (--rebuild to build it again).")
    paths = dataset.sample_paths()
    connections.close_all()
    return paths


def start_server(env, port, log_path):
    """Collect static files, start gunicorn and wait until it answers; (process, open log file)."""
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE, env=env, check=True)
    log = open(log_path, "w")  # noqa: SIM115 (closed by stop_server)
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=BASE,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{PING_PATH}", timeout=2) as response:
                if response.status == 200:
                    return server, log
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port} within 30 s; see {log_path}")


def stop_server(server, log):
    server.terminate()
    server.wait(timeout=30)
    log.close()
