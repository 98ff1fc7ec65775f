"""Two app servers, one PostgreSQL, one Redis: the servers hold no state of their own.

Starts a Redis server of its own on a spare port, creates and migrates a real
PostgreSQL database next to DATABASE_URL's (``<name>_scaleout``; pytest's test
database is no use to another process), and runs two gunicorn servers with
production settings against both. A request "through the load balancer" is one
that carries ``X-Forwarded-Proto: https``, as the TLS-terminating proxy sends.

Needs PostgreSQL: on the default SQLite set-up it is skipped; .ci/run runs it.
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import dj_database_url
import pytest

from tests.support.admin_forms import form_data

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
PASSWORD = "correct-horse-battery-staple"
LOGIN_FAILURE_LIMIT = 5  # settings.AXES_FAILURE_LIMIT in production
COMMENT_LIMIT = 4  # comments per reader's address in ten minutes (DJANGO_COMMENTS_RATE_PER_IP)
ARTICLE = "/articles/scale-out-story/"

pytestmark = [
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="the two-server test needs PostgreSQL in DATABASE_URL (.ci/run provides it)",
    ),
]


def free_ports(count):
    """Ports nothing listens on, from SCALE_OUT_PORT_BASE upwards."""
    base = int(os.environ.get("SCALE_OUT_PORT_BASE", "8650"))
    found = []
    for port in range(base, base + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"no {count} free ports from {base}")


def wait_for(check, what, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"timed out waiting for {what}")


# --- a small HTTP client that behaves like one browser behind the load balancer ---------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


class Browser:
    """Holds one set of cookies and talks to any of the servers, as a load balancer would route it.

    The load balancer appends the reader's address to X-Forwarded-For (``address``).
    """

    def __init__(self, address="198.51.100.1"):
        self.cookies = {}
        self.address = address

    def request(self, port, method, path, form=None):
        headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{port}{path}"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read().decode("utf-8", "replace"))
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, port, path):
        return self.request(port, "GET", path)

    def post(self, port, path, form):
        return self.request(port, "POST", path, form)

    def csrf_token(self, port, path):
        return hidden_value(self.get(port, path).text, "csrfmiddlewaretoken")

    def send_comment(self, port, article_path, number):
        """Open the article through ``port`` and send a comment from its "Your thoughts" form."""
        page = self.get(port, article_path).text
        return self.post(
            port,
            f"{article_path}comments/",
            {
                "csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"),
                "started": hidden_value(page, "started"),
                "display_name": f"Reader {number}",
                "email": f"reader{number}@example.org",  # a new address each time: the per-address limit is higher
                "body": f"Comment number {number} on how the pilot is going in our county.",
                "website": "",
            },
        )

    def log_in(self, port, username, password=PASSWORD):
        token = self.csrf_token(port, "/admin/login/")
        return self.post(
            port,
            "/admin/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
        )


def hidden_value(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


# --- the cluster: Redis, a database, two gunicorn servers -------------------------------------


class Cluster:
    def __init__(self, tmp):
        self.tmp = tmp
        self.processes = []
        self.redis_port, self.port_a, self.port_b, self.dead_db_port, self.port_no_db = free_ports(5)
        settings = dj_database_url.parse(DATABASE_URL)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        self.db_name = f"{settings['NAME']}_scaleout{('_' + worker) if worker else ''}"
        self.db_url = DATABASE_URL.rsplit("/", 1)[0] + f"/{self.db_name}"
        self.db_settings = settings
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self, **overrides):
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
        return {
            **base,
            "DJANGO_SETTINGS_MODULE": "sendtracker.settings",
            "DJANGO_SECRET_KEY": "scale-out-test-key-" + "Vb7#qP2m!xR9" * 5,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
            "DATABASE_URL": self.db_url,
            "REDIS_URL": self.redis_url,
            # One load balancer in front: the reader's address is the last X-Forwarded-For entry.
            "DJANGO_TRUSTED_PROXY_COUNT": "1",
            # The comment form's minimum fill-in time is not what these tests are about.
            "DJANGO_COMMENTS_FORM_MIN_AGE_SECONDS": "0",
            "DJANGO_COMMENTS_RATE_PER_IP": str(COMMENT_LIMIT),
            **overrides,
        }

    def _maintenance(self, sql):
        import psycopg

        s = self.db_settings
        with psycopg.connect(
            dbname="postgres",
            user=s["USER"] or None,
            password=s["PASSWORD"] or None,
            host=s["HOST"] or None,
            port=s["PORT"] or None,
            autocommit=True,
        ) as connection:
            connection.execute(sql)

    def create_database(self):
        self._maintenance(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        self._maintenance(f'CREATE DATABASE "{self.db_name}"')

    def drop_database(self):
        self._maintenance(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def manage(self, *args, stdin=None, **env):
        return self.manage_all([args], stdin=stdin, **env)[0]

    def manage_all(self, commands, stdin=None, **env):
        """Run manage.py commands side by side; their output, once all have finished."""
        processes = [
            subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=self.env(**env),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for args in commands
        ]
        outputs = []
        for args, process in zip(commands, processes, strict=True):
            stdout, stderr = process.communicate(input=stdin, timeout=300)
            assert process.returncode == 0, f"manage.py {' '.join(args)} failed:\n{stdout}\n{stderr}"
            outputs.append(stdout)
        return outputs

    def start_redis(self):
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(self.redis)
        wait_for(self._redis_answers, "redis-server")

    def _redis_answers(self):
        import redis

        try:
            return self.redis_client().ping()
        except redis.exceptions.ConnectionError:
            return False

    def stop_redis(self):
        self.redis.terminate()
        self.redis.wait(timeout=30)

    def redis_client(self):
        import redis

        return redis.Redis.from_url(self.redis_url, socket_connect_timeout=1)

    def start_servers(self, *ports, **env):
        """gunicorn with production settings on each port, booting side by side; returns once all answer."""
        started = []
        for port in ports:
            log = open(self.tmp / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed with the process
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "sendtracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                cwd=ROOT,
                env=self.env(**env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            process.log = log
            self.processes.append(process)
            started.append((port, process))
        for port, process in started:
            wait_for(lambda port=port, process=process: self._answering(port, process), f"gunicorn on port {port}")

    def _answering(self, port, process):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on {port} exited:\n{(self.tmp / f'gunicorn-{port}.log').read_text()}")
        return Browser().get(port, "/healthz").status in (200, 503)

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # gunicorn and redis-server: quick shutdown
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if hasattr(process, "log"):
                process.log.close()


SETUP_DATA = """
from decimal import Decimal
from councils.choices import PilotStatus
from tests.support.factories import ArticleFactory, CouncilFactory, KeyFigureFactory, UserFactory
UserFactory(username="editor", role="Editors")
UserFactory(username="journalist", role="Journalists")
council = CouncilFactory(short_name="Scaleshire", slug="scaleshire", name="Scaleshire County Council",
                         status=PilotStatus.SHORTLISTED)
