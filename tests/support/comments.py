"""Shared set-up for the "Your thoughts" tests: a clean cache, a quick form, a valid submission."""

import time

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from comments.protection import form_token
from tests.support.factories import ArticleFactory


@pytest.fixture(autouse=True)
def comment_settings(settings):
    """Rate-limit and duplicate counters start empty; the form's minimum age is not waited for."""
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 2
    cache.clear()
    yield settings
    cache.clear()


def comment_data(article, **overrides):
    data = {
        "display_name": "Sam",
        "email": "sam@example.org",
        "reader_role": "parent",
        "body": "The pilot needs to reach families sooner.",
        "reply_to": "",
        "started": form_token(article, now=time.time() - 30),
        "website": "",
    }
    data.update(overrides)
    return data


def post_comment(client, article, ip="198.51.100.7", HTTP_X_FORWARDED_FOR=None, **overrides):
    headers = {"HTTP_X_FORWARDED_FOR": HTTP_X_FORWARDED_FOR} if HTTP_X_FORWARDED_FOR else {}
    return client.post(
        reverse("comments:submit", kwargs={"slug": article.slug}),
        comment_data(article, **overrides),
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Mozilla/5.0 (test)",
        **headers,
    )


def become_known_reader(client, moderator, email="sam@example.org"):
    """The reader using ``client`` sends a comment that a moderator approves: that browser is now known."""
    other = ArticleFactory()
    post_comment(client, other, email=email, body="An earlier comment a moderator approved.")
    sent = Comment.objects.filter(article=other)
    Comment.objects.filter(pk__in=sent).update(status=Comment.Status.APPROVED, moderated_by=moderator)
    return sent.get()


def assert_refused(response, status, message):
    """The answer a reader gets when a comment is turned away: the status, the reason, and nothing stored."""
    html = response.content.decode()
    assert response.status_code == status, html
    assert message in html, html
    assert not Comment.objects.exists()
    return html


def admin_action(client, action, comments, **extra):
    """Run a moderation action from the comments' admin list (``confirm="yes"`` to get past the question)."""
    return client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in comments], **extra},
    )
