"""Every response carries the security headers, whatever made it; only embed pages may be framed."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {
        name: value.strip()
        for name, _, value in (part.strip().partition(" ") for part in header.split(";") if part.strip())
    }


def assert_security_headers(response, frame_ancestors="'none'"):
    directives = csp_directives(response)
    assert directives == {**directives, **POLICY, "frame-ancestors": frame_ancestors}
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert "http" not in response["Content-Security-Policy"], "no third-party hosts"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert response["X-Request-ID"]


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/", 200, "text/html"),
        ("/tracker/", 200, "text/html"),
        ("/changes/", 200, "text/html"),
        ("/healthz", 200, "application/json"),
        ("/test/tracker.csv", 200, "text/csv"),
        ("/test/feed/", 200, "application/rss+xml"),
        ("/councils/no-such-council/", 404, "text/html"),
        ("/no/such/page/", 404, "text/html"),
        ("/admin/login/", 200, "text/html"),
    ],
)
def test_every_response_type_carries_the_headers(client, path, status, content_type):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith(content_type)
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"


def test_a_server_error_carries_the_headers():
    response = Client(raise_request_exception=False).get("/test/broken/")
    assert response.status_code == 500
    assert_security_headers(response)
    assert b"Traceback" not in response.content


def test_only_the_embed_page_may_be_framed_by_other_sites(client):
    response = client.get("/embed/tracker/")
    assert_security_headers(response, frame_ancestors="*")
    assert "X-Frame-Options" not in response


def test_hsts_for_a_year_with_subdomains_and_preload_on_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_request_id_from_the_proxy_is_echoed_when_sane(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234.abcd")["X-Request-ID"] == "lb-1234.abcd"


@pytest.mark.parametrize("hostile", ["x" * 500, "abc\ninjected", "<script>", "a b"])
def test_request_id_that_is_not_sane_is_replaced(client, hostile):
    echoed = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)["X-Request-ID"]
    assert echoed != hostile
    assert len(echoed) == 32


def test_each_request_gets_its_own_id(client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]
