"""The same answer for every comment id on the report pages, whatever the comment's state:
the report form is 404 alike for every comment a reader cannot report, and the thanks page is one page for all."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.support.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments():
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    return {
        "approved": CommentFactory(body="Shown to everyone"),
        "held when sent": CommentFactory(status="pending", held_reason="first comment from this email address"),
        "rejected": CommentFactory(status="rejected"),
        "spam": CommentFactory(status="spam"),
        "on a draft article": CommentFactory(article=draft),
    }


def without_address(response, url):
    """The page with its own address (the canonical link) blanked: that is the one part allowed to differ."""
    return response.content.replace(url.encode(), b"<address>")


def ids(comments):
    missing = max(comment.pk for comment in comments.values()) + 1000
    return {**{name: comment.pk for name, comment in comments.items()}, "nonexistent": missing}


def test_the_report_form_is_the_same_404_for_every_comment_a_reader_cannot_report(client, comments):
    answers = {}
    for name, pk in ids(comments).items():
        if name == "approved":
            continue
        url = reverse("comments:report", kwargs={"pk": pk})
        got, sent = client.get(url), client.post(url, {"reason": "abuse"})
        answers[name] = (got.status_code, without_address(got, url), sent.status_code, without_address(sent, url))

    assert {answer[0] for answer in answers.values()} == {404}
    assert len(set(answers.values())) == 1, answers.keys()


def test_the_thanks_page_is_the_same_200_for_every_id(client, comments):
    pages = {}
    for name, pk in ids(comments).items():
        url = reverse("comments:report_thanks", kwargs={"pk": pk})
        response = client.get(url)
        pages[name] = (response.status_code, without_address(response, url))

    assert {status for status, _ in pages.values()} == {200}
    assert len(set(pages.values())) == 1
    assert b"Shown to everyone" not in pages["approved"][1]
    assert comments["approved"].article.headline.encode() not in pages["approved"][1]


def test_the_reader_who_reported_is_led_back_to_the_article(client, comments):
    comment = comments["approved"]
    response = client.post(reverse("comments:report", kwargs={"pk": comment.pk}), {"reason": "abuse"})
    page = client.get(response["Location"]).content.decode()

    assert "Thanks for your report" in page
    assert comment.article.get_absolute_url() + "#your-thoughts" in page

    other = comments["rejected"]
    borrowed = response["Location"].replace(str(comment.pk), str(other.pk), 1)
    assert comment.article.headline not in client.get(borrowed).content.decode()
