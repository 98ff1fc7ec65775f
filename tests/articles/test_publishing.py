"""Publishing from the admin never ends in a database error; bodies keep their paragraphs; previews before saving."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.forms import paragraphs_from_text
from articles.models import Article
from tests.support.factories import ArticleFactory

from .test_admin import article_data, client_for

pytestmark = pytest.mark.django_db


def test_choosing_published_with_no_time_publishes_now(editor):
    before = timezone.now()

    response = client_for(editor).post(reverse("admin:articles_article_add"), article_data(status="published"))

    assert response.status_code == 302, response.text
    article = Article.objects.get(slug="council-declines")
    assert article.is_published
    assert before <= article.published_at <= timezone.now()
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_publishing_an_existing_draft_from_its_form_fills_the_time(editor):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, slug="council-declines")

    response = client_for(editor).post(
        reverse("admin:articles_article_change", args=[draft.pk]), article_data(status="published"), follow=True
    )

    draft.refresh_from_db()
    assert draft.is_published
    assert "Constraint" not in response.text
    assert f"Published: “{draft.headline}” is live since" in response.text


def test_a_future_publish_at_schedules_the_article_and_says_so(editor):
    later = timezone.localtime() + datetime.timedelta(days=2)

    response = client_for(editor).post(
        reverse("admin:articles_article_add"),
        article_data(status="published", published_at_0=f"{later:%Y-%m-%d}", published_at_1="09:00"),
        follow=True,
    )

    article = Article.objects.get(slug="council-declines")
    assert article.status == Article.Status.PUBLISHED and not article.is_published
    assert f"will be published at {later:%-d %b %Y}, 09:00" in response.text
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_the_publish_time_is_labelled_publish_at(editor):
    page = client_for(editor).get(reverse("admin:articles_article_add")).text

    assert "Publish at" in page
    assert "Blank: published now when you choose Published." in page


def test_plain_paragraphs_separated_by_blank_lines_stay_paragraphs(journalist):
    body = "First paragraph.\r\n\r\nSecond paragraph,\r\nsame paragraph.\r\n\r\n\r\nThird & last."

    client_for(journalist).post(reverse("admin:articles_article_add"), article_data(body=body))

    stored = Article.objects.get(slug="council-declines").body
    assert stored.count("<p>") == 3
    assert "<p>First paragraph.</p>" in stored
    assert "<p>Second paragraph,<br>" in stored
    assert "Third &amp; last." in stored


def test_a_body_already_in_html_is_left_to_the_sanitiser():
    html = "<h2>Why</h2><p>Because.</p><ul><li>one</li></ul>"

    assert paragraphs_from_text(html) == html


def test_save_and_preview_works_before_the_first_save(journalist):
    client = client_for(journalist)
    assert 'name="_preview"' in client.get(reverse("admin:articles_article_add")).text

    response = client.post(
        reverse("admin:articles_article_add"), article_data(body="One.\n\nTwo.", _preview="1"), follow=True
    )

    article = Article.objects.get(slug="council-declines")
    assert article.status == Article.Status.DRAFT
    assert response.redirect_chain[-1][0] == reverse("admin:articles_article_preview", args=[article.pk])
    assert "Preview of an unpublished article." in response.text
    assert "<p>One.</p>" in response.text


def test_an_editor_previewing_a_new_article_saves_a_draft_not_a_live_page(editor):
    client_for(editor).post(reverse("admin:articles_article_add"), article_data(status="published", _preview="1"))

    assert Article.objects.get(slug="council-declines").status == Article.Status.DRAFT


def test_the_preview_byline_has_no_stray_comma(journalist):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, byline="Test Journalist")

    page = client_for(journalist).get(reverse("admin:articles_article_preview", args=[draft.pk])).text

    assert "By Test Journalist," not in page
    assert "By Test Journalist</p>" in page


def test_mixed_plain_text_html_and_a_dashed_list_each_become_blocks():
    body = "Intro paragraph.\n\n<h2>What next</h2>\n\n- first point\n- second point\n\nLast words."

    assert paragraphs_from_text(body) == (
        "<p>Intro paragraph.</p>\n<h2>What next</h2>\n<ul><li>first point</li><li>second point</li></ul>\n"
        "<p>Last words.</p>"
    )
