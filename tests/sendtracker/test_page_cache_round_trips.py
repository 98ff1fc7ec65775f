"""What a page not in the cache costs in Redis: the versions, the render lock, then the page stored
with the lock let go in the same round trip (a pipeline), against a real Redis."""

import pytest
import redis
from django.test import Client
from django.utils import timezone

from councils.choices import PilotStatus
from councils.services import council_set_status
from tests.support.factories import CouncilFactory
from tests.support.redis_server import redis_commands

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_trips(monkeypatch):
    """How many times redis-py sends: one ``send_packed_command`` is one round trip."""
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counted(connection, *args, **kwargs):
        sent.append(1)
        return original(connection, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return sent


@pytest.fixture
def tracker(db):
    council = CouncilFactory(short_name="Shire", slug="shire")
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=timezone.localdate())


def test_a_page_not_in_the_cache_costs_three_round_trips_and_leaves_no_lock(production_stores, tracker, round_trips):
    assert Client().get("/tracker/?scope=all&as_of=2024-01-01")["X-Page-Cache"] == "miss"  # seeds the versions
    redis_commands(production_stores)
    round_trips.clear()

    page = Client().get("/tracker/?scope=all&as_of=2024-06-01&ordering=-region")

    assert page.status_code == 200
    assert page["X-Page-Cache"] == "miss"
    assert len(round_trips) == 3  # the versions; the render lock; the page stored and the lock let go
    assert redis_commands(production_stores) == {"mget": 1, "set": 2, "del": 1}
    assert not production_stores.keys("*page-render*")  # another reader of the page would not wait
    assert len(production_stores.keys("*:page:*")) == 2
    assert Client().get("/tracker/?scope=all&as_of=2024-06-01&ordering=-region")["X-Page-Cache"] == "hit"


def test_while_redis_is_down_the_page_is_still_served(production_stores, tracker, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}  # nothing listens there
    }
    page = Client().get("/tracker/?scope=all&as_of=2024-06-01")
    assert page.status_code == 200  # the store and the lock's release are dropped, not raised
    assert "Shire" in page.content.decode()
