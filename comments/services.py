"""The writes to readers' comments that have side effects: submit, moderate, report, erase, purge.

The views, the admin and the management command call these. Who is asking and when (tokens, rate limits, address hashes) is checked
before, in comments/protection.py; what the words say, in comments/checks.py.
"""

import datetime
import functools
import time
from dataclasses import dataclass
from typing import NamedTuple

from auditlog.models import LogEntry as AuditEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils import timezone

from articles.models import Article
from sendtracker import limits
from sendtracker.cache import copies, versions

from . import checks, signals
from .exceptions import CommentRefused
from .models import Comment, CommentReport, ModerationWord
from .protection import ARTICLES_KEY, DUPLICATE

MODERATE_PERMISSION = "comments.change_comment"


# Submitting a comment.


def is_known_reader(*, email, sent_comment_ids):
    """Whether a moderator approved an earlier comment this reader sent from this browser with this address.

    ``sent_comment_ids`` come from the browser's signed cookie (protection.sent_comment_ids):
    a claimed email alone, in whatever case, is never trust.
    """
    email = checks.normalise_email(email)
    if not email or not sent_comment_ids:
        return False
    return Comment.objects.filter(
        pk__in=list(sent_comment_ids),
        status=Comment.Status.APPROVED,
        moderated_by__isnull=False,
        email__iexact=email,
    ).exists()


def held_reasons(*, article, body, email, mode, sent_comment_ids=(), suspect_words=None, known_reader=None):
    """Why a comment that passed every refusal must wait for a moderator (empty: it may go live).

    ``suspect_words`` (from ``moderation_words``) and ``known_reader`` (from ``article_for_comment``)
    are read here when not given.
    """
    reasons = list(checks.safeguarding_concerns(body))
    if suspect_words is None:
        suspect_words = ModerationWord.objects.filter(action=ModerationWord.Action.SUSPECT).values_list(
            "word", flat=True
        )
    suspect = checks.find_words(body, suspect_words)
    if suspect:
        reasons.append("suspect words: " + ", ".join(suspect))
    if mode == Article.Moderation.POST:
        if known_reader is None:
            known_reader = is_known_reader(email=email, sent_comment_ids=sent_comment_ids)
        if not known_reader:
            reasons.append("first comment from this email address")
    return reasons


def moderation_words():
    """Every banned and suspect word, in one query: ``{action: [word, ...]}`` (the form's and the moderation's)."""
    words = {ModerationWord.Action.BANNED: [], ModerationWord.Action.SUSPECT: []}
    alias = router.db_for_read(ModerationWord)
    with connections[alias].cursor() as cursor:
        cursor.execute(_moderation_words_sql(alias))
        for action, word in cursor.fetchall():
            words.setdefault(action, []).append(word)
    return words


@functools.cache
def _moderation_words_sql(alias):
    """The SQL of ``ModerationWord.objects.values_list("action", "word")``, compiled once per process and database."""
    query = ModerationWord.objects.values_list("action", "word").query
    sql, params = query.get_compiler(using=alias).as_sql()
    if params:  # a plain SELECT of two columns in the model's order takes none
        raise RuntimeError(f"moderation_words' query takes parameters: {params!r}")
    return sql


def duplicate_key(article_pk, body):
    """The store of limits' key for this text under this article (taken by the first of two identical comments)."""
    return f"comments:dup:{article_pk}:{checks.fingerprint(checks.clean_text(body))}"


def _recent(fingerprint):
    since = timezone.now() - datetime.timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS)
    return Comment.objects.filter(fingerprint=fingerprint, created_at__gte=since)


@dataclass(frozen=True)
class SubmissionFacts:
    """What the database said about a comment before it was checked, read with its article."""

    fingerprint: str
    email: str
    recent_duplicate: bool
    known_reader: bool


# Stand-ins the query of ``article_for_comment`` is compiled with, once per process for each shape
# (``_article_for_comment_sql``); each request puts its own values in their places.
_SLUG, _FINGERPRINT, _EMAIL = "\x00st_slug\x00", "\x00st_fingerprint\x00", "\x00st_email\x00"
_SINCE = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
_ID_BASE = -7_300_000_000  # the remembered comment ids: _ID_BASE - 0, - 1, ...


