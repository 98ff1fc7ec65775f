"""The "Your thoughts" form: sending a comment, errors, confirmation, moderation modes and replies."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.services import moderate_comments
from tests.support.comments import post_comment
from tests.support.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(headline="Councils weigh up the pilot")


def test_article_page_has_the_form_with_private_email_and_roles(client, article):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="your-thoughts"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Your email address is never shown." in html
    assert "Private: never shown or shared" in html
    for label in ("Your name", "Your email address", "You are (optional)", "Your comment"):
        assert label in html
    for role in ("Parent or carer", "Young person", "Education professional", "Health or care professional"):
        assert role in html
    assert "<script>" not in html and "style=" not in html  # static files only, for a strict CSP
    assert 'src="/static/js/comments.js"' in html


def test_a_valid_comment_redirects_to_a_confirmation_that_says_what_happens_next(client, article):
    response = post_comment(client, article)
    assert response.status_code == 302
    assert response.url.startswith(reverse("comments:thanks", kwargs={"slug": article.slug}))
    page = client.get(response.url)
    assert "Thanks, your comment will appear once a moderator has checked it" in page.content.decode()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING  # pre-moderation is the default
    assert (comment.display_name, comment.reader_role, comment.email) == ("Sam", "parent", "sam@example.org")
    assert comment.ip_hash and "198.51.100.7" not in comment.ip_hash
    assert comment.user_agent == "Mozilla/5.0 (test)"
    # Held comments are not on the page yet.
    assert "The pilot needs to reach families sooner." not in client.get(article.get_absolute_url()).content.decode()


def test_field_errors_sit_next_to_the_fields_and_the_text_is_kept(client, article):
    response = post_comment(client, article, display_name="", email="not-an-email", body="My long considered view")
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Enter the name to show with your comment." in html
    assert "Enter an email address in the right form" in html
    assert 'id="id_email_error"' in html and 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert "My long considered view</textarea>" in html
    assert 'value="not-an-email"' in html
    assert not Comment.objects.exists()


def test_without_a_csrf_token_the_comment_is_refused(article):
    client = Client(enforce_csrf_checks=True)
    response = post_comment(client, article)
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_get_on_the_submit_address_is_not_allowed(client, article):
    assert client.get(reverse("comments:submit", kwargs={"slug": article.slug})).status_code == 405


def test_comments_on_unpublished_articles_are_not_found(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert post_comment(client, draft).status_code == 404


def test_closed_article_shows_no_form_and_refuses_comments_with_403(client, article):
    article.comment_moderation = Article.Moderation.CLOSED
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Comments on this article are closed." in page
    assert 'id="comment-form"' not in page
    response = post_comment(client, article, body="Too late but important")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Comments on this article are closed." in html
    assert "Too late but important" in html  # the reader can still copy their text
    assert not Comment.objects.exists()


def test_articles_close_automatically_after_the_configured_days(client, settings):
    settings.COMMENTS_AUTO_CLOSE_DAYS = 14
    old = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=15))
    recent = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=13))
    assert "Comments on this article closed on" in client.get(old.get_absolute_url()).content.decode()
    assert post_comment(client, old).status_code == 403
    assert post_comment(client, recent).status_code == 302


def test_post_moderation_publishes_a_known_reader_at_once(client, article, moderator):
    # Known: this browser sent an earlier comment from this address, and a moderator approved it.
    article.comment_moderation = Article.Moderation.POST
    article.save()
    earlier_article = ArticleFactory()
    post_comment(client, earlier_article, email="Sam@Example.org", body="An earlier thought.")
    moderate_comments(comments=Comment.objects.all(), status=Comment.Status.APPROVED, by=moderator)
    response = post_comment(client, article)
    assert "is now published" in client.get(response.url).content.decode()
    assert Comment.objects.filter(article=article).get().status == Comment.Status.APPROVED
    assert "The pilot needs to reach families sooner." in client.get(article.get_absolute_url()).content.decode()


def test_post_moderation_still_holds_a_new_email(client, article):
    article.comment_moderation = Article.Moderation.POST
    article.save()
    response = post_comment(client, article)
    assert "once a moderator has checked it" in client.get(response.url).content.decode()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "first comment from this email address"


def test_post_moderation_still_holds_a_comment_that_trips_a_filter(client, article):
    article.comment_moderation = Article.Moderation.POST
    article.save()
    CommentFactory(email="sam@example.org", status=Comment.Status.APPROVED)
    post_comment(client, article, body="My daughter Ella has waited two years.")
    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.PENDING
    assert "may name a child" in comment.held_reason


def test_a_reply_is_nested_under_its_parent_one_level_only(client, article):
    parent = CommentFactory(article=article, display_name="Alex", body="First thoughts")
    page = client.get(article.get_absolute_url() + f"?reply_to={parent.pk}").content.decode()
    assert "Reply to Alex" in page
    assert f'name="reply_to" value="{parent.pk}"' in page
    post_comment(client, article, reply_to=str(parent.pk), body="I agree with Alex")
    reply = Comment.objects.get(parent=parent)
    Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.APPROVED)
    page = client.get(article.get_absolute_url()).content.decode()
    replies = page.index('class="yt-replies"')
    assert page.index("First thoughts") < replies < page.index("I agree with Alex")
    # A reply to a reply is refused: one level only.
    response = post_comment(client, article, reply_to=str(reply.pk), body="And a third level")
    assert response.status_code == 400
    assert "The comment you are replying to is no longer available" in response.content.decode()


def test_a_reply_to_a_comment_on_another_article_is_refused(client, article):
    elsewhere = CommentFactory()
    response = post_comment(client, article, reply_to=str(elsewhere.pk))
    assert response.status_code == 400
    assert not Comment.objects.filter(article=article).exists()


def test_a_moderators_reply_is_published_and_badged_as_staff(client, article, moderator):
    parent = CommentFactory(article=article, display_name="Alex")
    client.force_login(moderator)
    form = client.get(article.get_absolute_url()).content.decode()
    assert "moderator@newsroom.example" not in form  # the page is the same for everyone, so cacheable
    post_comment(client, article, display_name="Newsroom", email=moderator.email, reply_to=str(parent.pk))
    reply = Comment.objects.get(parent=parent)
    assert reply.status == Comment.Status.APPROVED and reply.author == moderator
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "SEND Tracker staff" in page
    assert "moderator@newsroom.example" not in page


def test_a_journalists_reply_is_badged_but_still_moderated(client, article, journalist):
    client.force_login(journalist)
    post_comment(client, article, email="journalist@newsroom.example")
    comment = Comment.objects.get()
    assert comment.author == journalist and comment.status == Comment.Status.PENDING


def test_the_character_count_is_a_static_enhancement(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'data-maxlength="3000"' in html
    assert 'id="id_body_count" aria-live="polite"' in html
    assert "Up to 3,000 characters." in html  # the limit is stated without JavaScript too


def test_the_thanks_page_ignores_a_forged_outcome(client, article):
    url = reverse("comments:thanks", kwargs={"slug": article.slug})
    html = client.get(url + "?r=forged").content.decode()
    assert "once a moderator has checked it" in html


def test_an_error_on_a_reply_keeps_it_a_reply(client, article):
    parent = CommentFactory(article=article, display_name="Alex")
    response = post_comment(client, article, reply_to=str(parent.pk), email="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Reply to Alex" in html
    assert f'name="reply_to" value="{parent.pk}"' in html
