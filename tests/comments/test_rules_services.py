"""The rules of comments/services.py pinned: who goes live at once and who is held (and why),
what counts as already sent, moderation and its audit trail, reports at the threshold, erasure, and the
article read for a comment (with what the database knows of its text and reader) or for a refusal.

tests/comments/test_submission_rules.py has the failure paths of a submission and threading.
"""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from articles.models import Article
from comments import protection, services, signals
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
    assert list(Comment.objects.filter(body=BODY).values_list("status", flat=True)) == [Comment.Status.APPROVED]


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


def test_two_reasons_are_given_one_after_the_other(post_article):
    ModerationWord.objects.create(word="scandal", action=ModerationWord.Action.SUSPECT)
    comment = submit(post_article, body="A scandal in the pilot.")
    assert comment.held_reason == "suspect words: scandal; first comment from this email address"


def test_a_comment_the_model_refuses_for_two_reasons_gives_both(article):
    with pytest.raises(CommentRefused) as refused:
        submit(article, display_name="x" * 81, reader_role="councillor")
    assert str(refused.value) == (
        "Your comment could not be saved: Ensure this value has at most 80 characters (it has 81)."
        " Value 'councillor' is not a valid choice."
    )
    assert not Comment.objects.exists()


@pytest.mark.parametrize("reply", [False, True], ids=["a comment", "a reply"])
def test_a_comment_sent_through_the_form_is_stored_with_one_statement(article, django_assert_num_queries, reply):
    """What the database knew of the text and the reader was read with the article: nothing is asked again."""
    parent = CommentFactory(article=article, status=Comment.Status.APPROVED) if reply else None
    found = services.article_for_comment(article.slug, body=BODY, email="sam@example.org")
    with django_assert_num_queries(1):
        comment = services.submit_comment(
            article=found,
            display_name="Sam",
            email="sam@example.org",
            reader_role="parent",
            body=BODY,
            parent=parent,
            ip_hash="hash",
            user_agent="Browser",
            suspect_words=[],
        )
    assert (comment.status, comment.parent) == (Comment.Status.PENDING, parent)


def test_the_word_lists_are_the_moderators_banned_and_suspect_words():
    assert services.moderation_words() == {ModerationWord.Action.BANNED: [], ModerationWord.Action.SUSPECT: []}
    ModerationWord.objects.create(word="outrage", action=ModerationWord.Action.BANNED)
    ModerationWord.objects.create(word="scandal", action=ModerationWord.Action.SUSPECT)
    ModerationWord.objects.create(word="fiasco", action=ModerationWord.Action.SUSPECT)
    words = services.moderation_words()
    assert (sorted(words[ModerationWord.Action.BANNED]), sorted(words[ModerationWord.Action.SUSPECT])) == (
        ["outrage"],
        ["fiasco", "scandal"],
    )


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


def test_the_same_words_on_this_article_from_another_address_are_refused_when_the_cache_forgot_them(article):
    submit(article)
    cache.clear()
    with pytest.raises(CommentRefused, match="already been sent"):
        submit(article, email="other@example.org")
    assert Comment.objects.count() == 1


def test_two_identical_comments_at_once_store_one(article):
    """The cache key is set before the row is saved: the second of two simultaneous sends finds it."""
    cache.add(f"comments:dup:{article.pk}:{services.checks.fingerprint(BODY)}", 1)
    with pytest.raises(CommentRefused, match="already been sent"):
        submit(article)
    assert not Comment.objects.exists()


def test_the_duplicate_key_lasts_the_window(article, settings, monkeypatch):
    settings.COMMENTS_DUPLICATE_WINDOW_SECONDS = 1234
    timeouts = {}
    real_add = services.limits.store().add

    def add(key, value, timeout):
        timeouts[key] = timeout
        return real_add(key, value, timeout=timeout)

    monkeypatch.setattr(services.limits.store(), "add", add)
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


@pytest.mark.parametrize("reason", [{}, {"reason": None}], ids=["no reason given", "None"])
def test_a_moderation_without_a_reason_records_none(article, moderator, reason):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    services.moderate_comments(
        comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.REJECTED, by=moderator, **reason
    )
    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (Comment.Status.REJECTED, "")
    [entry] = LogEntry.objects.filter(object_pk=str(comment.pk), actor=moderator)
    assert entry.changes_dict["moderation_reason"] == ["", ""]