@functools.lru_cache(maxsize=64)
def _article_for_comment_sql(alias, with_email, id_count):
    """The SQL of ``article_for_comment``'s query and where each request's values go in its parameters.

    Built by the ORM with stand-in values and compiled once per process, database and shape
    (an address or not, how many remembered comment ids): building and compiling the queryset
    with its two ``EXISTS`` took most of an accepted comment's time (docs/performance.md, issue 15).
    Returns ``(sql, params, slots, row)``: ``params`` with the stand-ins, ``slots`` as
    ``(position, name, prepare)`` for each place a request's value goes, and ``row``
    (``_RowShape``) where the compiled SELECT puts the article's fields and the two answers.
    """
    connection = connections[alias]
    ops = connection.ops
    ids = [_ID_BASE - n for n in range(id_count)]
    same = Q(article=OuterRef("pk")) | Q(email__iexact=_EMAIL) if with_email else Q(article=OuterRef("pk"))
    known = (
        Exists(
            Comment.objects.filter(
                pk__in=ids, status=Comment.Status.APPROVED, moderated_by__isnull=False, email__iexact=_EMAIL
            )
        )
        if with_email and ids
        else Value(False)
    )
    recent = Comment.objects.filter(fingerprint=_FINGERPRINT, created_at__gte=_SINCE).filter(same)
    queryset = Article.objects.filter(slug=_SLUG).annotate(recent_duplicate=Exists(recent), known_reader=known)
    compiler = queryset.order_by().query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    # What the ORM's iterator would work out for each row (ModelIterable): the model's columns,
    # the annotations' places and each column's converters (from_db_value, the backend's).
    fields = compiler.klass_info["select_fields"]
    row = _RowShape(
        attnames=tuple(compiler.select[i][0].target.attname for i in fields),
        fields=tuple(fields),
        recent_duplicate=compiler.annotation_col_map["recent_duplicate"],
        known_reader=compiler.annotation_col_map["known_reader"],
        converters=tuple(compiler.get_converters([column for column, _, _ in compiler.select]).items()),
    )
    since_db = ops.adapt_datetimefield_value(_SINCE)
    stand_ins = {
        _SLUG: ("slug", None),
        _FINGERPRINT: ("fingerprint", None),
        _EMAIL: ("email", None),
        ops.prep_for_iexact_query(_EMAIL): ("email", ops.prep_for_iexact_query),
        since_db: ("since", ops.adapt_datetimefield_value),
    }
    slots = []
    for position, param in enumerate(params):
        if isinstance(param, int) and not isinstance(param, bool) and param <= _ID_BASE:
            slots.append((position, ("id", _ID_BASE - param), None))
        elif isinstance(param, (str, datetime.datetime)) and param in stand_ins:
            name, prepare = stand_ins[param]
            slots.append((position, name, prepare))
    found = {slot[1] if isinstance(slot[1], str) else "id" for slot in slots}
    wanted = (
        {"slug", "fingerprint", "since"}
        | ({"email"} if with_email else set())
        | ({"id"} if ids and with_email else set())
    )
    if found != wanted:  # the ORM wrote a value in a way this does not know: never guess
        raise RuntimeError(f"article_for_comment's query: stand-ins found {sorted(found)}, expected {sorted(wanted)}")
    return sql, tuple(params), tuple(slots), row


@dataclass(frozen=True)
class _RowShape:
    attnames: tuple
    fields: tuple
    recent_duplicate: int
    known_reader: int
    converters: tuple


