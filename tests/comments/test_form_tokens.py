"""Single-use form tokens: each rendered comment form carries a nonce kept in the shared cache and used up
when the form is sent; a replay gets the expired form's answer (400, the text kept, a fresh form)."""

import re

import pytest
from django.test import Client

from comments.models import Comment
from comments.protection import REPLAYED
from tests.support.comments import comment_data, post_comment
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db

STARTED = re.compile(r'name="started" value="([^"]+)"')


@pytest.fixture
def article():
    return ArticleFactory()


def started_on(page):
    return STARTED.search(page.content.decode()).group(1)


def test_a_replayed_form_is_refused_with_the_text_kept_and_a_fresh_form(client, article):
    data = comment_data(article)
    assert post_comment(client, article, **data).status_code == 302

    replay = post_comment(client, article, **{**data, "body": "The same form, sent again by a bot."})

    html = replay.content.decode()
    assert replay.status_code == 400
    assert REPLAYED in html
    assert "The same form, sent again by a bot.</textarea>" in html
    assert started_on(replay) != data["started"]
    assert Comment.objects.count() == 1


def test_the_fresh_form_after_a_replay_can_be_sent(client, article, settings):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    data = comment_data(article)
    post_comment(client, article, **data)
    replay = post_comment(client, article, **{**data, "body": "Second thoughts."})

    again = post_comment(client, article, **{**data, "body": "Second thoughts.", "started": started_on(replay)})

    assert again.status_code == 302
    assert Comment.objects.count() == 2


def test_every_reader_of_a_cached_article_page_gets_a_token_of_their_own(article, settings):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    alice, bob, bot = Client(), Client(), Client()
    alice_page, bob_page = alice.get(article.get_absolute_url()), bob.get(article.get_absolute_url())
    assert bob_page["X-Page-Cache"] == "hit"
    alice_token, bob_token = started_on(alice_page), started_on(bob_page)
    assert alice_token != bob_token

    assert post_comment(alice, article, started=alice_token, body="Alice's thoughts.").status_code == 302
    assert post_comment(bob, article, started=bob_token, body="Bob's thoughts.").status_code == 302
    for body in ("Spam one.", "Spam two."):
        assert post_comment(bot, article, started=bob_token, body=body, ip="203.0.113.50").status_code == 400
    assert set(Comment.objects.values_list("body", flat=True)) == {"Alice's thoughts.", "Bob's thoughts."}
