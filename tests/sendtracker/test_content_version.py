"""The content version through its public functions: what changes it, when, and what happens when the cache fails.

Some tests run with ``transaction=True`` so the commit-time paths run as in production: a write
in autocommit, and a write on a connection another thread opened.
"""

import datetime
import math
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from councils.choices import Region
from councils.models import Council
from sendtracker import content_version
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def token():
    return content_version.current().token


class BrokenCache(Exception):
    pass


def break_cache(monkeypatch, *names):
    def fail(*args, **kwargs):
        raise BrokenCache("the cache is unreachable")

    for name in names:
        monkeypatch.setattr(cache, name, fail)


# What changes it.


def test_reading_twice_gives_the_same_version():
    assert token() == token()


def test_a_write_to_public_content_changes_it():
    council = CouncilFactory()
    before = token()
    Council.objects.filter(pk=council.pk).update(region=Region.LONDON)
    assert token() != before


def test_a_write_in_a_transaction_is_bumped_once_more_at_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        council = CouncilFactory()
        Council.objects.filter(pk=council.pk).update(region=Region.LONDON)
        Council.objects.filter(pk=council.pk).update(region=Region.EAST_MIDLANDS)
    assert len(callbacks) == 1  # three writes, one bump at commit
    before = token()
    callbacks[0]()
    assert token() != before


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('INSERT INTO "councils_council" ("name") VALUES (%s)', True),
        ('  update "councils_council" SET "name" = %s', True),
        ('DELETE FROM "councils_council" WHERE "id" = %s', True),
        ('TRUNCATE "auth_user", ' + '"auth_group", ' * 40 + '"councils_council"', True),
        ('SELECT * FROM "councils_council"', False),
        ('UPDATE "auth_user" SET "last_login" = %s', False),
        ('INSERT INTO "comments_commentreport" ("reason") VALUES (%s)', False),
        ('INSERT INTO "x" ("a") VALUES ' + "(%s), " * 100 + '"councils_council"', False),
        (None, False),
    ],
)
def test_which_statements_count_as_a_change(sql, watched):
    assert content_version.is_watched_write(sql) is watched


# Commit-time paths, as in production.


@pytest.mark.django_db(transaction=True)
def test_a_write_in_autocommit_changes_it():
    council = CouncilFactory()
    before = token()
    assert not connection.in_atomic_block
    Council.objects.filter(pk=council.pk).update(region=Region.LONDON)
    assert token() != before


@pytest.mark.django_db(transaction=True)
def test_a_write_on_a_new_threads_connection_changes_it():
    """A gunicorn thread opens its own connection: its writes are watched too."""
    council = CouncilFactory()
    before = token()
    errors = []

    def edit():
        try:
            Council.objects.filter(pk=council.pk).update(region=Region.LONDON)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            from django.db import connections

            connections.close_all()

    thread = threading.Thread(target=edit)
    thread.start()
    thread.join()
    assert errors == []
    assert Council.objects.get(pk=council.pk).region == Region.LONDON
    assert token() != before


# When the cache fails.


def test_a_bump_the_cache_refused_is_retried_before_the_next_read(monkeypatch):
    before = token()
    break_cache(monkeypatch, "set")
    assert content_version.bump() is None
    monkeypatch.undo()
    after = content_version.current()
    assert after is not None
    assert after.token != before


def test_while_the_cache_is_down_nothing_is_cached(monkeypatch):
    token()
    break_cache(monkeypatch, "set", "get", "get_many", "add")
    assert content_version.bump() is None
    assert content_version.current() is None
    assert content_version.current_and(["page"]) == (None, {})


def test_a_write_while_the_cache_is_down_still_fails_no_request(monkeypatch):
    council = CouncilFactory()
    before = token()
    break_cache(monkeypatch, "set", "get")
    Council.objects.filter(pk=council.pk).update(region=Region.LONDON)  # no exception
    monkeypatch.undo()
    assert token() != before


def test_an_unreadable_cache_serves_uncached_pages(monkeypatch):
    token()
    break_cache(monkeypatch, "get", "get_many")
    assert content_version.current() is None


