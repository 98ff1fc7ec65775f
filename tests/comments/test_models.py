"""Which comments the public sees: the queryset methods every page and the API use."""

import pytest

from articles.models import Article
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

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
