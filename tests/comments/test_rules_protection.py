"""The protection rules pinned: the form's age, the rate limits' counts and the hashes; a form
sent twice, the known-reader cookie, the signed thanks pages, a rate-limit window that expires
mid-count, and the tokens a placeholder fills in.
"""

import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.crypto import salted_hmac
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from comments import protection
from comments.exceptions import CommentRefused
from sendtracker.client_address import client_address
from tests.support.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = 1_700_000_000.0
A_YEAR = 365 * 24 * 60 * 60
A_DAY = 24 * 60 * 60


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


def signed_at(monkeypatch, when, make):
    """``make()`` run as if the clock read ``when`` (signing reads time.time)."""
    real = time.time
    monkeypatch.setattr(time, "time", lambda: when)
    try:
        return make()
    finally:
        monkeypatch.setattr(time, "time", real)


# A form sent twice.


def test_a_form_sent_a_second_time_is_refused_with_the_text_kept(article):
    token = protection.form_token(article, now=NOW - 10)
    protection.check_form_token(token, article, now=NOW)
    with pytest.raises(CommentRefused) as refused:
        protection.check_form_token(token, article, now=NOW + 1)
    assert str(refused.value) == "This form has already been sent once. Your text is kept below: please send it again."


def test_each_form_is_its_own_single_use(article):
    first = protection.form_token(article, now=NOW - 10)
    second = protection.form_token(article, now=NOW - 10)
    protection.check_form_token(first, article, now=NOW)
    protection.check_form_token(second, article, now=NOW)  # not used up by the first


@pytest.mark.parametrize(
    "payload",
    [
        {"a": 1, "t": NOW - 10},  # no nonce: a form from before forms were single-use
        {"a": 1, "n": "x"},  # no start time
        {"a": 1, "t": "yesterday", "n": "x"},
        {"a": 1, "t": None, "n": "x"},
        {"t": NOW - 10, "n": "x"},  # no article
    ],
)
def test_a_signed_form_with_missing_or_bad_parts_is_refused_with_a_fresh_one(article, payload):
    payload = {key: (article.pk if key == "a" else value) for key, value in payload.items()}
    token = signing.dumps(payload, salt=protection.FORM_TOKEN_SALT)
    with pytest.raises(CommentRefused) as refused:
        protection.check_form_token(token, article, now=NOW)
    assert str(refused.value) == (
        "This form could not be checked. We have given you a fresh one: please send your comment again."
    )


def test_a_form_signed_for_another_purpose_is_refused(article):
    token = signing.dumps({"a": article.pk, "t": NOW - 10, "n": "x"}, salt=protection.THANKS_TOKEN_SALT)
    with pytest.raises(CommentRefused, match="could not be checked"):
        protection.check_form_token(token, article, now=NOW)


def test_a_form_on_a_page_that_is_not_stored_carries_a_real_token(article):
    request = RequestFactory().get("/")
    token = protection.started_token(request, article)
    protection.check_form_token(token, article, now=time.time() + 5)


def test_a_page_being_stored_gets_a_placeholder_not_a_token(article):
    request = RequestFactory().get("/")
    request._page_cache_rendering = True
    placeholder = protection.started_token(request, article)
    assert f":comment_form_started:{article.pk}:" in placeholder
    with pytest.raises(CommentRefused, match="could not be checked"):
        protection.check_form_token(placeholder, article, now=time.time() + 5)


def test_the_address_unknown_is_one_reader():
    assert protection.hash_ip(None) == protection.hash_ip("") == protection.hash_ip("unknown")
    assert protection.hash_ip(None) != protection.hash_ip("203.0.113.1")


# The known-reader cookie.


def browser_with(response):
    """A request from the browser that received ``response``'s cookies."""
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in response.cookies.items()}
    return request


class Sent:
    def __init__(self, pk, article_id=1, status="approved"):
        self.pk, self.article_id, self.status = pk, article_id, status


def remember(request, pk):
    response = HttpResponse()
    protection.remember_sent_comment(request, response, Sent(pk))
    return response


def test_a_browser_is_remembered_for_the_comments_it_sent():
    request = RequestFactory().get("/")
    assert protection.sent_comment_ids(request) == []
    response = remember(request, 5)
    response = remember(browser_with(response), 9)
    response = remember(browser_with(response), 5)  # sent again: once, at the end
    assert protection.sent_comment_ids(browser_with(response)) == [9, 5]


