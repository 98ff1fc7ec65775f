"""Simultaneous submissions on PostgreSQL: none lost, none duplicated, limits hold.

Each thread is a separate request with its own database connection, as on a
multi-process server; the cache counters are the same ones every process shares.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments.models import Comment, CommentReport
from tests.support.comments import comment_data
from tests.support.factories import ArticleFactory, CommentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL (DATABASE_URL)"),
]


def run_together(requests):
    """Start every request at the same moment; return the status codes in order."""
    barrier = threading.Barrier(len(requests))
    statuses = [None] * len(requests)

    def worker(index, send):
        try:
            barrier.wait()
            statuses[index] = send(Client()).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, send)) for i, send in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def submission(article, n, *, body=None, ip=None):
    url = reverse("comments:submit", kwargs={"slug": article.slug})
    data = comment_data(article, email=f"reader{n}@example.org", body=body or f"Comment number {n} on the pilot")
    return lambda client: client.post(url, data, REMOTE_ADDR=ip or f"198.51.100.{n + 1}")


def test_many_simultaneous_valid_comments_are_all_stored_once():
    article = ArticleFactory()
    statuses = run_together([submission(article, n) for n in range(12)])
    assert statuses == [302] * 12
    bodies = sorted(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert bodies == sorted(f"Comment number {n} on the pilot" for n in range(12))


def test_the_same_comment_sent_simultaneously_is_stored_once():
    article = ArticleFactory()
    statuses = run_together([submission(article, n, body="Exactly the same words") for n in range(8)])
    assert sorted(statuses) == [302] + [400] * 7
    assert Comment.objects.filter(article=article).count() == 1


def test_the_ip_rate_limit_holds_under_simultaneous_requests(settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (3, 600)
    article = ArticleFactory()
    statuses = run_together([submission(article, n, ip="203.0.113.77") for n in range(8)])
    assert sorted(statuses) == [302] * 3 + [429] * 5
    assert Comment.objects.filter(article=article).count() == 3


def test_simultaneous_reports_are_all_kept_and_the_threshold_applies_once(settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = CommentFactory()
    url = reverse("comments:report", kwargs={"pk": comment.pk})

    def reporter(n):
        return lambda client: client.post(url, {"reason": "abuse"}, REMOTE_ADDR=f"192.0.2.{n + 1}")

    assert run_together([reporter(n) for n in range(6)]) == [302] * 6
    assert CommentReport.objects.filter(comment=comment).count() == 6
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
