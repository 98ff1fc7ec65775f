"""What is sent, through Django's SMTP backend to a real SMTP server (aiosmtpd) on a spare port.

Tasks run in-process here (no REDIS_URL: task_always_eager); tests/integration/test_alerts_worker.py
runs them on a real Celery worker and Redis.
"""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts import services, tasks
from alerts.models import Change, SentAlert, Subscription
from comments.models import Comment
from comments.services import erase_reader, moderate_comments, submit_comment
from councils.choices import MembershipRole, PartnershipStatus, PilotStatus
from councils.partnerships import partnership_add_member, partnership_create, partnership_update
from councils.services import council_set_status, status_change_correct
from tests.support.factories import ArticleFactory, CommentFactory, CouncilFactory, ProgrammeFactory, UserFactory
from tests.support.smtp import subject_of, text_of

from .helpers import confirmed, unsubscribe_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(short_name="Herefordshire", slug="herefordshire", status=PilotStatus.SHORTLISTED)


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Writes whose after-commit hooks (the fan-out) run at the end of the block, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_status_change_reaches_a_confirmed_follower_once_with_text_and_html(smtp, council, run_tasks):
    follower = confirmed("parent@example.org", followed=council)
    services.follow(email="unconfirmed@example.org", target="council", followed=council)
    with run_tasks():
        change = council_set_status(
            council=council,
            status=PilotStatus.CONSIDERING,
            effective_on=timezone.localdate() - datetime.timedelta(days=2),
            note="The cabinet is weighing a bid.",
            source_url="https://example.org/cabinet",
            source_title="Cabinet papers",
        )
    assert [m.recipients for m in smtp.messages] == [["parent@example.org"]]
    (message,) = smtp.messages
    assert subject_of(message) == "Herefordshire: Shortlisted → Considering"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(follower) in message["List-Unsubscribe"]
    text = text_of(message)
    for expected in (
        "Was: Shortlisted",
        "Now: Considering",
        f"Effective from: {change.effective_on:%-d %B %Y}",
        "Note: The cabinet is weighing a bid.",
        "Source: Cabinet papers (https://example.org/cabinet)",
        f"https://send-tracker.example/councils/herefordshire/#change-{change.pk}",
    ):
        assert expected in text
    html = text_of(message, "html")
    assert "<h1>Herefordshire: Shortlisted → Considering</h1>" in html
    assert '<a href="https://example.org/cabinet">Cabinet papers</a>' in html
    assert "<img" not in html

    # The fan-out run again (a retried task, a second worker): nothing is sent twice.
    tasks.fan_out(Change.objects.get().pk)
    tasks.send_alerts(Change.objects.get().pk, [follower.pk])
    assert len(smtp.messages) == 1


def test_a_mail_server_failure_is_retried_and_the_alert_is_not_lost(smtp, council, run_tasks):
    follower = confirmed("parent@example.org", followed=council)
    smtp.fail_next = 2
    with run_tasks():
        council_set_status(council=council, status=PilotStatus.CONSIDERING)
    assert smtp.refused == 2
    assert [m.recipients for m in smtp.messages] == [["parent@example.org"]]
    assert SentAlert.objects.get(subscription=follower).sent_at is not None


def test_an_unsent_claim_is_sent_again_by_the_sweep(smtp, council, run_tasks, settings):
    follower = confirmed("parent@example.org", followed=council)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with run_tasks():
        change = council_set_status(council=council, status=PilotStatus.CONSIDERING)
    smtp.clear()
    alert = SentAlert.objects.get()
    SentAlert.objects.filter(pk=alert.pk).update(sent_at=None, created_at=timezone.now() - datetime.timedelta(hours=1))
    assert tasks.send_unsent() == 1
    assert [subject_of(m) for m in smtp.to("parent@example.org")] == [Change.objects.get(status_change=change).headline]
    assert tasks.send_unsent() == 0
    assert follower.sent.get().sent_at is not None


def test_a_change_whose_fan_out_was_never_queued_is_picked_up(smtp, council):
    confirmed("parent@example.org", followed=council)
    council_set_status(council=council, status=PilotStatus.CONSIDERING)  # on_commit never runs: the broker was down
    Change.objects.update(happened_at=timezone.now() - datetime.timedelta(minutes=5))
    assert tasks.fan_out_pending() == 1
    assert len(smtp.messages) == 1
    assert tasks.fan_out_pending() == 0


def test_a_correction_goes_to_readers_told_of_the_change_and_says_what_changed(smtp, council, run_tasks, staff_roles):
    editor = UserFactory(username="editor", role="Editors")
    told = confirmed("told@example.org", followed=council)
    with run_tasks():
        change = council_set_status(council=council, status=PilotStatus.CONSIDERING, note="Cabinet to decide.")
    later = confirmed("later@example.org", followed=council)
    smtp.clear()
    with run_tasks():
        status_change_correct(change=change, by=editor, reason="The council's own minutes", note="Cabinet decided.")
    assert [m.recipients for m in smtp.messages] == [["told@example.org"]]
    text = text_of(smtp.messages[0])
    assert subject_of(smtp.messages[0]).startswith("Correction: Herefordshire")
    assert "Note: was Cabinet to decide.; now Cabinet decided." in text
    assert "Why: The council's own minutes" in text
    assert not SentAlert.objects.filter(subscription=later).exists()
    assert told.sent.count() == 2