ArticleFactory(slug="scale-out-story", headline="How the pilot is going")
figure = KeyFigureFactory(key="shortlisted", label="councils shortlisted to lead a partnership", value=Decimal("20"),
                          source_url="https://schoolsweek.co.uk/send-pilot-shortlist")
print(figure.pk, council.pk)
"""


@pytest.fixture(scope="module")
def cluster():
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed; the two-server test needs its own Redis")
    tmp = Path(tempfile.mkdtemp(prefix="sendtracker-scaleout-"))
    cluster = Cluster(tmp)
    try:
        cluster.create_database()
        cluster.start_redis()
        cluster.manage_all([("migrate", "--noinput"), ("collectstatic", "--noinput", "--verbosity", "0")])
        pks = cluster.manage("shell", stdin=SETUP_DATA).strip().splitlines()[-1].split()
        cluster.key_figure_pk, cluster.council_pk = (int(pk) for pk in pks)
        cluster.start_servers(cluster.port_a, cluster.port_b)
        yield cluster
    finally:
        cluster.stop()
        cluster.drop_database()
        shutil.rmtree(tmp, ignore_errors=True)


def test_both_servers_report_database_and_cache_ok(cluster):
    for port in (cluster.port_a, cluster.port_b):
        response = Browser().get(port, "/healthz")
        assert response.status == 200
        assert response.text == '{"database": "ok", "cache": "ok"}'


def test_a_staff_session_made_on_one_server_works_on_the_other(cluster):
    browser = Browser()
    assert browser.log_in(cluster.port_a, "editor").status == 302
    session_key = browser.cookies["sessionid"]
    # The session is in the shared Redis (and PostgreSQL), not in server A.
    assert any(session_key in key.decode() for key in cluster.redis_client().keys("*sessions*"))
    response = browser.get(cluster.port_b, "/admin/")
    assert response.status == 200
    assert "<strong>editor</strong>" in response.text


def tracker_row(html, short_name):
    """The tracker table's row for one council."""
    return re.search(rf'<tr data-name="{short_name.lower()} [^"]*">.*?</tr>', html, re.S).group(0)


