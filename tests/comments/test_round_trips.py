"""What a comment costs: accepted, at most 3 database and 3 Redis round trips and no page render; refused, one
Redis round trip and no query while its article is unchanged.

Against a real redis-server started here (the production cache backend, TolerantRedisCache),
counting every round trip redis-py makes: each command, or each pipeline or script, is one
``send_packed_command`` on a connection. Nothing is stood in for: the counters, the form's
single-use nonce, the duplicate key and the page cache's versions all live in that Redis.
"""

import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.template import Template
from django.test import TestCase
from django.urls import reverse

from articles.models import Article
from comments import services
from comments.models import Comment, ModerationWord
from comments.protection import form_token
from comments.services import moderate_comments
from sendtracker.cache import versions
from tests.support.comments import comment_data, post_comment
from tests.support.factories import ArticleFactory
from tests.support.redis_server import RoundTrips

pytestmark = pytest.mark.django_db


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def real_redis(redis_url, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "sendtracker.cache_backends.TolerantRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "round-trips",
            "TIMEOUT": None,
        }
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture
def renders(monkeypatch):
    """Every template rendered during the test (a success must render none)."""
    rendered = []
    original = Template._render

    def recording(template, context):
        rendered.append(template.name)
        return original(template, context)

    monkeypatch.setattr(Template, "_render", recording)
    return rendered


def _measure(client, article, monkeypatch, django_assert_max_num_queries, renders, max_queries=3, **data):
    """The request's queries and Redis round trips, the commit's page-cache bumps included.

    The form's token is made first, as the article page made it, so only the POST is counted.
    """
    ModerationWord.objects.create(word="scandal", action=ModerationWord.Action.SUSPECT)
    ModerationWord.objects.create(word="swearword", action=ModerationWord.Action.BANNED)
    posted = comment_data(article, **data)
    renders.clear()
    trips = RoundTrips(monkeypatch)
    with TestCase.captureOnCommitCallbacks() as at_commit, django_assert_max_num_queries(max_queries):
        response = client.post(
            reverse("comments:submit", kwargs={"slug": article.slug}),
            posted,
            REMOTE_ADDR="203.0.113.9",
            HTTP_USER_AGENT="Mozilla/5.0 (test)",
        )
    # What runs when the transaction commits: the page cache's second bump (counted) and, for a
    # published comment, handing the alerts to the task queue (a worker's work in production,
    # in-process here: its queries are not the request's, and it makes no Redis round trip).
    for callback in at_commit:
        callback()
    assert response.status_code == 302  # to the thanks page, as before
    assert response.url.startswith(f"/articles/{article.slug}/comments/thanks/")
    assert renders == []
    return trips.count


def test_a_held_comment_costs_three_queries_and_three_redis_round_trips_at_most(
    client, real_redis, monkeypatch, django_assert_max_num_queries, renders
):
    article = ArticleFactory(comment_moderation=Article.Moderation.POST)
    trips = _measure(client, article, monkeypatch, django_assert_max_num_queries, renders, body="A real scandal.")
    assert trips <= 1  # one Lua script: the nonce, both rate limits, the duplicate key; a held comment bumps nothing
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING  # held, as before: suspect word and a first comment
    assert comment.held_reason == "suspect words: scandal; first comment from this email address"


def test_a_published_comment_costs_three_queries_and_three_redis_round_trips_at_most(
    client, real_redis, monkeypatch, django_assert_max_num_queries, renders, moderator
):
    earlier = ArticleFactory()
    post_comment(client, earlier, email="sam@example.org", body="An earlier thought.")
    moderate_comments(comments=Comment.objects.all(), status=Comment.Status.APPROVED, by=moderator)
    article = ArticleFactory(comment_moderation=Article.Moderation.POST)
    # The comment's own three (the article with what the database knows of the text and reader,
    # the word lists, the INSERT), then, in the same transaction, the alerts app's outbox records
    # the publication for the article's followers (alerts/changes.py: the comment read back and
    # a get_or_create in a savepoint), and the savepoints around them: ten in all (fifteen before).
    trips = _measure(client, article, monkeypatch, django_assert_max_num_queries, renders, max_queries=10)
    assert trips <= 3  # the Lua script, then the page cache's bumps after the INSERT and at the commit
    assert Comment.objects.get(article=article).status == Comment.Status.APPROVED  # a known reader goes live


def test_on_redis_replays_rate_limits_duplicates_and_corrections_answer_as_before(client, real_redis, settings):
    """The Lua script refuses in the order the separate steps did, and gives back what a corrected form took."""
    settings.COMMENTS_RATE_LIMIT_PER_IP = (2, 600)
    article = ArticleFactory()
    for _ in range(3):  # mistakes the reader corrects use up nothing
        assert post_comment(client, article, display_name="").status_code == 400
    data = comment_data(article, body="The first thought.")
    url = reverse("comments:submit", kwargs={"slug": article.slug})
    assert client.post(url, data, REMOTE_ADDR="198.51.100.7").status_code == 302
    replay = client.post(url, {**data, "body": "Another thought."}, REMOTE_ADDR="198.51.100.7")
    assert replay.status_code == 400 and "already been sent once" in replay.content.decode()
    duplicate = post_comment(client, article, body="The first thought.", ip="198.51.100.9")
    assert duplicate.status_code == 400 and "This comment has already been sent" in duplicate.content.decode()
    assert post_comment(client, article, body="The second thought.").status_code == 302
    limited = post_comment(client, article, body="The third thought.")
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 600
    assert list(Comment.objects.order_by("pk").values_list("body", flat=True)) == [
        "The first thought.",
        "The second thought.",
    ]


