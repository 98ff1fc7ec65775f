"""What a page not in the cache costs in Redis: the versions, the render lock, then the page stored
with the lock let go in the same round trip (a pipeline), against a real Redis."""

import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from councils.choices import PilotStatus
from councils.services import council_set_status
from sendtracker.cache import middleware, versions
from sendtracker.cache.middleware import PageCacheMiddleware
from tests.support.factories import CouncilFactory
from tests.support.redis_server import redis_commands

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracker(db):
    council = CouncilFactory(short_name="Shire", slug="shire")
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=timezone.localdate())


def test_a_page_not_in_the_cache_costs_two_round_trips_and_leaves_no_lock(production_stores, tracker, round_trips):
    assert Client().get("/tracker/?scope=all&as_of=2024-01-01")["X-Page-Cache"] == "miss"  # seeds the versions
    redis_commands(production_stores)
    round_trips.reset()

    page = Client().get("/tracker/?scope=all&as_of=2024-06-01&ordering=-region")

    assert page.status_code == 200
    assert page["X-Page-Cache"] == "miss"
    assert round_trips.count == 2  # the versions and the render lock, one script; the page stored and the lock let go
    # (Redis counts the script's own commands: its MGET and its SET of the lock.)
    assert redis_commands(production_stores) == {"eval": 1, "mget": 1, "set": 2, "del": 1}
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


# The render lock taken in the read's script and the one the middleware takes itself have one name.


def declared_tracker_keys():
    return versions.expand(["tracker"])


def test_the_lock_the_read_takes_is_the_one_the_middleware_would_take(production_stores, tracker):
    keys = declared_tracker_keys()
    versions.read(keys)  # seeds them
    lock = versions.RenderLock("page-render:abc:", keys, 30)
    tokens, _found = versions.read(keys, ["page:abc"], lock)

    assert lock.taken is True
    assert lock.name == PageCacheMiddleware(lambda request: None).render_lock("abc", keys, tokens)
    assert not cache.add(lock.name, 1)  # held: a request taking it the other way waits
    assert production_stores.ttl(cache.make_key(lock.name)) > 0  # and it lets go by itself if its renderer dies


def test_the_read_finds_a_lock_the_middleware_took(production_stores, tracker):
    keys = declared_tracker_keys()
    tokens, _found = versions.read(keys)
    assert cache.add(PageCacheMiddleware(lambda request: None).render_lock("abc", keys, tokens), 1)

    lock = versions.RenderLock("page-render:abc:", keys, 30)
    versions.read(keys, ["page:abc"], lock)
    assert lock.taken is False


def test_no_lock_is_taken_for_a_page_in_the_cache(production_stores, tracker):
    keys = declared_tracker_keys()
    versions.read(keys)
    cache.set("page:abc", {"tokens": {}})
    lock = versions.RenderLock("page-render:abc:", keys, 30)
    versions.read(keys, ["page:abc"], lock)
    assert lock.taken is None
    assert not production_stores.keys("*page-render*")


def test_a_reader_waits_for_the_render_another_server_is_doing(production_stores, tracker, monkeypatch):
    path = "/tracker/?scope=all&as_of=2024-06-01"
    named = []
    lock_name = versions.lock_name
    monkeypatch.setattr(versions, "lock_name", lambda *args: named.append(args) or lock_name(*args))
    assert Client().get(path)["X-Page-Cache"] == "miss"
    (entry,) = production_stores.keys("*:page:*")
    production_stores.delete(entry)  # gone, while another server renders it again under the same versions
    [(prefix, keys, _tokens)] = named
    tokens, _found = versions.read(keys)
    assert cache.add(lock_name(prefix, keys, tokens), 1)
    pauses = []
    monkeypatch.setattr(middleware, "RENDER_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(middleware, "_pause", lambda seconds: (pauses.append(seconds), time.sleep(seconds)))

    page = Client(raise_request_exception=True).get(path)

    assert pauses  # it waited for the other render
    assert page.status_code == 200  # and, as that one never finished, rendered the page itself
    assert "Shire" in page.content.decode()