@pytest.mark.parametrize("status", [Comment.Status.PENDING, "deleted"])
def test_a_comment_cannot_be_moderated_back_to_waiting_or_to_a_made_up_status(article, moderator, status):
    comment = CommentFactory(article=article, status=Comment.Status.APPROVED)
    with pytest.raises(ValueError) as refused:
        services.moderate_comments(comments=Comment.objects.filter(pk=comment.pk), status=status, by=moderator)
    assert str(refused.value) == f"Cannot moderate a comment to {status!r}"
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


# The article a comment is sent to, read with what the submission asks of the database
# (article_for_comment), as the view passes it on to submit_comment.


def read_and_submit(article, body=BODY, email="sam@example.org", sent_comment_ids=(), **overrides):
    """What the view does: the article read with the comment's facts, then the comment submitted with them."""
    found = services.article_for_comment(article.slug, body=body, email=email, sent_comment_ids=sent_comment_ids)
    return submit(found, body=body, email=email, sent_comment_ids=sent_comment_ids, **overrides)


def fp(body):
    return services.checks.fingerprint(services.checks.clean_text(body))


def test_the_article_read_for_a_comment_has_every_field_as_the_orm_reads_it(post_article):
    Article.objects.filter(pk=post_article.pk).update(
        comments_close_at=timezone.now() + datetime.timedelta(days=3), standfirst="Who waits, and for how long."
    )
    expected = Article.objects.get(pk=post_article.pk)
    found = services.article_for_comment(post_article.slug, body=BODY, email="sam@example.org")
    assert {f.attname: getattr(found, f.attname) for f in Article._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in Article._meta.concrete_fields
    }
    assert (found._state.db, found._state.adding) == ("default", False)
    assert found.comments_closed_reason() is None


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(hours=1)},
    ],
    ids=["draft", "scheduled for later"],
)
def test_no_comment_is_taken_for_an_article_not_published_now(fields):
    article = ArticleFactory(**fields)
    with pytest.raises(Http404):
        services.article_for_comment(article.slug, body=BODY, email="sam@example.org")
    with pytest.raises(Http404):
        services.article_for_comment("no-such-article", body=BODY, email="sam@example.org")


@pytest.mark.parametrize("position", [0, 1, 2])
def test_a_known_reader_goes_live_whichever_of_the_browsers_comments_a_moderator_approved(post_article, position):
    other_article = ArticleFactory()
    sent = [
        CommentFactory(article=other_article, email="sam@example.org", status=Comment.Status.PENDING),
        approved_by_moderator(other_article, email="other@example.org"),
        CommentFactory(article=other_article, email="sam@example.org", status=Comment.Status.REJECTED),
    ]
    sent[position] = approved_by_moderator(other_article, email="Sam@example.org")
    comment = read_and_submit(post_article, email="SAM@Example.org", sent_comment_ids=[c.pk for c in sent])
    assert (comment.status, comment.held_reason) == (Comment.Status.APPROVED, "")


@pytest.mark.parametrize("count", [1, 2, 3])
def test_a_reader_is_not_known_by_comments_no_moderator_approved_for_their_address(post_article, count):
    other_article = ArticleFactory()
    sent = [
        CommentFactory(article=other_article, email="sam@example.org", status=Comment.Status.PENDING),
        approved_by_moderator(other_article, email="other@example.org"),
        CommentFactory(  # live at once, never seen by a moderator
            article=other_article, email="sam@example.org", status=Comment.Status.APPROVED
        ),
    ][:count]
    comment = read_and_submit(post_article, sent_comment_ids=[c.pk for c in sent])
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, "first comment from this email address")


def test_an_address_is_matched_as_typed_not_as_a_pattern(post_article):
    """``sam_x`` is not ``samyx``: an underscore in an address is no wildcard, for the known reader or a duplicate."""
    earlier = approved_by_moderator(ArticleFactory(), email="samyx@example.org", body=BODY, fingerprint=fp(BODY))
    comment = read_and_submit(post_article, email="sam_x@example.org", sent_comment_ids=[earlier.pk])
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, "first comment from this email address")


def test_without_an_address_a_reader_is_never_known(post_article):
    earlier = approved_by_moderator(ArticleFactory(), email="")
    comment = read_and_submit(post_article, email="", sent_comment_ids=[earlier.pk])
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, "first comment from this email address")
    direct = submit(post_article, body="Another thought.", email="", sent_comment_ids=[earlier.pk])
    assert (direct.status, direct.held_reason) == (Comment.Status.PENDING, "first comment from this email address")


def sent_earlier(article, email, seconds_ago=60, body=BODY):
    comment = CommentFactory(article=article, email=email, body=body, fingerprint=fp(body))
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=seconds_ago))
    return comment