def test_the_cookie_keeps_the_newest_twenty():
    response = remember(RequestFactory().get("/"), 1)
    for pk in range(2, 26):
        response = remember(browser_with(response), pk)
    assert protection.sent_comment_ids(browser_with(response)) == list(range(6, 26))
    # The cookie itself stays small (browsers drop cookies over 4 kB): twenty ids, then the signature.
    assert response.cookies["your_thoughts"].value.split(":")[0] == ",".join(str(pk) for pk in range(6, 26))


@pytest.mark.parametrize("secure", [True, False])
def test_the_cookie_is_http_only_lax_a_year_and_secure_like_the_session(settings, secure):
    settings.SESSION_COOKIE_SECURE = secure
    cookie = remember(RequestFactory().get("/"), 5).cookies["your_thoughts"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == A_YEAR
    assert bool(cookie["secure"]) is secure


def test_a_forged_cookie_names_no_comment():
    request = RequestFactory().get("/")
    request.COOKIES = {"your_thoughts": "5,9:forged"}
    assert protection.sent_comment_ids(request) == []


def test_a_cookie_signed_for_something_else_names_no_comment():
    response = HttpResponse()
    response.set_signed_cookie("your_thoughts", "5", salt="another-purpose")
    assert protection.sent_comment_ids(browser_with(response)) == []


def test_only_whole_numbers_in_the_cookie_count():
    response = HttpResponse()
    response.set_signed_cookie("your_thoughts", "5,x,,-3,9", salt=protection.KNOWN_READER_SALT)
    assert protection.sent_comment_ids(browser_with(response)) == [5, 9]


def test_a_longer_cookie_from_an_earlier_version_counts_its_newest_twenty():
    response = HttpResponse()
    response.set_signed_cookie(
        "your_thoughts", ",".join(str(pk) for pk in range(1, 31)), salt=protection.KNOWN_READER_SALT
    )
    assert protection.sent_comment_ids(browser_with(response)) == list(range(11, 31))


def test_a_cookie_a_year_old_still_counts_and_older_does_not(monkeypatch):
    fresh = signed_at(monkeypatch, time.time() - A_YEAR + 60, lambda: remember(RequestFactory().get("/"), 5))
    assert protection.sent_comment_ids(browser_with(fresh)) == [5]
    stale = signed_at(monkeypatch, time.time() - A_YEAR - 60, lambda: remember(RequestFactory().get("/"), 5))
    assert protection.sent_comment_ids(browser_with(stale)) == []


# The signed thanks pages.


def test_the_thanks_page_reads_its_token_for_a_day(monkeypatch):
    token = signed_at(monkeypatch, time.time() - A_DAY + 60, lambda: protection.thanks_token(Sent(7)))
    assert protection.read_thanks_token(token) == {"c": 7, "s": "approved"}
    old = signed_at(monkeypatch, time.time() - A_DAY - 60, lambda: protection.thanks_token(Sent(7)))
    assert protection.read_thanks_token(old) is None


def test_the_report_thanks_page_links_back_only_for_its_own_comment(monkeypatch):
    token = protection.report_thanks_token(Sent(7, article_id=3))
    assert protection.read_report_thanks_token(token, 7) == 3
    assert protection.read_report_thanks_token(token, 8) is None
    assert protection.read_report_thanks_token("forged", 7) is None
    assert protection.read_report_thanks_token(None, 7) is None
    # Another page's signed token does not pass for a report's.
    assert protection.read_report_thanks_token(protection.thanks_token(Sent(7)), 7) is None
    old = signed_at(monkeypatch, time.time() - A_DAY - 60, lambda: protection.report_thanks_token(Sent(7, 3)))
    assert protection.read_report_thanks_token(old, 7) is None
    recent = signed_at(monkeypatch, time.time() - A_DAY + 60, lambda: protection.report_thanks_token(Sent(7, 3)))
    assert protection.read_report_thanks_token(recent, 7) == 3


# A rate-limit window that ends between the counter's creation and its increment.


class WindowEndsOnce:
    """The shared cache, except that the first counter it creates expires at once."""

    def __init__(self):
        self.expired = False

    def add(self, key, value, timeout):
        if not self.expired:
            self.expired = True
            return True  # created, and gone before the increment
        return cache.add(key, value, timeout=timeout)

    def incr(self, key):
        return cache.incr(key)


@pytest.mark.parametrize("count", [0, 1, 2])
def test_an_attempt_as_the_window_ends_starts_a_new_window_and_is_counted(monkeypatch, count):
    window = WindowEndsOnce()
    monkeypatch.setattr(protection.limits, "store", lambda: window)
    over = [protection.over_rate_limit("ip", "reader", (count, 600)) for _ in range(count + 2)]
    # The attempt that found its window gone is the new window's first.
    assert over == [attempt > count for attempt in range(1, count + 3)]


@pytest.mark.parametrize("limited", ["ip", "email"])
def test_a_reader_over_a_rate_limit_is_told_to_wait_for_the_whole_window(settings, limited):
    # Without Redis the claim is made step by step; the refusal page and its Retry-After say how long.
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, 600)
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = (1, 900)
    protection.claim_submission(nonce="first", ip_hash="reader", email="sam@example.org", duplicate_key="one")
    with pytest.raises(CommentRefused) as refused:
        protection.claim_submission(
            nonce="second",
            ip_hash="reader" if limited == "ip" else "another-reader",
            email="sam@example.org",
            duplicate_key="two",
        )
    assert refused.value.status == 429
    assert refused.value.retry_after == {"ip": 600, "email": 900}[limited]
    assert (
        refused.value.message
        == {
            "ip": "You have sent several comments in the last 10 minutes. Please wait a while and try again.",
            "email": "Several comments have just been sent from this email address. Please wait a while and try again.",
        }[limited]
    )


