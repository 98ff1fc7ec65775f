"""Keys' versions (sendtracker/cache/versions.py) and the writes that replace them (writes.py).

What changes a version, when, and what happens when the cache fails, through the modules'
functions and, where a reader would notice, a page served stale or fresh. Two tests run with
``transaction=True`` so the paths production takes run for real: a write in autocommit, and a
write on a connection another thread opened (the ``connection_created`` hook).

Ported from the tests of the single content version this package replaced (issue 19).
Covered elsewhere: a write to public content (test_page_cache's bulk update), a lost version
(test_page_cache's reseed), an expired version (test_page_cache's scheduled article), an
unreadable cache serving pages uncached (test_page_cache's cache down).
"""

import contextlib
import datetime
import math
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from articles.models import Article
from councils.choices import Region
from councils.models import Council
from sendtracker.cache import versions, writes
from sendtracker.cache_backends import TolerantRedisCache
from tests.support.factories import ArticleFactory, CouncilFactory

pytestmark = pytest.mark.django_db


def token(key="tracker"):
    tokens, _found = versions.read([key])
    return tokens[key]


def midnight():
    return (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


class BrokenCache(Exception):
    pass


@contextlib.contextmanager
def cache_down(*names, **replacements):
    """The shared cache's ``names`` raise and ``replacements`` stand in, until the block ends.

    Not the test's ``monkeypatch``: undoing that would also undo conftest's fresh key prefix.
    """

    def fail(*args, **kwargs):
        raise BrokenCache("the cache is unreachable")

    with pytest.MonkeyPatch.context() as patch:
        for name in names:
            patch.setattr(cache, name, fail)
        for name, replacement in replacements.items():
            patch.setattr(cache, name, replacement)
        yield


def redis_down():
    """Production's backend with its Redis unreachable (nothing listens on the discard port)."""
    return TolerantRedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})


@pytest.fixture
def wyrmshire():
    return CouncilFactory(short_name="Wyrmshire", slug="wyrmshire", region=Region.NORTH_WEST)


def warm_tracker():
    """The tracker rendered and stored; a new Client is another app server (no copy in its memory)."""
    Client().get("/tracker/")
    page = Client().get("/tracker/")
    assert page["X-Page-Cache"] == "hit"
    assert "North West" in page.content.decode()


def tracker_after_edit():
    page = Client().get("/tracker/")
    assert page.status_code == 200
    assert "South West" in page.content.decode(), "the tracker was served stale"
    return page


# What changes it.


def test_reading_twice_gives_the_same_version():
    assert token().value == token().value
    tokens, _found = versions.read(["tracker", "council:3"])
    again, _found = versions.read(["tracker", "council:3"])
    assert {key: t.value for key, t in tokens.items()} == {key: t.value for key, t in again.items()}


def test_a_transactions_writes_are_flushed_once_at_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        council = CouncilFactory()
        Council.objects.filter(pk=council.pk).update(region=Region.LONDON)
        Council.objects.filter(pk=council.pk).update(region=Region.EAST_MIDLANDS)
    assert len(callbacks) == 1  # three writes, one bump (and purge) at commit
    before = {key: token(key).value for key in ("tracker", "council:*")}
    callbacks[0]()
    assert all(token(key).value != value for key, value in before.items())


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "councils_council" ("name") VALUES (%s)', {"councils_council"}),
        ('  update "councils_council" SET "name" = %s', {"councils_council"}),
        ('DELETE FROM "councils_council" WHERE "id" = %s', {"councils_council"}),
        ('TRUNCATE "auth_user", ' + '"auth_group", ' * 40 + '"councils_council"', {"councils_council"}),
        ('SELECT * FROM "councils_council"', set()),
        ('UPDATE "auth_user" SET "last_login" = %s', set()),
        ('INSERT INTO "comments_commentreport" ("reason") VALUES (%s)', set()),  # private: excluded
        ('INSERT INTO "x" ("a") VALUES ' + "(%s), " * 100 + '"councils_council"', set()),  # not its table
        (None, set()),
    ],
)
def test_which_statements_count_as_a_write(sql, tables):
    assert set(writes.tables_written(sql)) == tables


# Commit-time paths, as in production.


@pytest.mark.django_db(transaction=True)
def test_a_write_in_autocommit_shows_on_the_next_request(wyrmshire):
    warm_tracker()
    before = token()
    assert not connection.in_atomic_block
    Council.objects.filter(pk=wyrmshire.pk).update(region=Region.SOUTH_WEST)
    assert token().value != before.value
    assert tracker_after_edit()["X-Page-Cache"] == "miss"


@pytest.mark.django_db(transaction=True)
def test_a_write_on_a_new_threads_connection_shows_on_the_next_request(wyrmshire):
    """A gunicorn thread opens its own connection: its writes are watched too."""
    warm_tracker()
    before = token()
    errors = []

    def edit():
        try:
            assert not connection.in_atomic_block
            Council.objects.filter(pk=wyrmshire.pk).update(region=Region.SOUTH_WEST)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=edit)
    thread.start()
    thread.join()
    assert errors == []
    assert Council.objects.get(pk=wyrmshire.pk).region == Region.SOUTH_WEST
    assert token().value != before.value
    assert tracker_after_edit()["X-Page-Cache"] == "miss"