def test_a_status_change_through_one_server_is_seen_through_the_other_on_the_next_request(cluster):
    """B has the council page and the tracker in its page cache; an editor changes the status through A."""
    public = Browser(address="198.51.100.20")
    council_page, tracker = "/councils/scaleshire/", "/tracker/"
    for path in (council_page, tracker):
        public.get(cluster.port_b, path)
        cached = public.get(cluster.port_b, path)
        assert cached.headers["X-Page-Cache"] == "hit", path
    assert "status-shortlisted" in tracker_row(cached.text, "Scaleshire")

    editor = Browser()
    assert editor.log_in(cluster.port_a, "editor").status == 302
    change_url = f"/admin/councils/council/{cluster.council_pk}/change/"
    form = form_data(
        editor.get(cluster.port_a, change_url).text,
        "council_form",
        {
            "pilot_status": "considering",
            "status_effective_date": time.strftime("%Y-%m-%d"),
            "status_note": "The cabinet is weighing up a bid.",
            "status_source_url": "https://example.org/scaleshire-cabinet",
            "status_source_title": "Scaleshire cabinet papers",
        },
    )
    saved = editor.post(cluster.port_a, change_url, form)
    assert saved.status == 302, saved.text[:3000]

    page = public.get(cluster.port_b, council_page)
    assert page.status == 200
    assert page.headers["X-Page-Cache"] == "miss"
    assert "status-considering" in page.text
    assert "The cabinet is weighing up a bid." in page.text
    table = public.get(cluster.port_b, tracker)
    assert "status-considering" in tracker_row(table.text, "Scaleshire")
    assert "status-shortlisted" not in tracker_row(table.text, "Scaleshire")
    # And server A, which never served these pages, agrees.
    assert "status-considering" in tracker_row(public.get(cluster.port_a, tracker).text, "Scaleshire")


def test_an_editorial_edit_through_one_server_is_seen_through_the_other_on_the_next_request(cluster):
    browser = Browser()
    browser.log_in(cluster.port_a, "editor")
    public = Browser(address="198.51.100.21")
    public.get(cluster.port_b, "/")
    home = public.get(cluster.port_b, "/")
    assert home.headers["X-Page-Cache"] == "hit"
    assert "councils shortlisted to lead a partnership" in home.text

    change_url = f"/admin/councils/keyfigure/{cluster.key_figure_pk}/change/"
    form = form_data(
        browser.get(cluster.port_a, change_url).text, "keyfigure_form", {"label": "councils on the shortlist"}
    )
    assert browser.post(cluster.port_a, change_url, form).status == 302

    page = public.get(cluster.port_b, "/")
    assert page.status == 200
    assert "councils on the shortlist" in page.text
    assert "councils shortlisted to lead a partnership" not in page.text


