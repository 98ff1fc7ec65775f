"""Sending never happens in the web request: the admin's save queues the fan-out after commit, whatever the followers."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import tasks
from alerts.models import Change, Subscription
from councils.choices import PilotStatus
from tests.councils.test_admin import client_for, post_change_form
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db

SOURCE = "https://example.org/council-cabinet-papers"


def save_queries(client, council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, CaptureQueriesContext(connection) as queries:
        response = post_change_form(
            client,
            council,
            pilot_status=PilotStatus.CONSIDERING,
            status_note="Weighing a bid.",
            status_source_url=SOURCE,
        )
    assert response.status_code == 302
    return len(queries), callbacks


def test_the_admin_save_costs_the_same_with_many_followers_and_sends_nothing_itself(
    journalist, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for(journalist)
    quiet = CouncilFactory(status=PilotStatus.SHORTLISTED)
    followed = CouncilFactory(status=PilotStatus.SHORTLISTED)
    Subscription.objects.bulk_create(
        [
            Subscription(email=f"r{n}@example.org", target="council", council=followed, topic=f"council:{followed.pk}")
            for n in range(300)
        ]
    )
    Subscription.objects.update(confirmed_at="2026-01-01T00:00Z")
    post_change_form(
        client,
        CouncilFactory(status=PilotStatus.SHORTLISTED),
        pilot_status=PilotStatus.CONSIDERING,
        status_source_url=SOURCE,
    )

    without, _ = save_queries(client, quiet, django_capture_on_commit_callbacks)
    with_followers, callbacks = save_queries(client, followed, django_capture_on_commit_callbacks)

    assert with_followers == without
    assert mail.outbox == []
    assert Change.objects.filter(council=followed).count() == 1  # recorded in the save's transaction
    # What the commit hands on is one message to the broker: fan out this change.
    queued = []
    monkeypatch.setattr(tasks.fan_out, "delay", queued.append)
    for callback in callbacks:
        callback()
    assert queued == [Change.objects.get(council=followed).pk]


def test_with_the_broker_down_the_save_succeeds_and_the_sweep_sends_later(
    journalist, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for(journalist)
    council = CouncilFactory(status=PilotStatus.SHORTLISTED)

    def broker_down(*args):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.fan_out, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change_form(client, council, pilot_status=PilotStatus.CONSIDERING, status_source_url=SOURCE)
    assert response.status_code == 302
    change = Change.objects.get(council=council)
    assert change.fanned_out_at is None  # fan_out_pending will pick it up (tests/alerts/test_sending.py)
