"""A refused comment with the limits in a Redis of their own: one round trip, to that Redis, and still right.

docs/deploy.md gives the limits a Redis of their own (``noeviction``) beside the page cache's.
The claim's script runs there, and reads whether the articles changed from a copy of the page
cache's ``articles`` version kept there (sendtracker/cache/copies.py). Each test runs the
production backend on two real redis-servers, and looks at what a reader is shown when either
write of a version fails, or the copy is gone.
"""

import pytest
from django.core.cache import caches
from django.test import Client

from articles.models import Article
from comments import services
from sendtracker.cache import copies, versions
from tests.support.comments import post_comment
from tests.support.factories import ArticleFactory
from tests.support.redis_server import RoundTrips, running_redis

pytestmark = pytest.mark.django_db

STORE = {"BACKEND": "sendtracker.cache_backends.TolerantRedisCache", "KEY_PREFIX": "test", "TIMEOUT": None}
NOWHERE = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there
HEADLINE = "Tribunal waits in the pilot"
CORRECTED = "Tribunal waits: the corrected figures"


@pytest.fixture(scope="module")
def two_redises():
    with (
        running_redis("--maxmemory-policy", "allkeys-lru") as pages,
        running_redis("--maxmemory-policy", "noeviction") as kept,
    ):
        yield pages, kept


@pytest.fixture
def stores(two_redises, settings, monkeypatch):
    """The page cache and the limits each on its own Redis, both empty; every comment over the rate limit.

    This test's process starts as a new one would: no article kept, no write waiting to be retried.
    """
    (pages, pages_port), (kept, kept_port) = two_redises
    pages.flushall()
    kept.flushall()
    settings.CACHES = {
        "default": {**STORE, "LOCATION": f"redis://127.0.0.1:{pages_port}/0"},
        "limits": {**STORE, "LOCATION": f"redis://127.0.0.1:{kept_port}/0"},
    }
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    monkeypatch.setattr(services, "_refusal_articles", {})
    monkeypatch.setattr(copies, "_failed", set())
    monkeypatch.setattr(versions, "_failed_bumps", set())
    return pages_port, kept_port


def refused(article):
    """What a reader over the rate limit is shown: the status and the headline on the page."""
    response = post_comment(Client(), article, body="We waited eleven months for the plan.")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Nothing was stored" in html
    return next(headline for headline in (HEADLINE, CORRECTED) if f"“{headline}”" in html)


def copy_value():
    return caches["limits"].get(copies.PREFIX + services.ARTICLES_KEY)


def edit_headline(article):
    article.headline = CORRECTED
    article.save()  # each write to an articles table bumps the ``articles`` version


def edit_while_unreachable(settings, alias, article):
    """The headline edited while ``alias``'s Redis cannot be reached (its version's write fails), then reachable again."""
    reachable = settings.CACHES[alias]
    settings.CACHES = {**settings.CACHES, alias: {**reachable, "LOCATION": NOWHERE}}
    edit_headline(article)
    settings.CACHES = {**settings.CACHES, alias: reachable}


def test_a_refusal_is_one_round_trip_to_the_limits_redis_and_no_query_while_the_article_is_unchanged(
    stores, monkeypatch, django_assert_num_queries
):
    pages_port, kept_port = stores
    article = ArticleFactory(headline=HEADLINE)
    assert refused(article) == HEADLINE  # the first: the copy written, the article read and kept
    trips = RoundTrips(monkeypatch)
    with django_assert_num_queries(0):
        assert refused(article) == HEADLINE
    assert trips.by_port == {kept_port: 1}  # the claim's script, which reads the copy: the page cache untouched


def test_an_edit_shows_on_the_next_refusal_and_costs_one_query(stores, monkeypatch, django_assert_num_queries):
    pages_port, kept_port = stores
    article = ArticleFactory(headline=HEADLINE)
    assert refused(article) == HEADLINE
    edit_headline(article)
    with django_assert_num_queries(1):
        assert refused(article) == CORRECTED
    trips = RoundTrips(monkeypatch)
    with django_assert_num_queries(0):
        assert refused(article) == CORRECTED
    assert trips.by_port == {kept_port: 1}


def test_a_copy_that_missed_a_bump_is_believed_five_seconds_at_most_then_replaced_for_every_process(
    stores, settings, monkeypatch
):
    article = ArticleFactory(headline=HEADLINE)
    assert refused(article) == HEADLINE
    before = copy_value()
    edit_while_unreachable(settings, "limits", article)  # the page cache's version replaced; its copy not
    assert copy_value() == before
    monkeypatch.setattr(copies, "_failed", set())  # another process: it never saw the failed write

    assert refused(article) == HEADLINE  # within the five seconds: the copy is believed
    kept = services._refusal_articles[article.slug]
    services._refusal_articles[article.slug] = kept._replace(checked=kept.checked - copies.CHECK_SECONDS)
    assert refused(article) == CORRECTED  # five seconds on: checked against the page cache's version
    replaced = copy_value()
    assert replaced not in (None, before)  # so every other process reads its article again too
    assert refused(article) == CORRECTED


def test_the_process_whose_copy_write_failed_shows_the_edit_and_writes_the_copy_again(stores, settings):
    article = ArticleFactory(headline=HEADLINE)
    assert refused(article) == HEADLINE
    before = copy_value()
    edit_while_unreachable(settings, "limits", article)
    # Until its copy is written again, this process does not believe the copy (the old value): it
    # reads the page cache's version, and so the article again.
    assert refused(article) == CORRECTED
    # Its next read of the versions (any page it serves) writes the copy.
    versions.read([services.ARTICLES_KEY])
    assert copy_value() not in (None, before)
    assert copies._failed == set()


def test_when_the_page_cache_write_fails_the_copy_still_changes(stores, settings, monkeypatch):
    article = ArticleFactory(headline=HEADLINE)
    assert refused(article) == HEADLINE
    before = copy_value()
    edit_while_unreachable(settings, "default", article)
    monkeypatch.setattr(versions, "_failed_bumps", set())  # another process: its page cache version is the old one
    assert copy_value() not in (None, before)
    assert refused(article) == CORRECTED


def test_a_missing_copy_is_written_again_and_the_refusal_is_still_right(stores, settings, two_redises, monkeypatch):
    pages_port, kept_port = stores
    article = ArticleFactory(headline=HEADLINE)
    assert refused(article) == HEADLINE
    Article.objects.filter(pk=article.pk).update(headline=CORRECTED)
    (_pages, _), (kept, _) = two_redises
    kept.flushall()  # then a new limits Redis: the copy is gone (and the counters, but the limit is 0)
    assert refused(article) == CORRECTED
    assert copy_value() is not None
    trips = RoundTrips(monkeypatch)
    assert refused(article) == CORRECTED
    assert trips.by_port == {kept_port: 1}


def test_with_one_redis_for_both_nothing_is_copied(production_stores, settings, monkeypatch):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    monkeypatch.setattr(services, "_refusal_articles", {})
    article = ArticleFactory(headline=HEADLINE)
    assert refused(article) == HEADLINE
    edit_headline(article)
    assert refused(article) == CORRECTED
    assert not [key for key in production_stores.keys("*") if copies.PREFIX.encode() in key]
