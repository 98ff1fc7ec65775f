"""The API's ``comments_open`` says what the article page does: one rule, on the model."""

import datetime

import pytest
from django.utils import timezone

from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


ARTICLES = {
    "open": {"comment_moderation": "pre"},
    "closed by an editor": {"comment_moderation": "closed"},
    "auto-closed after the usual days": {"published_at": ago(days=45)},
    "closing at its own time, still to come": {"comments_close_at": timezone.now() + datetime.timedelta(days=2)},
    "closed at its own time, already past": {"comments_close_at": ago(hours=1)},
    "kept open past the usual days by its own time": {
        "published_at": ago(days=45),
        "comments_close_at": timezone.now() + datetime.timedelta(days=5),
    },
}
EXPECTED_OPEN = {
    "open": True,
    "closed by an editor": False,
    "auto-closed after the usual days": False,
    "closing at its own time, still to come": True,
    "closed at its own time, already past": False,
    "kept open past the usual days by its own time": True,
}


@pytest.mark.parametrize("case", ARTICLES)
def test_comments_open_in_the_api_agrees_with_the_article_page(client, settings, case):
    settings.COMMENTS_AUTO_CLOSE_DAYS = 30
    article = ArticleFactory(**ARTICLES[case])
    page = client.get(article.get_absolute_url()).content.decode()
    page_open = 'name="body"' in page and "yt-closed" not in page
    api_open = client.get(f"/api/articles/{article.slug}/").json()["comments_open"]
    listed = {item["slug"]: item for item in client.get("/api/articles/").json()["results"]}
    assert page_open == EXPECTED_OPEN[case]
    assert api_open == page_open
    assert "comments_open" not in listed[article.slug] or listed[article.slug]["comments_open"] == page_open


def test_a_scheduled_article_is_hidden_from_both_until_its_time_then_both_agree(client, settings):
    settings.COMMENTS_AUTO_CLOSE_DAYS = 30
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=2))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"/api/articles/{article.slug}/").status_code == 404
    assert article.slug not in {item["slug"] for item in client.get("/api/articles/").json()["results"]}

    # Its time comes: the usual days count from publication, so both say comments are open.
    article.published_at = ago(minutes=1)
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'name="body"' in page and "yt-closed" not in page
    assert client.get(f"/api/articles/{article.slug}/").json()["comments_open"] is True