# A refused comment: one Redis round trip in all (the claim's script, which also reads the
# articles' version) and no query while the article is unchanged.

TEXT = "We waited eleven months for the EHC plan & the tribunal <date>."
KEPT = "We waited eleven months for the EHC plan &amp; the tribunal &lt;date&gt;.</textarea>"


def _too_fast(client, article):
    """A form sent too fast: refused before the claim; this process now keeps the article's copy."""
    response = post_comment(client, article, body=TEXT, started=form_token(article, now=time.time()))
    assert response.status_code == 400


def _refusal(client, article, monkeypatch, django_assert_num_queries, queries=0, **overrides):
    """The refusal's Redis round trips and its page; the page as every refusal has it."""
    trips = RoundTrips(monkeypatch)
    with django_assert_num_queries(queries):
        response = post_comment(client, article, body=TEXT, **overrides)
    html = response.content.decode()
    assert "<h1>Your comment was not sent</h1>" in html and "Nothing was stored" in html
    assert KEPT in html  # the reader's text back in the form, escaped
    return trips.count, response, html


@pytest.mark.parametrize(
    ("reason", "status", "message"),
    [
        ("address over its limit", 429, "You have sent several comments in the last 10 minutes."),
        ("email address over its limit", 429, "Several comments have just been sent from this email address."),
        ("form already sent", 400, "This form has already been sent once."),
        ("same text already sent", 400, "This comment has already been sent."),
    ],
)
def test_a_refused_comment_costs_one_redis_round_trip_and_no_query_while_the_article_is_unchanged(
    client, real_redis, monkeypatch, django_assert_num_queries, settings, reason, status, message
):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600) if reason == "address over its limit" else (100, 600)
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = (0, 600) if reason == "email address over its limit" else (100, 600)
    article = ArticleFactory(headline="Tribunal waits in the pilot")
    started = comment_data(article)["started"]
    if reason == "form already sent":
        assert post_comment(client, article, started=started, ip="198.51.100.99").status_code == 302
    if reason == "same text already sent":
        assert post_comment(client, article, body=TEXT, ip="198.51.100.99").status_code == 302
    sent = list(Comment.objects.values_list("body", flat=True))
    _too_fast(client, article)

    if reason != "form already sent":
        started = comment_data(article)["started"]
    trips, response, html = _refusal(client, article, monkeypatch, django_assert_num_queries, started=started)

    assert trips == 1  # the script: the nonce, both limits, the duplicate key and the articles' version
    assert response.status_code == status
    assert message in html
    assert "“Tribunal waits in the pilot”" in html
    assert list(Comment.objects.values_list("body", flat=True)) == sent  # nothing stored


def test_a_refusal_shows_an_edit_to_the_article_at_once_and_survives_a_redis_restart(
    client, real_redis, monkeypatch, django_assert_num_queries, settings
):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    article = ArticleFactory(headline="Tribunal waits in the pilot")
    _too_fast(client, article)

    Article.objects.filter(pk=article.pk).update(headline="Tribunal waits: the corrected figures")
    trips, response, html = _refusal(client, article, monkeypatch, django_assert_num_queries, queries=1)
    assert trips == 1
    assert response.status_code == 429
    assert "“Tribunal waits: the corrected figures”" in html
    assert "Tribunal waits in the pilot" not in html

    real_redis.clear()  # Redis restarted empty: the articles' version is gone, so is every counter
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    # The articles' version is made again (with when the next scheduled article appears: a query),
    # then the article is read.
    _trips, response, html = _refusal(client, article, monkeypatch, django_assert_num_queries, queries=2)
    assert response.status_code == 429
    assert "“Tribunal waits: the corrected figures”" in html
    trips, response, html = _refusal(client, article, monkeypatch, django_assert_num_queries)
    assert (trips, response.status_code) == (1, 429)  # the new version, read with the claim again


def test_a_refusal_once_the_articles_version_has_expired_renews_it_as_a_page_would(
    client, real_redis, monkeypatch, django_assert_num_queries, settings
):
    """A scheduled article is due: its version expires with no write, and whoever reads it first replaces it."""
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    article = ArticleFactory(headline="Tribunal waits in the pilot")
    _too_fast(client, article)
    due = versions.read([services.ARTICLES_KEY])[0][services.ARTICLES_KEY]
    real_redis.set(
        versions.PREFIX + services.ARTICLES_KEY, versions.Token(due.value, due.made_ns, time.time() - 1).as_value()
    )

    # The version replaced (with when the next scheduled article appears: a query), the article read again.
    _trips, response, html = _refusal(client, article, monkeypatch, django_assert_num_queries, queries=2)
    assert response.status_code == 429
    assert "“Tribunal waits in the pilot”" in html
    renewed = versions.read([services.ARTICLES_KEY])[0][services.ARTICLES_KEY]
    assert renewed.value != due.value