def article_for_comment(slug, *, body, email, sent_comment_ids=()):
    """The published article ``slug`` (404 if none), read in one query with what submitting a comment asks.

    ``article.comment_facts`` (SubmissionFacts) says whether the same text was sent recently
    (to this article, or from this email address) and whether the reader is known
    (``is_known_reader``), for the text and address as the form will clean them. The query's
    SQL is compiled once per process for each shape (``_article_for_comment_sql``); whether the
    article is published now is the model's rule, applied to what was read
    (``Article.is_published``), as the published() filter would.
    """
    fingerprint = checks.fingerprint(checks.clean_text(body))
    email = checks.normalise_email(email)
    ids = list(sent_comment_ids)
    alias = router.db_for_read(Article)
    sql, params, slots, shape = _article_for_comment_sql(alias, bool(email), len(ids) if email else 0)
    since = timezone.now() - datetime.timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS)
    values = {"slug": slug, "fingerprint": fingerprint, "email": email, "since": since}
    params = list(params)
    for position, name, prepare in slots:
        value = ids[name[1]] if isinstance(name, tuple) else values[name]
        params[position] = prepare(value) if prepare is not None else value
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Http404("No Article matches the given query.")
    row = list(row)
    for position, (converters, expression) in shape.converters:
        value = row[position]
        for converter in converters:
            value = converter(value, expression, connection)
        row[position] = value
    article = Article.from_db(alias, shape.attnames, [row[i] for i in shape.fields])
    if not article.is_published:
        raise Http404("No Article matches the given query.")
    article.comment_facts = SubmissionFacts(
        fingerprint, email, bool(row[shape.recent_duplicate]), bool(row[shape.known_reader])
    )
    return article


# What the short page a refused comment gets shows of its article (comments/views.py ``_refused``).
REFUSAL_FIELDS = ("slug", "headline", "status", "published_at", "comment_moderation", "comments_close_at")
REFUSAL_ARTICLES_KEPT = 512
_refusal_articles = {}  # slug -> _KeptArticle


@functools.cache
def _article_by_slug_sql(alias):
    """The SQL of ``Article.objects.filter(slug=...).only(*REFUSAL_FIELDS)``, compiled once per process and database."""
    query = Article.objects.filter(slug="").only(*REFUSAL_FIELDS).order_by().query
    sql, _ = query.get_compiler(using=alias).as_sql()
    return sql


def _article_by_slug(slug):
    alias = router.db_for_read(Article)
    found = list(Article.objects.raw(_article_by_slug_sql(alias), [slug], using=alias))
    return found[0] if found else None


def article_for_refusal(slug, version=None):
    """The published article ``slug`` (404 if none) with what a refusal page shows, usually without a query.

    A refused comment is answered before the expensive work (docs/performance.md, issue 15).
    Each process keeps the articles it read here, each with the version the page cache's
    ``articles`` key had just before the read: that key is replaced by every write to an
    articles table (sendtracker/cache/writes.py, once after the statement and again at the
    commit), so a kept copy is used only while nothing in the articles tables has changed since,
    at the cost of one read of the shared cache (made with the claim's, below). Otherwise (or while the cache is unreachable)
    one query reads it, the ORM's SQL compiled once per process. Whether it is published now is
    the model's rule, applied to the copy (``Article.is_published``), so a scheduled article
    opens on time.

    ``version``: what the refusal's claim read in its own round trip (``protection.claim_submission``),
    so the refusal makes no other: ``("page", the articles key's version)``, or, with the limits in a
    Redis of their own, ``("copy", the copy of it kept there)`` (sendtracker/cache/copies.py). A copy
    is believed for ``copies.CHECK_SECONDS``; then the page cache's version is read as well, and
    if that moved while the copy did not (the copy missed a bump), the copy is replaced and the
    article read again. Without ``version`` the page cache's is read here.
    """
    page = None
    if version is None:
        version = page = _articles_version()
    kept = _refusal_articles.get(slug)
    if version is not None and kept is not None and kept.version == version:
        if version[0] == "page" or time.monotonic() - kept.checked < copies.CHECK_SECONDS:
            return _published(kept.article)
        page = _articles_version()
        if page is not None and page == kept.page:
            _refusal_articles[slug] = kept._replace(checked=time.monotonic())
            return _published(kept.article)
        replaced = copies.replace(ARTICLES_KEY) if page is not None else None
        version = None if replaced is None else ("copy", replaced)
    elif version is not None and page is None:
        page = version if version[0] == "page" else _articles_version()  # for a copy: to check it against
    article = _article_by_slug(slug)
    if version is not None and page is not None:
        if len(_refusal_articles) >= REFUSAL_ARTICLES_KEPT:
            _refusal_articles.clear()
        _refusal_articles[slug] = _KeptArticle(version, page, time.monotonic(), article)
    return _published(article)


