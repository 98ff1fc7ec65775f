"""Alerts on the real parts: gunicorn, a Celery worker and Redis, PostgreSQL, and an SMTP server.

Starts its own redis-server on a spare port and a PostgreSQL database next to DATABASE_URL's
(``<name>_alerts``: the worker is another process, so pytest's test database is no use to it),
a gunicorn server and ``celery -A sendtracker worker --pool=solo`` with production settings,
and an aiosmtpd server in this process that the worker sends to through Django's SMTP backend.
A reader follows a council from its page, confirms from the email, and an editor records a
status change in the admin: the confirmed follower gets it once, the unconfirmed one never.

Needs PostgreSQL: on the default SQLite set-up it is skipped; .ci/run runs it.
"""

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.integration.test_scale_out import DATABASE_URL, ROOT, Browser, Cluster, hidden_value, wait_for
from tests.support.admin_forms import form_data
from tests.support.smtp import SmtpServer, subject_of, text_of

pytestmark = [
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="the worker test needs PostgreSQL in DATABASE_URL (.ci/run provides it)",
    ),
]

FOLLOWER, UNCONFIRMED = "follower@example.org", "unconfirmed@example.org"

SETUP_DATA = """
from councils.choices import PilotStatus
from tests.support.factories import CouncilFactory, UserFactory
UserFactory(username="editor", role="Editors")
council = CouncilFactory(short_name="Followshire", slug="followshire", name="Followshire County Council",
                         status=PilotStatus.SHORTLISTED)
print(council.pk)
"""

SUBSCRIPTIONS = """
from alerts.models import SentAlert, Subscription
print(Subscription.objects.filter(email="follower@example.org").count(), SentAlert.objects.filter(sent_at__isnull=False).count())
"""


class AlertsCluster(Cluster):
    def __init__(self, tmp, smtp_port):
        super().__init__(tmp)
        self.db_name = self.db_name.replace("_scaleout", "_alerts")
        self.db_url = DATABASE_URL.rsplit("/", 1)[0] + f"/{self.db_name}"
        self.smtp_port = smtp_port

    def env(self, **overrides):
        return super().env(DJANGO_EMAIL_URL=f"smtp://127.0.0.1:{self.smtp_port}", **overrides)

    def start_worker(self):
        log = open(self.tmp / "worker.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "sendtracker", "worker", "--pool=solo", "--loglevel=INFO"],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        self.processes.append(process)
        wait_for(lambda: "ready" in (self.tmp / "worker.log").read_text() or process.poll() is not None, "worker")
        assert process.poll() is None, (self.tmp / "worker.log").read_text()


@pytest.fixture(scope="module")
def stack():
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed; the worker test needs its own Redis")
    tmp = Path(tempfile.mkdtemp(prefix="sendtracker-alerts-"))
    with SmtpServer() as smtp:
        cluster = AlertsCluster(tmp, smtp.port)
        cluster.inbox = smtp.inbox
        try:
            cluster.create_database()
            cluster.start_redis()
            cluster.manage_all([("migrate", "--noinput"), ("collectstatic", "--noinput", "--verbosity", "0")])
            cluster.council_pk = int(cluster.manage("shell", stdin=SETUP_DATA).strip().splitlines()[-1])
            cluster.start_servers(cluster.port_a)
            cluster.start_worker()
            yield cluster
        finally:
            cluster.stop()
            cluster.drop_database()
            shutil.rmtree(tmp, ignore_errors=True)


def wait_for_mail(inbox, address, count, timeout=60):
    wait_for(lambda: len(inbox.to(address)) >= count, f"{count} message(s) to {address}", timeout=timeout)
    return inbox.to(address)


def follow(stack, reader, email):
    page = reader.get(stack.port_a, "/councils/followshire/").text
    assert 'action="/alerts/follow/"' in page
    response = reader.post(
        stack.port_a,
        "/alerts/follow/",
        {
            "email": email,
            "frequency": "immediate",
            "target": "council",
            "followed": str(stack.council_pk),
        },
    )
    assert response.status == 303, response.text[:2000]


def change_status(stack, editor, status, note):
    change_url = f"/admin/councils/council/{stack.council_pk}/change/"
    form = form_data(
        editor.get(stack.port_a, change_url).text,
        "council_form",
        {
            "pilot_status": status,
            "status_effective_date": time.strftime("%Y-%m-%d"),
            "status_note": note,
            "status_source_url": "https://example.org/followshire-cabinet",
            "status_source_title": "Followshire cabinet papers",
        },
    )
    saved = editor.post(stack.port_a, change_url, form)
    assert saved.status == 302, saved.text[:3000]


def test_a_status_change_saved_in_the_admin_reaches_the_confirmed_follower_once(stack):
    follower, stranger = Browser(address="198.51.100.31"), Browser(address="198.51.100.32")
    follow(stack, follower, FOLLOWER)
    follow(stack, stranger, UNCONFIRMED)
    (confirmation,) = wait_for_mail(stack.inbox, FOLLOWER, 1)
    assert subject_of(confirmation) == "Confirm your SEND Tracker alerts"
    wait_for_mail(stack.inbox, UNCONFIRMED, 1)

    confirm_path = re.search(r"https?://[^/\s]+(/alerts/confirm/\S+)", text_of(confirmation)).group(1)
    page = follower.get(stack.port_a, confirm_path)
    assert page.status == 200
    confirmed = follower.post(
        stack.port_a, confirm_path, {"csrfmiddlewaretoken": hidden_value(page.text, "csrfmiddlewaretoken")}
    )
    assert "Your alerts are on" in confirmed.text

    editor = Browser()
    assert editor.log_in(stack.port_a, "editor").status == 302
    change_status(stack, editor, "considering", "The cabinet is weighing up a bid.")

    messages = wait_for_mail(stack.inbox, FOLLOWER, 2)
    alert = messages[1]
    assert subject_of(alert) == "Followshire: Shortlisted → Considering"
    assert "Note: The cabinet is weighing up a bid." in text_of(alert)
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    time.sleep(3)  # anything sent twice, or to the unconfirmed address, would have arrived by now
    assert len(stack.inbox.to(FOLLOWER)) == 2
    assert [subject_of(m) for m in stack.inbox.to(UNCONFIRMED)] == ["Confirm your SEND Tracker alerts"]
    stack.alert = alert


def test_one_click_unsubscribe_by_post_without_a_browser(stack):
    unsubscribe = re.search(r"<https?://[^/>]+(/alerts/unsubscribe/[^>]+)>", stack.alert["List-Unsubscribe"]).group(1)
    connection_only = Browser(address="198.51.100.33")  # no cookies, no CSRF token: a mail client's POST
    response = connection_only.request(stack.port_a, "POST", unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    subscriptions, sent = stack.manage("shell", stdin=SUBSCRIPTIONS).strip().splitlines()[-1].split()
    assert subscriptions == "0"
    assert sent == "0"  # the record of what was sent went with the subscription

    editor = Browser()
    editor.log_in(stack.port_a, "editor")
    before = len(stack.inbox.messages)
    change_status(stack, editor, "eoi_submitted", "The bid went in.")
    time.sleep(3)
    assert len(stack.inbox.messages) == before
    assert "alerts.tasks.fan_out" in (stack.tmp / "worker.log").read_text()
