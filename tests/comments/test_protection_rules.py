"""The protection rules at their boundaries: the form's age, the rate limits' counts, the reader's hashes."""

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from comments import protection
from comments.exceptions import CommentRefused
from tests.support.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = 1_700_000_000.0


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture(autouse=True)
def ages(settings):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 3
    settings.COMMENTS_FORM_MAX_AGE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def check(article, started, now=NOW):
    protection.check_form_token(protection.form_token(article, now=started), article, now=now)


def test_a_form_exactly_the_minimum_age_is_accepted_and_a_moment_younger_refused(article):
    check(article, NOW - 3)
    with pytest.raises(CommentRefused, match="too quickly to be a person typing"):
        check(article, NOW - 2.9)


def test_a_form_exactly_the_maximum_age_is_accepted_and_a_moment_older_refused(article):
    check(article, NOW - 600)
    with pytest.raises(CommentRefused, match="open too long. Your text is kept below"):
        check(article, NOW - 600.1)


def test_a_form_for_another_article_is_refused(article):
    other = ArticleFactory()
    with pytest.raises(CommentRefused, match="belongs to another article"):
        protection.check_form_token(protection.form_token(other, now=NOW - 10), article, now=NOW)


@pytest.mark.parametrize("token", ["", None, "garbage", "e30:forged:signature"])
def test_a_missing_or_forged_form_is_refused_with_a_fresh_one(article, token):
    with pytest.raises(CommentRefused, match="could not be checked. We have given you a fresh one"):
        protection.check_form_token(token, article, now=NOW)


def test_a_fresh_form_token_is_for_its_article_and_now(article):
    token = protection.fresh_form_token(str(article.pk))
    protection.check_form_token(token, article, now=time.time() + 5)
    with pytest.raises(CommentRefused, match="too quickly"):
        protection.check_form_token(token, article)


def test_a_rate_limit_allows_exactly_its_count_then_refuses():
    results = [protection.over_rate_limit("ip", "reader", (3, 600)) for _ in range(5)]
    assert results == [False, False, False, True, True]
    # Another reader, another scope: their own counts.
    assert protection.over_rate_limit("ip", "other", (3, 600)) is False
    assert protection.over_rate_limit("email", "reader", (3, 600)) is False


def test_the_comment_limits_name_the_window_and_the_email_limit_ignores_case(settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, 600)
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = (1, 600)
    protection.check_rate_limits(ip_hash="a", email="Sam@Example.org")
    with pytest.raises(CommentRefused) as refused:
        protection.check_rate_limits(ip_hash="a", email="")
    assert str(refused.value) == (
        "You have sent several comments in the last 10 minutes. Please wait a while and try again."
    )
    assert refused.value.status == 429
    with pytest.raises(CommentRefused, match="from this email address") as refused:
        protection.check_rate_limits(ip_hash="b", email="sam@example.org")
    assert refused.value.status == 429
    protection.check_rate_limits(ip_hash="c", email="")  # no email, no email limit


def test_the_report_limit(settings):
    settings.COMMENTS_REPORT_RATE_LIMIT_PER_IP = (2, 3600)
    protection.check_report_rate_limit(ip_hash="a")
    protection.check_report_rate_limit(ip_hash="a")
    with pytest.raises(CommentRefused, match="a lot of reports") as refused:
        protection.check_report_rate_limit(ip_hash="a")
    assert refused.value.status == 429


def test_a_reader_is_one_hash_per_address_and_an_account_one_hash_wherever_it_is(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="203.0.113.1")
    two = factory.get("/", REMOTE_ADDR="203.0.113.2")
    assert protection.request_ip_hash(one) == protection.hash_ip("203.0.113.1")
    assert protection.request_ip_hash(one) != protection.request_ip_hash(two)
    assert "203.0.113.1" not in protection.request_ip_hash(one)
    assert protection.reporter_hash(one) != protection.reporter_hash(two)
    assert protection.reporter_hash(one) != protection.request_ip_hash(one)  # a purpose of its own
    user = UserFactory(username="signed-in-reader", is_staff=False)
    one.user = two.user = user
    assert protection.reporter_hash(one) == protection.reporter_hash(two)


def test_the_user_agent_is_cleaned_and_cut():
    request = RequestFactory().get("/", HTTP_USER_AGENT="Browser\u202e" + "x" * 300)
    assert protection.trimmed_user_agent(request) == ("Browser" + "x" * 300)[:200]


def test_the_thanks_token_reads_back_and_a_forged_one_does_not():
    class Sent:
        pk = 7
        status = "pending"

    assert protection.read_thanks_token(protection.thanks_token(Sent())) == {"c": 7, "s": "pending"}
    assert protection.read_thanks_token("forged") is None
    assert protection.read_thanks_token(None) is None
