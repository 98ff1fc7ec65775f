"""The page cache never serves stale content: an edit shows on the very next request, with the cache on."""

import re
import time

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from articles.models import Article
from councils.choices import PilotStatus, Region
from councils.models import Council
from councils.services import council_set_status
from sendtracker.cache import placeholders, versions
from tests.support.factories import ArticleFactory, CommentFactory, CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every page that shows a council's status, as a function of the council.
STATUS_PAGES = {
    "tracker": lambda council: "/tracker/",
    "council page": lambda council: council.get_absolute_url(),
    "changes": lambda council: "/changes/",
    "changes feed": lambda council: "/changes/feed/",
    "API councils list": lambda council: "/api/councils/",
}


def status_part(page, content):
    """The part of a page that shows the council's status.

    The tracker names every status in its description and its filter form whatever the data,
    so there only the council's own row counts.
    """
    html = content.decode()
    if page == "tracker":
        row = re.search(r'<tr data-name="wyrmshire .*?</tr>', html, re.S)
        assert row, "Wyrmshire's row is missing from the tracker"
        return row.group(0)
    return html


def page_exists(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.fixture
def shortlisted():
    council = CouncilFactory(short_name="Wyrmshire", slug="wyrmshire", region=Region.NORTH_WEST)
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=timezone.localdate())
    return council


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", STATUS_PAGES)
def test_status_change_shows_on_the_next_request(page, shortlisted):
    path = STATUS_PAGES[page](shortlisted)
    if not page_exists(path):
        pytest.skip(f"{path} is not on this branch yet")
    reader = Client()
    first = reader.get(path)
    assert first.status_code == 200
    again = reader.get(path)
    assert again["X-Page-Cache"] == "hit"
    assert "onsidering" not in status_part(page, again.content)

    council_set_status(council=shortlisted, status=PilotStatus.CONSIDERING)  # what the admin's status form calls

    # A fresh client is another app server; `reader` holds the old page in its process memory.
    after = Client().get(path)
    assert after.status_code == 200
    assert after["X-Page-Cache"] == "miss"
    assert "onsidering" in status_part(page, after.content)  # "Considering" on pages, "considering" in the API
    assert reader.get(path).content == after.content


def test_bulk_update_without_signals_still_invalidates(client, shortlisted):
    assert "North West" in client.get("/tracker/").content.decode()
    assert client.get("/tracker/")["X-Page-Cache"] == "hit"

    Council.objects.filter(pk=shortlisted.pk).update(region=Region.SOUTH_WEST)

    page = client.get("/tracker/")
    assert page["X-Page-Cache"] == "miss"
    assert "South West" in page.content.decode()


def token(key):
    return versions.read([key])[0][key]


def test_a_write_bumps_at_once_and_again_at_commit(django_capture_on_commit_callbacks, shortlisted):
    before = token("tracker")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Council.objects.filter(pk=shortlisted.pk).update(region=Region.LONDON)
        during = token("tracker")
        Council.objects.filter(pk=shortlisted.pk).update(region=Region.EAST_MIDLANDS)
    after = token("tracker")
    assert len({before.value, during.value, after.value}) == 3


def test_many_to_many_changes_replace_the_version(shortlisted):
    article = ArticleFactory()
    before = token("articles")
    article.councils.add(shortlisted)
    added = token("articles")
    article.councils.clear()
    assert len({before.value, added.value, token("articles").value}) == 3


def test_writes_to_private_tables_leave_the_cache_alone(client, shortlisted):
    from comments.models import CommentReport

    comment = CommentFactory()
    client.get("/tracker/")
    CommentReport.objects.create(comment=comment, reason=CommentReport.Reason.SPAM, reporter_hash="x" * 64)
    assert client.get("/tracker/")["X-Page-Cache"] == "hit"


def test_a_lost_version_is_reseeded_and_nothing_old_is_served(client, shortlisted):
    client.get("/tracker/")
    assert client.get("/tracker/")["X-Page-Cache"] == "hit"
    cache.delete(versions.PREFIX + "tracker")
    assert client.get("/tracker/")["X-Page-Cache"] == "miss"


def test_a_scheduled_article_replaces_the_version_when_it_goes_live(monkeypatch, django_capture_on_commit_callbacks):
    publish_at = timezone.now() + timezone.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(headline="Embargoed", published_at=publish_at)
    version = token("articles")
    assert version.expires_at == pytest.approx(publish_at.timestamp())

    monkeypatch.setattr(versions.time, "time", lambda: publish_at.timestamp() + 1)
    assert token("articles").value != version.value


def test_staff_and_logged_in_readers_bypass_the_cache(client, shortlisted):
    client.get("/tracker/")
    assert client.get("/tracker/")["X-Page-Cache"] == "hit"
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/tracker/")
    assert page.status_code == 200
    assert "X-Page-Cache" not in page
    assert "ETag" not in page


