"""The limits (forms already sent, rate limits, the API throttle) in a Redis of their own that does not evict.

Anyone can fill the page cache: each distinct valid filter is another page. A page cache
may evict whatever it likes, so the limits must not live there. Each test here runs the
production cache backend on two real redis-servers: the pages' with a small ``maxmemory``
and ``allkeys-lru`` (as docs/deploy.md advises), the limits' with ``noeviction``.
"""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from api.base import AnonymousThrottle
from comments import protection
from comments.models import Comment
from tests.support.comments import post_comment
from tests.support.factories import ArticleFactory
from tests.support.redis_server import redis_commands, running_redis

pytestmark = pytest.mark.django_db

STORE = {"BACKEND": "sendtracker.cache_backends.TolerantRedisCache", "KEY_PREFIX": "test", "TIMEOUT": None}


@pytest.fixture(scope="module")
def two_redises():
    with (
        running_redis("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru") as pages,
        running_redis("--maxmemory-policy", "noeviction") as kept,
    ):
        yield pages, kept


@pytest.fixture
def stores(two_redises, settings):
    """The page cache on the evicting Redis, the limits on the other; both emptied. Returns their clients."""
    (pages, pages_port), (kept, kept_port) = two_redises
    pages.flushall()
    kept.flushall()
    pages.config_resetstat()
    settings.CACHES = {
        "default": {**STORE, "LOCATION": f"redis://127.0.0.1:{pages_port}/0"},
        "limits": {**STORE, "LOCATION": f"redis://127.0.0.1:{kept_port}/0"},
    }
    settings.SESSION_ENGINE = "sendtracker.sessions.cached_db"
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    return pages, kept


def fill_the_page_cache(pages):
    """What a flood of distinct filters does: far more pages than the page cache holds."""
    for number in range(400):
        cache.set(f"page:flood-{number}", os.urandom(20_000))
    assert pages.info("stats")["evicted_keys"] > 0  # the page cache did evict


def test_a_form_already_sent_is_refused_after_the_page_cache_filled_up(stores):
    article = ArticleFactory()
    token = protection.form_token(article, now=time.time() - 30)
    assert post_comment(Client(), article, started=token, body="My thoughts.").status_code == 302

    fill_the_page_cache(stores[0])

    replayed = post_comment(Client(), article, started=token, body="Sent again by a bot.", ip="203.0.113.9")
    assert replayed.status_code == 400
    assert protection.REPLAYED in replayed.content.decode()
    assert list(Comment.objects.values_list("body", flat=True)) == ["My thoughts."]


