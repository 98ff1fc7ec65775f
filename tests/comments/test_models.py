"""Which comments the public sees: the queryset methods every page and the API use."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from tests.support.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_article_list_comment_counts_count_only_visible_comments(django_assert_num_queries):
    article = ArticleFactory()
    parent = CommentFactory(article=article)
    CommentFactory(article=article, parent=parent)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    hidden_parent = CommentFactory(article=article, status=Comment.Status.REJECTED)
    CommentFactory(article=article, parent=hidden_parent)  # approved, but under a hidden parent
    quiet = ArticleFactory()
    with django_assert_num_queries(1):
        counts = {a.pk: a.comment_count for a in Article.objects.published().with_comment_counts()}
    assert counts == {article.pk: 2, quiet.pk: 0}


def test_published_comments_are_the_approved_ones_under_published_articles():
    live = ArticleFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    scheduled = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    shown = CommentFactory(article=live)
    reply = CommentFactory(article=live, parent=shown)
    CommentFactory(article=live, status=Comment.Status.PENDING)
    CommentFactory(article=live, status=Comment.Status.SPAM)
    CommentFactory(article=draft)
    CommentFactory(article=scheduled)
    assert set(Comment.objects.published()) == {shown, reply}


def test_the_api_report_page_and_queryset_agree_on_what_is_published(client):
    shown = CommentFactory()
    on_draft = CommentFactory(article=ArticleFactory(status=Article.Status.DRAFT, published_at=None))
    listed = {item["id"] for item in client.get("/api/comments/", HTTP_ACCEPT="application/json").json()["results"]}
    assert listed == set(Comment.objects.published().values_list("pk", flat=True)) == {shown.pk}
    assert client.get(reverse("comments:report", kwargs={"pk": shown.pk})).status_code == 200
    assert client.get(reverse("comments:report", kwargs={"pk": on_draft.pk})).status_code == 404
