"""Spam and abuse defences: each one triggers, says why, answers with the right status, stores nothing."""

import time

import pytest
from django.core.cache import cache

from articles.comment_checks import fingerprint
from articles.comments import form_token, hash_ip, over_rate_limit
from articles.models import Comment, ModerationWord
from tests.articles.comment_support import comment_settings, post_comment  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory()


def refused(response, status, message):
    html = response.content.decode()
    assert response.status_code == status, html
    assert message in html, html
    assert not Comment.objects.exists()
    return html


def test_honeypot_filled_is_refused(client, article):
    html = refused(
        post_comment(client, article, website="http://cheap-pills.example"), 400, "a field that people leave empty"
    )
    assert "The pilot needs to reach families sooner.</textarea>" in html


def test_a_form_sent_too_quickly_is_refused_with_the_text_kept(client, article, settings):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 5
    response = post_comment(client, article, started=form_token(article, now=time.time() - 1))
    html = refused(response, 400, "too quickly")
    assert "The pilot needs to reach families sooner.</textarea>" in html


def test_a_form_open_too_long_is_refused_and_a_fresh_one_given(client, article, settings):
    settings.COMMENTS_FORM_MAX_AGE_SECONDS = 60 * 60
    stale = form_token(article, now=time.time() - 2 * 60 * 60)
    html = refused(post_comment(client, article, started=stale), 400, "open too long")
    assert f'value="{stale}"' not in html  # a fresh timestamp replaces the stale one


@pytest.mark.parametrize("token", ["", "not-signed", "eyJhIjoxLCJ0IjoxfQ:tampered:sig"])
def test_a_missing_or_forged_timestamp_is_refused(client, article, token):
    refused(post_comment(client, article, started=token), 400, "could not be checked")


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


def test_a_duplicate_comment_is_refused(client, article):
    assert post_comment(client, article).status_code == 302
    response = post_comment(
        client,
        article,
        ip="203.0.113.50",
        email="other@example.org",
        body="  the PILOT needs to reach families sooner. ",
    )
    assert response.status_code == 400
    assert "already been sent" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_duplicate_is_caught_from_the_database_when_the_cache_has_forgotten(client, article):
    CommentFactory(
        article=article,
        body="Same words",
        fingerprint=fingerprint("Same words"),
    )
    response = post_comment(client, article, body="Same words")
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_too_many_links_are_refused(client, article, settings):
    settings.COMMENTS_MAX_LINKS = 2
    body = "See https://one.example/a and https://two.example/b and www.three.example.com"
    html = refused(
        post_comment(client, article, body=body), 400, "Your comment has 3 links. Please include no more than 2."
    )
    assert 'id="id_body_error"' in html


def test_two_links_are_allowed(client, article):
    assert post_comment(client, article, body="See https://one.example/a and https://gov.uk/b").status_code == 302


def test_banned_words_are_refused(client, article):
    ModerationWord.objects.create(word="scumbag", action=ModerationWord.Action.BANNED)
    refused(post_comment(client, article, body="The officer is a SCUMBAG."), 400, "language we do not publish")


def test_banned_words_are_found_behind_unicode_disguises(client, article):
    ModerationWord.objects.create(word="scumbag", action=ModerationWord.Action.BANNED)
    for disguised in ("ｓｃｕｍｂａｇ", "scum\u200bbag", "scum\u00adbag".replace("\u00ad", "\u2060")):
        refused(post_comment(client, article, body=f"You {disguised}"), 400, "language we do not publish")


def test_suspect_words_hold_the_comment(client, article):
    ModerationWord.objects.create(word="lawsuit", action=ModerationWord.Action.SUSPECT)
    assert post_comment(client, article, body="A lawsuit is coming for the council.").status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "suspect words: lawsuit"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("My son Tom has waited two years for his EHC plan.", "may name a child"),
        ("Our daughter, Ella, was sent home again.", "may name a child"),
        ("Jayden, aged 9, has no school place.", "may name a child"),
        ("Amelia (age 6) is still at home.", "may name a child"),
        ("My 7-year-old son Jack is out of school.", "may name a child"),
        ("He goes to Oakfield Primary School in Leeds.", "may name a school"),
        ("Harrow Way Academy refused him a place.", "may name a school"),
        ("St Mary's C of E Primary has been brilliant.", "may name a school"),
        ("I teach at Kingsmead College.", "may name a school"),
    ],
)
def test_safeguarding_holds_a_comment_that_appears_to_name_a_child_or_school(client, article, body, why):
    article.comment_moderation = "post"
    article.save()
    CommentFactory(email="sam@example.org")  # a known reader: only the safeguarding rule holds it
    assert post_comment(client, article, body=body).status_code == 302
    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.PENDING
    assert why in comment.held_reason


@pytest.mark.parametrize(
    "body",
    [
        "My son has autism and waited a year for his plan.",
        "Our school was rated good by Ofsted but SEND support is thin.",
        "I am a SENCO at a primary school in Kent.",
        "The Department for Education must fund the High Needs block properly.",
    ],
)
def test_ordinary_comments_are_not_held_by_the_safeguarding_rule(client, article, body):
    article.comment_moderation = "post"
    article.save()
    CommentFactory(email="sam@example.org")
    post_comment(client, article, body=body)
    assert Comment.objects.get(article=article).status == Comment.Status.APPROVED


def test_maximum_length(client, article, settings):
    settings.COMMENTS_MAX_LENGTH = 100
    html = refused(
        post_comment(client, article, body="x" * 101),
        400,
        "Your comment is 101 characters long. Please shorten it to 100 or fewer.",
    )
    assert "x" * 101 + "</textarea>" in html
    assert post_comment(client, article, body="y" * 100).status_code == 302


def test_a_comment_of_only_invisible_characters_is_empty(client, article):
    refused(post_comment(client, article, body="\u200b\u202e \u2066"), 400, "Enter your comment.")


def test_a_web_address_as_a_name_is_refused(client, article):
    refused(
        post_comment(client, article, display_name="cheap-pills.com"), 400, "Your name cannot contain a web address."
    )


@pytest.mark.parametrize("reply_to", ["abc", "-1", "99999999999999999999999"])
def test_hostile_reply_to_values_are_a_clear_400(client, article, reply_to):
    response = post_comment(client, article, reply_to=reply_to)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_nothing_is_stored_and_no_500_for_junk_posts(client, article):
    from django.urls import reverse

    url = reverse("articles:comment_submit", kwargs={"slug": article.slug})
    for junk in ({}, {"body": "\x00" * 10}, {"display_name": "a" * 5000, "email": "@" * 300}, {"reader_role": "king"}):
        response = client.post(url, junk)
        assert response.status_code == 400
    assert not Comment.objects.exists()


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
