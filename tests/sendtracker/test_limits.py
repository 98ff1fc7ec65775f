"""Oversized or overstuffed requests are refused with a 4xx before any view runs, never a 500."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser-like client that already holds a CSRF cookie, so the body is read (and measured)."""
    browser = Client(raise_request_exception=False, enforce_csrf_checks=True)
    browser.get("/admin/login/")
    return browser


def test_an_oversized_form_body_is_refused(client):
    response = client.post(
        "/admin/login/", "username=" + "a" * (2 * 1024 * 1024), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (400, 413)


def test_a_form_with_too_many_fields_is_refused(client):
    body = "&".join(f"field{i}=x" for i in range(1200))
    response = client.post("/admin/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 413)


def test_an_oversized_upload_to_a_public_page_is_refused(client):
    response = client.post(
        "/tracker/", "x=" + "b" * (2 * 1024 * 1024), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (400, 413)


def test_a_hostile_host_header_is_refused(client):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
