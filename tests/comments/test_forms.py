"""The form's own checks: each refuses with a 400 that says why, keeps the text, stores nothing."""

import pytest
from django.urls import reverse

from comments.models import Comment, ModerationWord
from tests.support.comments import assert_refused, post_comment

pytestmark = pytest.mark.django_db


def test_honeypot_filled_is_refused(client, article):
    html = assert_refused(
        post_comment(client, article, website="http://cheap-pills.example"), 400, "a field that people leave empty"
    )
    assert "The pilot needs to reach families sooner.</textarea>" in html


def test_too_many_links_are_refused(client, article, settings):
    settings.COMMENTS_MAX_LINKS = 2
    body = "See https://one.example/a and https://two.example/b and www.three.example.com"
    html = assert_refused(
        post_comment(client, article, body=body), 400, "Your comment has 3 links. Please include no more than 2."
    )
    assert 'id="id_body_error"' in html


def test_two_links_are_allowed(client, article):
    assert post_comment(client, article, body="See https://one.example/a and https://gov.uk/b").status_code == 302


def test_banned_words_are_refused(client, article):
    ModerationWord.objects.create(word="scumbag", action=ModerationWord.Action.BANNED)
    assert_refused(post_comment(client, article, body="The officer is a SCUMBAG."), 400, "language we do not publish")


def test_banned_words_are_found_behind_unicode_disguises(client, article):
    ModerationWord.objects.create(word="scumbag", action=ModerationWord.Action.BANNED)
    for disguised in ("ｓｃｕｍｂａｇ", "scum\u200bbag", "scum\u00adbag".replace("\u00ad", "\u2060")):
        assert_refused(post_comment(client, article, body=f"You {disguised}"), 400, "language we do not publish")


def test_maximum_length(client, article, settings):
    settings.COMMENTS_MAX_LENGTH = 100
    html = assert_refused(
        post_comment(client, article, body="x" * 101),
        400,
        "Your comment is 101 characters long. Please shorten it to 100 or fewer.",
    )
    assert "x" * 101 + "</textarea>" in html
    assert post_comment(client, article, body="y" * 100).status_code == 302


def test_a_comment_of_only_invisible_characters_is_empty(client, article):
    assert_refused(post_comment(client, article, body="\u200b\u202e \u2066"), 400, "Enter your comment.")


def test_a_web_address_as_a_name_is_refused(client, article):
    assert_refused(
        post_comment(client, article, display_name="cheap-pills.com"), 400, "Your name cannot contain a web address."
    )


@pytest.mark.parametrize("reply_to", ["abc", "-1", "99999999999999999999999"])
def test_hostile_reply_to_values_are_a_clear_400(client, article, reply_to):
    response = post_comment(client, article, reply_to=reply_to)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_nothing_is_stored_and_no_500_for_junk_posts(client, article):
    url = reverse("comments:submit", kwargs={"slug": article.slug})
    for junk in ({}, {"body": "\x00" * 10}, {"display_name": "a" * 5000, "email": "@" * 300}, {"reader_role": "king"}):
        response = client.post(url, junk)
        assert response.status_code == 400
    assert not Comment.objects.exists()
