"""Readers' reports: one per reader, a threshold that sends a comment back to the queue, a rate limit."""

import pytest
from django.urls import reverse

from comments.models import Comment, CommentReport
from tests.support.comments import admin_action
from tests.support.factories import CommentFactory

pytestmark = pytest.mark.django_db


def report(client, comment, ip="192.0.2.10", reason="abuse", detail=""):
    return client.post(
        reverse("comments:report", kwargs={"pk": comment.pk}),
        {"reason": reason, "detail": detail},
        REMOTE_ADDR=ip,
    )


def test_each_approved_comment_has_a_report_link_and_form(client):
    comment = CommentFactory(body="Reportable words")
    html = client.get(comment.article.get_absolute_url()).content.decode()
    url = reverse("comments:report", kwargs={"pk": comment.pk})
    assert f'href="{url}"' in html
    form = client.get(url).content.decode()
    assert "Reportable words" in form and "Identifies a child or shares private information" in form


def test_a_report_is_recorded_and_thanked(client):
    comment = CommentFactory()
    response = report(client, comment, detail="Names a pupil")
    assert response.status_code == 302
    assert "Thanks for your report" in client.get(response.url).content.decode()
    saved = CommentReport.objects.get()
    assert (saved.comment, saved.reason, saved.detail) == (comment, "abuse", "Names a pupil")
    assert "192.0.2.10" not in saved.reporter_hash


def test_a_report_without_a_reason_is_a_400(client):
    comment = CommentFactory()
    response = report(client, comment, reason="")
    assert response.status_code == 400
    assert "Choose why you are reporting this comment." in response.content.decode()
    assert not CommentReport.objects.exists()


def test_one_report_per_reader_per_comment(client):
    comment = CommentFactory()
    assert report(client, comment).status_code == 302
    again = report(client, comment, reason="spam")
    assert again.status_code == 409
    assert "You have already reported this comment." in again.content.decode()
    assert CommentReport.objects.count() == 1


def test_at_the_threshold_the_comment_goes_back_to_pending(client, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = CommentFactory(body="Contested words")
    for n in range(2):
        report(client, comment, ip=f"192.0.2.{n}")
    comment.refresh_from_db()
    assert comment.status == "approved"
    report(client, comment, ip="192.0.2.99")
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert comment.held_reason == "Reported by 3 readers"
    assert "Contested words" not in client.get(comment.article.get_absolute_url()).content.decode()


def test_reports_a_moderator_has_weighed_do_not_count_again(client, settings, moderator):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = CommentFactory()
    report(client, comment, ip="192.0.2.1")
    report(client, comment, ip="192.0.2.2")
    client.force_login(moderator)
    admin_action(client, "approve_comments", [Comment.objects.get()], confirm="yes", reason="Fair comment")
    client.logout()
    report(client, comment, ip="192.0.2.3")
    comment.refresh_from_db()
    assert comment.status == "approved"


def test_only_approved_comments_can_be_reported(client):
    comment = CommentFactory(status="pending")
    assert client.get(reverse("comments:report", kwargs={"pk": comment.pk})).status_code == 404
    assert report(client, comment).status_code == 404


def test_reports_are_rate_limited(client, settings):
    settings.COMMENTS_REPORT_RATE_LIMIT_PER_IP = (2, 600)
    comments = CommentFactory.create_batch(3)
    assert [report(client, c).status_code for c in comments] == [302, 302, 429]


def test_a_reader_who_had_the_page_open_can_still_report_a_comment_just_taken_back(client, settings):
    """Reports arriving together: the one after the threshold is kept and thanked, not a 404."""
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = CommentFactory()
    report(client, comment, ip="192.0.2.1")
    report(client, comment, ip="192.0.2.2")
    comment.refresh_from_db()
    assert comment.status == "pending"

    late = report(client, comment, ip="192.0.2.3")

    assert late.status_code == 302
    assert client.get(late["Location"]).status_code == 200
    assert CommentReport.objects.filter(comment=comment).count() == 3


def test_a_comment_held_when_sent_is_never_shown_by_the_report_pages(client):
    held = CommentFactory(status="pending", held_reason="first comment from this email address")
    assert client.get(reverse("comments:report", kwargs={"pk": held.pk})).status_code == 404
    # The thanks page is the same for every id (tests/comments/test_report_answers.py): it says nothing either.
    held_url = reverse("comments:report_thanks", kwargs={"pk": held.pk})
    missing_url = reverse("comments:report_thanks", kwargs={"pk": held.pk + 1000})
    held_thanks, missing_thanks = client.get(held_url), client.get(missing_url)
    assert held_thanks.status_code == missing_thanks.status_code == 200
    assert held_thanks.content.replace(held_url.encode(), b"") == missing_thanks.content.replace(
        missing_url.encode(), b""
    )