def test_a_reader_over_the_rate_limit_stays_over_it_after_the_page_cache_filled_up(stores, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (2, 600)
    article = ArticleFactory()
    for number in range(2):
        assert post_comment(Client(), article, body=f"Comment number {number}.").status_code == 302

    fill_the_page_cache(stores[0])

    refused = post_comment(Client(), article, body="A third comment, too soon.")
    assert refused.status_code == 429
    assert Comment.objects.count() == 2


def test_the_same_text_is_still_refused_after_the_page_cache_filled_up(stores, settings):
    article = ArticleFactory()
    assert post_comment(Client(), article, body="Said once.").status_code == 302
    Comment.objects.all().delete()  # only the store of limits remembers the text now

    fill_the_page_cache(stores[0])

    again = post_comment(Client(), article, body="Said once.", ip="203.0.113.10")
    assert again.status_code == 400
    assert protection.DUPLICATE in again.content.decode()


def test_the_api_throttle_holds_after_the_page_cache_filled_up(stores, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    reader = Client()
    assert [reader.get("/api/key-figures/").status_code for _ in range(2)] == [200, 200]

    fill_the_page_cache(stores[0])

    throttled = reader.get("/api/key-figures/")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60


def test_nothing_of_the_limits_is_kept_in_the_page_cache(stores, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (5, 600)
    pages, kept = stores
    article = ArticleFactory()
    post_comment(Client(), article, body="My thoughts.")
    Client().get("/api/key-figures/")

    names = {key.decode() for key in kept.keys("*")}
    assert any(":comments:form-used:" in name for name in names)
    assert any(":comments:rate:ip:" in name for name in names)
    assert any(":comments:dup:" in name for name in names)
    assert any(":throttle:anon:" in name for name in names)
    assert not [key for key in pages.keys("*") if b":comments:" in key or b":throttle:" in key]


def test_healthz_names_the_store_of_limits_when_it_is_down(stores, settings):
    settings.REDIS_URL = settings.CACHES["default"]["LOCATION"]
    settings.LIMITS_REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    settings.CACHES = {
        **settings.CACHES,
        "limits": {**STORE, "LOCATION": settings.LIMITS_REDIS_URL, "OPTIONS": {"socket_connect_timeout": 0.2}},
    }
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "limits": "down"}


# The API throttle's window on Redis: DRF's sliding window, in one round trip.


def test_the_throttle_costs_one_round_trip_and_answers_as_drf_does(stores, settings, rf):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    kept = stores[1]
    request = rf.get("/api/key-figures/", REMOTE_ADDR="192.0.2.44")
    request.user = AnonymousUser()
    clock = [1_000_000.0]

    def allowed_at(moment):
        clock[0] = moment
        throttle = AnonymousThrottle()
        throttle.timer = lambda: clock[0]
        redis_commands(kept)
        answer = throttle.allow_request(request, None)
        commands = redis_commands(kept)  # counts the script's own commands too
        assert commands["eval"] == 1 and "get" not in commands  # one script, where DRF reads and then writes
        return answer, throttle

    assert [allowed_at(1_000_000.0 + second)[0] for second in (0, 10, 20)] == [True, True, True]
    allowed, throttle = allowed_at(1_000_030.0)
    assert not allowed
    assert throttle.wait() == pytest.approx(30.0)  # the first request leaves the window in 30 s
    assert allowed_at(1_000_060.5)[0]  # it has: one place free again
    assert not allowed_at(1_000_061.0)[0]


def test_a_rate_of_none_at_all_refuses_every_request_and_says_how_long_to_wait(stores, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "0/minute"}}
    throttled = Client().get("/api/key-figures/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) == 60


def test_readers_at_once_never_get_more_than_the_rate(stores, settings, rf):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10/minute"}}
    request = rf.get("/api/key-figures/", REMOTE_ADDR="192.0.2.45")
    request.user = AnonymousUser()
    answers, start = [], threading.Barrier(30)

    def ask():
        start.wait()
        answers.append(AnonymousThrottle().allow_request(request, None))

    threads = [threading.Thread(target=ask) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count(True) == 10


# Where the limits live, from the environment.


def settings_from(environment):
    code = (
        "import json, sendtracker.settings as s; "
        "print(json.dumps([s.CACHES['default'].get('LOCATION'), s.CACHES['limits'].get('LOCATION'), "
        "s.CACHES['limits']['BACKEND'], s.CELERY_BROKER_URL]))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DJANGO_LIMITS_REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"DJANGO_DEBUG": "1", **environment})
    found = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(found.stdout)


def test_the_limits_have_their_own_redis_when_one_is_named():
    pages, limits, backend, broker = settings_from(
        {"REDIS_URL": "redis://pages.internal:6379/0", "DJANGO_LIMITS_REDIS_URL": "redis://limits.internal:6379/0"}
    )
    assert (pages, limits, broker) == (
        "redis://pages.internal:6379/0",
        "redis://limits.internal:6379/0",
        "redis://limits.internal:6379/0",  # the broker does not evict either
    )
    assert backend == "sendtracker.cache_backends.TolerantRedisCache"


def test_with_one_redis_the_limits_share_it_as_before():
    pages, limits, _backend, broker = settings_from({"REDIS_URL": "redis://redis.internal:6379/0"})
    assert pages == limits == broker == "redis://redis.internal:6379/0"


def test_without_redis_the_limits_are_in_memory_with_the_pages():
    pages, limits, backend, broker = settings_from({})
    assert pages == limits == "sendtracker"
    assert backend == "django.core.cache.backends.locmem.LocMemCache"
    assert broker == "memory://"


def test_a_refusal_reads_the_copy_of_the_page_version_in_the_limits_redis(stores, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, 600)
    article = ArticleFactory()
    assert post_comment(Client(), article, body="First.").status_code == 302
    pages, kept = stores
    for attempt in ("Second, too soon.", "Third, too soon."):
        redis_commands(pages)
        redis_commands(kept)
        refused = post_comment(Client(), article, body=attempt)
        assert refused.status_code == 429
        assert attempt in refused.content.decode()  # the reader's text is kept
        assert reverse("comments:submit", kwargs={"slug": article.slug}) in refused.content.decode()
        commands = redis_commands(kept)
        assert commands.pop("eval") == 1 and commands.pop("get") == 1  # the claim, one script, reads the copy
        assert "mget" not in commands
    # The first refusal also noted the page cache's own version, for its kept article (to check the copy
    # against: sendtracker/cache/copies.py); the second left the page cache alone.
    assert redis_commands(pages) == {}
    assert django_settings.CACHES["limits"]["LOCATION"] != django_settings.CACHES["default"]["LOCATION"]
