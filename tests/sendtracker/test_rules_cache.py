"""A version's expiry at its boundary (a page scheduled for 09:00 appears at 09:00:00, not a
moment before), and a write announced but never made.

The rest of the versions' rules are pinned in test_cache_versions.py and test_page_cache.py.
"""

import datetime
import time
import types

import pytest
from django.core.cache import cache
from django.core.signals import request_started
from django.db import close_old_connections, connection
from django.db.models.signals import pre_save
from django.utils import timezone

from comments.models import Comment
from sendtracker import cache as sendtracker_cache
from sendtracker.cache import versions, writes
from tests.support.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

AT = 1_900_000_000.0  # the moment the scheduled change happens


def read_at(moment, key="articles"):
    clock = types.SimpleNamespace(time=lambda: moment, time_ns=lambda: int(moment * 1e9))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(versions, "time", clock)
        tokens, _found = versions.read([key])
    return tokens[key]


def test_a_version_holds_until_its_expiry_and_is_replaced_at_that_moment():
    cache.set(versions.PREFIX + "articles", ("scheduled", 1, AT), timeout=None)
    assert read_at(AT - 0.001).value == "scheduled"  # pages stored before 09:00 still served
    replaced = read_at(AT)
    assert replaced.value != "scheduled"  # at 09:00:00 they are not
    assert read_at(AT + 1).value == replaced.value  # and the new version then holds


def test_a_version_without_an_expiry_never_expires():
    cache.set(versions.PREFIX + "tracker", ("forever", 1, None), timeout=None)
    assert read_at(AT * 2, key="tracker").value == "forever"


class Refused(Exception):
    pass


def test_a_save_refused_before_its_statement_does_not_hide_the_next_requests_write():
    """A held comment's save announces "nothing public changes"; if it never reaches the database,
    that announcement must not stand for the next request's bulk approval, which must show."""
    article = ArticleFactory()
    waiting = CommentFactory(article=article, status=Comment.Status.PENDING)

    def refuse(sender, **kwargs):
        raise Refused

    pre_save.connect(refuse, sender=Comment)
    try:
        with pytest.raises(Refused):
            CommentFactory.build(article=article, status=Comment.Status.PENDING).save()
    finally:
        pre_save.disconnect(refuse, sender=Comment)

    # The thread's next request (without closing the test's connection, as Django's test client does).
    request_started.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
    # The article's page depends on its comments' key and, through it, on every article's (a bulk write names no row).
    page_keys = versions.expand([f"comments:article:{article.pk}"])
    before, _found = versions.read(page_keys)
    Comment.objects.filter(pk=waiting.pk).update(status=Comment.Status.APPROVED)  # a moderator's bulk approval
    after, _found = versions.read(page_keys)
    changed = [key for key in page_keys if after[key].value != before[key].value]
    assert changed == ["comments:article:*"], "the approved comment would not appear on the cached article page"


def test_a_failing_expiry_provider_keeps_a_version_for_a_minute_not_none(monkeypatch, caplog):
    """A provider that raises shortens a key's life to a minute: pages are still served from the
    cache in that minute (a version already expired would be replaced on every read)."""

    def broken():
        raise RuntimeError("provider down")

    monkeypatch.setattr(versions, "_expiry_providers", {**versions._expiry_providers})
    versions.expires_at(broken, keys=("flaky",))
    made = versions.bump(["flaky"])["flaky"]
    assert time.time() + 55 < made.expires_at <= time.time() + 61
    tokens, _found = versions.read(["flaky"])
    assert tokens["flaky"].value == made.value
    assert "Cache expiry provider" in caplog.text


def test_the_day_version_is_replaced_exactly_at_local_midnight():
    """Pages that say "today" change at 00:00:00 local time, not a minute or a second after."""
    midnight = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert versions.bump([versions.DAY])[versions.DAY].expires_at == midnight.timestamp()


def test_a_page_depends_on_its_keys_their_kinds_and_the_day_only():
    keys = ["tracker", "council:12", "council:*", "comments:article:5"]
    assert versions.expand(keys) == [
        "comments:article:*",
        "comments:article:5",
        "council:*",
        "council:12",
        "day",
        "tracker",
    ]


