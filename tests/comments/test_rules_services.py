"""The rules of comments/services.py pinned: who goes live at once and who is held (and why),
what counts as already sent, moderation and its audit trail, reports at the threshold, erasure.

tests/comments/test_submission_rules.py has the failure paths of a submission and threading.
"""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from comments import services, signals
from comments.exceptions import CommentRefused
from comments.models import Comment, CommentReport, ModerationWord
from tests.support.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "The pilot needs to reach families sooner."


def submit(article, body=BODY, **overrides):
    fields = {
        "article": article,
        "display_name": "Sam",
        "email": "sam@example.org",
        "reader_role": "parent",
        "body": body,
        "parent": None,
        "ip_hash": "hash",
        "user_agent": "Browser",
    }
    fields.update(overrides)
    return services.submit_comment(**fields)


@pytest.fixture
def post_article():
    return ArticleFactory(comment_moderation=Article.Moderation.POST)


@pytest.fixture
def published():
    """The ids each comments_published signal carried."""
    sent = []

    def receiver(sender, comment_ids, **kwargs):
        sent.append(list(comment_ids))

    signals.comments_published.connect(receiver)
    yield sent
    signals.comments_published.disconnect(receiver)


def approved_by_moderator(article, email="sam@example.org", moderator=None, **fields):
    return CommentFactory(
        article=article,
        email=email,
        status=Comment.Status.APPROVED,
        moderated_by=moderator or UserFactory(),
        moderated_at=timezone.now(),
        **fields,
    )


# Known readers: approved by a moderator, sent from this browser, with this address.


def test_a_reader_whose_comment_a_moderator_approved_is_known_in_any_case(article):
    earlier = approved_by_moderator(article)
    assert services.is_known_reader(email="Sam@Example.ORG", sent_comment_ids=[earlier.pk]) is True


@pytest.mark.parametrize(
    ("case", "email", "status", "moderated"),
    [
        ("another address", "other@example.org", Comment.Status.APPROVED, True),
        ("still pending", "sam@example.org", Comment.Status.PENDING, True),
        ("rejected", "sam@example.org", Comment.Status.REJECTED, True),
        ("live at once, never seen by a moderator", "sam@example.org", Comment.Status.APPROVED, False),
    ],
)
def test_a_reader_is_not_known_by_a_comment_a_moderator_did_not_approve_for_them(
    article, case, email, status, moderated
):
    earlier = CommentFactory(
        article=article,
        email=email,
        status=status,
        moderated_by=UserFactory() if moderated else None,
        moderated_at=timezone.now() if moderated else None,
    )
    assert services.is_known_reader(email="sam@example.org", sent_comment_ids=[earlier.pk]) is False


def test_a_reader_is_not_known_without_the_browsers_cookie_or_an_address(article):
    earlier = approved_by_moderator(article)
    other = approved_by_moderator(article, email="other@example.org")
    assert services.is_known_reader(email="sam@example.org", sent_comment_ids=[]) is False
    assert services.is_known_reader(email="sam@example.org", sent_comment_ids=[other.pk]) is False
    assert services.is_known_reader(email="", sent_comment_ids=[earlier.pk]) is False
    assert services.is_known_reader(email="   ", sent_comment_ids=[earlier.pk]) is False


# Live at once, or held, and why.


def test_a_known_reader_goes_live_at_once_on_a_post_moderated_article(post_article, published):
    earlier = approved_by_moderator(post_article)
    comment = submit(post_article, sent_comment_ids=[earlier.pk])
    assert (comment.status, comment.held_reason) == (Comment.Status.APPROVED, "")
    assert published == [[comment.pk]]


def test_a_first_comment_on_a_post_moderated_article_is_held_and_says_why(post_article, published):
    comment = submit(post_article)
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, "first comment from this email address")
    assert published == []