@pytest.mark.parametrize(
    ("where", "email", "sent_as"),
    [
        ("this article, another address", "other@example.org", "sam@example.org"),
        ("this article, no address", "", "sam@example.org"),
        ("this article, sent without an address", "other@example.org", ""),
        ("another article, this address in another case", "SAM@example.org", "sam@example.org"),
    ],
)
def test_text_the_database_remembers_is_refused_even_when_the_cache_forgot_it(article, where, email, sent_as):
    other = ArticleFactory()
    sent_earlier(article if where.startswith("this article") else other, email)
    with pytest.raises(CommentRefused) as refused:
        read_and_submit(article, email=sent_as)
    assert str(refused.value) == "This comment has already been sent. You do not need to send it again."
    assert Comment.objects.filter(article=article).count() == (1 if where.startswith("this article") else 0)


@pytest.mark.parametrize(
    ("email", "sent_as"),
    [("other@example.org", "sam@example.org"), ("", ""), ("sam@example.org", "")],
    ids=["other address", "neither has an address", "sent without the address"],
)
def test_the_same_text_on_another_article_from_another_or_no_address_is_taken(article, email, sent_as):
    sent_earlier(ArticleFactory(), email)
    assert read_and_submit(article, email=sent_as).pk is not None


def test_the_database_remembers_a_text_for_the_duplicate_window_only(article, settings):
    settings.COMMENTS_DUPLICATE_WINDOW_SECONDS = 3600
    sent_earlier(article, "other@example.org", seconds_ago=3500)
    with pytest.raises(CommentRefused, match="already been sent"):
        read_and_submit(article)
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=3700))
    cache.clear()
    assert read_and_submit(article).pk is not None


def test_other_text_from_the_same_address_is_not_a_duplicate(article):
    sent_earlier(article, "sam@example.org", body="An earlier, different thought.")
    assert read_and_submit(article).body == BODY


def test_held_reasons_read_the_suspect_words_and_the_known_reader_when_not_given(post_article):
    ModerationWord.objects.create(word="scandal", action=ModerationWord.Action.SUSPECT)
    body = "A scandal in the pilot."
    mode = Article.Moderation.POST
    assert services.held_reasons(article=post_article, body=body, email="sam@example.org", mode=mode) == [
        "suspect words: scandal",
        "first comment from this email address",
    ]
    earlier = approved_by_moderator(post_article)
    assert services.held_reasons(
        article=post_article, body=body, email="sam@example.org", mode=mode, sent_comment_ids=[earlier.pk]
    ) == ["suspect words: scandal"]


def test_the_same_text_sent_at_once_by_another_reader_is_refused_after_the_first_is_stored(article):
    """The first claim's duplicate key stays taken once its comment is stored: the second claim is refused."""
    key = services.duplicate_key(article.pk, BODY)
    protection.claim_submission(nonce="first", ip_hash="hash-1", email="sam@example.org", duplicate_key=key)
    comment = read_and_submit(article, duplicate_claimed=True)
    assert comment.pk is not None
    with pytest.raises(CommentRefused) as refused:
        protection.claim_submission(nonce="second", ip_hash="hash-2", email="alex@example.org", duplicate_key=key)
    assert str(refused.value) == "This comment has already been sent. You do not need to send it again."


def test_a_comment_refused_at_save_after_its_claim_can_be_sent_again_once_corrected(article):
    """The text's duplicate key the claim took is given back when the comment cannot be saved."""
    key = services.duplicate_key(article.pk, BODY)
    protection.claim_submission(nonce="first", ip_hash="hash", email="sam@example.org", duplicate_key=key)
    with pytest.raises(CommentRefused, match="^Your comment could not be saved: "):
        read_and_submit(article, display_name="x" * 500, duplicate_claimed=True)
    protection.claim_submission(nonce="second", ip_hash="hash", email="sam@example.org", duplicate_key=key)
    assert read_and_submit(article, duplicate_claimed=True).display_name == "Sam"


def test_different_texts_to_one_article_and_one_text_to_two_articles_are_each_claimed(article):
    other = ArticleFactory()
    for n, (article_pk, body) in enumerate(
        [(article.pk, BODY), (article.pk, "Another thought."), (other.pk, BODY), (article.pk, "  another THOUGHT. ")]
    ):
        claim = {"nonce": f"form-{n}", "ip_hash": f"hash-{n}", "email": f"reader{n}@example.org"}
        if n < 3:
            protection.claim_submission(**claim, duplicate_key=services.duplicate_key(article_pk, body))
        else:  # the second text again, as the form will clean it
            with pytest.raises(CommentRefused, match="already been sent"):
                protection.claim_submission(**claim, duplicate_key=services.duplicate_key(article_pk, body))


