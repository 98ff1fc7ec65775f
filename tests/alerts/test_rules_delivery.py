"""Who hears of what in the weekly digest, and each message sent at most once (alerts/delivery.py).

Written against the mutants `make mutate` makes of alerts/delivery.py: each test is what a
reader would notice (a digest listing someone else's council, a correction of news they
never had, the same message twice, a week with nothing in it still mailed).
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from alerts import delivery, tasks
from alerts.models import Change, SentAlert, Subscription
from comments.models import Comment
from comments.services import moderate_comments
from councils.choices import MembershipRole, PilotStatus
from councils.partnerships import (
    partnership_add_member,
    partnership_create,
    partnership_remove_member,
    partnership_update,
)
from councils.services import council_set_status, status_change_correct
from tests.support.factories import ArticleFactory, CommentFactory, CouncilFactory, ProgrammeFactory, UserFactory
from tests.support.smtp import subject_of, text_of

from .helpers import confirmed

pytestmark = pytest.mark.django_db


def weekly(email, target, followed=None, *, confirmed_days_ago=10):
    subscription = confirmed(email, target=target, followed=followed, frequency="weekly")
    Subscription.objects.filter(pk=subscription.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=confirmed_days_ago)
    )
    subscription.refresh_from_db()
    return subscription


def listed(smtp, email):
    """The headlines of the digests ``email`` received, in order, one list per digest."""
    line = re.compile(r"\d+\. (.*) \(\d+ \w+ \d{4}\)")
    return [[found.group(1) for found in map(line.fullmatch, text_of(m).splitlines()) if found] for m in smtp.to(email)]


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Writes whose after-commit hooks (the fan-out) run at the end of the block, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def councils():
    return (
        CouncilFactory(short_name="Herefordshire", slug="herefordshire", status=PilotStatus.SHORTLISTED),
        CouncilFactory(short_name="Shropshire", slug="shropshire", status=PilotStatus.SHORTLISTED),
        CouncilFactory(short_name="Powys", slug="powys", status=PilotStatus.SHORTLISTED),
    )


@pytest.fixture
def partnership(councils):
    """Herefordshire and Shropshire in one partnership (Powys in none)."""
    here, shrop, _powys = councils
    made = partnership_create(
        programme=ProgrammeFactory(), name="Marches partnership", slug="marches", status="proposed"
    )
    today = timezone.localdate()
    partnership_add_member(partnership=made, council=here, role=MembershipRole.LEAD, joined_on=today)
    partnership_add_member(partnership=made, council=shrop, role=MembershipRole.PARTNER, joined_on=today)
    return made


def test_a_council_followers_digest_has_that_council_and_its_partnership_only(smtp, councils, partnership):
    here, shrop, powys = councils
    reader = weekly("here@example.org", "council", here)
    council_set_status(council=here, status=PilotStatus.CONSIDERING)
    council_set_status(council=shrop, status=PilotStatus.CONSIDERING)
    council_set_status(council=powys, status=PilotStatus.CONSIDERING)
    other = partnership_create(programme=ProgrammeFactory(), name="Wales partnership", slug="wales", status="proposed")
    partnership_add_member(partnership=other, council=powys, role=MembershipRole.LEAD, joined_on=timezone.localdate())

    assert tasks.send_weekly_digests() == 1
    assert listed(smtp, reader.email) == [
        [
            "New partnership: Marches partnership",
            "Herefordshire joined Marches partnership as lead council",
            "Shropshire joined Marches partnership as partner council",
            "Herefordshire: Shortlisted → Considering",
        ]
    ]


def test_a_tracker_followers_digest_has_every_councils_changes_and_the_partnerships_news(smtp, councils, partnership):
    here, _shrop, powys = councils
    reader = weekly("tracker@example.org", "tracker")
    council_set_status(council=powys, status=PilotStatus.CONSIDERING)

    tasks.send_weekly_digests()
    assert listed(smtp, reader.email) == [
        [
            "New partnership: Marches partnership",
            f"{here.short_name} joined Marches partnership as lead council",
            "Shropshire joined Marches partnership as partner council",
            "Powys: Shortlisted → Considering",
        ]
    ]


def test_a_partnership_followers_digest_has_its_members_status_changes(smtp, councils, partnership):
    here, shrop, powys = councils
    reader = weekly("marches@example.org", "partnership", partnership)
    Change.objects.all().delete()  # the partnership's own news is not what this test is about
    council_set_status(council=shrop, status=PilotStatus.CONSIDERING)
    council_set_status(council=powys, status=PilotStatus.CONSIDERING)
    partnership_create(programme=ProgrammeFactory(), name="Wales partnership", slug="wales", status="proposed")

    tasks.send_weekly_digests()
    assert listed(smtp, reader.email) == [["Shropshire: Shortlisted → Considering"]]


def test_an_article_followers_digest_has_its_new_comments_only(smtp, moderator):
    article, elsewhere = ArticleFactory(slug="story"), ArticleFactory(slug="other-story")
    reader = weekly("story@example.org", "article", article)
    CommentFactory(article=article, status=Comment.Status.PENDING, display_name="Ann")
    CommentFactory(article=elsewhere, status=Comment.Status.PENDING, display_name="Bob")
    moderate_comments(comments=Comment.objects.all(), status=Comment.Status.APPROVED, by=moderator)

    tasks.send_weekly_digests()
    assert listed(smtp, reader.email) == [[f"New comment on “{article.headline}”"]]


def test_a_weekly_reply_follower_hears_of_replies_to_their_comment_only(smtp, moderator):
    article = ArticleFactory(slug="story")
    mine, theirs = CommentFactory(article=article), CommentFactory(article=article)
    reader = Subscription.objects.create(
        email="asker@example.org",
        target="replies",
        comment=mine,
        frequency="weekly",
        confirmed_at=timezone.now() - datetime.timedelta(days=10),
    )
    CommentFactory(article=article, parent=mine, display_name="Ann", status=Comment.Status.PENDING)
    CommentFactory(article=article, parent=theirs, display_name="Bob", status=Comment.Status.PENDING)
    moderate_comments(
        comments=Comment.objects.filter(parent__isnull=False), status=Comment.Status.APPROVED, by=moderator
    )

    tasks.send_weekly_digests()
    assert listed(smtp, reader.email) == [[f"Ann replied on “{article.headline}”"]]


def start_of_next_week():
    """Monday 00:00 UTC of the next ISO week: a later week's digest, never 7 days after anything done now.

    (Six days on, which these tests used, is the same ISO week when the tests run on a Monday.)
    """
    now = timezone.now()
    return (now + datetime.timedelta(days=7 - now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def test_a_digest_starts_after_the_last_one_and_after_confirmation(smtp, councils):
    here, shrop, _powys = councils
    reader = weekly("tracker@example.org", "tracker", confirmed_days_ago=3)
    before_confirmation = council_set_status(council=here, status=PilotStatus.CONSIDERING)
    Change.objects.filter(status_change=before_confirmation).update(
        happened_at=timezone.now() - datetime.timedelta(days=4)
    )
    council_set_status(council=shrop, status=PilotStatus.CONSIDERING)

    tasks.send_weekly_digests()
    assert listed(smtp, reader.email) == [["Shropshire: Shortlisted → Considering"]]
    reader.refresh_from_db()
    assert reader.last_digest_at is not None

    # The next week: only what happened since, under the next week's name.
    council_set_status(council=shrop, status=PilotStatus.EOI_SUBMITTED)
    next_week = start_of_next_week()
    assert delivery.send_digest(reader, next_week, mail.get_connection())
    assert listed(smtp, reader.email)[1] == ["Shropshire: Considering → Expression of interest submitted"]
    assert reader.sent.filter(key=f"digest:{delivery.digest_week(next_week)}").exists()


def test_news_from_before_the_last_digest_is_not_sent_when_it_becomes_relevant(smtp, councils, partnership):
    # Powys changed status before the last digest, when it was in no partnership; it joins now.
    # The partnership's follower hears that it joined, not its week-old status change as news.
    _here, _shrop, powys = councils
    reader = weekly("marches@example.org", "partnership", partnership)
    Change.objects.all().delete()
    earlier = council_set_status(council=powys, status=PilotStatus.CONSIDERING)
    Change.objects.filter(status_change=earlier).update(happened_at=timezone.now() - datetime.timedelta(days=3))
    Subscription.objects.filter(pk=reader.pk).update(last_digest_at=timezone.now() - datetime.timedelta(days=2))
    partnership_add_member(
        partnership=partnership, council=powys, role=MembershipRole.PARTNER, joined_on=timezone.localdate()
    )

    tasks.send_weekly_digests()
    assert listed(smtp, reader.email) == [["Powys joined Marches partnership as partner council"]]


def test_a_change_at_the_moment_of_the_last_digest_is_not_listed_again(councils):
    here, _shrop, _powys = councils
    reader = weekly("tracker@example.org", "tracker")
    change = Change.objects.get(status_change=council_set_status(council=here, status=PilotStatus.CONSIDERING))
    moment = change.happened_at
    assert delivery.changes_for(reader, moment - datetime.timedelta(seconds=1), moment) == [change]
    assert delivery.changes_for(reader, moment, moment + datetime.timedelta(seconds=1)) == []
    assert (
        delivery.changes_for(reader, moment - datetime.timedelta(seconds=2), moment - datetime.timedelta(seconds=1))
        == []
    )


def test_a_week_with_nothing_new_sends_no_digest(smtp, councils):
    reader = weekly("tracker@example.org", "tracker")
    assert tasks.send_weekly_digests() == 1  # one subscriber looked at
    assert smtp.messages == []
    # The chunk's result, in the worker's log, counts no digest mailed.
    assert tasks.send_digests.apply(args=[[reader.pk], timezone.now().isoformat()]).get() == 0
    assert not reader.sent.exists()
    reader.refresh_from_db()
    assert reader.last_digest_at is None


def test_the_weeks_are_named_with_two_digit_numbers():
    assert delivery.digest_week(datetime.datetime(2026, 2, 3, 9, 0)) == "2026-W06"
    assert delivery.digest_week(datetime.datetime(2026, 11, 30, 9, 0)) == "2026-W49"


def test_a_correction_reaches_a_weekly_reader_only_if_told_of_the_change(smtp, councils, staff_roles):
    here, shrop, _powys = councils
    editor = UserFactory(username="editor", role="Editors")
    reader = weekly("tracker@example.org", "tracker")
    earlier = council_set_status(council=here, status=PilotStatus.CONSIDERING, note="Cabinet to decide.")
    tasks.send_weekly_digests()
    assert listed(smtp, reader.email) == [["Herefordshire: Shortlisted → Considering"]]

    # The week after: a correction of what the digest told them, and one of a change it never did.
    untold = council_set_status(council=shrop, status=PilotStatus.CONSIDERING, note="Soon.")
    Change.objects.filter(status_change=untold).update(happened_at=timezone.now() - datetime.timedelta(days=30))
    status_change_correct(change=earlier, by=editor, reason="Minutes", note="Cabinet decided.")
    status_change_correct(change=untold, by=editor, reason="Minutes", note="Later.")
    reader.refresh_from_db()
    assert delivery.send_digest(reader, start_of_next_week(), mail.get_connection())
    (corrections,) = listed(smtp, reader.email)[1:]
    assert len(corrections) == 1 and corrections[0].startswith("Correction: Herefordshire")


def test_a_correction_in_the_same_week_as_its_change_is_listed_with_it(smtp, councils, staff_roles):
    here, _shrop, _powys = councils
    editor = UserFactory(username="editor", role="Editors")
    reader = weekly("tracker@example.org", "tracker")
    change = council_set_status(council=here, status=PilotStatus.CONSIDERING, note="Cabinet to decide.")
    status_change_correct(change=change, by=editor, reason="Minutes", note="Cabinet decided.")
    tasks.send_weekly_digests()
    (headlines,) = listed(smtp, reader.email)
    assert headlines[0] == "Herefordshire: Shortlisted → Considering"
    assert headlines[1].startswith("Correction: Herefordshire") and len(headlines) == 2


def test_a_correction_goes_only_to_immediate_readers_sent_the_change(smtp, councils, staff_roles, run_tasks):
    here, _shrop, _powys = councils
    editor = UserFactory(username="editor", role="Editors")
    told = confirmed("told@example.org", followed=here)
    claimed = confirmed("claimed@example.org", followed=here)
    with run_tasks():
        change = council_set_status(council=here, status=PilotStatus.CONSIDERING)
    SentAlert.objects.filter(subscription=claimed).update(sent_at=None)  # claimed, never accepted by the server
    smtp.clear()
    with run_tasks():
        status_change_correct(change=change, by=editor, reason="Minutes", note="Cabinet decided.")
    assert [m.recipients for m in smtp.messages] == [[told.email]]


def test_a_message_already_sent_is_not_sent_again_and_a_claim_is_counted(smtp, councils):
    here, _shrop, _powys = councils
    reader = confirmed("parent@example.org", followed=here)
    change = Change.objects.get(status_change=council_set_status(council=here, status=PilotStatus.CONSIDERING))
    connection = mail.get_connection()
    assert delivery.send_change(change, [reader.pk], connection) == 1
    alert = SentAlert.objects.get(subscription=reader, key=change.key)
    assert alert.sent_at is not None and alert.attempts == 1 and alert.change == change
    assert delivery.send_change(change, [reader.pk], connection) == 0
    assert delivery.send_once(reader, change.key, lambda: pytest.fail("built a message already sent")) is False
    assert len(smtp.messages) == 1


def test_a_claim_another_worker_has_just_sent_is_not_sent_again(smtp, councils):
    here, _shrop, _powys = councils
    reader = confirmed("parent@example.org", followed=here)
    change = Change.objects.get(status_change=council_set_status(council=here, status=PilotStatus.CONSIDERING))
    alert = SentAlert.objects.create(subscription=reader, key=change.key, change=change)
    SentAlert.objects.filter(pk=alert.pk).update(sent_at=timezone.now())  # the other worker's copy of the row
    assert delivery.send_once(reader, change.key, lambda: pytest.fail("sent twice"), alert=alert) is False
    assert smtp.messages == []


def test_a_failed_send_leaves_the_claim_unsent_for_the_retry(smtp, councils):
    here, _shrop, _powys = councils
    reader = confirmed("parent@example.org", followed=here)
    change = Change.objects.get(status_change=council_set_status(council=here, status=PilotStatus.CONSIDERING))
    smtp_down = mail.get_connection("django.core.mail.backends.smtp.EmailBackend", port=1)
    with pytest.raises(OSError):
        delivery.send_change(change, [reader.pk], smtp_down)
    alert = SentAlert.objects.get(subscription=reader, key=change.key)
    assert alert.sent_at is None and alert.attempts == 0


def test_an_unconfirmed_address_in_a_chunk_is_not_mailed(smtp, councils):
    here, _shrop, _powys = councils
    reader = confirmed("parent@example.org", followed=here)
    change = Change.objects.get(status_change=council_set_status(council=here, status=PilotStatus.CONSIDERING))
    Subscription.objects.filter(pk=reader.pk).update(confirmed_at=None)
    assert delivery.send_change(change, [reader.pk], mail.get_connection()) == 0
    assert smtp.messages == []


def test_nobody_is_told_of_their_own_comment_whatever_its_case(smtp, run_tasks, moderator):
    article = ArticleFactory(slug="story")
    confirmed("follower@example.org", target="article", followed=article)
    with run_tasks():
        CommentFactory(article=article, email=" Follower@Example.org ", status=Comment.Status.PENDING)
        moderate_comments(comments=Comment.objects.all(), status=Comment.Status.APPROVED, by=moderator)
    assert smtp.to("follower@example.org") == []


def test_a_digest_records_each_change_as_sent(smtp, councils):
    here, _shrop, _powys = councils
    reader = weekly("tracker@example.org", "tracker")
    change = Change.objects.get(status_change=council_set_status(council=here, status=PilotStatus.CONSIDERING))
    tasks.send_weekly_digests()
    assert set(reader.sent.values_list("key", flat=True)) == {
        change.key,
        f"digest:{delivery.digest_week(timezone.now())}",
    }
    assert reader.sent.get(key=change.key).sent_at is not None
    subject = subject_of(smtp.to(reader.email)[0])
    assert subject == "SEND Tracker: this week's changes (1)"


def test_a_council_that_left_the_partnership_is_no_longer_news_to_its_followers(smtp, councils, partnership, run_tasks):
    here, shrop, _powys = councils
    immediate = confirmed("marches@example.org", target="partnership", followed=partnership)
    digest = weekly("marches-weekly@example.org", "partnership", partnership)
    shropshire_reader = weekly("shrop-weekly@example.org", "council", shrop)
    membership = partnership.memberships.get(council=shrop)
    partnership_remove_member(membership=membership, left_on=timezone.localdate(), note="Left.", by=None)
    Change.objects.all().delete()  # the partnership's own news is not what this test is about
    with run_tasks():
        council_set_status(council=shrop, status=PilotStatus.CONSIDERING)
        council_set_status(council=here, status=PilotStatus.CONSIDERING)
    assert [subject_of(m) for m in smtp.to(immediate.email)] == ["Herefordshire: Shortlisted → Considering"]
    partnership_update(partnership=partnership, note="A new chair.")
    tasks.send_weekly_digests()
    assert listed(smtp, digest.email) == [
        ["Herefordshire: Shortlisted → Considering", "Marches partnership: note changed"]
    ]
    assert listed(smtp, shropshire_reader.email) == [["Shropshire: Shortlisted → Considering"]]


def test_a_weekly_digest_looks_back_seven_days_at_most(smtp, councils):
    here, shrop, _powys = councils
    reader = weekly("tracker@example.org", "tracker", confirmed_days_ago=30)
    too_old = council_set_status(council=here, status=PilotStatus.CONSIDERING)
    in_the_week = council_set_status(council=shrop, status=PilotStatus.CONSIDERING)
    now = timezone.now()
    Change.objects.filter(status_change=too_old).update(happened_at=now - datetime.timedelta(days=7, hours=1))
    Change.objects.filter(status_change=in_the_week).update(happened_at=now - datetime.timedelta(days=6, hours=23))
    assert delivery.send_digest(reader, now, mail.get_connection())
    assert listed(smtp, reader.email) == [["Shropshire: Shortlisted → Considering"]]


def test_a_reply_reaches_the_articles_followers_as_well_as_the_follower_of_its_comment(smtp, run_tasks, moderator):
    # A reply is also a new comment on the article: its followers hear of it too.
    article = ArticleFactory(slug="story")
    asked = CommentFactory(article=article, status=Comment.Status.APPROVED, notify_replies=True)
    confirmed("story@example.org", target="article", followed=article)
    Subscription.objects.create(email="asker@example.org", target="replies", comment=asked, confirmed_at=timezone.now())
    with run_tasks():
        CommentFactory(article=article, parent=asked, display_name="Ann", status=Comment.Status.PENDING)
        moderate_comments(
            comments=Comment.objects.filter(parent__isnull=False), status=Comment.Status.APPROVED, by=moderator
        )
    assert len(smtp.to("story@example.org")) == 1
    assert len(smtp.to("asker@example.org")) == 1


def test_a_chunks_result_counts_every_message_it_sent_and_none_it_skipped(smtp, councils):
    # The task's result (in the worker's log) is how many readers this chunk mailed.
    here, _shrop, _powys = councils
    readers = [confirmed(f"parent{n}@example.org", followed=here) for n in range(3)]
    change = Change.objects.get(status_change=council_set_status(council=here, status=PilotStatus.CONSIDERING))
    connection = mail.get_connection()
    assert delivery.send_change(change, [readers[0].pk], connection) == 1
    assert delivery.send_change(change, [reader.pk for reader in readers], connection) == 2
    assert sorted(m.recipients[0] for m in smtp.messages) == [reader.email for reader in readers]