def test_every_comment_on_a_pre_moderated_article_waits(article, published):
    earlier = approved_by_moderator(article)
    comment = submit(article, sent_comment_ids=[earlier.pk])
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, "")
    assert published == []


def test_a_known_readers_comment_with_a_suspect_word_is_held_and_names_it(post_article):
    ModerationWord.objects.create(word="scandal", action=ModerationWord.Action.SUSPECT)
    ModerationWord.objects.create(word="outrage", action=ModerationWord.Action.BANNED)  # banned: the form's rule
    earlier = approved_by_moderator(post_article)
    comment = submit(post_article, body="A scandal, and an outrage, in the pilot.", sent_comment_ids=[earlier.pk])
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, "suspect words: scandal")


def test_a_known_readers_comment_about_a_named_child_is_held(post_article):
    earlier = approved_by_moderator(post_article)
    comment = submit(post_article, body="My son Tom, aged 7, waited a year.", sent_comment_ids=[earlier.pk])
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason  # the safeguarding reason, worded in comments/checks.py


def test_all_the_reasons_are_given_and_cut_to_fit(post_article):
    words = [f"suspectword{n:02d}" for n in range(30)]
    ModerationWord.objects.bulk_create(
        ModerationWord(word=word, action=ModerationWord.Action.SUSPECT) for word in words
    )
    comment = submit(post_article, body="Look: " + " ".join(words))
    assert comment.status == Comment.Status.PENDING
    assert (
        comment.held_reason == ("suspect words: " + ", ".join(words) + "; first comment from this email address")[:200]
    )
    assert len(comment.held_reason) == 200


def test_a_moderator_writing_goes_live_and_is_named_as_staff(article, moderator, published):
    comment = submit(article, user=moderator)
    assert (comment.status, comment.author) == (Comment.Status.APPROVED, moderator)
    assert published == [[comment.pk]]


def test_a_journalist_writing_is_staff_but_still_waits(article, journalist):
    comment = submit(article, user=journalist)
    assert (comment.status, comment.author) == (Comment.Status.PENDING, journalist)


def test_a_signed_in_reader_is_not_named_as_staff(post_article, reader):
    comment = submit(post_article, user=reader)
    assert comment.author is None
    assert comment.status == Comment.Status.PENDING


def test_the_name_and_address_are_cleaned_and_replies_need_an_address(article):
    comment = submit(article, display_name="Sam\u200b\u202e", email="  Sam@Example.ORG ", notify_replies=True)
    comment.refresh_from_db()
    assert (comment.display_name, comment.email, comment.notify_replies) == ("Sam", "sam@example.org", True)
    anonymous = submit(article, body="Another thought on the pilot.", email="", notify_replies=True)
    assert anonymous.notify_replies is False
    assert submit(article, body="A third thought.", email="x@example.org").notify_replies is False


# Already sent.


def test_the_same_words_on_another_article_from_another_address_are_not_a_duplicate(article):
    submit(article)
    other = submit(ArticleFactory(), email="other@example.org")
    assert Comment.objects.count() == 2
    assert other.pk is not None


def test_the_same_words_from_the_same_address_on_another_article_are_a_duplicate(article):
    submit(article)
    with pytest.raises(CommentRefused) as refused:
        submit(ArticleFactory(), email="SAM@example.org")
    assert str(refused.value) == "This comment has already been sent. You do not need to send it again."
    assert (refused.value.status, refused.value.field) == (400, "body")
    assert Comment.objects.count() == 1


def test_the_same_words_without_an_address_on_another_article_are_not_a_duplicate(article):
    submit(article, email="")
    submit(ArticleFactory(), email="")
    assert Comment.objects.count() == 2


def test_the_same_words_after_the_duplicate_window_may_be_sent_again(article, settings):
    settings.COMMENTS_DUPLICATE_WINDOW_SECONDS = 3600
    first = submit(article)
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=3700))
    cache.clear()  # the cache's key has expired with the window
    assert submit(article).pk != first.pk
    # Inside the window the database still remembers it, whatever the cache forgot.
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=3500))
    Comment.objects.exclude(pk=first.pk).delete()
    cache.clear()
    with pytest.raises(CommentRefused, match="already been sent"):
        submit(article)


