"""A made-up session cookie costs no lookup; a signed-in reader is never served a cached page.

Run against a Redis of its own (the production session store, ``cached_db``, and the page
cache both use it), so the Redis commands a request makes can be counted.
"""

import secrets

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from councils.choices import PilotStatus
from councils.services import council_set_status
from sendtracker import sessions
from sendtracker.sessions import cached_db
from tests.support.factories import CouncilFactory, UserFactory
from tests.support.redis_server import redis_commands

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
LOGOUT = "/admin/logout/"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def tracker(db):
    council = CouncilFactory(short_name="Shire", slug="shire")
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=timezone.localdate())


def log_in(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302, response.content[:500]
    return client.cookies["sessionid"].value


def test_a_made_up_session_cookie_is_a_plain_cache_hit(production_stores, tracker, django_assert_num_queries):
    Client().get("/tracker/")
    redis_commands(production_stores)
    junk = Client()
    junk.cookies["sessionid"] = secrets.token_hex(20)  # 40 characters, like a real key
    with django_assert_num_queries(0):
        page = junk.get("/tracker/")
    assert page.status_code == 200
    assert page["X-Page-Cache"] == "hit"
    # One round trip, as without a cookie: the versions and the entry, read by one script (which
    # takes no render lock: the entry is there).
    assert redis_commands(production_stores) == {"eval": 1, "mget": 1}


def test_a_made_up_cookie_without_redis_costs_no_query_either(tracker, settings, django_assert_num_queries):
    assert settings.SESSION_ENGINE == "sendtracker.sessions.db"
    Client().get("/tracker/")
    junk = Client()
    junk.cookies["sessionid"] = "junk" + secrets.token_hex(8)
    with django_assert_num_queries(0):
        assert junk.get("/tracker/")["X-Page-Cache"] == "hit"


def test_a_signed_in_editor_is_never_served_a_cached_page(production_stores, tracker, staff_roles):
    editor = UserFactory(username="editor", role="Editors")
    browser = Client()
    browser.cookies["sessionid"] = "attacker-chosen" + secrets.token_hex(12)
    assert browser.get("/tracker/")["X-Page-Cache"] == "miss"
    planted = browser.cookies["sessionid"].value

    key = log_in(browser, editor)
    assert key != planted and sessions.issued_here(key)
    page = browser.get("/tracker/")
    assert page.status_code == 200 and "X-Page-Cache" not in page
    assert browser.get("/admin/").status_code == 200

    # Redis lost the session (a restart): the database still knows, so still no cached page.
    cache.delete(cached_db.SessionStore.cache_key_prefix + key)
    assert "X-Page-Cache" not in browser.get("/tracker/")

    assert browser.post(LOGOUT).status_code == 200
    assert browser.get("/tracker/")["X-Page-Cache"] == "hit"
    again = log_in(browser, editor)
    assert again not in (key, planted)
    assert "X-Page-Cache" not in browser.get("/tracker/")
    assert browser.get("/admin/").status_code == 200


def test_a_signed_out_key_is_looked_up_once_then_remembered(
    production_stores, tracker, staff_roles, django_assert_num_queries
):
    editor = UserFactory(username="editor", role="Editors")
    browser = Client()
    key = log_in(browser, editor)
    browser.post(LOGOUT)
    Client().get("/tracker/")

    replay = Client()
    replay.cookies["sessionid"] = key
    with django_assert_num_queries(1):  # the session table: gone
        assert replay.get("/tracker/")["X-Page-Cache"] == "hit"
    replay.cookies["sessionid"] = key
    redis_commands(production_stores)
    with django_assert_num_queries(0):
        assert replay.get("/tracker/")["X-Page-Cache"] == "hit"
    assert redis_commands(production_stores) == {"get": 1, "mget": 1}  # the session's entry, the versions


def test_a_remembered_key_is_never_given_to_a_new_session(production_stores, monkeypatch):
    gone = sessions.new_key()
    assert cached_db.SessionStore(gone).get(SESSION_KEY) is None  # looked up, remembered as gone
    fresh = sessions.new_key()
    drawn = iter([gone, fresh])
    monkeypatch.setattr(sessions, "new_key", lambda: next(drawn))
    store = cached_db.SessionStore()
    store[SESSION_KEY] = "1"
    store.create()
    assert store.session_key == fresh
    assert cached_db.SessionStore(fresh).get(SESSION_KEY) == "1"


def test_a_session_saved_while_its_key_was_being_looked_up_is_not_hidden(production_stores, monkeypatch):
    """The lookup read the table just before another request saved the session under that key."""
    key = sessions.new_key()
    reader = cached_db.SessionStore(key)
    stale_read = reader._get_session_from_db

    def saved_meanwhile():
        missed = stale_read()
        writer = cached_db.SessionStore(key)
        writer._session_cache = {SESSION_KEY: "7"}  # as create() has it, without reading first
        writer.save(must_create=True)
        return missed

    monkeypatch.setattr(reader, "_get_session_from_db", saved_meanwhile)
    assert reader.get(SESSION_KEY) is None
    assert Session.objects.filter(session_key=key).exists()
    assert cached_db.SessionStore(key).get(SESSION_KEY) == "7"


def test_keys_are_signed_with_the_secret_key_or_a_fallback(settings):
    key = sessions.new_key()
    assert len(key) == 40 and sessions.issued_here(key)
    assert not sessions.issued_here(key[:-1] + ("0" if key[-1] != "0" else "1"))
    assert not sessions.issued_here(secrets.token_hex(20))
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-" + "k" * 50
    assert not sessions.issued_here(key)
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert sessions.issued_here(key)
