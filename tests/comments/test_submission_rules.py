"""Submitting a comment when something fails half way, and a reply's place in its thread."""

import datetime

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.utils import timezone

from comments import services
from comments.exceptions import CommentRefused
from comments.models import Comment
from tests.support.comments import post_comment

pytestmark = pytest.mark.django_db


def submit(article, body="The pilot needs to reach families sooner.", parent=None, **overrides):
    fields = {
        "article": article,
        "display_name": "Sam",
        "email": "sam@example.org",
        "reader_role": "parent",
        "body": body,
        "parent": parent,
        "ip_hash": "hash",
        "user_agent": "Browser",
    }
    fields.update(overrides)
    return services.submit_comment(**fields)


def test_a_save_that_fails_after_the_duplicate_check_lets_the_reader_send_again(client, article, monkeypatch):
    original_save = Comment.save

    def failing_save(self, *args, **kwargs):
        raise IntegrityError("the database went away")

    monkeypatch.setattr(Comment, "save", failing_save)
    with pytest.raises(IntegrityError):
        submit(article)
    monkeypatch.setattr(Comment, "save", original_save)

    # The reader presses Send again: not "already been sent", because nothing was stored.
    comment = submit(article)
    assert Comment.objects.get() == comment


def test_a_comment_refused_at_save_can_be_sent_again_once_corrected(article):
    with pytest.raises(CommentRefused) as refused:
        submit(article, display_name="x" * 500)
    assert str(refused.value).startswith("Your comment could not be saved: ")
    assert not Comment.objects.exists()
    assert submit(article).pk is not None


def test_the_same_words_are_refused_as_already_sent(article):
    submit(article)
    with pytest.raises(CommentRefused, match="already been sent"):
        submit(article, email="other@example.org")
    assert Comment.objects.count() == 1


def test_the_duplicate_key_is_kept_after_a_successful_save(article):
    comment = submit(article)
    assert cache.get(f"comments:dup:{article.pk}:{comment.fingerprint}") == 1


def test_a_reply_is_attached_to_its_parent(client, article):
    article.comment_moderation = "post"
    article.save()
    parent = submit(article, body="The first comment on the pilot.")
    reply = submit(article, body="A reply about the pilot.", parent=parent, email="reply@example.org")
    reply.refresh_from_db()
    assert reply.parent == parent
    assert list(parent.replies.all()) == [reply]


def test_a_reply_through_the_site_is_shown_under_its_parent(client, article):
    parent = submit(article, body="The first comment on the pilot.")
    Comment.objects.update(status=Comment.Status.APPROVED)
    assert post_comment(client, article, body="A reply about the pilot.", reply_to=str(parent.pk)).status_code == 302
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent_id == parent.pk


def test_an_article_closed_at_its_own_time_refuses_comments_and_says_when(article):
    closed = timezone.now() - datetime.timedelta(minutes=1)
    article.comments_close_at = closed
    article.save()
    with pytest.raises(CommentRefused) as refused:
        submit(article)
    assert str(refused.value) == f"Comments on this article closed on {timezone.localtime(closed):%-d %B %Y}."
    assert refused.value.status == 403
    assert not Comment.objects.exists()


def test_an_article_closing_at_its_own_time_later_still_takes_comments(article, settings):
    settings.COMMENTS_AUTO_CLOSE_DAYS = 1
    article.published_at = timezone.now() - datetime.timedelta(days=30)
    article.comments_close_at = timezone.now() + datetime.timedelta(minutes=5)
    article.save()
    assert submit(article).pk is not None