def test_two_identical_comments_at_once_store_one(article):
    """The cache key is set before the row is saved: the second of two simultaneous sends finds it."""
    cache.add(f"comments:dup:{article.pk}:{services.checks.fingerprint(BODY)}", 1)
    with pytest.raises(CommentRefused, match="already been sent"):
        submit(article)
    assert not Comment.objects.exists()


def test_the_duplicate_key_lasts_the_window(article, settings, monkeypatch):
    settings.COMMENTS_DUPLICATE_WINDOW_SECONDS = 1234
    timeouts = {}
    real_add = cache.add

    def add(key, value, timeout):
        timeouts[key] = timeout
        return real_add(key, value, timeout=timeout)

    monkeypatch.setattr(services.cache, "add", add)
    submit(article)
    assert list(timeouts.values()) == [1234]


# Moderation.


def test_approving_records_who_when_and_why_and_publishes(article, moderator, published):
    comments = [CommentFactory(article=article, status=Comment.Status.PENDING) for _ in range(2)]
    before = timezone.now()
    count = services.moderate_comments(
        comments=Comment.objects.filter(pk__in=[c.pk for c in comments]),
        status=Comment.Status.APPROVED,
        by=moderator,
        reason="x" * 400,
    )
    assert count == 2
    for comment in comments:
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by, comment.moderation_reason) == (
            Comment.Status.APPROVED,
            moderator,
            "x" * 300,
        )
        assert comment.moderated_at >= before
    assert [sorted(ids) for ids in published] == [sorted(c.pk for c in comments)]


@pytest.mark.parametrize("status", [Comment.Status.REJECTED, Comment.Status.SPAM])
def test_rejecting_publishes_nothing_and_the_audit_log_says_old_and_new(article, moderator, published, status):
    comment = CommentFactory(article=article, status=Comment.Status.APPROVED, body="Words the log must not copy.")
    services.moderate_comments(
        comments=Comment.objects.filter(pk=comment.pk), status=status, by=moderator, reason="Off topic"
    )
    assert published == []
    [entry] = LogEntry.objects.filter(object_pk=str(comment.pk), actor=moderator)
    assert entry.object_repr == f"Comment {comment.pk} on “{article.headline}”"
    assert entry.changes_dict == {"status": ["approved", status], "moderation_reason": ["", "Off topic"]}
    assert "Words the log" not in str(entry.changes)


def test_approving_nothing_publishes_nothing(moderator, published):
    assert (
        services.moderate_comments(comments=Comment.objects.none(), status=Comment.Status.APPROVED, by=moderator) == 0
    )
    assert published == []


@pytest.mark.parametrize("status", [Comment.Status.PENDING, "deleted"])
def test_a_comment_cannot_be_moderated_back_to_waiting_or_to_a_made_up_status(article, moderator, status):
    comment = CommentFactory(article=article, status=Comment.Status.APPROVED)
    with pytest.raises(ValueError, match="Cannot moderate a comment to"):
        services.moderate_comments(comments=Comment.objects.filter(pk=comment.pk), status=status, by=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert not LogEntry.objects.filter(object_pk=str(comment.pk), actor=moderator).exists()


# Reports.


def report(comment, reader):
    return services.report_comment(comment=comment, reason="spam", detail="", reporter=reader)


def test_the_third_readers_report_sends_a_live_comment_back_to_the_queue(article, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = CommentFactory(article=article, status=Comment.Status.APPROVED)
    report(comment, "reader-1")
    report(comment, "reader-2")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    report(comment, "reader-3")
    comment.refresh_from_db()
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, "Reported by 3 readers")


def test_a_reader_reports_a_comment_once(article):
    comment = CommentFactory(article=article)
    report(comment, "reader-1")
    with pytest.raises(CommentRefused) as refused:
        report(comment, "reader-1")
    assert str(refused.value) == "You have already reported this comment. A moderator will look at it."
    assert refused.value.status == 409
    assert CommentReport.objects.count() == 1


def test_reports_a_moderator_already_weighed_do_not_count_again(article, settings, moderator):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = CommentFactory(article=article, status=Comment.Status.APPROVED)
    report(comment, "reader-1")
    report(comment, "reader-2")  # back to the queue; the moderator approves it again
    services.moderate_comments(
        comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=moderator
    )
    CommentReport.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    comment.refresh_from_db()
    report(comment, "reader-3")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    report(comment, "reader-4")
    comment.refresh_from_db()
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, "Reported by 2 readers")