def test_partnership_formed_and_changed_reach_tracker_and_council_followers(smtp, council, run_tasks):
    everything = confirmed("everything@example.org", target="tracker")
    local = confirmed("local@example.org", followed=council)
    with run_tasks():
        partnership = partnership_create(
            programme=ProgrammeFactory(), name="West Midlands partnership", slug="west-midlands", status="proposed"
        )
    assert [subject_of(m) for m in smtp.to("everything@example.org")] == ["New partnership: West Midlands partnership"]
    assert smtp.to("local@example.org") == []
    with run_tasks():
        partnership_add_member(
            partnership=partnership, council=council, role=MembershipRole.LEAD, joined_on=timezone.localdate()
        )
    assert [subject_of(m) for m in smtp.to("local@example.org")] == [
        "Herefordshire joined West Midlands partnership as lead council"
    ]
    with run_tasks():
        partnership_update(partnership=partnership, status=PartnershipStatus.CONFIRMED)
    subjects = [subject_of(m) for m in smtp.to("local@example.org")]
    assert subjects[-1] == "West Midlands partnership: status changed"
    assert "Status: Confirmed" in text_of(smtp.to("local@example.org")[-1])
    assert len(smtp.to("everything@example.org")) == 3
    assert everything.sent.count() == 3 and local.sent.count() == 2


def test_the_weekly_digest_lists_the_weeks_three_changes_once(smtp, council, run_tasks):
    other = CouncilFactory(short_name="Shropshire", slug="shropshire", status=PilotStatus.SHORTLISTED)
    weekly = confirmed("weekly@example.org", target="tracker", frequency="weekly")
    Subscription.objects.filter(pk=weekly.pk).update(confirmed_at=timezone.now() - datetime.timedelta(days=10))
    old = council_set_status(council=other, status=PilotStatus.CONSIDERING)
    Change.objects.filter(status_change=old).update(happened_at=timezone.now() - datetime.timedelta(days=8))
    with run_tasks():
        council_set_status(council=council, status=PilotStatus.CONSIDERING, note="First step.")
        council_set_status(council=council, status=PilotStatus.EOI_SUBMITTED, note="Bid sent.")
        council_set_status(council=other, status=PilotStatus.DECLINED, note="Not this time.")
    assert smtp.messages == []  # a weekly subscriber gets nothing straight away

    assert tasks.send_weekly_digests() == 1
    (digest,) = smtp.messages
    assert subject_of(digest) == "SEND Tracker: this week's changes (3)"
    text = text_of(digest)
    assert (
        text.index("1. Herefordshire: Shortlisted → Considering")
        < text.index("2. Herefordshire: Considering → Expression of interest submitted")
        < text.index("3. Shropshire: Considering → Declined")
    )
    assert "Note: Bid sent." in text and "Note: Not this time." in text
    assert "Shortlisted → Considering (" not in text.split("1. ")[0]  # last week's change is not in it
    assert text.count("Shropshire: Shortlisted → Considering") == 0
    html = text_of(digest, "html")
    assert html.count("<h2>") == 3
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert tasks.send_weekly_digests() == 1 and len(smtp.messages) == 1  # the same week again: nothing new


def test_reply_notices_one_per_approved_reply(smtp, run_tasks, moderator):
    article = ArticleFactory(slug="story", comment_moderation="pre")
    parent = CommentFactory(article=article, email="asker@example.org", notify_replies=True)
    quiet = CommentFactory(article=article, email="quiet@example.org", notify_replies=False)
    with run_tasks():
        reply = submit_comment(
            article=article,
            display_name="Answerer",
            email="answerer@example.org",
            reader_role="",
            body="We had the same wait in our county.",
            parent=parent,
            ip_hash="x",
            user_agent="",
        )
    assert reply.status == Comment.Status.PENDING
    assert smtp.messages == []  # not until a moderator approves it
    with run_tasks():
        moderate_comments(comments=Comment.objects.filter(pk=reply.pk), status=Comment.Status.APPROVED, by=moderator)
    assert [m.recipients for m in smtp.messages] == [["asker@example.org"]]
    assert subject_of(smtp.messages[0]) == f"Answerer replied on “{article.headline}”"
    assert "We had the same wait in our county." in text_of(smtp.messages[0])
    with run_tasks():  # approved again (after reports): no second notice
        moderate_comments(comments=Comment.objects.filter(pk=reply.pk), status=Comment.Status.APPROVED, by=moderator)
    assert len(smtp.messages) == 1
    with run_tasks():
        CommentFactory(article=article, parent=quiet, status=Comment.Status.PENDING)
        moderate_comments(comments=Comment.objects.filter(parent=quiet), status=Comment.Status.APPROVED, by=moderator)
    assert len(smtp.messages) == 1


