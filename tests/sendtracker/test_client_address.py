"""One client address behind the load balancer, for every limit that counts per client.

DJANGO_TRUSTED_PROXY_COUNT is the one setting: comments, reports and the API throttle
(and the login lockout, tests/sendtracker/test_login.py) all read the client through
sendtracker.client_address.
"""

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from comments.models import Comment, CommentReport
from comments.protection import form_token, hash_ip
from sendtracker.client_address import client_address
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LOAD_BALANCER = "10.0.0.1"
READERS = [f"203.0.113.{n}" for n in range(1, 7)]


@pytest.fixture(autouse=True)
def empty_counters(settings):
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article():
    return ArticleFactory(comment_moderation="post")


def comment(client, article, n, forwarded_for):
    return client.post(
        f"/articles/{article.slug}/comments/",
        {
            "display_name": f"Reader {n}",
            "email": f"reader{n}@example.org",
            "body": f"Reader {n} thinks the pilot should reach families sooner.",
            "started": form_token(article, now=time.time() - 30),
            "reader_role": "",
            "reply_to": "",
            "website": "",
        },
        REMOTE_ADDR=LOAD_BALANCER,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def report(client, comment_pk, forwarded_for):
    return client.post(
        f"/articles/comments/{comment_pk}/report/",
        {"reason": "abuse", "detail": ""},
        REMOTE_ADDR=LOAD_BALANCER,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_six_readers_behind_one_trusted_proxy_each_comment_and_report(client, article, settings):
    """Deployed as docs/deploy.md says (one load balancer, count 1): no shared bucket."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.COMMENTS_RATE_LIMIT_PER_IP = (5, 600)
    settings.COMMENTS_REPORT_THRESHOLD = 100
    for n, reader in enumerate(READERS, start=1):
        assert comment(client, article, n, reader).status_code == 302, f"reader {n} was refused"
    assert Comment.objects.filter(article=article).count() == 6
    Comment.objects.update(status=Comment.Status.APPROVED)  # a moderator lets them through
    target = Comment.objects.get(display_name="Reader 1")
    for reader in READERS:
        assert report(client, target.pk, reader).status_code == 302, f"{reader}'s report was refused"
    assert CommentReport.objects.filter(comment=target).count() == 6


def test_a_spoofed_extra_address_never_changes_the_identity(client, article, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, 600)
    assert comment(client, article, 1, "203.0.113.9").status_code == 302
    # The same reader writes a made-up address in front; the load balancer appends the real one.
    assert comment(client, article, 2, "198.51.100.77, 203.0.113.9").status_code == 429
    assert Comment.objects.get(display_name="Reader 1").ip_hash == hash_ip("203.0.113.9")
    Comment.objects.update(status=Comment.Status.APPROVED)
    target = Comment.objects.get(display_name="Reader 1")
    assert report(client, target.pk, "203.0.113.50").status_code == 302
    refused = report(client, target.pk, "192.0.2.1, 203.0.113.50")
    assert refused.status_code == 409
    assert "already reported" in refused.content.decode()


def test_with_no_trusted_proxy_the_header_is_ignored(client, article, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, 600)
    assert comment(client, article, 1, "203.0.113.1").status_code == 302
    # Another forwarded address, but the same connection: the same client.
    assert comment(client, article, 2, "203.0.113.2").status_code == 429
    assert Comment.objects.get(display_name="Reader 1").ip_hash == hash_ip(LOAD_BALANCER)


def test_the_api_throttle_counts_each_reader_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    settings.PAGE_CACHE_ENABLED = False

    def get(reader):
        return client.get("/api/councils/", REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=reader)

    assert [get("203.0.113.1").status_code for _ in range(3)] == [200, 200, 429]
    assert get("203.0.113.2").status_code == 200  # another reader has a bucket of their own
    assert get("6.6.6.6, 203.0.113.1").status_code == 429  # spoofing a first hop does not reset it


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.1", "10.0.0.1"),
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "6.6.6.6, 203.0.113.1", "203.0.113.1"),
        (2, "203.0.113.1, 10.0.0.9", "203.0.113.1"),
        (2, "6.6.6.6, 203.0.113.1, 10.0.0.9", "203.0.113.1"),
        (2, "10.0.0.9", "10.0.0.1"),  # fewer hops than proxies: not through them all, the peer counts
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address_reads_the_entry_the_nearest_trusted_proxy_added(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6, 203.0.113.1, 10.0.0.9", "10.0.0.1"),  # no trusted proxy: never read, however long
        (1, " 203.0.113.1 ", "203.0.113.1"),  # spaces around an entry are not part of the address
        (1, "203.0.113.1,", "203.0.113.1"),  # an empty entry is not a hop
        (2, "203.0.113.1,10.0.0.9", "203.0.113.1"),  # exactly as many hops as proxies
        (2, "203.0.113.1, , 10.0.0.9", "203.0.113.1"),
        (2, "", "10.0.0.1"),
        (3, "6.6.6.6, 203.0.113.1, 10.0.0.8, 10.0.0.9", "203.0.113.1"),
    ],
)
def test_client_address_at_zero_one_two_and_three_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_request_with_no_address_at_all_is_one_unknown_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) == ""
    assert hash_ip("") == hash_ip(None) == hash_ip("unknown")
