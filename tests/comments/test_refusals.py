"""A comment turned away before the expensive work: a short page saying what happened and when to
try again, with the reader's text back in the form, at the cost of the article's one query.

Rate limits, the form's token (used, too fast) and duplicates are checked before the form's own
rules (the word lists) and before any page of comments is read; nothing is stored.
"""

import time

import pytest
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from comments.protection import form_token
from tests.support.comments import comment_data, post_comment
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TEXT = "We waited eleven months for the EHC plan & the tribunal <date>."


def assert_short_refusal(response, status, message):
    html = response.content.decode()
    assert response.status_code == status, html
    assert message in html
    assert '<html lang="en-GB">' in html
    assert 'class="skip-link" href="#main"' in html
    assert "<title>Error: your comment was not sent | SEND Tracker</title>" in html
    assert "<h1>Your comment was not sent</h1>" in html
    assert "Nothing was stored" in html
    return html


def assert_text_kept(html):
    # Echoed back, escaped, in the form's textarea, with the name and address the reader typed.
    assert "We waited eleven months for the EHC plan &amp; the tribunal &lt;date&gt;.</textarea>" in html
    assert 'value="Sam"' in html
    assert 'value="sam@example.org"' in html
    assert 'name="started"' in html


def test_a_rate_limited_comment_gets_a_short_429_page_with_its_text_and_when_to_try_again(
    client, article, settings, django_assert_max_num_queries
):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (2, 600)
    for n in range(2):
        assert post_comment(client, article, body=f"Comment number {n} about the pilot.").status_code == 302
    with django_assert_max_num_queries(1):  # the article; no word lists, no comments read
        response = post_comment(client, article, body=TEXT)
    html = assert_short_refusal(response, 429, "You have sent several comments in the last 10 minutes.")
    assert_text_kept(html)
    assert "You can send it again in about 10 minutes." in html
    assert 0 < int(response["Retry-After"]) <= 600
    assert Comment.objects.count() == 2


def test_a_form_sent_too_fast_is_refused_before_anything_else(client, article, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = post_comment(client, article, body=TEXT, started=form_token(article, now=time.time()))
    html = assert_short_refusal(response, 400, "That was sent too quickly to be a person typing.")
    assert_text_kept(html)
    assert not Comment.objects.exists()


def test_a_form_sent_twice_keeps_the_second_text(client, article):
    data = comment_data(article)
    url = reverse("comments:submit", kwargs={"slug": article.slug})
    assert client.post(url, data, REMOTE_ADDR="198.51.100.7").status_code == 302
    response = client.post(url, {**data, "body": TEXT}, REMOTE_ADDR="198.51.100.7")
    html = assert_short_refusal(response, 400, "This form has already been sent once.")
    assert_text_kept(html)
    assert data["started"] not in html  # a new single-use token, so sending again works
    assert Comment.objects.count() == 1


def test_a_duplicate_is_refused_with_its_text(client, article, django_assert_max_num_queries):
    assert post_comment(client, article, body=TEXT).status_code == 302
    with django_assert_max_num_queries(1):
        response = post_comment(client, article, body=TEXT, ip="198.51.100.8")
    html = assert_short_refusal(response, 400, "This comment has already been sent.")
    assert_text_kept(html)
    assert Comment.objects.count() == 1


def test_a_comment_on_a_closed_article_is_shown_back_not_stored(client, django_assert_max_num_queries):
    article = ArticleFactory(comment_moderation=Article.Moderation.CLOSED)
    with django_assert_max_num_queries(1):
        response = post_comment(client, article, body=TEXT)
    html = assert_short_refusal(response, 403, "Comments on this article are closed.")
    assert "We waited eleven months for the EHC plan &amp; the tribunal &lt;date&gt;." in html
    assert "<textarea" not in html  # no form to send it with
    assert not Comment.objects.exists()


def test_the_refused_text_sends_from_the_refusal_page_once_the_wait_is_over(client, article, settings):
    """The page's form carries everything needed: sent again as it stands, it is accepted."""
    response = post_comment(client, article, body=TEXT, started=form_token(article, now=time.time()))
    assert response.status_code == 400
    html = response.content.decode()
    started = html.split('name="started" value="', 1)[1].split('"', 1)[0]
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    again = post_comment(client, article, body=TEXT, started=started)
    assert again.status_code == 302
    assert Comment.objects.get().body == TEXT


def test_corrected_mistakes_do_not_use_up_the_rate_limit(client, article, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (2, 600)
    for _ in range(4):
        assert post_comment(client, article, display_name="").status_code == 400
    assert post_comment(client, article, body="First, corrected.").status_code == 302
    assert post_comment(client, article, body="Second, corrected.").status_code == 302
    assert post_comment(client, article, body="Third.").status_code == 429
