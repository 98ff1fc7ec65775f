"""An accepted comment's reads are compiled once per process (issue 15), and answer exactly as the ORM's did.

The article with what the database knows of the text and reader, and the word lists, are
SQL the ORM compiled once per process for each shape (comments/services.py); each request
only puts its own values in their places. These tests hold the answers to the rules the
queryset applied: published now, a known reader matched on the address exactly (in any
case, with no wildcard), a recent duplicate found by text or address.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments import checks
from comments.models import Comment, ModerationWord
from comments.services import moderate_comments
from tests.support.comments import post_comment
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_second_accepted_comment_compiles_no_select(client, compiled):
    article = ArticleFactory()
    ModerationWord.objects.create(word="scandal", action=ModerationWord.Action.SUSPECT)
    assert post_comment(client, article, body="A first thought.").status_code == 302
    compiled.clear()

    response = post_comment(Client(), article, email="alex@example.org", body="A second thought, a real scandal.")

    assert response.status_code == 302
    assert compiled == []  # the article, the known-reader and duplicate checks and the word lists: all compiled before
    comment = Comment.objects.get(email="alex@example.org")
    assert comment.held_reason.startswith("suspect words: scandal")


def test_a_comment_on_an_article_scheduled_for_later_is_not_found(client):
    later = ArticleFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert post_comment(client, later).status_code == 404
    assert not Comment.objects.exists()


def test_an_address_is_matched_exactly_not_as_a_pattern(moderator):
    """``sam_x`` is not ``samyx``: an underscore or a percent sign in an address is no wildcard."""
    regular = Client()
    post_comment(regular, ArticleFactory(), email="samyx@example.org", body="My first thought.")
    moderate_comments(comments=Comment.objects.all(), status=Comment.Status.APPROVED, by=moderator)
    article = ArticleFactory(comment_moderation=Article.Moderation.POST)

    post_comment(regular, article, email="sam_x@example.org", body="Not the same reader.")
    post_comment(regular, article, email="sam%@example.org", body="Nor this one.", ip="198.51.100.8")

    held = Comment.objects.filter(article=article)
    assert [comment.status for comment in held] == [Comment.Status.PENDING, Comment.Status.PENDING]


def test_a_known_reader_in_any_case_is_published_and_a_repeat_from_the_address_is_refused(moderator):
    regular = Client()
    post_comment(regular, ArticleFactory(), email="sam_x@example.org", body="My first thought.")
    moderate_comments(comments=Comment.objects.all(), status=Comment.Status.APPROVED, by=moderator)
    article = ArticleFactory(comment_moderation=Article.Moderation.POST)

    assert post_comment(regular, article, email="Sam_X@Example.org", body="Back again.").status_code == 302
    assert Comment.objects.get(article=article).status == Comment.Status.APPROVED
    # The same text from the same address, to another article: a duplicate.
    response = post_comment(regular, ArticleFactory(), email="SAM_X@example.org", body="Back again.")
    assert response.status_code == 400
    assert Comment.objects.filter(body="Back again.").count() == 1


def test_every_listed_word_is_found_even_where_they_overlap():
    """The word lists are compiled once per list (comments/checks.py): overlapping entries are each still found."""
    words = ["the council", "sue the council", "sue", "suit", "ｓｃａｎｄａｌ"]
    assert checks.find_words("They will SUE the Council over the scandal.", words) == [
        "the council",
        "sue the council",
        "sue",
        "ｓｃａｎｄａｌ",
    ]
    assert checks.find_words("A lawsuit.", words) == []
    assert checks.find_words("A lawsuit.", [*words, "lawsuit"]) == ["lawsuit"]  # a word added is found at once


def test_a_word_added_to_the_banned_list_refuses_the_next_comment(client):
    article = ArticleFactory()
    assert post_comment(client, article, body="A first thought about the panel.").status_code == 302
    ModerationWord.objects.create(word="panel", action=ModerationWord.Action.BANNED)

    response = post_comment(Client(), article, email="alex@example.org", body="Another thought about the panel.")

    assert response.status_code == 400
    assert "language we do not publish" in response.content.decode()