@pytest.mark.parametrize(("window", "minutes"), [(600, 10), (3600, 60), (900, 15)])
def test_the_ip_limits_message_names_its_window_in_minutes(settings, window, minutes):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, window)
    protection.claim_submission(nonce="first", ip_hash="reader", email="", duplicate_key="one")
    with pytest.raises(CommentRefused) as refused:
        protection.claim_submission(nonce="second", ip_hash="reader", email="", duplicate_key="two")
    assert f"You have sent several comments in the last {minutes} minutes." in refused.value.message


# What a poodle run of comments/protection.py found untested (docs/testing.md).


def test_the_same_text_sent_again_is_refused_on_its_field_with_400():
    protection.claim_submission(nonce="first", ip_hash="reader", email="sam@example.org", duplicate_key="text")
    with pytest.raises(CommentRefused) as refused:
        protection.claim_submission(nonce="second", ip_hash="another", email="kim@example.org", duplicate_key="text")
    assert (refused.value.status, refused.value.field) == (400, "body")
    assert refused.value.message == "This comment has already been sent. You do not need to send it again."


class ScriptAnswers:
    """A Redis client whose claim script answers ``answer``: what the reader is told of it."""

    def __init__(self, answer):
        self.answer = answer

    def eval(self, *args):
        return self.answer


@pytest.mark.parametrize(
    ("answer", "retry_after"),
    [
        ((b"ip", 590), 590),
        ((b"ip", 1), 1),  # the window's last second
        ((b"email", 1), 1),
        ((b"ip", -1), 600),  # a counter without an expiry (TTL -1): the whole window
        ((b"ip", -2), 600),
    ],
)
def test_the_wait_a_rate_limited_reader_is_told_is_what_redis_says_is_left(settings, monkeypatch, answer, retry_after):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, 600)
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = (1, 600)
    monkeypatch.setattr(protection.limits, "redis_client", lambda key: ScriptAnswers(answer))
    with pytest.raises(CommentRefused) as refused:
        protection.claim_submission(nonce="form", ip_hash="reader", email="sam@example.org", duplicate_key="text")
    assert (refused.value.status, refused.value.retry_after) == (429, retry_after)


def test_a_request_without_a_user_agent_stores_none():
    assert protection.trimmed_user_agent(RequestFactory().get("/")) == ""


@pytest.mark.parametrize(
    ("make", "refusal"),
    [
        (
            lambda article: protection.form_token(article, now=NOW - 601),
            "This form was open too long. Your text is kept below: please send it again.",
        ),
        (
            lambda article: protection.form_token(article, now=NOW - 1),
            "That was sent too quickly to be a person typing. Please wait a few seconds and send it again.",
        ),
        (
            lambda article: protection.form_token(ArticleFactory(), now=NOW - 30),
            "This form belongs to another article. Please send your comment again.",
        ),
    ],
)
def test_each_refused_form_says_why_in_words(article, make, refusal):
    with pytest.raises(CommentRefused) as refused:
        protection.check_form_token(make(article), article, now=NOW)
    assert refused.value.message == refusal