def test_reports_on_a_rejected_comment_leave_it_rejected(article, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 1
    comment = CommentFactory(article=article, status=Comment.Status.REJECTED)
    report(comment, "reader-1")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED


# Erasure.


def test_erasure_empties_every_comment_by_the_reader_and_no_one_elses(article, moderator):
    chosen = CommentFactory(article=article, email="sam@example.org", ip_hash="h", user_agent="UA", notify_replies=True)
    same_reader = CommentFactory(article=ArticleFactory(), email="SAM@example.org", reader_role="parent")
    someone_else = CommentFactory(article=article, email="other@example.org", body="Kept words.")
    no_address = CommentFactory(article=article, email="", body="Anonymous words.")

    count = services.erase_reader(comments=Comment.objects.filter(pk=chosen.pk), by=moderator)

    assert count == 2
    for comment in (chosen, same_reader):
        comment.refresh_from_db()
        assert (comment.display_name, comment.body, comment.email, comment.ip_hash, comment.user_agent) == (
            "Removed",
            "This comment was removed at the reader’s request.",
            "",
            "",
            "",
        )
        assert (comment.fingerprint, comment.reader_role, comment.held_reason, comment.notify_replies) == (
            "",
            "",
            "",
            False,
        )
        assert (comment.status, comment.moderated_by, comment.moderation_reason) == (
            Comment.Status.REJECTED,
            moderator,
            "Erased at the reader’s request",
        )
        assert comment.moderated_at is not None
        entries = list(LogEntry.objects.filter(object_pk=str(comment.pk), actor=moderator))
        assert [entry.object_repr.endswith("(erased)") for entry in entries] == [True]
    for comment in (someone_else, no_address):
        body = comment.body
        comment.refresh_from_db()
        assert comment.body == body


def test_erasing_an_anonymous_comment_erases_only_it(article, moderator):
    chosen = CommentFactory(article=article, email="")
    other_anonymous = CommentFactory(article=article, email="")
    assert services.erase_reader(comments=Comment.objects.filter(pk=chosen.pk), by=moderator) == 1
    other_anonymous.refresh_from_db()
    assert other_anonymous.display_name != "Removed"


# The purge of old personal data.


def test_the_purge_keeps_recent_data_and_tells_the_other_apps(article):
    received = []

    def receiver(sender, cutoff, **kwargs):
        received.append(cutoff)

    old = CommentFactory(article=article, notify_replies=True)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    recent = CommentFactory(article=article, notify_replies=True)
    Comment.objects.filter(pk=recent.pk).update(created_at=timezone.now() - datetime.timedelta(days=29))
    signals.personal_data_purged.connect(receiver)
    try:
        assert services.purge_comment_pii(older_than_days=30) == (1, 0)
    finally:
        signals.personal_data_purged.disconnect(receiver)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.email, old.notify_replies) == ("", False)
    assert (recent.email != "", recent.notify_replies) == (True, True)
    assert len(received) == 1
    assert timezone.now() - datetime.timedelta(days=30, minutes=1) < received[0] < timezone.now()
