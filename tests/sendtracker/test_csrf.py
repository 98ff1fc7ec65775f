"""CSRF on the "Your thoughts" form: refused without the page's token, with a page that says what to do.

The article page is served from the page cache, which writes a fresh token into each
response (sendtracker/page_cache.py); these tests take the token from cached copies too.
"""

import re
from types import SimpleNamespace

import pytest
from django.test import Client

from comments import protection
from comments.models import Comment
from tests.support.factories import ArticleFactory, CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_comment_form(settings):
    """The form's minimum fill-in time is not waited for. (Each test's reader has an address of its own,
    so no rate-limit count carries over.)"""
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0


@pytest.fixture
def article():
    return ArticleFactory(slug="pilot-update", headline="Pilot update")


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def comment_form(page, **changes):
    data = {
        "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
        "started": hidden(page, "started"),
        "display_name": "Sam",
        "email": "sam@example.org",
        "reader_role": "parent",
        "body": "The pilot needs to reach families sooner.",
        "reply_to": "",
        "website": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def reader(address):
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


def assert_friendly_csrf_page(response):
    assert response.status_code == 403
    html = response.text
    assert "<h1>Your form was not sent</h1>" in html
    assert "nothing you sent has been saved" in html
    assert "Reload the page" in html
    # The site's own look: base.html's skip link, header and footer.
    assert 'class="skip-link"' in html and 'class="site-header"' in html and 'class="site-footer"' in html
    assert "CSRF verification failed" not in html  # not Django's technical page
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_the_comment_form_is_refused_without_its_csrf_token(article):
    client = reader("192.0.2.10")
    page = client.get(article.get_absolute_url()).text
    response = client.post(f"{article.get_absolute_url()}comments/", comment_form(page, csrfmiddlewaretoken=None))
    assert_friendly_csrf_page(response)
    assert "page has been open for a long time" in response.text
    assert not Comment.objects.exists()


def test_without_the_cookie_the_page_says_cookies_may_be_blocked(article):
    page = reader("192.0.2.11").get(article.get_absolute_url()).text
    response = reader("192.0.2.11").post(f"{article.get_absolute_url()}comments/", comment_form(page))
    assert_friendly_csrf_page(response)
    assert "blocking cookies" in response.text
    assert not Comment.objects.exists()


def test_the_comment_form_is_accepted_with_the_token_from_a_cached_page(article):
    warm = Client()
    assert warm.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    client = reader("192.0.2.12")
    page = client.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    response = client.post(f"{article.get_absolute_url()}comments/", comment_form(page.text))
    assert response.status_code == 302
    assert "/comments/thanks/" in response["Location"]
    assert Comment.objects.filter(article=article, display_name="Sam").count() == 1


def test_a_token_served_to_one_visitor_does_not_work_for_another(article):
    """Each response from the page cache carries its own visitor's token, never a shared one."""
    first, second = reader("192.0.2.13"), reader("192.0.2.14")
    first_page = first.get(article.get_absolute_url()).text
    second.get(article.get_absolute_url())  # a cookie of its own
    assert_friendly_csrf_page(second.post(f"{article.get_absolute_url()}comments/", comment_form(first_page)))
    assert not Comment.objects.exists()


def test_a_forged_admin_post_gets_the_friendly_page_with_a_way_back_to_the_admin(editor):
    council = CouncilFactory(name="Testshire County Council")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(f"/admin/councils/council/{council.pk}/change/", {"name": "Forged"})
    assert_friendly_csrf_page(response)
    assert 'href="/admin/"' in response.text
    council.refresh_from_db()
    assert council.name == "Testshire County Council"


# The comment form's signed start time is made afresh for every response, like the CSRF token.


def test_each_response_of_a_cached_article_page_has_its_own_form_start_time(article, monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr(protection, "time", SimpleNamespace(time=lambda: clock[0]))  # the comments' clock only
    first = Client().get(article.get_absolute_url())
    clock[0] += 7 * 60 * 60  # seven hours later, the page still cached: longer than a form may stay open
    later = Client().get(article.get_absolute_url())
    assert (first["X-Page-Cache"], later["X-Page-Cache"]) == ("miss", "hit")
    started = hidden(later.text, "started")
    assert started != hidden(first.text, "started")
    protection.check_form_token(started, article, now=clock[0] + 5)  # not "open too long"


def test_a_bot_posting_at_once_from_a_cached_page_is_still_too_quick(article, settings):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 3
    Client().get(article.get_absolute_url())
    client = reader("192.0.2.15")
    page = client.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    response = client.post(f"{article.get_absolute_url()}comments/", comment_form(page.text))
    assert response.status_code == 400
    assert "too quickly" in response.text
    assert not Comment.objects.exists()
