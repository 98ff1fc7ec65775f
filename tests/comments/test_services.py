"""The writes: duplicates refused at submission, and the purge of old personal data."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.checks import fingerprint
from comments.models import Comment, CommentReport
from tests.support.comments import post_comment
from tests.support.factories import CommentFactory

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def test_a_duplicate_comment_is_refused(client, article):
    assert post_comment(client, article).status_code == 302
    response = post_comment(
        client,
        article,
        ip="203.0.113.50",
        email="other@example.org",
        body="  the PILOT needs to reach families sooner. ",
    )
    assert response.status_code == 400
    assert "already been sent" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_duplicate_is_caught_from_the_database_when_the_cache_has_forgotten(client, article):
    CommentFactory(
        article=article,
        body="Same words",
        fingerprint=fingerprint("Same words"),
    )
    response = post_comment(client, article, body="Same words")
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_purge_comment_pii_clears_old_personal_data(capsys):
    old = CommentFactory(created_at=ago(days=400), ip_hash="b" * 64, user_agent="Old browser")
    recent = CommentFactory(created_at=ago(days=10), ip_hash="c" * 64, user_agent="New browser")
    old_report = CommentReport.objects.create(
        comment=recent, reason="spam", reporter_hash="d" * 64, created_at=ago(days=400)
    )
    call_command("purge_comment_pii", "--older-than", "365")
    assert "Cleared personal data from 1 comment and 1 report older than 365 days." in capsys.readouterr().out
    old.refresh_from_db()
    recent.refresh_from_db()
    old_report.refresh_from_db()
    assert (old.email, old.ip_hash, old.user_agent) == ("", "", "")
    assert old.body and old.display_name  # what was published stays published
    assert recent.email and recent.ip_hash == "c" * 64
    assert old_report.reporter_hash == f"purged:{old_report.pk}"
    call_command("purge_comment_pii", "--older-than", "365")  # idempotent
    assert "from 0 comments and 0 reports" in capsys.readouterr().out


def test_purge_comment_pii_needs_a_sensible_age():
    with pytest.raises(CommandError):
        call_command("purge_comment_pii", "--older-than", "-1")
