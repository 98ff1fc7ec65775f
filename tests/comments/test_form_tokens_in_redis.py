"""The article page's comment form against a real Redis: a cached page costs one read, a form is used once.

(tests/comments/test_form_tokens.py holds the readers' side with the test cache.)
"""

import re
import time

import pytest
from django.test import Client

from comments import protection
from comments.exceptions import CommentRefused
from comments.models import Comment
from tests.support.comments import post_comment
from tests.support.factories import ArticleFactory, CommentFactory
from tests.support.redis_server import redis_commands

pytestmark = pytest.mark.django_db

STARTED = re.compile(r'name="started" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def article(db):
    article = ArticleFactory()
    for number in range(3):
        CommentFactory(article=article, status=Comment.Status.APPROVED, body=f"Approved comment {number}.")
    return article


def test_a_cached_article_page_with_its_form_is_one_read_of_redis_and_no_query(
    production_stores, article, django_assert_num_queries
):
    server = Client()  # one server process: it keeps the page it served in memory
    server.get(article.get_absolute_url())
    server.cookies.clear()  # each request from a new reader
    redis_commands(production_stores)
    with django_assert_num_queries(0):
        page = server.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    assert redis_commands(production_stores) == {"mget": 1}  # the versions; nothing written per reader
    server.cookies.clear()
    other = server.get(article.get_absolute_url())
    # Each reader still has a form and a CSRF token of their own.
    assert STARTED.search(page.content.decode()).group(1) != STARTED.search(other.content.decode()).group(1)
    assert CSRF.search(page.content.decode()).group(1) != CSRF.search(other.content.decode()).group(1)


def test_a_form_from_a_cached_page_is_accepted_once(production_stores, article, settings):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    reader, bot = Client(), Client()
    reader.get(article.get_absolute_url())
    page = reader.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    token = STARTED.search(page.content.decode()).group(1)
    assert post_comment(reader, article, started=token, body="My thoughts.").status_code == 302
    for body in ("Spam one.", "Spam two."):
        refused = post_comment(bot, article, started=token, body=body, ip="203.0.113.50")
        assert refused.status_code == 400
        assert protection.REPLAYED in refused.content.decode()
    assert list(
        Comment.objects.filter(article=article, body__in=("My thoughts.", "Spam one.", "Spam two.")).values_list(
            "body", flat=True
        )
    ) == ["My thoughts."]


def test_the_used_form_is_remembered_as_long_as_the_form_could_be_sent(production_stores, article, settings):
    token = protection.form_token(article, now=time.time() - 30)
    protection.check_form_token(token, article)
    nonce_keys = production_stores.keys("*comments:form-used:*")
    assert len(nonce_keys) == 1
    assert production_stores.ttl(nonce_keys[0]) >= settings.COMMENTS_FORM_MAX_AGE_SECONDS
    with pytest.raises(CommentRefused, match="already been sent"):
        protection.check_form_token(token, article)


def test_no_form_is_accepted_while_redis_is_down(production_stores, article, settings, redis_server):
    """Fails closed: without the shared cache no one can tell a first sending from a replay."""
    token = protection.form_token(article, now=time.time() - 30)
    redis_down(settings)
    with pytest.raises(CommentRefused, match="already been sent"):
        protection.check_form_token(token, article)


def test_a_form_sent_as_a_comment_is_remembered_as_long_as_the_form_could_be_sent(production_stores, article, settings):
    # The comment's claim (one Lua script on Redis) uses the nonce up: it must outlive the form,
    # or the same form could be sent again in the last minute of its life.
    assert post_comment(Client(), article, body="My thoughts.").status_code == 302
    nonce_keys = production_stores.keys("*comments:form-used:*")
    assert len(nonce_keys) == 1
    assert production_stores.ttl(nonce_keys[0]) >= settings.COMMENTS_FORM_MAX_AGE_SECONDS


@pytest.mark.parametrize("limited", ["ip", "email"])
def test_a_reader_over_a_rate_limit_is_told_what_is_left_of_the_window(production_stores, settings, limited):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, 600)
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = (1, 900)
    protection.claim_submission(nonce="first", ip_hash="reader", email="sam@example.org", duplicate_key="one")
    (counter,) = production_stores.keys(f"*comments:rate:{limited}:*")
    production_stores.expire(counter, 100)  # the window began 500 (or 800) seconds ago
    with pytest.raises(CommentRefused) as refused:
        protection.claim_submission(
            nonce="second",
            ip_hash="reader" if limited == "ip" else "another-reader",
            email="sam@example.org",
            duplicate_key="two",
        )
    assert refused.value.status == 429
    assert 0 < refused.value.retry_after <= 100


def test_readers_without_an_email_address_share_no_email_limit(production_stores, settings):
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = (1, 600)
    claims = [
        protection.claim_submission(
            nonce=f"form-{number}", ip_hash=f"reader-{number}", email="", duplicate_key=f"text-{number}"
        )
        for number in range(3)
    ]  # none refused as "sent from this email address"
    assert [claim.rate_keys for claim in claims] == [[protection._rate_key("ip", f"reader-{n}")] for n in range(3)]


def test_no_comment_is_claimed_while_redis_is_down(production_stores, settings):
    """The claim script fails closed as the form token does: the reader is asked to send again."""
    redis_down(settings)
    with pytest.raises(CommentRefused, match="already been sent"):
        protection.claim_submission(nonce="form", ip_hash="reader", email="sam@example.org", duplicate_key="text")


def test_the_same_text_sent_again_on_redis_is_refused_on_its_field_with_400(production_stores):
    protection.claim_submission(nonce="first", ip_hash="reader", email="sam@example.org", duplicate_key="text")
    with pytest.raises(CommentRefused) as refused:
        protection.claim_submission(nonce="second", ip_hash="another", email="kim@example.org", duplicate_key="text")
    assert (refused.value.status, refused.value.field) == (400, "body")
    assert refused.value.message == "This comment has already been sent. You do not need to send it again."


def redis_down(settings):
    """The page cache and the store of limits pointed at a Redis that is not there."""
    dead = {"LOCATION": "redis://127.0.0.1:9/0", "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}
    settings.CACHES = {alias: {**configured, **dead} for alias, configured in settings.CACHES.items()}