def test_a_claim_refused_as_a_duplicate_of_the_readers_own_words_elsewhere_leaves_the_text_to_others(article):
    """Sam's words, already sent to another article, are refused here; Alex may still send the same words here."""
    sent_earlier(ArticleFactory(), "sam@example.org")
    key = services.duplicate_key(article.pk, BODY)
    protection.claim_submission(nonce="sam", ip_hash="hash-1", email="sam@example.org", duplicate_key=key)
    with pytest.raises(CommentRefused, match="already been sent"):
        read_and_submit(article, duplicate_claimed=True)
    protection.claim_submission(nonce="alex", ip_hash="hash-2", email="alex@example.org", duplicate_key=key)
    assert read_and_submit(article, email="alex@example.org", duplicate_claimed=True).email == "alex@example.org"


def test_a_reply_to_a_comment_deleted_meanwhile_is_refused_and_nothing_is_stored(article):
    parent = CommentFactory(article=article, status=Comment.Status.APPROVED)
    Comment.objects.filter(pk=parent.pk).delete()
    with pytest.raises(CommentRefused) as refused:
        submit(article, parent=parent)
    assert str(refused.value).startswith("Your comment could not be saved: ")
    assert not Comment.objects.exists()


def test_erasing_two_readers_at_once_erases_both_readers_comments(article, moderator):
    sam = CommentFactory(article=article, email="sam@example.org")
    sams_other = CommentFactory(article=ArticleFactory(), email="sam@example.org")
    alex = CommentFactory(article=article, email="alex@example.org")
    anonymous = CommentFactory(article=article, email="")
    kept = CommentFactory(article=article, email="kim@example.org")
    chosen = Comment.objects.filter(pk__in=[sam.pk, alex.pk, anonymous.pk])
    assert services.erase_reader(comments=chosen, by=moderator) == 4
    names = dict(Comment.objects.values_list("pk", "display_name"))
    assert [names[c.pk] for c in (sam, sams_other, alex, anonymous)] == ["Removed"] * 4
    assert names[kept.pk] != "Removed"


# The article a refused comment's page shows (article_for_refusal): kept per process while the
# articles have not changed, read again after any edit.


@pytest.fixture
def refusal_articles(monkeypatch):
    """This process keeps no article from an earlier test."""
    kept = {}
    monkeypatch.setattr(services, "_refusal_articles", kept)
    return kept


def test_a_refusal_shows_the_article_and_reads_it_again_only_after_an_edit(
    article, refusal_articles, django_assert_num_queries
):
    other = ArticleFactory()
    with django_assert_num_queries(2):  # everything the refusal page shows is in the one read
        for shown in (article, other):
            found = services.article_for_refusal(shown.slug)
            assert (found.slug, found.headline, found.comments_closed_reason()) == (shown.slug, shown.headline, None)
            assert found.comment_moderation == Article.Moderation.PRE
    with django_assert_num_queries(0):  # both kept
        assert services.article_for_refusal(article.slug).headline == article.headline
        assert services.article_for_refusal(other.slug).headline == other.headline
    article.headline = "A corrected headline"
    article.save()
    with django_assert_num_queries(1):
        assert services.article_for_refusal(article.slug).headline == "A corrected headline"
    with django_assert_num_queries(1):  # every article is read again after an edit to any
        assert services.article_for_refusal(other.slug).headline == other.headline


@pytest.mark.parametrize(
    "fields",
    [{"status": Article.Status.DRAFT}, {"published_at": timezone.now() + datetime.timedelta(hours=1)}],
    ids=["draft", "scheduled for later"],
)
def test_a_refusal_for_an_article_not_published_now_or_not_there_is_a_404(refusal_articles, fields):
    article = ArticleFactory(**fields)
    for _ in range(2):  # read, then kept
        with pytest.raises(Http404):
            services.article_for_refusal(article.slug)
        with pytest.raises(Http404):
            services.article_for_refusal("no-such-article")


def test_a_kept_article_opens_to_comments_at_its_scheduled_time(refusal_articles, monkeypatch):
    start = timezone.now()
    article = ArticleFactory(published_at=start + datetime.timedelta(minutes=5))
    with pytest.raises(Http404):
        services.article_for_refusal(article.slug)
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(minutes=6))
    assert services.article_for_refusal(article.slug).pk == article.pk


