"""The page cache cannot be poisoned, bypassed or bloated by what a request sends."""

import secrets

import pytest
from django.test import Client
from django.utils import timezone

from councils.choices import PilotStatus
from councils.services import council_set_status
from sendtracker.cache import middleware
from tests.support.factories import ArticleFactory, CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every public answer that carries absolute links.
LINKED = (
    "/changes/feed/",
    "/articles/feed/",
    "/sitemap.xml",
    "/robots.txt",
    "/api/councils/?page_size=1",
    "/tracker.csv",
)


@pytest.fixture
def councils():
    for number in range(3):
        council = CouncilFactory(short_name=f"Shire {number}", slug=f"shire-{number}")
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=timezone.localdate())
    ArticleFactory()


@pytest.mark.parametrize("path", LINKED)
def test_a_forged_host_never_reaches_another_reader(path, councils, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.SITE_URL = "https://send.example.org"
    attacker = Client().get(path, HTTP_HOST="localhost:31337")
    assert attacker.status_code == 200
    assert b"31337" not in attacker.content
    page = Client().get(path)
    assert b"31337" not in page.content
    assert b"https://send.example.org/" in page.content


def test_a_junk_session_cookie_is_served_from_the_cache(councils):
    Client().get("/tracker/")
    junk = Client()
    junk.cookies["sessionid"] = secrets.token_hex(16)
    page = junk.get("/tracker/")
    assert page.status_code == 200
    assert page["X-Page-Cache"] == "hit"


def test_an_anonymous_session_is_served_from_the_cache(councils, client):
    client.get("/tracker/")
    session = client.session
    session["seen"] = True
    session.save()
    assert client.get("/tracker/")["X-Page-Cache"] == "hit"


def test_a_signed_in_reader_bypasses_the_cache_and_is_marked_for_proxies(councils, client):
    client.get("/tracker/")
    client.force_login(UserFactory(is_staff=False))
    page = client.get("/tracker/")
    assert "X-Page-Cache" not in page
    assert page.cookies[middleware.SIGNED_IN_COOKIE].value == "1"


def test_tracking_parameters_share_one_entry_and_never_reach_the_page(councils):
    assert Client().get("/tracker/?status=shortlisted")["X-Page-Cache"] == "miss"
    for query in (
        f"utm_source={secrets.token_hex(8)}&status=shortlisted",
        "fbclid=x&status=shortlisted&gclid=y&mc_eid=z",
    ):
        page = Client().get(f"/tracker/?{query}")
        assert page["X-Page-Cache"] == "hit"
        assert b"utm_source" not in page.content and b"fbclid" not in page.content


def test_query_parameters_are_sorted(councils):
    Client().get("/tracker/?status=shortlisted")
    assert Client().get("/tracker/?ordering=name&status=shortlisted")["X-Page-Cache"] == "miss"
    assert Client().get("/tracker/?status=shortlisted&ordering=name")["X-Page-Cache"] == "hit"
    assert Client().get("/tracker/?status=shortlisted&unknown=1")["X-Page-Cache"] == "hit"


def test_a_new_release_never_serves_the_last_ones_pages(councils, monkeypatch):
    first = Client().get("/tracker/")
    monkeypatch.setattr(middleware, "RELEASE", "next-release")
    after = Client().get("/tracker/")
    assert after["X-Page-Cache"] == "miss"
    assert after["ETag"] != first["ETag"]
