"""Two workers sending the same change at once, on PostgreSQL: each follower still gets it once.

Each thread is a worker with its own database connection; the SentAlert row each message
claims is locked (SELECT … FOR UPDATE SKIP LOCKED) while the mail server takes it.
"""

import threading

import pytest
from django.db import connection

from alerts import tasks
from alerts.models import Change, SentAlert
from councils.choices import PilotStatus
from councils.services import council_set_status
from tests.support.factories import CouncilFactory

from .helpers import confirmed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL (DATABASE_URL)"),
]


def test_two_workers_sending_the_same_chunk_send_each_alert_once(smtp, monkeypatch):
    council = CouncilFactory(status=PilotStatus.SHORTLISTED)
    followers = [confirmed(f"reader{n}@example.org", followed=council) for n in range(40)]
    monkeypatch.setattr(tasks.fan_out, "delay", lambda pk: None)  # the workers below do the sending
    council_set_status(council=council, status=PilotStatus.CONSIDERING)
    change = Change.objects.get()
    ids = [subscription.pk for subscription in followers]
    barrier = threading.Barrier(3)
    sent = []

    def worker():
        try:
            barrier.wait()
            sent.append(tasks.send_alerts(change.pk, ids))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(sent) == 40
    assert sorted(r for m in smtp.messages for r in m.recipients) == sorted(f"reader{n}@example.org" for n in range(40))
    assert SentAlert.objects.filter(sent_at__isnull=False).count() == 40
