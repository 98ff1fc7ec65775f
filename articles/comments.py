"""Readers' comments ("Your thoughts"): what the article page shows, and every write to comments.

Writes with side effects go through the functions here (submit, moderate, report,
erase, purge); the views, the admin and the management command call them.
"""

import datetime
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sendtracker import page_cache
from sendtracker.client_address import client_address

from . import comment_checks
from .models import Article, Comment, CommentReport, ModerationWord

FORM_TOKEN_SALT = "articles.comments.form-started"
THANKS_TOKEN_SALT = "articles.comments.thanks"
USER_AGENT_LENGTH = 200


class CommentRefused(Exception):
    """A submission or report that is turned away, with the reason a reader is shown and its status code."""

    def __init__(self, message, *, status=400, field=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


# Who is asking: never the raw IP, only salted hashes of it.


def _digest(purpose, value):
    return salted_hmac(
        f"articles.comments.{purpose}", value, secret=settings.COMMENTS_IP_HASH_SALT, algorithm="sha256"
    ).hexdigest()


def hash_ip(ip):
    return _digest("ip", ip or "unknown")


def reporter_hash(request):
    """One reader for "one report per reader": the signed-in account, else the salted IP hash."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _digest("reporter", f"user:{user.pk}")
    return _digest("reporter", f"ip:{client_address(request)}")


def trimmed_user_agent(request):
    return comment_checks.clean_text(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH]


# Is the article taking comments?


def closes_at(article):
    return article.comments_close_time()


def closed_reason(article, now=None):
    """Why the article takes no new comments, or None when it does."""
    return article.comments_closed_reason(now)


# The signed form timestamp.


def form_token(article, now=None):
    return signing.dumps({"a": article.pk, "t": now if now is not None else time.time()}, salt=FORM_TOKEN_SALT)


def started_token(request, article):
    """The form's signed start time; on a page the page cache may store, a placeholder it fills per response.

    So a cached article page never hands every reader the same (ever older) start time.
    """
    return page_cache.fresh_value(request, "comment_form_started", article.pk) or form_token(article)


def fresh_form_token(article_pk):
    """settings.PAGE_CACHE_FRESH_VALUES: the start time, now, for the article the placeholder names."""
    return signing.dumps({"a": int(article_pk), "t": time.time()}, salt=FORM_TOKEN_SALT)


def check_form_token(token, article, now=None):
    now = now if now is not None else time.time()
    try:
        data = signing.loads(token or "", salt=FORM_TOKEN_SALT)
        started, article_pk = float(data["t"]), data["a"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise CommentRefused(
            "This form could not be checked. We have given you a fresh one: please send your comment again."
        ) from None
    if article_pk != article.pk:
        raise CommentRefused("This form belongs to another article. Please send your comment again.")
    age = now - started
    if age < settings.COMMENTS_FORM_MIN_AGE_SECONDS:
        raise CommentRefused(
            "That was sent too quickly to be a person typing. Please wait a few seconds and send it again."
        )
    if age > settings.COMMENTS_FORM_MAX_AGE_SECONDS:
        raise CommentRefused("This form was open too long. Your text is kept below: please send it again.")


# Rate limits in the shared cache (Redis when REDIS_URL is set).


def over_rate_limit(scope, identity, limit):
    """Count one attempt; True when this identity has gone over `limit` (count, window seconds).

    ``cache.add`` creates the window's counter only if it does not exist (SET NX in Redis)
    and ``cache.incr`` increments it atomically, so simultaneous requests on any number of
    processes and servers are all counted.
    """
    count, window = limit
    key = f"comments:rate:{scope}:{identity}"
    cache.add(key, 0, timeout=window)
    try:
        current = cache.incr(key)
    except ValueError:  # the window expired between add and incr: this attempt starts a new one
        cache.add(key, 1, timeout=window)
        current = 1
    return current > count


def check_rate_limits(*, ip_hash, email):
    minutes = settings.COMMENTS_RATE_LIMIT_PER_IP[1] // 60
    if over_rate_limit("ip", ip_hash, settings.COMMENTS_RATE_LIMIT_PER_IP):
        raise CommentRefused(
            f"You have sent several comments in the last {minutes} minutes. Please wait a while and try again.",
            status=429,
        )
    if email and over_rate_limit("email", _digest("email", email.casefold()), settings.COMMENTS_RATE_LIMIT_PER_EMAIL):
        raise CommentRefused(
            "Several comments have just been sent from this email address. Please wait a while and try again.",
            status=429,
        )


# Submitting a comment.


def held_reasons(*, article, body, email, mode):
    """Why a comment that passed every refusal must wait for a moderator (empty: it may go live)."""
    reasons = list(comment_checks.safeguarding_concerns(body))
    suspect = comment_checks.find_words(
        body, ModerationWord.objects.filter(action=ModerationWord.Action.SUSPECT).values_list("word", flat=True)
    )
    if suspect:
        reasons.append("suspect words: " + ", ".join(suspect))
    if mode == Article.Moderation.POST and not (
        email and Comment.objects.filter(email__iexact=email, status=Comment.Status.APPROVED).exists()
    ):
        reasons.append("first comment from this email address")
    return reasons


def _check_duplicate(*, article, fingerprint, email):
    since = timezone.now() - datetime.timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS)
    same_text = Comment.objects.filter(fingerprint=fingerprint, created_at__gte=since)
    duplicate = same_text.filter(article=article).exists() or (email and same_text.filter(email__iexact=email).exists())
    # add() is atomic across processes: of two identical comments sent at once, one wins.
    key = f"comments:dup:{article.pk}:{fingerprint}"
    if duplicate or not cache.add(key, 1, timeout=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS):
        raise CommentRefused(
            "This comment has already been sent. You do not need to send it again.", status=400, field="body"
        )
    return key


def submit_comment(*, article, display_name, email, reader_role, body, parent, ip_hash, user_agent, user=None):
    """Store a reader's (or a member of staff's) comment: approved, or pending with the reasons it was held.

    Raises CommentRefused (nothing stored) when the article is closed or the text is a duplicate.
    Form-level checks (length, links, banned words) have already passed in CommentForm.
    """
    reason = closed_reason(article)
    if reason:
        raise CommentRefused(reason, status=403)
    body = comment_checks.clean_text(body)
    fingerprint = comment_checks.fingerprint(body)
    duplicate_key = _check_duplicate(article=article, fingerprint=fingerprint, email=email)
    staff = user is not None and user.is_authenticated and user.is_staff
    comment = Comment(
        article=article,
        parent=parent,
        display_name=comment_checks.clean_text(display_name),
        email=email,
        reader_role=reader_role,
        body=body,
        fingerprint=fingerprint,
        ip_hash=ip_hash,
        user_agent=user_agent,
        author=user if staff else None,
    )
    if staff and user.has_perm("articles.change_comment"):
        comment.status = Comment.Status.APPROVED
    else:
        reasons = held_reasons(article=article, body=body, email=email, mode=article.comment_moderation)
        if article.comment_moderation == Article.Moderation.POST and not reasons:
            comment.status = Comment.Status.APPROVED
        else:
            comment.status = Comment.Status.PENDING
            comment.held_reason = "; ".join(reasons)[:200]
    try:
        comment.full_clean()
        with transaction.atomic():
            comment.save()
    except ValidationError as error:
        cache.delete(duplicate_key)
        raise CommentRefused("Your comment could not be saved: " + " ".join(error.messages)) from None
    except Exception:
        cache.delete(duplicate_key)
        raise
    return comment


def thanks_token(comment):
    return signing.dumps({"c": comment.pk, "s": comment.status}, salt=THANKS_TOKEN_SALT)


def read_thanks_token(token):
    try:
        return signing.loads(token or "", salt=THANKS_TOKEN_SALT, max_age=24 * 60 * 60)
    except signing.BadSignature:
        return None


# Moderation.


@transaction.atomic
def moderate_comments(*, comments, status, by, reason=""):
    """Approve, reject or mark as spam, recording who did it, when and (optionally) why."""
    if status not in {Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM}:
        raise ValueError(f"Cannot moderate a comment to {status!r}")
    pks = list(comments.values_list("pk", flat=True))
    return Comment.objects.filter(pk__in=pks).update(
        status=status, moderated_by=by, moderated_at=timezone.now(), moderation_reason=(reason or "")[:300]
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
    for email in {email.casefold() for _, email in selected if email}:
        match |= Q(email__iexact=email)
    return Comment.objects.filter(match).update(
        display_name=ERASED_NAME,
        email="",
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
        .exclude(email="", ip_hash="", user_agent="")
        .update(email="", ip_hash="", user_agent="")
    )
    reports = (
        CommentReport.objects.filter(created_at__lt=cutoff)
        .exclude(reporter_hash__startswith="purged:")
        .update(reporter_hash=Concat(Value("purged:"), Cast("pk", output_field=CharField())))
    )
    return comments, reports


# The article page.


def published_comments(article):
    """Approved top-level comments, each with its approved replies in ``approved_replies``: one query.

    A reply always belongs to its parent's article (the form only offers that article's
    comments), so one pass over the article's approved comments, oldest first, builds the
    threads. Replies whose parent is not shown (held, rejected, itself a reply) are not shown.
    """
    comments = list(article.comments.approved().order_by("created_at", "pk"))
    top_level = [comment for comment in comments if comment.parent_id is None]
    threads = {comment.pk: comment for comment in top_level}
    for comment in top_level:
        comment.approved_replies = []
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in threads:
            comment.parent = threads[comment.parent_id]
            threads[comment.parent_id].approved_replies.append(comment)
    return top_level


def your_thoughts_context(request, article, form=None, comments=None):
    """Context for the "Your thoughts" section at the foot of an article."""
    from .comment_forms import CommentForm

    comments = published_comments(article) if comments is None else comments
    reply_to = None
    wanted = request.GET.get("reply_to") if form is None else (form.data.get("reply_to") or None)
    if wanted:
        reply_to = next((comment for comment in comments if str(comment.pk) == str(wanted)), None)
        if reply_to is None and str(wanted).isdigit():  # the error page does not list the comments
            reply_to = article.comments.approved().filter(pk=int(wanted), parent__isnull=True).first()
    closed = closed_reason(article)
    if form is None and not closed:
        form = CommentForm.for_article(article, reply_to=reply_to, request=request)
    return {
        "comments": comments,
        "comment_count": sum(1 + len(comment.approved_replies) for comment in comments),
        "comment_form": form,
        "comments_closed": closed,
        "reply_to": reply_to,
        "comment_max_length": settings.COMMENTS_MAX_LENGTH,
    }
