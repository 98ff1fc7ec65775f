"""Least privilege: readers get nothing from the admin; journalists cannot manage users, publish or delete history."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client

from tests.support.factories import ArticleFactory, CommentFactory, CouncilFactory

pytestmark = pytest.mark.django_db


# Views the admin classes add to the standard ones (ModelAdmin.get_urls).
CUSTOM_OBJECT_URLS = {"article": ["preview/"], "statuschange": ["correct/"]}


def every_admin_url(obj_by_model):
    urls = ["/admin/", "/admin/password_change/", "/admin/jsi18n/", "/admin/autocomplete/"]
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        urls += [base, f"{base}add/"]
        obj = obj_by_model.get(model)
        if obj is not None:
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/delete/", f"{base}{obj.pk}/history/"]
            urls += [f"{base}{obj.pk}/{extra}" for extra in CUSTOM_OBJECT_URLS.get(meta.model_name, [])]
    urls += sorted({f"/admin/{model._meta.app_label}/" for model in admin.site._registry})
    return urls


@pytest.fixture
def objects(reader, journalist):
    from articles.models import Article
    from councils.choices import PilotStatus
    from councils.services import council_set_status

    article = ArticleFactory()
    council = CouncilFactory(status=PilotStatus.SHORTLISTED)
    change = council_set_status(council=council, status=PilotStatus.CONSIDERING, by=journalist)
    return {
        get_user_model(): reader,
        # A draft: its preview is the one admin page that shows unpublished journalism.
        Article: ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Unpublished scoop"),
        type(council): council,
        type(change): change,
        type(CommentFactory()): CommentFactory(article=article),
    }


def test_a_reader_is_refused_every_admin_url(reader, objects):
    client = Client()
    client.force_login(reader)
    urls = every_admin_url(objects)
    assert len(urls) > 40
    for url in urls:
        for method in (client.get, client.post):
            response = method(url, {"post": "yes", "is_superuser": "on"})
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url
            assert b"Unpublished scoop" not in response.content
    assert any(url.endswith("/preview/") for url in urls) and any(url.endswith("/correct/") for url in urls)
    reader.refresh_from_db()
    assert not reader.is_superuser and not reader.is_staff


def test_an_anonymous_visitor_is_refused_every_admin_url(objects):
    client = Client()
    for url in every_admin_url(objects):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


@pytest.mark.parametrize("path", ["/admin/auth/user/", "/admin/auth/user/add/", "/admin/auth/group/"])
def test_a_journalist_cannot_manage_users_or_roles(client, journalist, path):
    client.force_login(journalist)
    assert client.get(path).status_code == 403


def test_a_journalist_cannot_make_themselves_an_editor(client, journalist):
    client.force_login(journalist)
    response = client.post(f"/admin/auth/user/{journalist.pk}/change/", {"is_superuser": "on", "groups": ["3"]})
    assert response.status_code == 403
    journalist.refresh_from_db()
    assert not journalist.is_superuser
    assert list(journalist.groups.values_list("name", flat=True)) == ["Journalists"]


def test_a_journalist_cannot_publish_or_delete_articles(client, journalist, editor):
    assert not journalist.has_perm("articles.publish_article")
    assert editor.has_perm("articles.publish_article")
    article = ArticleFactory()
    client.force_login(journalist)
    assert client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(article).objects.filter(pk=article.pk).exists()


def test_a_moderator_sees_only_the_comment_queue(client, moderator):
    client.force_login(moderator)
    assert client.get("/admin/comments/comment/", follow=True).status_code == 200
    for path in ("/admin/councils/council/", "/admin/councils/statuschange/", "/admin/auth/user/"):
        assert client.get(path).status_code == 403, path


def test_admin_forms_refuse_a_post_without_a_csrf_token(editor):
    from councils.models import Council

    council = CouncilFactory(name="Testshire County Council")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    change = f"/admin/councils/council/{council.pk}/change/"
    assert client.get(change).status_code == 200
    assert client.post(change, {"name": "Renamed by a forged form"}).status_code == 403
    assert client.post(f"/admin/councils/council/{council.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/logout/").status_code == 403
    assert Council.objects.get(pk=council.pk).name == "Testshire County Council"


# --- a journalist cannot publish, whatever they post -------------------------------------------


def test_a_journalist_posting_status_published_to_the_add_form_saves_a_draft(client, journalist):
    from articles.models import Article
    from tests.support.admin_forms import submit_admin_form

    client.force_login(journalist)
    response = submit_admin_form(
        client,
        "/admin/articles/article/add/",
        "article",
        {
            "headline": "Council quits the pilot",
            "slug": "council-quits-the-pilot",
            "standfirst": "It said the money was too little.",
            "body": "<p>Draft text.</p>",
            "byline": "A journalist",
            # Fields the form does not show a journalist, posted anyway.
            "status": "published",
            "published_at_0": "2024-01-01",
            "published_at_1": "09:00:00",
            "published_at": "2024-01-01 09:00:00",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="council-quits-the-pilot")
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not article.is_published
    assert Client().get("/articles/council-quits-the-pilot/").status_code == 404
    assert "council-quits-the-pilot" not in Client().get("/api/articles/").text


def test_a_journalist_posting_status_published_to_a_drafts_change_form_does_not_publish_it(client, journalist):
    from articles.models import Article
    from tests.support.admin_forms import submit_admin_form

    draft = ArticleFactory(slug="draft-story", status=Article.Status.DRAFT, published_at=None)
    client.force_login(journalist)
    response = submit_admin_form(
        client,
        f"/admin/articles/article/{draft.pk}/change/",
        "article",
        {
            "standfirst": "Edited by the journalist.",
            "status": "published",
            "published_at_0": "2024-01-01",
            "published_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.standfirst == "Edited by the journalist."  # the edit itself was saved
    assert draft.status == Article.Status.DRAFT
    assert draft.published_at is None
    assert Client().get("/articles/draft-story/").status_code == 404


def test_a_journalist_cannot_use_the_publish_action(client, journalist):
    from articles.models import Article

    draft = ArticleFactory(slug="draft-story", status=Article.Status.DRAFT, published_at=None)
    client.force_login(journalist)
    changelist = client.get("/admin/articles/article/")
    assert "publish_now" not in changelist.text
    client.post("/admin/articles/article/", {"action": "publish_now", "_selected_action": [draft.pk], "index": 0})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_a_journalist_cannot_edit_a_published_article(client, journalist):
    live = ArticleFactory(slug="live-story", headline="Live story")
    client.force_login(journalist)
    response = client.post(f"/admin/articles/article/{live.pk}/change/", {"headline": "Rewritten", "status": "draft"})
    assert response.status_code == 403
    live.refresh_from_db()
    assert live.headline == "Live story" and live.is_published


# --- nor rewrite or delete the status history ---------------------------------------------------


@pytest.fixture
def recorded_change(journalist):
    from councils.choices import PilotStatus
    from councils.services import council_set_status

    council = CouncilFactory(status=PilotStatus.SHORTLISTED)
    return council_set_status(
        council=council,
        status=PilotStatus.CONSIDERING,
        note="Said it was considering.",
        source_url="https://example.org/considering",
        by=journalist,
    )


def test_a_journalist_cannot_edit_a_recorded_status_change(client, journalist, recorded_change):
    client.force_login(journalist)
    url = f"/admin/councils/statuschange/{recorded_change.pk}/change/"
    page = client.get(url)
    assert 'name="note"' not in page.text  # shown read-only at most
    client.post(url, {"note": "Rewritten", "to_status": "declined", "reason": "x"})
    recorded_change.refresh_from_db()
    assert recorded_change.note == "Said it was considering."
    assert recorded_change.to_status == "considering"


def test_a_journalist_cannot_bulk_delete_status_history(client, journalist, recorded_change):
    from councils.models import StatusChange

    client.force_login(journalist)
    changelist = client.get("/admin/councils/statuschange/")
    assert "delete_selected" not in changelist.text
    client.post(
        "/admin/councils/statuschange/",
        {"action": "delete_selected", "_selected_action": [recorded_change.pk], "post": "yes", "index": 0},
    )
    assert client.post(f"/admin/councils/statuschange/{recorded_change.pk}/delete/", {"post": "yes"}).status_code == 403
    assert StatusChange.objects.filter(pk=recorded_change.pk).exists()