class _KeptArticle(NamedTuple):
    version: tuple  # what a refusal's claim reads: ("page", value) or ("copy", value)
    page: tuple  # ("page", the articles key's version) just before the article was read
    checked: float  # time.monotonic() when ``page`` was last found current
    article: Article | None


def _articles_version():
    tokens, _ = versions.read([ARTICLES_KEY])
    return ("page", tokens[ARTICLES_KEY].value) if tokens else None


def _published(article):
    if article is None or not article.is_published:
        raise Http404("No Article matches the given query.")
    return article


def _check_duplicate(*, article, fingerprint, email, facts=None, claimed=False):
    """Refuse text already sent; ``claimed``: the caller already took the cache key (protection.claim_submission)."""
    if facts is not None and (facts.fingerprint, facts.email) == (fingerprint, email):
        duplicate = facts.recent_duplicate
    else:
        same_text = _recent(fingerprint)
        duplicate = same_text.filter(article=article).exists() or (
            email and same_text.filter(email__iexact=email).exists()
        )
    # add() is atomic across processes: of two identical comments sent at once, one wins.
    key = f"comments:dup:{article.pk}:{fingerprint}"
    store = limits.store()
    if duplicate and claimed:
        store.delete(key)
    if duplicate or not (claimed or store.add(key, 1, timeout=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS)):
        raise CommentRefused(DUPLICATE, status=400, field="body")
    return key


def submit_comment(
    *,
    article,
    display_name,
    email,
    reader_role,
    body,
    parent,
    ip_hash,
    user_agent,
    user=None,
    sent_comment_ids=(),
    notify_replies=False,
    suspect_words=None,
    duplicate_claimed=False,
):
    """Store a reader's (or a member of staff's) comment: approved, or pending with the reasons it was held.

    ``sent_comment_ids``: the comments the browser's signed cookie says it sent (see ``is_known_reader``).
    The view passes what it already read: the article from ``article_for_comment`` (its
    ``comment_facts``), the ``suspect_words`` and, once it took the text's duplicate key in the
    shared cache (``protection.claim_submission``), ``duplicate_claimed``.

    Raises CommentRefused (nothing stored) when the article is closed or the text is a duplicate.
    Form-level checks (length, links, banned words) have already passed in CommentForm.
    """
    reason = article.comments_closed_reason()
    if reason:
        raise CommentRefused(reason, status=403)
    body = checks.clean_text(body)
    email = checks.normalise_email(email)
    fingerprint = checks.fingerprint(body)
    facts = getattr(article, "comment_facts", None)
    duplicate_key = _check_duplicate(
        article=article, fingerprint=fingerprint, email=email, facts=facts, claimed=duplicate_claimed
    )
    staff = user is not None and user.is_authenticated and user.is_staff
    comment = Comment(
        article=article,
        parent=parent,
        display_name=checks.clean_text(display_name),
        email=email,
        reader_role=reader_role,
        body=body,
        fingerprint=fingerprint,
        ip_hash=ip_hash,
        user_agent=user_agent,
        author=user if staff else None,
        notify_replies=bool(notify_replies and email),
    )
    if staff and user.has_perm(MODERATE_PERMISSION):
        comment.status = Comment.Status.APPROVED
    else:
        reasons = held_reasons(
            article=article,
            body=body,
            email=email,
            mode=article.comment_moderation,
            sent_comment_ids=sent_comment_ids,
            suspect_words=suspect_words,
            known_reader=facts.known_reader if facts is not None and facts.email == email else None,
        )
        if article.comment_moderation == Article.Moderation.POST and not reasons:
            comment.status = Comment.Status.APPROVED
        else:
            comment.status = Comment.Status.PENDING
            comment.held_reason = "; ".join(reasons)[:200]
    try:
        # The article and the parent were read (and the parent checked) just now: no query to look them up again.
        comment.full_clean(exclude=["article", "parent"] if facts is not None else None)
        if comment.status == Comment.Status.APPROVED:
            with transaction.atomic():
                comment.save()
                signals.comments_published.send(sender=Comment, comment_ids=[comment.pk])
        else:
            comment.save()  # one INSERT, atomic by itself: nothing else is written with a held comment
    except ValidationError as error:
        limits.store().delete(duplicate_key)
        raise CommentRefused("Your comment could not be saved: " + " ".join(error.messages)) from None
    except Exception:
        limits.store().delete(duplicate_key)
        raise
    return comment


