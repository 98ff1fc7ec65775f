"""Least privilege: readers get nothing from the admin; journalists cannot manage users, publish or delete history."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import ArticleFactory, CommentFactory, CouncilFactory

pytestmark = pytest.mark.django_db


def every_admin_url(obj_by_model):
    urls = ["/admin/", "/admin/password_change/"]
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        urls += [base, f"{base}add/"]
        obj = obj_by_model.get(model)
        if obj is not None:
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/delete/", f"{base}{obj.pk}/history/"]
    urls += sorted({f"/admin/{model._meta.app_label}/" for model in admin.site._registry})
    return urls


@pytest.fixture
def objects(reader):
    article = ArticleFactory()
    return {
        get_user_model(): reader,
        type(article): article,
        type(CouncilFactory()): CouncilFactory(),
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
    assert client.get("/admin/articles/comment/").status_code == 200
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
