"""/api/comments/ lists the comments the article page shows, and no others."""

import pytest

from comments.models import Comment
from tests.support.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_a_reply_under_a_hidden_comment_is_not_listed(client):
    article = ArticleFactory()
    shown = CommentFactory(article=article, status=Comment.Status.APPROVED, body="Shown")
    held = CommentFactory(article=article, status=Comment.Status.PENDING, body="Held")
    CommentFactory(article=article, parent=shown, status=Comment.Status.APPROVED, body="Reply shown")
    CommentFactory(article=article, parent=held, status=Comment.Status.APPROVED, body="Reply to a held comment")

    page = client.get(article.get_absolute_url()).content.decode()
    on_page = {body for body in ("Shown", "Reply shown", "Reply to a held comment") if body in page}
    listed = {item["body"] for item in client.get("/api/comments/", {"article": article.slug}).json()["results"]}
    count = client.get(f"/api/articles/{article.slug}/").json()["comment_count"]

    assert on_page == {"Shown", "Reply shown"}
    assert count == 2
    assert listed == on_page
