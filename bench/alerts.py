"""`make bench-alerts` (or `bench/run.py --alerts`): one status change fanned out to 10,000 followers.

1. Creates a PostgreSQL database of its own (``<DATABASE_URL's name>_alerts``, or
   ``sendtracker_bench_alerts`` on the local server), migrates it, starts its own
   redis-server on a spare port, an SMTP sink (aiosmtpd, in this process) and gunicorn with
   the production settings (REDIS_URL: tasks go to the broker, never run in the request).
2. Times the admin's save of a status change (``--saves`` councils) with no followers, then
   with 10,000 confirmed followers of the council saved, with the worker not yet running, so
   the saves measure only the web request; the ratio is median(no followers) / median(10,000)
   and should be at least 0.8.
3. Starts ``celery -A sendtracker worker`` and records how many messages a second reach the
   SMTP sink until all 10,000 have arrived (each follower exactly once).
4. Prints the figures and writes bench/results/alerts-latest.json.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from aiosmtpd.controller import Controller

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

from bench.server import spare_port  # noqa: E402
from tests.support.admin_forms import form_data  # noqa: E402 - the admin form as a browser submits it

FOLLOWERS = 10_000

SETUP = """
from councils.choices import PilotStatus
from councils.models import Council
from tests.support.factories import CouncilFactory, UserFactory
UserFactory(username="editor", role="Editors", password="bench-password-editor-2026")
pks = [CouncilFactory(short_name=f"Benchshire {{n}}", slug=f"benchshire-{{n}}", status=PilotStatus.SHORTLISTED).pk
       for n in range({councils})]
