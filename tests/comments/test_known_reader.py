"""Trust needs proof: on a post-moderated article only a reader this browser has shown to be known skips
the first-comment hold; a claimed email address, in any case, is held like a new one."""

import pytest
from django.test import Client

from articles.models import Article
from comments import protection
from comments.models import Comment
from comments.services import moderate_comments
from tests.support.comments import post_comment
from tests.support.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

HELD = "first comment from this email address"


@pytest.fixture
def article():
    return ArticleFactory(comment_moderation=Article.Moderation.POST)


@pytest.fixture
def regular(moderator):
    """victim.reader@example.org, whose comments a moderator approved, from their own browser."""
    browser = Client()
    post_comment(browser, ArticleFactory(), email="victim.reader@example.org", body="My first thought.")
    moderate_comments(comments=Comment.objects.all(), status=Comment.Status.APPROVED, by=moderator)
    return browser


def test_a_case_variant_of_a_regular_commenters_address_is_held(client, article, regular):
    post_comment(client, article, email="VICTIM.READER@example.ORG", body="Pretending to be a regular.")

    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == HELD


def test_the_exact_address_typed_in_another_browser_is_held(client, article, regular):
    post_comment(client, article, email="victim.reader@example.org", body="Pretending to be a regular.")

    assert Comment.objects.get(article=article).status == Comment.Status.PENDING


def test_the_regular_in_their_own_browser_is_published_at_once(article, regular):
    post_comment(regular, article, email="Victim.Reader@Example.org", body="Back again.")

    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.APPROVED
    assert comment.email == "victim.reader@example.org"


def test_a_comment_published_at_once_or_still_pending_makes_no_one_known(article):
    browser = Client()
    post_comment(browser, ArticleFactory(comment_moderation=Article.Moderation.POST), body="First, held.")
    post_comment(browser, article, body="Second.")

    assert Comment.objects.get(article=article).status == Comment.Status.PENDING


def test_a_forged_cookie_is_ignored(client, article):
    approved = CommentFactory(email="sam@example.org", status=Comment.Status.APPROVED)
    client.cookies[protection.KNOWN_READER_COOKIE] = str(approved.pk)
    post_comment(client, article)

    assert Comment.objects.get(article=article).status == Comment.Status.PENDING


def test_the_cookie_is_private_to_the_browser(client, article):
    response = post_comment(client, article)
    cookie = response.cookies[protection.KNOWN_READER_COOKIE]

    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert str(Comment.objects.get().pk) in cookie.value


def test_emails_are_stored_in_one_spelling(client, article):
    post_comment(client, article, email="  Sam@EXAMPLE.org ")

    assert Comment.objects.get().email == "sam@example.org"
    assert CommentFactory(email="Alex@Example.ORG").email == "alex@example.org"