def test_conditional_get_answers_304_without_touching_the_database(client, shortlisted, django_assert_num_queries):
    page = client.get("/tracker/")
    etag, last_modified = page["ETag"], page["Last-Modified"]
    assert page["Cache-Control"] == "no-cache"

    with django_assert_num_queries(0):
        revalidated = client.get("/tracker/", HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == etag
    assert client.get("/changes/", HTTP_IF_NONE_MATCH=etag).status_code == 200  # the ETag is per page

    council_set_status(council=shortlisted, status=PilotStatus.DECLINED)
    changed = client.get("/tracker/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Declined" in changed.content.decode()
    assert changed["ETag"] != etag
    assert last_modified  # sent with every cacheable page


def test_if_modified_since_answers_304_until_the_next_edit(client, shortlisted, monkeypatch):
    client.get("/tracker/")
    made_at = max(token(key).made_ns for key in ("tracker", "day")) / 1e9
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(made_at + 5))
    assert client.get("/tracker/", HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    # Never a 304 for a page that does not exist, whatever the date or tag sent.
    assert client.get("/councils/nowhere/", HTTP_IF_MODIFIED_SINCE=later).status_code == 404
    assert client.get("/councils/nowhere/", HTTP_IF_NONE_MATCH="*").status_code == 404
    # An edit after that moment (the clock moved on) means a full page again.
    monkeypatch.setattr(versions.time, "time_ns", lambda: int((made_at + 10) * 1e9))
    council_set_status(council=shortlisted, status=PilotStatus.DECLINED)
    assert client.get("/tracker/", HTTP_IF_MODIFIED_SINCE=later).status_code == 200


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.urls("tests.support.page_cache_urls")
def test_a_cached_page_with_a_form_gets_each_reader_their_own_csrf_token():
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    alice_page, bob_page = alice.get("/test-form/"), bob.get("/test-form/")
    assert (alice_page["X-Page-Cache"], bob_page["X-Page-Cache"]) == ("miss", "hit")
    alice_token = CSRF_FIELD.search(alice_page.content.decode()).group(1)
    bob_token = CSRF_FIELD.search(bob_page.content.decode()).group(1)
    assert alice_token != bob_token
    assert "csrfph" not in bob_page.content.decode()
    assert alice_page["Cache-Control"] == "private, no-cache"
    assert alice_page["ETag"] != bob_page["ETag"]  # a browser's copy never holds another reader's token

    assert bob.post("/test-form/", {"csrfmiddlewaretoken": bob_token}).status_code == 200
    assert alice.post("/test-form/", {"csrfmiddlewaretoken": alice_token}).status_code == 200
    assert Client(enforce_csrf_checks=True).post("/test-form/", {"csrfmiddlewaretoken": bob_token}).status_code == 403


def test_the_article_page_form_token_is_fresh_per_reader():
    article = ArticleFactory()
    CommentFactory.create_batch(3, article=article)
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    alice_page, bob_page = alice.get(article.get_absolute_url()), bob.get(article.get_absolute_url())
    assert bob_page["X-Page-Cache"] == "hit"
    alice_match = CSRF_FIELD.search(alice_page.content.decode())
    if alice_match is None:
        pytest.skip("the article page has no comment form on this branch yet (issue 4)")
    bob_token = CSRF_FIELD.search(bob_page.content.decode()).group(1)
    assert alice_match.group(1) != bob_token
    action = re.search(r'<form[^>]*method="post"[^>]*action="([^"]+)"', bob_page.content.decode(), re.I)
    response = bob.post(action.group(1), {"csrfmiddlewaretoken": bob_token, "body": "x", "display_name": "Bob"})
    assert response.status_code != 403


def test_a_page_stored_under_another_secret_key_is_never_served_with_its_placeholders(monkeypatch):
    """A server with another SECRET_KEY (a rotation; a new bench run on the same Redis) derives
    other placeholders: it must render its own page, not serve one whose form it cannot fill."""
    article = ArticleFactory()
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    stored_with = str(placeholders.CSRF_PLACEHOLDER)
    assert stored_with in str(placeholders.generation())
    monkeypatch.setattr(placeholders, "CSRF_PLACEHOLDER", "csrfph" + "0" * 40)
    page = Client(enforce_csrf_checks=True).get(article.get_absolute_url())
    assert stored_with not in page.content.decode()
    match = CSRF_FIELD.search(page.content.decode())
    if match is not None:  # the comment form is open: the reader gets a real token
        assert not match.group(1).startswith("csrfph")


@pytest.mark.urls("tests.support.page_cache_urls")
def test_responses_that_set_cookies_are_not_stored(client):
    client.get("/test-cookie/")
    assert client.get("/test-cookie/").cookies["preference"].value == "large-text"
    assert "X-Page-Cache" not in client.get("/test-cookie/")


def test_not_found_is_not_stored(client):
    assert client.get("/councils/nowhere/").status_code == 404
    assert client.get("/councils/nowhere/").status_code == 404
    CouncilFactory(short_name="Nowhere", slug="nowhere")
    assert client.get("/councils/nowhere/").status_code == 200


def test_the_admin_is_never_cached(client):
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_pages_are_served_uncached_when_the_cache_is_down(client, shortlisted, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "add", unreachable)
    page = client.get("/tracker/")
    assert page.status_code == 200
    assert "Wyrmshire" in page.content.decode()
    assert "X-Page-Cache" not in page


def test_unpublishing_an_article_removes_it_at_once(client):
    article = ArticleFactory(headline="Pulled story")
    assert "Pulled story" in client.get("/articles/").content.decode()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert "Pulled story" not in client.get("/articles/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404
