"""One render per page and versions: a miss while another request renders the same page waits for it.

Readers who miss a page together (after a write replaced one of its versions) no longer each
render it: the first takes a lock, the others wait for its entry and serve it only if every
version it was built from is still current. A write during the wait means they render the
new rows themselves; no reader is ever handed the page from before a commit.
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from councils.choices import PilotStatus, Region
from councils.services import council_set_status
from sendtracker.cache import middleware
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wyrmshire():
    council = CouncilFactory(short_name="Wyrmshire", slug="wyrmshire", region=Region.NORTH_WEST)
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=timezone.localdate())
    return council


class WatchedCache:
    """The shared cache as the page cache middleware sees it, noting the keys it adds and sets."""

    def __init__(self):
        self.added, self.stored = [], []

    def __getattr__(self, name):
        return getattr(cache, name)

    def add(self, key, *args, **kwargs):
        self.added.append(key)
        return cache.add(key, *args, **kwargs)

    def set(self, key, value, *args, **kwargs):
        self.stored.append((key, value))
        return cache.set(key, value, *args, **kwargs)


@pytest.fixture
def watched(monkeypatch):
    watched = WatchedCache()
    monkeypatch.setattr(middleware, "cache", watched)
    return watched


@pytest.fixture
def rendered(watched, wyrmshire):
    """The council page rendered once, as another app server would: its entry, entry key and render lock."""
    path = wyrmshire.get_absolute_url()
    first = Client().get(path)
    assert first["X-Page-Cache"] == "miss"
    [lock_key] = [key for key in watched.added if key.startswith("page-render:")]
    [(entry_key, entry)] = [(key, value) for key, value in watched.stored if key.startswith("page:")]
    return {"path": path, "lock": lock_key, "entry_key": entry_key, "entry": entry, "content": first.content}


def another_renderer_at_work(rendered):
    """The page's entry is gone and another request holds the lock for the same versions."""
    cache.delete(rendered["entry_key"])
    assert cache.add(rendered["lock"], 1)


def test_the_renderer_lets_go_of_its_lock_once_the_page_is_stored(rendered):
    assert cache.get(rendered["lock"]) is None
    assert cache.get(rendered["entry_key"]) is not None


def test_a_miss_while_the_page_is_rendered_serves_that_render_without_rendering_again(
    rendered, monkeypatch, django_assert_num_queries
):
    another_renderer_at_work(rendered)
    waits = []

    def renderer_finishes(seconds):
        waits.append(seconds)
        cache.set(rendered["entry_key"], rendered["entry"])
        cache.delete(rendered["lock"])

    monkeypatch.setattr(middleware, "_pause", renderer_finishes)
    with django_assert_num_queries(0):  # the view did not run
        page = Client().get(rendered["path"])
    assert waits
    assert page.status_code == 200
    assert page["X-Page-Cache"] == "hit"
    assert page.content == rendered["content"]


def test_a_status_change_committed_during_the_wait_is_shown_not_the_render_from_before(
    rendered, wyrmshire, monkeypatch, django_capture_on_commit_callbacks
):
    another_renderer_at_work(rendered)
    assert "Shortlisted" in rendered["content"].decode()

    def renderer_finishes_then_an_editor_saves(seconds):
        # The other request stores what it rendered before the change...
        cache.set(rendered["entry_key"], rendered["entry"])
        cache.delete(rendered["lock"])
        # ...and the change commits before the waiting request reads the entry.
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            council_set_status(council=wyrmshire, status=PilotStatus.CONSIDERING, override=True)

    monkeypatch.setattr(middleware, "_pause", renderer_finishes_then_an_editor_saves)
    page = Client().get(rendered["path"])
    assert page["X-Page-Cache"] == "miss"
    assert "Considering" in page.content.decode()
    assert Client().get(rendered["path"]).content == page.content  # and that is what is stored now


def test_when_the_renderer_stores_nothing_the_waiting_request_renders_the_page(rendered, monkeypatch):
    another_renderer_at_work(rendered)
    monkeypatch.setattr(middleware, "_pause", lambda seconds: cache.delete(rendered["lock"]))
    page = Client().get(rendered["path"])
    assert page.status_code == 200
    assert page["X-Page-Cache"] == "miss"
    assert "Wyrmshire" in page.content.decode()


def test_a_render_that_takes_too_long_is_not_waited_for(rendered, monkeypatch):
    another_renderer_at_work(rendered)
    monkeypatch.setattr(middleware, "RENDER_WAIT_SECONDS", 0)
    monkeypatch.setattr(middleware, "_pause", lambda seconds: pytest.fail("waited past RENDER_WAIT_SECONDS"))
    page = Client().get(rendered["path"])
    assert page["X-Page-Cache"] == "miss"
    assert "Wyrmshire" in page.content.decode()
    assert cache.get(rendered["lock"]) == 1  # the other renderer's lock is left to it


def test_a_page_that_cannot_be_stored_frees_its_lock(watched, wyrmshire):
    """A 404 is rendered and not stored: the requests waiting for it must not wait for nothing."""
    assert Client().get("/councils/no-such-council/").status_code == 404
    locks = [key for key in watched.added if key.startswith("page-render:")]
    assert locks
    assert all(cache.get(key) is None for key in locks)