# Moderation.


@transaction.atomic
def moderate_comments(*, comments, status, by, reason=""):
    """Approve, reject or mark as spam, recording who did it, when and (optionally) why."""
    if status not in {Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM}:
        raise ValueError(f"Cannot moderate a comment to {status!r}")
    pks = list(comments.values_list("pk", flat=True))
    reason = (reason or "")[:300]
    _record_in_audit_log(Comment.objects.filter(pk__in=pks), status=status, reason=reason, by=by)
    updated = Comment.objects.filter(pk__in=pks).update(
        status=status, moderated_by=by, moderated_at=timezone.now(), moderation_reason=reason
    )
    if status == Comment.Status.APPROVED and pks:
        signals.comments_published.send(sender=Comment, comment_ids=pks)
    return updated


def _record_in_audit_log(comments, *, status, reason, by, erased=False):
    """One audit entry per comment, old → new: a bulk UPDATE skips the signals django-auditlog listens to.

    Only the moderation is recorded, never the reader's words or name (an erased comment leaves no copy).
    """
    for comment in comments.select_related("article").only("pk", "status", "moderation_reason", "article__headline"):
        label = f"Comment {comment.pk} on “{comment.article.headline}”" + (" (erased)" if erased else "")
        changes = {"status": [comment.status, status], "moderation_reason": [comment.moderation_reason, reason]}
        AuditEntry.objects.log_create(
            comment, action=AuditEntry.Action.UPDATE, actor=by, object_repr=label, changes=changes
        )


def report_comment(*, comment, reason, detail, reporter):
    """Record one reader's report; at the threshold the comment goes back to the moderators' queue."""
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=comment, reason=reason, detail=detail, reporter_hash=reporter)
    except IntegrityError:
        raise CommentRefused(
            "You have already reported this comment. A moderator will look at it.", status=409
        ) from None
    reports = comment.reports.all()
    if comment.moderated_at is not None:  # reports a moderator has already weighed do not count again
        reports = reports.filter(created_at__gt=comment.moderated_at)
    count = reports.count()
    if count >= settings.COMMENTS_REPORT_THRESHOLD:
        # A conditional UPDATE: of simultaneous reports, exactly one moves the comment.
        Comment.objects.filter(pk=comment.pk, status=Comment.Status.APPROVED).update(
            status=Comment.Status.PENDING, held_reason=f"Reported by {count} readers"
        )
    return report


# Privacy.

ERASED_NAME = "Removed"
ERASED_BODY = "This comment was removed at the reader’s request."


@transaction.atomic
def erase_reader(*, comments, by):
    """Right to erasure: every comment by the selected comments' readers (matched by email) is emptied."""
    selected = list(comments.values_list("pk", "email"))
    match = Q(pk__in=[pk for pk, _ in selected])
    for email in {checks.normalise_email(email) for _, email in selected if email}:
        match |= Q(email__iexact=email)
    _record_in_audit_log(
        Comment.objects.filter(match),
        status=Comment.Status.REJECTED,
        reason="Erased at the reader’s request",
        by=by,
        erased=True,
    )
    return Comment.objects.filter(match).update(
        display_name=ERASED_NAME,
        email="",
        notify_replies=False,
        ip_hash="",
        user_agent="",
        body=ERASED_BODY,
        fingerprint="",
        reader_role="",
        status=Comment.Status.REJECTED,
        held_reason="",
        moderated_by=by,
        moderated_at=timezone.now(),
        moderation_reason="Erased at the reader’s request",
    )


@transaction.atomic
def purge_comment_pii(*, older_than_days):
    """Clear emails, IP hashes and user agents of comments, and reporters' hashes, older than the cut-off."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    comments = (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(email="", ip_hash="", user_agent="", notify_replies=False)
        .update(email="", ip_hash="", user_agent="", notify_replies=False)
    )
    reports = (
        CommentReport.objects.filter(created_at__lt=cutoff)
        .exclude(reporter_hash__startswith="purged:")
        .update(reporter_hash=Concat(Value("purged:"), Cast("pk", output_field=CharField())))
    )
    signals.personal_data_purged.send(sender=Comment, cutoff=cutoff)
    return comments, reports
