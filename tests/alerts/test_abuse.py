"""Subscribing is rate-limited per client and per address, and a victim's address gets at most 3 confirmations a day."""

import pytest
from django.core import mail

from alerts.models import Subscription
from tests.support.factories import CouncilFactory

from .helpers import follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def councils():
    return CouncilFactory.create_batch(12)


def test_one_client_is_limited_per_hour(client, councils, settings):
    settings.ALERTS_RATE_LIMIT_PER_IP = (3, 3600)
    answers = [
        follow(client, email=f"reader{n}@example.org", followed=council, address="203.0.113.9").status_code
        for n, council in enumerate(councils[:4])
    ]
    assert answers == [303, 303, 303, 429]
    refused = follow(client, email="x@example.org", followed=councils[5], address="203.0.113.9")
    assert "Please wait a while" in refused.content.decode()
    assert follow(client, email="y@example.org", followed=councils[5], address="203.0.113.10").status_code == 303


def test_one_address_is_limited_whoever_asks(client, councils, settings):
    settings.ALERTS_RATE_LIMIT_PER_EMAIL = (2, 3600)
    answers = [
        follow(client, email="victim@example.org", followed=council, address=f"203.0.113.{n}").status_code
        for n, council in enumerate(councils[:3], start=20)
    ]
    assert answers == [303, 303, 429]


def test_a_victims_address_gets_at_most_three_confirmations_a_day(client, councils, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            follow(client, email="Victim@Example.org", followed=council, address=f"198.51.100.{n}")
            for n, council in enumerate(councils[:5])
        ]
    # Every asker sees the same answer; only three emails go out.
    assert {a.status_code for a in answers} == {303}
    assert len(mail.outbox) == 3
    assert Subscription.objects.filter(confirmed_at=None).count() == 5