def test_last_modified_names_the_current_second_once_it_has_begun():
    made = versions.Token("t", 1_900_000_000_500_000_000, None)  # half way through a second
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(versions, "time", types.SimpleNamespace(time=lambda: 1_900_000_000.9))
        assert made.last_modified() == 1_900_000_000  # the next second has not begun
        patch.setattr(versions, "time", types.SimpleNamespace(time=lambda: 1_900_000_001.0))
        assert made.last_modified() == 1_900_000_001  # it has, exactly now


def dropping(data, timeout=None):
    """The tolerant Redis backend while Redis refuses writes: every key named as dropped."""
    return list(data)


def test_while_the_cache_still_refuses_writes_pages_are_served_uncached():
    """A bump the cache dropped is retried before the next read; while that fails too, the old
    versions must not be used (the page would be stored and served without the edit)."""
    old = read_at(time.time(), key="tracker")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "set_many", dropping)
        assert versions.bump(["tracker"]) is None  # an edit while Redis refuses writes
        assert versions.read(["tracker"]) == (None, {})
    assert read_at(time.time(), key="tracker").value != old.value


def test_an_expired_version_the_cache_will_not_replace_serves_uncached():
    cache.set(versions.PREFIX + "articles", ("scheduled", 1, AT), timeout=None)
    clock = types.SimpleNamespace(time=lambda: AT + 1, time_ns=lambda: int((AT + 1) * 1e9))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(versions, "time", clock)
        patch.setattr(cache, "set_many", dropping)
        assert versions.read(["articles"]) == (None, {})  # not the scheduled article's old version


def test_a_truncate_of_two_apps_tables_replaces_both_apps_versions():
    """A flush (one TRUNCATE naming every table) must make the tracker and the articles new."""
    before = {key: read_at(time.time(), key=key).value for key in ("tracker", "articles")}
    ran = []
    sql = 'TRUNCATE "councils_council", "articles_article"'
    writes._watch(lambda *args: ran.append(args), sql, None, False, {"connection": connection})
    assert ran == [(sql, None, False, {"connection": connection})]
    after = {key: read_at(time.time(), key=key).value for key in ("tracker", "articles")}
    assert [key for key in before if after[key] == before[key]] == []


def test_a_change_announced_without_naming_a_database_replaces_the_version():
    """``cache.changed(keys)`` (a write the SQL watch cannot see) defaults to the default database."""
    before = read_at(time.time(), key="tracker").value
    sendtracker_cache.changed({"tracker"})
    assert read_at(time.time(), key="tracker").value != before


# A refused comment reads the `articles` version inside its Redis script (comments/protection.py): the
# name it reads and the token it makes of the bytes must be the ones a page would read.


def test_a_script_reads_the_same_version_a_page_reads_under_its_stored_name(production_stores):
    tokens, _found = versions.read(["articles"])
    raw = production_stores.get(versions.stored_name("articles"))
    assert isinstance(raw, bytes)
    token = versions.token_from_stored(raw)
    assert token is not None
    assert token.value == tokens["articles"].value
    assert versions.token_from_stored(raw).value == versions.read(["articles"])[0]["articles"].value


def test_a_version_a_script_cannot_vouch_for_is_left_to_the_page_cache_read(production_stores, monkeypatch):
    versions.read(["articles"])
    name = versions.stored_name("articles")
    assert versions.token_from_stored(None) is None  # missing
    assert versions.token_from_stored(name) is None  # not bytes
    assert versions.token_from_stored(b"not a pickled token") is None  # unreadable
    cache.set(versions.PREFIX + "articles", "not a token", timeout=None)
    assert versions.token_from_stored(production_stores.get(name)) is None  # readable, but no token
    expired = versions.Token.new(time.time() - 1)
    cache.set(versions.PREFIX + "articles", expired.as_value(), timeout=None)
    assert versions.token_from_stored(production_stores.get(name)) is None  # expired: read() renews it
    versions.read(["articles"])
    fresh = production_stores.get(name)
    assert versions.token_from_stored(fresh) is not None
    monkeypatch.setattr(versions, "_failed_bumps", {"tracker"})  # a bump waiting to be retried
    assert versions.token_from_stored(fresh) is None
