"""The admin's address stays unpublished: robots.txt never names it; every admin response says noindex instead."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_robots_txt_never_names_the_admin_path(client, settings):
    robots = client.get("/robots.txt").content.decode()

    assert settings.ADMIN_URL.strip("/") not in robots
    assert "Disallow: /embed/" in robots


@pytest.mark.parametrize("name", ["admin:login", "admin:index", "admin:logout"])
def test_every_admin_response_asks_not_to_be_indexed(client, name):
    response = client.get(reverse(name))

    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_signed_in_admin_page_and_its_404_ask_not_to_be_indexed(client, editor):
    client.force_login(editor)

    assert client.get(reverse("admin:index"))["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(reverse("admin:index") + "no/such/page/")["X-Robots-Tag"] == "noindex, nofollow"


def test_public_pages_may_be_indexed(client):
    for path in ("/", "/tracker/", "/robots.txt"):
        assert "X-Robots-Tag" not in client.get(path)