print(" ".join(map(str, pks)))
"""

FOLLOW = """
import datetime
from django.utils import timezone
from alerts.models import Subscription
now = timezone.now()
Subscription.objects.bulk_create(
    [Subscription(email=f"reader{{n}}@bench.example", target="council", council_id={council},
                  topic="council:{council}", confirmed_at=now) for n in range({followers})],
    batch_size=2000,
)
print(Subscription.objects.filter(council_id={council}, confirmed_at__isnull=False).count())
"""

REPOINT = """
from alerts.models import Subscription
print(Subscription.objects.update(council_id={council}, topic="council:{council}"))
"""


class Sink:
    """Counts what the SMTP server accepts, and when the first and last message came."""

    def __init__(self):
        self.count = 0
        self.recipients = set()
        self.first = self.last = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            now = time.monotonic()
            self.first = self.first or now
            self.last = now
            self.count += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


class Session:
    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        connection = HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, text


class Stack:
    def __init__(self, args):
        self.tmp = Path(tempfile.mkdtemp(prefix="sendtracker-bench-alerts-"))
        base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sendtracker_bench")
        self.maintenance = base.rsplit("/", 1)[0] + "/postgres"
        self.db_name = base.rsplit("/", 1)[1] + "_alerts"
        self.db_url = base.rsplit("/", 1)[0] + f"/{self.db_name}"
        self.redis_port, self.web_port, self.smtp_port = spare_port(), spare_port(), spare_port()
        self.processes = []
        self.args = args

    def env(self):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
        return {
            **clean,
            "DJANGO_SETTINGS_MODULE": "sendtracker.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": self.db_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "DJANGO_EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
        }

    def sql(self, statement):
        with psycopg.connect(self.maintenance, autocommit=True) as connection:
            connection.execute(statement)

    def manage(self, *args, stdin=None):
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE, env=self.env(), input=stdin, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def spawn(self, name, command):
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(
            command, cwd=BASE, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        process.log = log
        self.processes.append(process)
        return process

    def wait(self, check, what, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if check():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"timed out waiting for {what}; logs in {self.tmp}")

    def start(self):
        self.sql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        self.sql(f'CREATE DATABASE "{self.db_name}"')
        self.spawn("redis", ["redis-server", "--port", str(self.redis_port), "--save", "", "--appendonly", "no"])
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.councils = [
            int(pk) for pk in self.manage("shell", stdin=SETUP.format(councils=2 * self.args.saves + 1)).split()
        ]
        self.spawn(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "sendtracker.wsgi",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
            ],
        )
        self.wait(lambda: Session(self.web_port).request("GET", "/healthz")[0] == 200, "gunicorn")

    def start_worker(self):
        return self.spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sendtracker",
                "worker",
                "--loglevel=WARNING",
                f"--concurrency={self.args.concurrency}",
            ],
        )

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            process.log.close()
        self.sql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


def timed_save(session, council_pk):
    url = f"/admin/councils/council/{council_pk}/change/"
    _, html = session.request("GET", url)
    form = form_data(
        html,
        "council_form",
        {
            "pilot_status": "considering",
            "status_effective_date": time.strftime("%Y-%m-%d"),
            "status_note": "Bench: the cabinet is weighing up a bid.",
        },
    )
    started = time.perf_counter()
    status, text = session.request("POST", url, form)
    elapsed = time.perf_counter() - started
    if status != 302:
        raise SystemExit(f"the admin refused the save ({status}):\n{text[:2000]}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=5, help="timed admin saves with 0 and with 10,000 followers")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--followers", type=int, default=FOLLOWERS)
    args = parser.parse_args([a for a in sys.argv[1:] if a != "--alerts"])
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is needed (apt-get install redis-server).")
    sink = Sink()
    stack = Stack(args)
    controller = Controller(sink, hostname="127.0.0.1", port=stack.smtp_port)
    controller.start()
    try:
        stack.start()
        session = Session(stack.web_port)
        _, login = session.request("GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
        status, _ = session.request(
            "POST",
            "/admin/login/",
            {
                "csrfmiddlewaretoken": token,
                "username": "editor",
                "password": "bench-password-editor-2026",
                "next": "/admin/",
            },
        )
        assert status == 302, "log-in failed"
        quiet, followed = stack.councils[: args.saves + 1], stack.councils[args.saves + 1 :]
        timed_save(session, quiet.pop())  # warm-up: the first request of each process is slower
        print(f"followers: {stack.manage('shell', stdin=FOLLOW.format(council=followed[0], followers=args.followers))}")
        without, with_followers = [], []
        for quiet_pk, followed_pk in zip(quiet, followed, strict=True):
            # Interleaved, so both see the same machine: the 10,000 now follow followed_pk, nobody quiet_pk.
            stack.manage("shell", stdin=REPOINT.format(council=followed_pk))
            with_followers.append(timed_save(session, followed_pk))
            without.append(timed_save(session, quiet_pk))
        # Queued: one fan-out per save; only the last council still has the followers.
        started = time.monotonic()
        stack.start_worker()
        stack.wait(lambda: sink.count >= args.followers, f"{args.followers} messages", timeout=3600)
        total = time.monotonic() - started
        time.sleep(3)  # anything sent twice would arrive now
        result = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "followers": args.followers,
            "admin_save_seconds_no_followers": statistics.median(without),
            "admin_save_seconds_10000_followers": statistics.median(with_followers),
            "ratio": statistics.median(without) / statistics.median(with_followers),
            "messages": sink.count,
            "distinct_recipients": len(sink.recipients),
            "messages_per_second_sending": round(sink.count / max(sink.last - sink.first, 1e-6), 1),
            "seconds_from_worker_start_to_last_message": round(total, 1),
            "worker_concurrency": args.concurrency,
            "cpus": os.cpu_count(),
        }
    finally:
        controller.stop()
        stack.stop()
    print(json.dumps(result, indent=2))
    results = BASE / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "alerts-latest.json").write_text(json.dumps(result, indent=2) + "\n")
    if result["messages"] != args.followers or result["distinct_recipients"] != args.followers:
        raise SystemExit("each follower should get exactly one message")
    if result["ratio"] < 0.8:
        raise SystemExit(f"the admin save is slower with followers: ratio {result['ratio']:.2f} < 0.8")


if __name__ == "__main__":
    main()
