"""The admin for the journalism: journalists write drafts, editors publish, staff preview drafts."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, Correction
from tests.support.admin_forms import submit_admin_form
from tests.support.factories import ArticleFactory, CorrectionFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db

OK, REFUSED = 200, 403


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def journalism():
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    quote = QuoteFactory()
    return {
        "article": article,
        "correction": CorrectionFactory(article=ArticleFactory()),
        "person": quote.person,
        "quote": quote,
    }


# (changelist, add, change) per role: journalist, moderator, editor.
PAGES = {
    "article": ((OK, OK, OK), (OK, REFUSED, OK), (OK, OK, OK)),
    "correction": ((OK, REFUSED, OK), (REFUSED,) * 3, (OK, OK, OK)),
    "person": ((OK, OK, OK), (REFUSED,) * 3, (OK, OK, OK)),
    "quote": ((OK, OK, OK), (REFUSED,) * 3, (OK, OK, OK)),
}
ROLES = ("journalist", "moderator", "editor")


@pytest.mark.parametrize("model", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_admin_page_loads_for_the_roles_that_may_see_it(request, journalism, model, role):
    client = client_for(request.getfixturevalue(role))
    expected = dict(zip(("changelist", "add", "change"), PAGES[model][ROLES.index(role)], strict=True))

    assert client.get(reverse(f"admin:articles_{model}_changelist")).status_code == expected["changelist"]
    assert client.get(reverse(f"admin:articles_{model}_add")).status_code == expected["add"]
    change_url = reverse(f"admin:articles_{model}_change", args=[journalism[model].pk])
    assert client.get(change_url).status_code == expected["change"]


def article_data(**fields):
    return {
        "headline": "Council declines",
        "slug": "council-declines",
        "standfirst": "It said no.",
        "body": "<p>It said no.</p><script>alert(1)</script>",
        "byline": "Staff reporter",
        "comment_moderation": Article.Moderation.PRE,
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
        **fields,
    }


def test_a_journalist_saves_only_drafts(journalist):
    client = client_for(journalist)
    page = client.get(reverse("admin:articles_article_add")).text
    assert 'name="status"' not in page
    assert 'name="published_at_0"' not in page

    response = client.post(
        reverse("admin:articles_article_add"),
        article_data(status="published", published_at_0="2023-05-19", published_at_1="09:00"),
    )

    assert response.status_code == 302
    article = Article.objects.get(slug="council-declines")
    assert (article.status, article.published_at, article.created_by) == (Article.Status.DRAFT, None, journalist)
    assert "<script>" not in article.body
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_a_journalist_cannot_change_or_publish_a_live_article(journalist):
    article = ArticleFactory(headline="Live story")
    client = client_for(journalist)
    url = reverse("admin:articles_article_change", args=[article.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="headline"' not in page.text  # read-only view

    response = client.post(url, article_data(headline="Rewritten", slug=article.slug))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Live story"

    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    listed = client.get(reverse("admin:articles_article_changelist"))
    assert "publish_now" not in listed.text
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk], "index": 0},
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_an_editor_publishes(editor):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    client = client_for(editor)

    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk], "index": 0},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert Client().get(draft.get_absolute_url()).status_code == 200


def test_an_editor_publishes_through_the_form(editor):
    response = client_for(editor).post(
        reverse("admin:articles_article_add"),
        article_data(status="published", published_at_0="2023-05-19", published_at_1="09:00"),
    )

    assert response.status_code == 302
    assert Article.objects.get(slug="council-declines").is_published


def test_staff_preview_a_draft_with_the_public_template(journalist, moderator):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Not out yet")
    url = reverse("admin:articles_article_preview", args=[draft.pk])

    for user in (journalist, moderator):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert "<h1>Not out yet</h1>" in response.text
        assert "Your thoughts" in response.text
        assert "Preview of an unpublished article." in response.text
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-cache" in response["Cache-Control"]

    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/admin/login/" in anonymous["Location"]
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_view_on_site_goes_to_the_preview_for_a_draft(journalist):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    page = client_for(journalist).get(reverse("admin:articles_article_change", args=[draft.pk])).text

    assert reverse("admin:articles_article_preview", args=[draft.pk]) in page
    assert "View on site" in page


def test_corrections_are_an_editors_job(journalist, editor):
    article = ArticleFactory()
    data = article_data(
        slug=article.slug,
        status="published",
        published_at_0="2023-05-19",
        published_at_1="09:00",
        **{"corrections-TOTAL_FORMS": 1, "corrections-0-text": "We misnamed the council."},
    )
    data["corrections-0-published_at_0"] = "2023-05-20"
    data["corrections-0-published_at_1"] = "10:00"

    assert client_for(journalist).post(reverse("admin:articles_correction_add"), {}).status_code == 403
    response = client_for(editor).post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302
    assert Correction.objects.get().text == "We misnamed the council."


def test_moderators_cannot_edit_articles_people_or_quotes(moderator):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Untouched")
    client = client_for(moderator)

    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), article_data())

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Untouched"
    assert client.post(reverse("admin:articles_person_add"), {"name": "X", "slug": "x"}).status_code == 403
    assert client.get(reverse("admin:articles_quote_change", args=[QuoteFactory().pk])).status_code == 403


def test_a_person_page_shows_their_quotes(journalist):
    person = PersonFactory(name="Claire Coutinho")
    QuoteFactory(person=person, text="It is important to take time.")

    page = client_for(journalist).get(reverse("admin:articles_person_change", args=[person.pk])).text

    assert "It is important to take time." in page


def test_a_quote_without_a_source_or_a_reason_is_refused(journalist):
    person = PersonFactory()
    client = client_for(journalist)
    fields = {"person": person.pk, "text": "We said no.", "said_on": "19/05/2023"}

    refused = submit_admin_form(client, reverse("admin:articles_quote_add"), "quote", fields)
    assert refused.status_code == 200
    assert "No public source because" in refused.text

    saved = submit_admin_form(
        client,
        reverse("admin:articles_quote_add"),
        "quote",
        {**fields, "source_url": "https://example.org/said-no", "source_title": "Council statement"},
    )
    assert saved.status_code == 302


def test_the_public_quotes_page_links_each_quote_to_its_source_by_title():
    QuoteFactory(source_url="https://example.org/said-no", source_title="Council statement, 19 May")

    page = Client().get(reverse("articles:quotes")).text

    assert 'Source: <a href="https://example.org/said-no" class="quote__source">Council statement, 19 May</a>' in page