def test_while_the_cache_is_unreachable_a_refusal_reads_its_article_each_time(
    article, refusal_articles, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(services.versions, "read", lambda keys, extra=(): (None, {}))
    for _ in range(2):
        with django_assert_num_queries(1):
            assert services.article_for_refusal(article.slug).headline == article.headline
    assert refusal_articles == {}


def test_a_process_keeps_at_most_512_articles_for_refusals(refusal_articles, django_assert_num_queries):
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Update {n}",
            slug=f"update-{n}",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(hours=1),
        )
        for n in range(513)
    )
    for article in articles[:512]:
        services.article_for_refusal(article.slug)
    with django_assert_num_queries(0):  # all 512 kept
        assert services.article_for_refusal(articles[0].slug).headline == "Update 0"
    services.article_for_refusal(articles[512].slug)  # one more: the kept ones are let go
    with django_assert_num_queries(1):
        assert services.article_for_refusal(articles[1].slug).headline == "Update 1"
    assert len(refusal_articles) == 2


# What is compiled once per process (issue 15), and what is all or nothing.


def test_the_word_lists_and_an_articles_reads_are_read_again_without_compiling_their_queries(
    article, refusal_articles, compiled
):
    earlier = [approved_by_moderator(ArticleFactory()) for _ in range(2)]
    services.moderation_words()
    services.article_for_refusal(article.slug)
    services.article_for_comment(article.slug, body="A first thought.", email="alex@example.org")
    services.article_for_comment(article.slug, body=BODY, email="", sent_comment_ids=[earlier[0].pk])
    ModerationWord.objects.create(word="scandal", action=ModerationWord.Action.SUSPECT)
    Article.objects.filter(pk=article.pk).update(headline="A corrected headline")
    compiled.clear()
    assert services.moderation_words()[ModerationWord.Action.SUSPECT] == ["scandal"]
    assert services.article_for_refusal(article.slug).headline == "A corrected headline"
    # Another text and address, no address: the same two shapes of the article's query.
    assert services.article_for_comment(article.slug, body=BODY, email="sam@example.org").pk == article.pk
    assert services.article_for_comment(article.slug, body="Another.", email="").pk == article.pk
    assert compiled == []
    ids = [c.pk for c in earlier]
    known = services.article_for_comment(article.slug, body=BODY, email="sam@example.org", sent_comment_ids=ids)
    assert known.comment_facts.known_reader is True  # two remembered comments: a new shape, compiled once
    compiled.clear()
    known = services.article_for_comment(article.slug, body=BODY, email="sam@example.org", sent_comment_ids=ids[::-1])
    assert (known.comment_facts.known_reader, compiled) == (True, [])


@pytest.fixture
def failing_receiver():
    """Connect a receiver to a signal that fails, as the alerts' receivers would if their write failed."""
    connected = []

    def connect(signal):
        def receiver(sender, **kwargs):
            raise RuntimeError("the alerts' write failed")

        signal.connect(receiver)
        connected.append((signal, receiver))

    yield connect
    for signal, receiver in connected:
        signal.disconnect(receiver)


def test_a_moderation_whose_publication_fails_changes_nothing(article, moderator, failing_receiver):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    failing_receiver(signals.comments_published)
    with pytest.raises(RuntimeError):
        services.moderate_comments(
            comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=moderator
        )
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (Comment.Status.PENDING, None)
    assert not LogEntry.objects.filter(object_pk=str(comment.pk), actor=moderator).exists()


def test_an_erasure_whose_audit_entry_fails_erases_nothing(article, moderator, monkeypatch):
    first = CommentFactory(article=article, email="sam@example.org")
    second = CommentFactory(article=ArticleFactory(), email="sam@example.org")
    real_log_create = LogEntry.objects.log_create
    calls = []

    def log_create(instance, **kwargs):
        calls.append(instance.pk)
        if len(calls) == 2:
            raise RuntimeError("the audit log is full")
        return real_log_create(instance, **kwargs)

    monkeypatch.setattr(LogEntry.objects, "log_create", log_create)
    with pytest.raises(RuntimeError):
        services.erase_reader(comments=Comment.objects.filter(pk=first.pk), by=moderator)
    assert sorted(calls) == sorted([first.pk, second.pk])
    assert not LogEntry.objects.filter(actor=moderator).exists()
    assert set(Comment.objects.values_list("email", flat=True)) == {"sam@example.org"}


def test_a_purge_the_other_apps_fail_to_follow_clears_nothing(article, failing_receiver):
    old = CommentFactory(article=article, email="sam@example.org")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    failing_receiver(signals.personal_data_purged)
    with pytest.raises(RuntimeError):
        services.purge_comment_pii(older_than_days=30)
    old.refresh_from_db()
    assert old.email == "sam@example.org"
