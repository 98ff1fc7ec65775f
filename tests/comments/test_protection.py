"""Who is asking and when: the signed form start time, rate limits per address and email, the address behind proxies."""

import time

import pytest
from django.core import signing
from django.core.cache import cache

from comments.exceptions import CommentRefused
from comments.models import Comment
from comments.protection import check_form_token, form_token, hash_ip, over_rate_limit
from tests.support.comments import assert_refused, post_comment
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_form_sent_too_quickly_is_refused_with_the_text_kept(client, article, settings):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 5
    response = post_comment(client, article, started=form_token(article, now=time.time() - 1))
    html = assert_refused(response, 400, "too quickly")
    assert "The pilot needs to reach families sooner.</textarea>" in html


def test_a_form_open_too_long_is_refused_and_a_fresh_one_given(client, article, settings):
    settings.COMMENTS_FORM_MAX_AGE_SECONDS = 60 * 60
    stale = form_token(article, now=time.time() - 2 * 60 * 60)
    html = assert_refused(post_comment(client, article, started=stale), 400, "open too long")
    assert f'value="{stale}"' not in html  # a fresh timestamp replaces the stale one


@pytest.mark.parametrize("token", ["", "not-signed", "eyJhIjoxLCJ0IjoxfQ:tampered:sig"])
def test_a_missing_or_forged_timestamp_is_refused(client, article, token):
    assert_refused(post_comment(client, article, started=token), 400, "could not be checked")


def test_rate_limit_per_ip(client, article, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (2, 600)
    for n in range(2):
        assert post_comment(client, article, email=f"r{n}@example.org", body=f"Comment number {n}").status_code == 302
    response = post_comment(client, article, email="r9@example.org", body="A third one")
    assert response.status_code == 429
    assert "Please wait a while" in response.content.decode()
    assert Comment.objects.count() == 2
    # Another reader is not affected.
    assert post_comment(client, article, ip="203.0.113.9", email="x@example.org", body="Mine").status_code == 302


def test_rate_limit_per_email_across_addresses(client, article, settings):
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = (1, 600)
    assert post_comment(client, article, ip="203.0.113.1", body="From home").status_code == 302
    response = post_comment(client, article, ip="203.0.113.2", email="SAM@example.org", body="From work")
    assert response.status_code == 429
    assert "from this email address" in response.content.decode()
    assert Comment.objects.count() == 1


def test_rate_limit_counts_in_the_shared_cache(settings):
    limit = (3, 600)
    results = [over_rate_limit("ip", "abc", limit) for _ in range(5)]
    assert results == [False, False, False, True, True]
    assert cache.get("comments:rate:ip:abc") == 5


def test_behind_trusted_proxies_the_readers_own_address_is_limited(client, article, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, 600)
    proxy = "10.0.0.1"  # every request arrives from the load balancer

    def via_proxy(reader_ip, n):
        return post_comment(
            client,
            article,
            ip=proxy,
            email=f"p{n}@example.org",
            body=f"Via proxy {n}",
            HTTP_X_FORWARDED_FOR=f"6.6.6.6, {reader_ip}",
        )

    assert via_proxy("203.0.113.1", 1).status_code == 302
    assert via_proxy("203.0.113.2", 2).status_code == 302  # a different reader behind the same proxy
    assert via_proxy("203.0.113.1", 3).status_code == 429  # the first reader again; a spoofed first hop is ignored
    assert Comment.objects.get(body="Via proxy 1").ip_hash == hash_ip("203.0.113.1")


def test_form_token_is_per_article(client, article):
    other = ArticleFactory()
    response = post_comment(client, article, started=form_token(other))
    assert response.status_code == 400
    assert "belongs to another article" in response.content.decode()


def test_hashes_and_forms_made_before_comments_had_their_own_app_still_match(settings, article):
    """The stored IP and reporter hashes, and forms open in readers' browsers, survive the move."""
    settings.COMMENTS_IP_HASH_SALT = "fixed-salt"
    assert hash_ip("203.0.113.9") == "07f1d4806472711445f0c4deed4c1752d91b093b82262c55c9d16343c3e8fc33"
    # The salt is unchanged; since forms became single-use a token also names a nonce (used up when sent).
    signed = signing.dumps(
        {"a": article.pk, "t": time.time() - 30, "n": "n0nce"}, salt="articles.comments.form-started"
    )
    check_form_token(signed, article)  # no CommentRefused
    # A form rendered before tokens were single-use carries no nonce: it is answered with a fresh form.
    signed_before = signing.dumps({"a": article.pk, "t": time.time() - 30}, salt="articles.comments.form-started")
    with pytest.raises(CommentRefused, match="fresh one"):
        check_form_token(signed_before, article)
