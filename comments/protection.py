"""Defences around "Your thoughts" that are about who is asking and when, not what they wrote.

Readers are known only by salted hashes of their address (never the raw IP), the form
carries a signed start time, and rate limits count attempts in the shared cache.
"""

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from sendtracker.cache import fresh_value
from sendtracker.client_address import client_address

from . import checks
from .exceptions import CommentRefused

# The salts keep the names they had when comments lived in the articles app: changing them
# would invalidate every open form and change every stored hash (one report per reader).
FORM_TOKEN_SALT = "articles.comments.form-started"
THANKS_TOKEN_SALT = "articles.comments.thanks"
HASH_SALT_PREFIX = "articles.comments"
USER_AGENT_LENGTH = 200


# Who is asking: never the raw IP, only salted hashes of it.


def _digest(purpose, value):
    return salted_hmac(
        f"{HASH_SALT_PREFIX}.{purpose}", value, secret=settings.COMMENTS_IP_HASH_SALT, algorithm="sha256"
    ).hexdigest()


def hash_ip(ip):
    return _digest("ip", ip or "unknown")


def request_ip_hash(request):
    """The salted hash of the client's address (behind the trusted proxies, sendtracker.client_address)."""
    return hash_ip(client_address(request))


def reporter_hash(request):
    """One reader for "one report per reader": the signed-in account, else the salted IP hash."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _digest("reporter", f"user:{user.pk}")
    return _digest("reporter", f"ip:{client_address(request)}")


def trimmed_user_agent(request):
    return checks.clean_text(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH]


# The signed form timestamp.


def form_token(article, now=None):
    return signing.dumps({"a": article.pk, "t": now if now is not None else time.time()}, salt=FORM_TOKEN_SALT)


def started_token(request, article):
    """The form's signed start time; on a page the page cache may store, a placeholder it fills per response.

    So a cached article page never hands every reader the same (ever older) start time.
    """
    return fresh_value(request, "comment_form_started", article.pk) or form_token(article)


def fresh_form_token(article_pk):
    """The start time, now, for the article the placeholder names (registered in CommentsConfig.ready)."""
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


# The confirmation page's signed outcome.


def thanks_token(comment):
    return signing.dumps({"c": comment.pk, "s": comment.status}, salt=THANKS_TOKEN_SALT)


def read_thanks_token(token):
    try:
        return signing.loads(token or "", salt=THANKS_TOKEN_SALT, max_age=24 * 60 * 60)
    except signing.BadSignature:
        return None


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


def check_report_rate_limit(*, ip_hash):
    if over_rate_limit("report", ip_hash, settings.COMMENTS_REPORT_RATE_LIMIT_PER_IP):
        raise CommentRefused("You have sent a lot of reports recently. Please wait a while and try again.", status=429)