def test_the_comment_rate_limit_counts_across_both_servers(cluster):
    """A reader sends comments through A up to the limit; the next one, through B, is refused with 429."""
    reader = Browser(address="203.0.113.7")
    for number in range(COMMENT_LIMIT):
        sent = reader.send_comment(cluster.port_a, ARTICLE, number)
        assert sent.status == 302, sent.text[:3000]
        assert "/comments/thanks/" in sent.headers["Location"]

    refused = reader.send_comment(cluster.port_b, ARTICLE, COMMENT_LIMIT)
    assert refused.status == 429
    assert "You have sent several comments in the last 10 minutes" in refused.text
    # Still refused through A: one count, wherever the load balancer sends the reader.
    assert reader.send_comment(cluster.port_a, ARTICLE, COMMENT_LIMIT + 1).status == 429
    # The count is the shared Redis's (keyed by a hash of the address, never the address itself).
    keys = [key.decode() for key in cluster.redis_client().keys("*comments:rate:ip:*")]
    assert keys and not any("203.0.113.7" in key for key in keys)

    # Another reader, behind the same load balancer, is not held back by the first one's count.
    other = Browser(address="203.0.113.99")
    assert other.send_comment(cluster.port_b, ARTICLE, 100).status == 302


def test_failed_logins_count_across_both_servers(cluster):
    browser = Browser()
    statuses = []
    for attempt in range(LOGIN_FAILURE_LIMIT):
        port = (cluster.port_a, cluster.port_b)[attempt % 2]
        token = browser.csrf_token(port, "/admin/login/")
        response = browser.post(
            port, "/admin/login/", {"csrfmiddlewaretoken": token, "username": "journalist", "password": "guess"}
        )
        statuses.append(response.status)
    assert statuses == [200] * (LOGIN_FAILURE_LIMIT - 1) + [429]
    # Locked out on both, whichever server the load balancer picks next.
    for port in (cluster.port_a, cluster.port_b):
        assert Browser().log_in(port, "journalist").status == 429


def test_a_value_written_to_the_cache_through_one_server_is_read_through_the_other(cluster):
    """Delete the session's database row: server B can only know the login from the shared Redis."""
    import psycopg

    browser = Browser()
    browser.log_in(cluster.port_a, "editor")
    with psycopg.connect(cluster.db_url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DELETE FROM django_session WHERE session_key = %s", [browser.cookies["sessionid"]])
    assert "<strong>editor</strong>" in browser.get(cluster.port_b, "/admin/").text


def test_the_database_being_unreachable_gives_the_503_page_not_a_traceback(cluster):
    dead_url = f"postgres://postgres@127.0.0.1:{cluster.dead_db_port}/{cluster.db_name}"
    cluster.start_servers(cluster.port_no_db, DATABASE_URL=dead_url)
    browser = Browser()
    page = browser.get(cluster.port_no_db, "/tracker/")
    assert page.status == 503
    assert "SEND Tracker is unavailable for a moment" in page.text
    assert "Traceback" not in page.text and "OperationalError" not in page.text
    assert page.headers["Content-Security-Policy"]
    health = browser.get(cluster.port_no_db, "/healthz")
    assert health.status == 503
    assert '"database": "down"' in health.text


def test_stopping_redis_degrades_gracefully(cluster):
    """Run last: with the shared Redis gone, pages are served uncached and staff stay logged in."""
    staff = Browser()
    staff.log_in(cluster.port_a, "editor")
    cluster.stop_redis()

    for port in (cluster.port_a, cluster.port_b):
        for path in ("/", "/tracker/", "/councils/scaleshire/"):
            assert Browser().get(port, path).status == 200, (port, path)
        health = Browser().get(port, "/healthz")
        assert health.status == 503
        assert health.text == '{"database": "ok", "cache": "down"}'

    assert "<strong>editor</strong>" in staff.get(cluster.port_b, "/admin/").text
    newcomer = Browser()
    assert newcomer.log_in(cluster.port_b, "editor").status == 302
    assert "<strong>editor</strong>" in newcomer.get(cluster.port_a, "/admin/").text
