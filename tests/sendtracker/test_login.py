"""Staff login: CSRF, throttling by username and IP, the 429 page, session lifetime."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
LIMIT = settings.AXES_FAILURE_LIMIT
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def attempt(client, username, password="not-the-password", ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip)


def test_the_admin_login_refuses_a_post_without_a_csrf_token(journalist):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "journalist", "password": "correct-horse-battery-staple"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_admin_login_works_with_its_csrf_token(journalist):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        LOGIN,
        {"username": "journalist", "password": "correct-horse-battery-staple", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(journalist.pk)


def test_failures_below_the_limit_get_the_usual_error(client, journalist):
    for _ in range(LIMIT - 1):
        response = attempt(client, "journalist")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text


@pytest.mark.parametrize("username", ["journalist", "nobody-by-this-name"])
def test_repeated_failures_lock_the_username_out_with_a_429_saying_when_to_retry(client, journalist, username):
    for _ in range(LIMIT - 1):
        attempt(client, username)
    response = attempt(client, username)
    assert response.status_code == 429
    assert "Too many login attempts" in response.text
    assert "try again after 15 minutes" in response.text
    assert response["Retry-After"] == "900"
    assert "Cache-Control" in response and "no-store" in response["Cache-Control"]


def test_known_and_unknown_usernames_get_the_same_answers(journalist):
    def answers(username):
        client = Client()
        return [
            (response.status_code, CSRF_TOKEN.sub("", response.text.replace(username, "USERNAME")))
            for response in (attempt(client, username) for _ in range(LIMIT + 1))
        ]

    assert answers("journalist") == answers("nobody-by-this-name")


def test_a_locked_out_user_cannot_log_in_even_with_the_right_password(client, journalist):
    for _ in range(LIMIT):
        attempt(client, "journalist")
    response = attempt(client, "journalist", password="correct-horse-battery-staple")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_by_username_and_ip_together(client, journalist, editor):
    for _ in range(LIMIT):
        attempt(client, "journalist", ip="203.0.113.7")
    # The same person from another address, and another person from the same address, can still log in.
    assert attempt(Client(), "journalist", "correct-horse-battery-staple", ip="198.51.100.9").status_code == 302
    assert attempt(Client(), "editor", "correct-horse-battery-staple", ip="203.0.113.7").status_code == 302


def test_a_successful_login_resets_the_count(client, journalist):
    for _ in range(LIMIT - 1):
        attempt(client, "journalist")
    assert attempt(Client(), "journalist", "correct-horse-battery-staple").status_code == 302
    for _ in range(LIMIT - 1):
        assert attempt(client, "journalist").status_code == 200


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(settings, journalist):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(LIMIT):
        Client().post(
            LOGIN,
            {"username": "journalist", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    # Same load balancer, a different reader: not locked out.
    response = Client().post(
        LOGIN,
        {"username": "journalist", "password": "correct-horse-battery-staple"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert response.status_code == 302


def test_staff_sessions_last_a_working_day_in_secure_httponly_cookies(client, journalist):
    response = attempt(client, "journalist", "correct-horse-battery-staple")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 8 * 60 * 60
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_the_csrf_cookie_is_secure_and_httponly(client):
    response = client.get(LOGIN)
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_passwords_need_twelve_characters():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = UserFactory.build(username="newjournalist")
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3", user)
    validate_password("a-much-longer-passphrase", user)


def test_a_staff_login_without_next_lands_on_the_admin_index(journalist):
    client = Client()
    response = client.post(LOGIN, {"username": "journalist", "password": "correct-horse-battery-staple"})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200