@pytest.mark.django_db(transaction=True)
def test_a_transaction_on_a_new_threads_connection_shows_once_committed(wyrmshire):
    warm_tracker()
    errors = []

    def edit():
        try:
            with transaction.atomic():
                Council.objects.filter(pk=wyrmshire.pk).update(region=Region.SOUTH_WEST)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=edit)
    thread.start()
    thread.join()
    assert errors == []
    assert tracker_after_edit()["X-Page-Cache"] == "miss"


# When the cache fails.


def test_a_bump_the_cache_refused_is_retried_before_the_next_read():
    before = token()
    with cache_down("set_many"):
        assert versions.bump(["tracker"]) is None
    assert token().value != before.value


def test_a_bump_the_tolerant_redis_cache_dropped_is_retried_before_the_next_read():
    """Production's backend does not raise while Redis is down: it drops the write and names the keys it dropped."""
    before = token()
    with cache_down(set_many=redis_down().set_many):
        assert versions.bump(["tracker"]) is None
    # Redis is back, with the versions it had before the outage.
    assert token().value != before.value


def test_an_edit_while_redis_is_down_is_not_hidden_when_it_comes_back(wyrmshire):
    warm_tracker()
    with cache_down(set_many=redis_down().set_many):
        Council.objects.filter(pk=wyrmshire.pk).update(region=Region.SOUTH_WEST)  # no exception
    assert tracker_after_edit()["X-Page-Cache"] == "miss"


def test_while_the_cache_is_down_nothing_is_read_or_stored():
    token()
    with cache_down("set_many", "set", "get", "get_many", "add"):
        assert versions.bump(["tracker"]) is None
        assert versions.read(["tracker"]) == (None, {})
        assert versions.read(["tracker"], ["page:a"]) == (None, {})


def test_a_write_while_the_cache_is_down_fails_no_request(wyrmshire):
    warm_tracker()
    with cache_down("set_many", "set", "get", "get_many", "add"):
        Council.objects.filter(pk=wyrmshire.pk).update(region=Region.SOUTH_WEST)  # no exception
        page = Client().get("/tracker/")
        assert page.status_code == 200
        assert "X-Page-Cache" not in page
        assert "South West" in page.content.decode()
    assert tracker_after_edit()["X-Page-Cache"] == "miss"


def test_a_cache_that_refuses_the_seed_serves_uncached():
    with cache_down("add"):
        assert versions.read(["tracker"]) == (None, {})


def test_a_seed_raced_by_another_server_uses_theirs():
    theirs = versions.Token.new(None)
    original_add = cache.add

    def add_after_another_server(key, value, timeout=None):
        original_add(key, theirs.as_value(), timeout=timeout)
        return original_add(key, value, timeout=timeout)

    with cache_down(add=add_after_another_server):
        assert token().value == theirs.value
    assert token().value == theirs.value


# Expiry.


def test_the_day_expires_at_the_next_local_midnight():
    assert versions.bump(["day"])["day"].expires_at == pytest.approx(midnight().timestamp())
    assert token("day").expires_at == pytest.approx(midnight().timestamp())
    assert versions.expand(["council:4"]) == ["council:*", "council:4", "day"]  # every page depends on the day


def test_the_earliest_provider_wins_and_a_failing_one_shortens_the_life(monkeypatch):
    soon = timezone.now() + datetime.timedelta(minutes=30)
    later = soon + datetime.timedelta(hours=2)
    monkeypatch.setattr(versions, "_expiry_providers", {**versions._expiry_providers})
    versions.expires_at(lambda: later, keys=("test",))
    versions.expires_at(lambda: None, keys=("test",))
    versions.expires_at(lambda: soon, keys=("test",))
    assert versions.bump(["test"])["test"].expires_at == pytest.approx(soon.timestamp())
    assert versions.bump(["other"])["other"].expires_at is None  # a key with no provider never expires

    def broken():
        raise RuntimeError("provider down")

    versions.expires_at(broken, keys=("test",))
    assert versions.bump(["test"])["test"].expires_at <= time.time() + 61


def test_a_write_in_a_transaction_keeps_a_scheduled_articles_expiry(django_capture_on_commit_callbacks):
    publish_at = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(headline="Embargoed", published_at=publish_at)
        live = ArticleFactory(headline="Live")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Article.objects.filter(pk=live.pk).update(headline="Live, edited")
        during = token("articles")
    after = token("articles")
    assert during.value != after.value
    assert during.expires_at == after.expires_at == pytest.approx(publish_at.timestamp())


# Validators and what is read with the versions.


def test_last_modified_claims_a_second_only_once_it_has_passed():
    earlier = versions.Token("t", int((time.time() - 10.4) * 1e9), None)
    assert earlier.last_modified() == math.ceil(earlier.made_ns / 1e9)
    just_now = versions.Token("t", time.time_ns(), None)
    assert just_now.last_modified() <= time.time()
    assert just_now.last_modified() == math.floor(just_now.made_ns / 1e9)


def test_read_fetches_other_keys_with_the_versions():
    first = token()
    cache.set("page:a", "stored page")
    tokens, values = versions.read(["tracker"], ["page:a", "page:b"])
    assert tokens["tracker"].value == first.value
    assert values == {"page:a": "stored page"}


def test_something_that_is_not_a_version_is_never_used_and_a_bump_replaces_it():
    cache.set(versions.PREFIX + "tracker", "garbage", timeout=None)
    assert versions.read(["tracker"]) == (None, {})  # served uncached, never under a made-up version
    assert versions.bump(["tracker"])["tracker"].value == token().value
    assert versions.Token.from_value(("a", "b")) is None
    assert versions.Token.from_value((1, 2, 3)) is None
    assert versions.Token.from_value("garbage") is None