def test_a_lost_version_is_replaced_by_one_never_used():
    before = token()
    cache.delete(content_version.VERSION_KEY)
    assert token() != before


def test_a_cache_that_refuses_the_seed_serves_uncached(monkeypatch):
    cache.delete(content_version.VERSION_KEY)
    break_cache(monkeypatch, "add")
    assert content_version.current() is None


def test_a_seed_raced_by_another_server_uses_theirs():
    theirs = content_version.bump()
    cache.delete(content_version.VERSION_KEY)
    original_add = cache.add

    def add_after_another_server(key, value, timeout=None):
        original_add(key, theirs.as_value(), timeout=timeout)
        return original_add(key, value, timeout=timeout)

    cache.add = add_after_another_server
    try:
        assert token() == theirs.token
    finally:
        del cache.add


# Expiry.


def test_the_version_expires_at_the_next_local_midnight():
    version = content_version.bump()
    midnight = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert version.expires_at == pytest.approx(midnight.timestamp())


def test_an_expired_version_is_replaced():
    version = content_version.bump()
    expired = content_version.Version(version.made_ns, version.token, time.time() - 1)
    cache.set(content_version.VERSION_KEY, expired.as_value(), timeout=None)
    assert token() != version.token


def test_the_earliest_provider_wins_and_a_failing_one_shortens_the_life(monkeypatch):
    soon = timezone.now() + datetime.timedelta(minutes=30)
    monkeypatch.setattr(content_version, "_expiry_providers", [*content_version._expiry_providers])
    content_version.expires_at(lambda: soon)
    content_version.expires_at(lambda: None)
    assert content_version.bump().expires_at == pytest.approx(soon.timestamp())

    def broken():
        raise RuntimeError("provider down")

    content_version.expires_at(broken)
    assert content_version.bump().expires_at <= time.time() + 61


def test_a_write_in_a_transaction_keeps_the_expiry(monkeypatch):
    council = CouncilFactory()
    version = content_version.bump()
    kept = content_version.Version(version.made_ns, version.token, time.time() + 3600)
    cache.set(content_version.VERSION_KEY, kept.as_value(), timeout=None)
    with transaction.atomic():
        Council.objects.filter(pk=council.pk).update(region=Region.LONDON)
        during = content_version.current()
    assert during.token != kept.token
    assert during.expires_at == pytest.approx(kept.expires_at)


def test_a_write_in_a_transaction_with_the_cache_unreadable_expires_by_midnight(monkeypatch):
    council = CouncilFactory()
    token()
    original_get = cache.get
    break_cache(monkeypatch, "get")
    with transaction.atomic():
        Council.objects.filter(pk=council.pk).update(region=Region.LONDON)
    monkeypatch.undo()
    assert original_get(content_version.VERSION_KEY) is not None
    version = content_version.current()
    midnight = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert version.expires_at == pytest.approx(midnight.timestamp())


# Validators.


def test_last_modified_claims_a_second_only_once_it_has_passed():
    earlier = content_version.Version(int((time.time() - 10.4) * 1e9), "t", None)
    assert earlier.last_modified() == math.ceil(earlier.made_at)
    just_now = content_version.Version(time.time_ns(), "t", None)
    assert just_now.last_modified() <= time.time()
    assert just_now.last_modified() == math.floor(just_now.made_at)


def test_current_and_reads_other_keys_with_the_version():
    token()
    cache.set("page:a", "stored page")
    version, values = content_version.current_and(["page:a", "page:b"])
    assert version.token == token()
    assert values == {"page:a": "stored page"}


def test_something_that_is_not_a_version_is_never_used_and_a_bump_replaces_it():
    cache.set(content_version.VERSION_KEY, "garbage", timeout=None)
    assert content_version.current() is None  # served uncached, never under a made-up version
    assert content_version.bump().token == token()
    assert content_version.Version.from_value(("a", "b")) is None
    assert content_version.Version.from_value((1, 2, 3)) is None
