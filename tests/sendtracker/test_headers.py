"""Every response carries the security headers, whatever made it and however it was served (rendered,
from the page cache, or a 304); only the embed page may be framed.

The real routes throughout; tests/support/security_urls.py only adds a view that raises, for a real 500.
"""

import pytest
from django.test import Client

from councils.choices import PilotStatus
from councils.services import council_set_status
from tests.support.factories import ArticleFactory, CouncilFactory, PartnershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.support.security_urls")]

HSTS = "max-age=31536000; includeSubDomains; preload"
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


@pytest.fixture
def site(db):
    council = CouncilFactory(slug="testshire", short_name="Testshire", status=PilotStatus.NOT_SHORTLISTED)
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, note="Named in the DfE's list.")
    PartnershipFactory(slug="south-east", leads=[council])
    ArticleFactory(slug="pilot-update")


# (path, status, content type, stored by the page cache)
RESPONSES = [
    ("/", 200, "text/html", True),
    ("/tracker/", 200, "text/html", True),
    ("/councils/testshire/", 200, "text/html", True),
    ("/partnerships/south-east/", 200, "text/html", True),
    ("/changes/", 200, "text/html", True),
    ("/articles/pilot-update/", 200, "text/html", True),  # carries the comment form's CSRF token
    ("/tracker.csv", 200, "text/csv", True),
    ("/api/councils/", 200, "application/json", True),
    ("/api/councils/?format=csv", 200, "text/csv", True),
    ("/api/schema/", 200, "application/vnd.oai.openapi", True),
    ("/api/docs/", 200, "text/html", True),
    ("/changes/feed/", 200, "application/atom+xml", True),
    ("/councils/testshire/feed/", 200, "application/atom+xml", True),
    ("/articles/feed/", 200, "application/atom+xml", True),
    ("/sitemap.xml", 200, "application/xml", True),
    ("/robots.txt", 200, "text/plain", True),
    ("/healthz", 200, "application/json", False),
    ("/tracker/?status=bogus", 400, "text/html", False),
    ("/api/councils/?ordering=", 400, "application/json", False),
    ("/councils/no-such-council/", 404, "text/html", False),
    ("/no/such/page/", 404, "text/html", False),
    ("/api/no-such-thing/", 404, "application/json", False),
    ("/articles/pilot-update/comments/", 405, "", False),
    ("/admin/login/", 200, "text/html", False),
]


@pytest.mark.parametrize(("path", "status", "content_type", "stored"), RESPONSES)
def test_every_response_type_carries_the_headers_rendered_or_cached(client, site, path, status, content_type, stored):
    """The same request twice, anonymously over HTTPS: the second may come from the page cache; both carry every header."""
    for attempt in ("first", "second"):
        response = client.get(path, secure=True)
        assert response.status_code == status, (path, attempt)
        assert response["Content-Type"].startswith(content_type), (path, response["Content-Type"])
        assert_security_headers(response)
        assert response["X-Frame-Options"] == "DENY"
        assert response["Strict-Transport-Security"] == HSTS
    assert (response.get("X-Page-Cache") == "hit") is stored, path


@pytest.mark.parametrize("path", [path for path, _status, _type, stored in RESPONSES if stored])
def test_a_304_carries_the_headers_too(client, site, path):
    etag = client.get(path, secure=True)["ETag"]
    response = client.get(path, secure=True, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304, path
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"] == HSTS


def test_a_head_request_carries_the_headers(client, site):
    response = client.head("/tracker/", secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


def test_a_server_error_carries_the_headers():
    response = Client(raise_request_exception=False).get("/test/broken/", secure=True)
    assert response.status_code == 500
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"] == HSTS
    assert b"Traceback" not in response.content
    assert b"a bug" not in response.content


def test_a_refused_form_carries_the_headers(site):
    response = Client(enforce_csrf_checks=True).post("/articles/pilot-update/comments/", {"body": "x"}, secure=True)
    assert response.status_code == 403
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/embed/tracker/", "/embed/tracker/?region=South+East"])
def test_only_the_embed_page_may_be_framed_by_other_sites(client, site, path):
    for attempt in ("rendered", "cached"):
        response = client.get(path, secure=True)
        assert response.status_code == 200
        assert_security_headers(response, frame_ancestors="*")
        assert "X-Frame-Options" not in response, attempt
    assert response["X-Page-Cache"] == "hit"
    not_modified = client.get(path, secure=True, HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304
    assert_security_headers(not_modified, frame_ancestors="*")
    assert "X-Frame-Options" not in not_modified


def test_no_other_page_may_be_framed_even_when_cached(client, site):
    client.get("/tracker/")
    cached = client.get("/tracker/")
    assert cached["X-Page-Cache"] == "hit"
    assert csp_directives(cached)["frame-ancestors"] == "'none'"
    assert cached["X-Frame-Options"] == "DENY"


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