def test_the_comment_form_offers_reply_notices(client):
    article = ArticleFactory(slug="story")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'name="notify_replies"' in html
    assert "Email me when someone replies" in html


def test_article_followers_hear_of_new_comments_but_not_their_own(smtp, run_tasks, moderator):
    article = ArticleFactory(slug="story")
    confirmed("follower@example.org", target="article", followed=article)
    with run_tasks():
        CommentFactory(article=article, email="follower@example.org", status=Comment.Status.PENDING)
        CommentFactory(article=article, email="other@example.org", status=Comment.Status.PENDING)
        moderate_comments(comments=Comment.objects.all(), status=Comment.Status.APPROVED, by=moderator)
    assert len(smtp.to("follower@example.org")) == 1


def test_moderators_get_a_digest_of_comments_waiting_over_an_hour(smtp, staff_roles, settings):
    UserFactory(username="mod", role="Moderators", email="mod@example.org")
    UserFactory(username="journo", role="Journalists", email="journo@example.org")
    article = ArticleFactory(slug="story", headline="The pilot so far")
    CommentFactory(article=article, status=Comment.Status.PENDING)  # waiting minutes only
    assert tasks.send_moderators_digest() == 0
    old = CommentFactory(article=article, display_name="Early bird", status=Comment.Status.PENDING)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert tasks.send_moderators_digest() == 1
    (digest,) = smtp.messages
    assert digest.recipients == ["mod@example.org"]
    assert 'Early bird on "The pilot so far"' in text_of(digest)
    assert "/admin/comments/comment/?status__exact=pending" in text_of(digest)
    assert tasks.send_moderators_digest() == 0  # once an hour


def test_the_address_never_appears_in_a_log_line(smtp, client, council, run_tasks, caplog):
    caplog.set_level(logging.DEBUG)  # mail.log is the test's SMTP server, which logs recipients itself
    with run_tasks():
        client.post(
            "/alerts/follow/",
            {
                "email": "secret.parent@example.org",
                "frequency": "immediate",
                "target": "council",
                "followed": council.pk,
            },
        )
    services.confirm(Subscription.objects.get())
    with run_tasks():
        council_set_status(council=council, status=PilotStatus.CONSIDERING)
    assert len(smtp.messages) == 2
    app_lines = [r.getMessage() + str(r.__dict__) for r in caplog.records if not r.name.startswith("mail.log")]
    assert app_lines  # the app did log (requests, tasks), just never the address
    assert not [line for line in app_lines if "secret.parent" in line]


def test_purge_comment_pii_applies_to_subscribers(council):
    old_unconfirmed = services.follow(email="old@example.org", target="council", followed=council, ip_hash="abc")
    old_confirmed = confirmed("kept@example.org", followed=council)
    Subscription.objects.filter(pk=old_unconfirmed.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    Subscription.objects.filter(pk=old_confirmed.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400), ip_hash="def"
    )
    SentAlert.objects.create(
        subscription=old_confirmed,
        key="status:1",
        created_at=timezone.now() - datetime.timedelta(days=400),
        sent_at=timezone.now() - datetime.timedelta(days=400),
    )
    parent = CommentFactory(email="", notify_replies=False)
    Subscription.objects.create(email="gone@example.org", target="replies", comment=parent, confirmed_at=timezone.now())
    call_command("purge_comment_pii", "--older-than", "365", verbosity=0)
    assert list(Subscription.objects.values_list("email", "ip_hash")) == [("kept@example.org", "")]
    assert SentAlert.objects.count() == 0


def test_a_chunk_task_lost_with_the_broker_is_sent_by_the_sweep(smtp, council, monkeypatch):
    confirmed("parent@example.org", followed=council)
    council_set_status(council=council, status=PilotStatus.CONSIDERING)
    monkeypatch.setattr(tasks.send_alerts, "delay", lambda *args: None)  # queued, then lost
    assert tasks.fan_out(Change.objects.get().pk) == 1
    assert smtp.messages == []
    assert SentAlert.objects.filter(sent_at=None).count() == 1  # recorded before it was queued
    monkeypatch.undo()
    SentAlert.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert tasks.send_unsent() == 1
    assert len(smtp.to("parent@example.org")) == 1


def test_an_erased_reader_gets_no_more_reply_notices(smtp, run_tasks, moderator):
    article = ArticleFactory(slug="story")
    parent = CommentFactory(article=article, email="asker@example.org", notify_replies=True)
    with run_tasks():
        CommentFactory(article=article, parent=parent, status=Comment.Status.PENDING)
        moderate_comments(comments=Comment.objects.filter(parent=parent), status=Comment.Status.APPROVED, by=moderator)
    assert len(smtp.to("asker@example.org")) == 1
    erase_reader(comments=Comment.objects.filter(pk=parent.pk), by=moderator)
    with run_tasks():
        CommentFactory(article=article, parent=parent, status=Comment.Status.PENDING, body="Another reply.")
        moderate_comments(
            comments=Comment.objects.filter(parent=parent, body="Another reply."),
            status=Comment.Status.APPROVED,
            by=moderator,
        )
    assert len(smtp.to("asker@example.org")) == 1