def test_tokens_cookies_and_reporters_from_before_a_release_still_count(settings):
    """The salts keep their names (see comments/protection.py): a release must not void what readers hold."""
    thanks = signing.dumps({"c": 7, "s": "approved"}, salt="articles.comments.thanks")
    assert protection.read_thanks_token(thanks) == {"c": 7, "s": "approved"}
    report = signing.dumps({"c": 7, "a": 3}, salt="comments.report-thanks")
    assert protection.read_report_thanks_token(report, 7) == 3
    request = RequestFactory().get("/")
    request.COOKIES = {
        "your_thoughts": signing.get_cookie_signer(salt="your_thoughtscomments.known-reader").sign("4,5")
    }
    assert protection.sent_comment_ids(request) == [4, 5]

    def stored(value):  # the hash a report stored before
        return salted_hmac(
            "articles.comments.reporter", value, secret=settings.COMMENTS_IP_HASH_SALT, algorithm="sha256"
        ).hexdigest()

    request.user = SimpleNamespace(is_authenticated=True, pk=12)
    assert protection.reporter_hash(request) == stored("user:12")
    request.user = SimpleNamespace(is_authenticated=False, pk=None)
    assert protection.reporter_hash(request) == stored(f"ip:{client_address(request)}")


@pytest.mark.parametrize("limited", ["ip", "email"])
def test_attempts_given_back_do_not_count_towards_a_limit(settings, limited):
    # Without Redis too: forms the reader had to correct give their attempt back (Claim.release).
    settings.COMMENTS_RATE_LIMIT_PER_IP = (2, 600) if limited == "ip" else (100, 600)
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = (2, 600) if limited == "email" else (100, 600)

    def claim(name):
        return protection.claim_submission(
            nonce=name, ip_hash="reader", email="sam@example.org", duplicate_key=f"text-{name}"
        )

    for number in range(3):
        claim(f"corrected-{number}").release()
    claim("sent-1")
    claim("sent-2")
    with pytest.raises(CommentRefused) as refused:
        claim("sent-3")
    assert refused.value.status == 429


def test_a_reader_over_the_report_limit_is_told_so(settings):
    settings.COMMENTS_REPORT_RATE_LIMIT_PER_IP = (1, 3600)
    protection.check_report_rate_limit(ip_hash="reader")
    with pytest.raises(CommentRefused) as refused:
        protection.check_report_rate_limit(ip_hash="reader")
    assert refused.value.status == 429
    assert refused.value.message == "You have sent a lot of reports recently. Please wait a while and try again."


def test_a_form_claimed_a_second_time_is_refused_with_the_text_kept():
    # Without Redis the claim is made step by step: the nonce first, as the script does.
    protection.claim_submission(nonce="form", ip_hash="reader", email="sam@example.org", duplicate_key="one")
    with pytest.raises(CommentRefused) as refused:
        protection.claim_submission(nonce="form", ip_hash="reader", email="sam@example.org", duplicate_key="two")
    assert (refused.value.status, refused.value.message) == (400, protection.REPLAYED)
    assert protection.REPLAYED == (
        "This form has already been sent once. Your text is kept below: please send it again."
    )


class RedisFails:
    def __init__(self, error):
        self.error = error

    def eval(self, *args):
        raise self.error("Redis did not answer")


@pytest.mark.parametrize("error", [RedisConnectionError, RedisTimeoutError])
def test_a_redis_that_refuses_or_times_out_accepts_no_form(monkeypatch, error):
    # Fails closed, as the form token does: no one can tell a first sending from a replay.
    monkeypatch.setattr(protection.limits, "redis_client", lambda key: RedisFails(error))
    with pytest.raises(CommentRefused) as refused:
        protection.claim_submission(nonce="form", ip_hash="reader", email="sam@example.org", duplicate_key="text")
    assert (refused.value.status, refused.value.message) == (400, protection.REPLAYED)


# The form's age, the rate limits' counts and the hashes.


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
