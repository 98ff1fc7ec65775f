"""Shared set-up for the "Your thoughts" tests: a clean cache, a quick form, a valid submission."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles.comments import form_token


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
        reverse("articles:comment_submit", kwargs={"slug": article.slug}),
        comment_data(article, **overrides),
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Mozilla/5.0 (test)",
        **headers,
    )
