"""Defences around "Your thoughts" that are about who is asking and when, not what they wrote.

Readers are known only by salted hashes of their address (never the raw IP), the form
carries a signed, single-use token with its start time, and rate limits count attempts in
the shared store of limits (``sendtracker.limits``: a Redis that does not evict).
"""

import contextlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from sendtracker import limits
from sendtracker.cache import copies, fresh_value, versions
from sendtracker.client_address import client_address

from . import checks
from .exceptions import CommentRefused

# The salts keep the names they had when comments lived in the articles app: changing them
# would invalidate every open form and change every stored hash (one report per reader).
FORM_TOKEN_SALT = "articles.comments.form-started"
THANKS_TOKEN_SALT = "articles.comments.thanks"
REPORT_THANKS_TOKEN_SALT = "comments.report-thanks"
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


# The signed, single-use form token: the article, the time the form was rendered, and a nonce.
#
# Each rendered form (each response, through the page cache's fresh value) gets a new nonce,
# signed with the rest, so only this site can make one. Sending the form uses the nonce up
# in the store of limits (an ADD then an INCR, atomic across processes and servers), so a bot
# that reads the form once cannot post it many times. A replay gets the page an expired
# form gets: the text kept, a new form. Nothing is written when a form is rendered: the
# article page, served from the page cache, costs no write per reader, and the cache holds
# one key per form sent, not per page view.

NONCE_KEY = "comments:form-used:{}"
REPLAYED = "This form has already been sent once. Your text is kept below: please send it again."
EXPIRED = "This form was open too long. Your text is kept below: please send it again."


def foreign_form():
    return CommentRefused("This form belongs to another article. Please send your comment again.")


def _issue_form_token(article_pk, started):
    return signing.dumps({"a": article_pk, "t": started, "n": secrets.token_urlsafe(16)}, salt=FORM_TOKEN_SALT)


def _use_up(nonce):
    """True for the first request to use ``nonce``, False for every later one and while the cache is down.

    The counter lives as long as a form may be sent, so a nonce is refused for as long as
    its token would otherwise be accepted. While the cache is unreachable ``incr`` raises
    (sendtracker.cache_backends), so no form is accepted twice: none is accepted at all.
    """
    key, store = NONCE_KEY.format(nonce), limits.store()
    store.add(key, 0, timeout=settings.COMMENTS_FORM_MAX_AGE_SECONDS + 60)
    try:
        return store.incr(key) == 1
    except ValueError:
        return False


def form_token(article, now=None):
    return _issue_form_token(article.pk, now if now is not None else time.time())


def started_token(request, article):
    """The form's token; on a page the page cache may store, a placeholder it fills per response.

    So a cached article page never hands every reader the same (ever older, already used) token.
    """
    return fresh_value(request, "comment_form_started", article.pk) or form_token(article)


def fresh_form_token(article_pk):
    """A new token, started now, for the article the placeholder names (registered in CommentsConfig.ready)."""
    return _issue_form_token(int(article_pk), time.time())


class FormToken:
    """A signed form token: the article it was made for, when the form was drawn, and its single-use nonce."""

    __slots__ = ("article_pk", "started", "nonce")

    def __init__(self, article_pk, started, nonce):
        self.article_pk = article_pk
        self.started = started
        self.nonce = nonce

    def check_age(self, now=None):
        """Refuse a form sent too soon after it was drawn to be a person typing, or left open too long."""
        age = (now if now is not None else time.time()) - self.started
        if age < settings.COMMENTS_FORM_MIN_AGE_SECONDS:
            raise CommentRefused(
                "That was sent too quickly to be a person typing. Please wait a few seconds and send it again."
            )
        if age > settings.COMMENTS_FORM_MAX_AGE_SECONDS:
            raise CommentRefused(EXPIRED)


def parse_form_token(token):
    """The form token, if this site signed it; raises CommentRefused (and a fresh form is given) if not.

    Reads no shared state and no database, so a forged form is refused before any other work.
    """
    try:
        data = signing.loads(token or "", salt=FORM_TOKEN_SALT)
        return FormToken(data["a"], float(data["t"]), str(data["n"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise CommentRefused(
            "This form could not be checked. We have given you a fresh one: please send your comment again."
        ) from None


def read_form_token(token, article, now=None):
    """The nonce of a form token that is signed, for this article, and neither too young nor too old.

    Raises CommentRefused (and a fresh form is given) when it will not do.
    """
    parsed = parse_form_token(token)
    if parsed.article_pk != article.pk:
        raise foreign_form()
    parsed.check_age(now)
    return parsed.nonce


def check_form_token(token, article, now=None):
    """Check the token and use it up; raises CommentRefused (and a fresh form is given) when it will not do."""
    nonce = read_form_token(token, article, now)
    # Of two requests carrying the same token, exactly one counts the nonce first.
    if not _use_up(nonce):
        raise CommentRefused(REPLAYED)


# The known reader: a signed cookie naming the comments this browser sent.
#
# On a post-moderated article a reader's comment goes live at once only if they are known:
# a comment they sent earlier, from this browser, that a moderator approved. An email
# address proves nothing (anyone can type anyone's); the cookie is signed, so it cannot
# be made up, and it is set only in the browser that sent the comment.

KNOWN_READER_COOKIE = "your_thoughts"
KNOWN_READER_SALT = "comments.known-reader"
KNOWN_READER_MAX_AGE = 365 * 24 * 60 * 60
KNOWN_READER_REMEMBERED = 20  # the newest comments kept in the cookie


def sent_comment_ids(request):
    """The comments this browser sent, by the signed cookie (empty if absent, forged or expired)."""
    value = request.get_signed_cookie(
        KNOWN_READER_COOKIE, default="", salt=KNOWN_READER_SALT, max_age=KNOWN_READER_MAX_AGE
    )
    return [int(part) for part in value.split(",") if part.isdigit()][-KNOWN_READER_REMEMBERED:]


def remember_sent_comment(request, response, comment):
    """Add ``comment`` to the browser's signed cookie (HttpOnly, Secure like the session's, SameSite=Lax)."""
    ids = [pk for pk in sent_comment_ids(request) if pk != comment.pk] + [comment.pk]
    response.set_signed_cookie(
        KNOWN_READER_COOKIE,
        ",".join(str(pk) for pk in ids[-KNOWN_READER_REMEMBERED:]),
        salt=KNOWN_READER_SALT,
        max_age=KNOWN_READER_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# The confirmation page's signed outcome.


def thanks_token(comment):
    return signing.dumps({"c": comment.pk, "s": comment.status}, salt=THANKS_TOKEN_SALT)


def read_thanks_token(token):
    try:
        return signing.loads(token or "", salt=THANKS_TOKEN_SALT, max_age=24 * 60 * 60)
    except signing.BadSignature:
        return None


def report_thanks_token(comment):
    """For the report's thanks page: which article to link back to, for this comment id only."""
    return signing.dumps({"c": comment.pk, "a": comment.article_id}, salt=REPORT_THANKS_TOKEN_SALT)


def read_report_thanks_token(token, comment_pk):
    """The article's pk if ``token`` was made for comment ``comment_pk`` in the last day, else None."""
    try:
        data = signing.loads(token or "", salt=REPORT_THANKS_TOKEN_SALT, max_age=24 * 60 * 60)
    except signing.BadSignature:
        return None
    return data.get("a") if data.get("c") == comment_pk else None


# Rate limits in the shared store of limits (Redis when REDIS_URL is set).


def over_rate_limit(scope, identity, limit):
    """Count one attempt; True when this identity has gone over `limit` (count, window seconds).

    ``cache.add`` creates the window's counter only if it does not exist (SET NX in Redis)
    and ``cache.incr`` increments it atomically, so simultaneous requests on any number of
    processes and servers are all counted.
    """
    count, window = limit
    key, store = f"comments:rate:{scope}:{identity}", limits.store()
    store.add(key, 0, timeout=window)
    try:
        current = store.incr(key)
    except ValueError:  # the window expired between add and incr: this attempt starts a new one
        store.add(key, 1, timeout=window)
        current = 1
    return current > count


def _rate_key(scope, identity):
    return f"comments:rate:{scope}:{identity}"


def _over_ip_limit(retry_after=None):
    minutes = settings.COMMENTS_RATE_LIMIT_PER_IP[1] // 60
    return CommentRefused(
        f"You have sent several comments in the last {minutes} minutes. Please wait a while and try again.",
        status=429,
        retry_after=retry_after or settings.COMMENTS_RATE_LIMIT_PER_IP[1],
    )


def _over_email_limit(retry_after=None):
    return CommentRefused(
        "Several comments have just been sent from this email address. Please wait a while and try again.",
        status=429,
        retry_after=retry_after or settings.COMMENTS_RATE_LIMIT_PER_EMAIL[1],
    )


def check_rate_limits(*, ip_hash, email):
    if over_rate_limit("ip", ip_hash, settings.COMMENTS_RATE_LIMIT_PER_IP):
        raise _over_ip_limit()
    email = checks.normalise_email(email)
    if email and over_rate_limit("email", _digest("email", email), settings.COMMENTS_RATE_LIMIT_PER_EMAIL):
        raise _over_email_limit()


def check_report_rate_limit(*, ip_hash):
    if over_rate_limit("report", ip_hash, settings.COMMENTS_REPORT_RATE_LIMIT_PER_IP):
        raise CommentRefused("You have sent a lot of reports recently. Please wait a while and try again.", status=429)


# A comment's claim on the store of limits, in one round trip.
#
# Sending a comment uses up the form's nonce, counts an attempt against the reader's address
# and email address, and takes the duplicate key of its text (``services.duplicate_key``), in
# that order, each refusing as the separate steps above do. On Redis the four are one Lua
# script (atomic, one round trip); on another cache they are the separate calls. A refusal
# also reads, in the same script, the version of the page cache key its page needs
# (``version_key``: the articles', for the kept copy of the article), so the whole refusal
# is that one round trip: where the limits live in the page cache's Redis, the version itself;
# where they have a Redis of their own (``sendtracker.limits``), the copy of it kept there
# (sendtracker/cache/copies.py).

DUPLICATE = "This comment has already been sent. You do not need to send it again."
# The page cache's dependency key that every write to an articles table replaces (articles/apps.py):
# what a refusal's page shows of its article is kept while it holds (services.article_for_refusal).
ARTICLES_KEY = "articles"

_CLAIM_SCRIPT = """
local function refused(reason, wait)
  if KEYS[5] then return {reason, wait, redis.call('GET', KEYS[5])} end
  return {reason, wait}
end
if not redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[7]) then return refused('replayed', 0) end
local function counted(key, limit, window)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, window) end
  if n > tonumber(limit) then return redis.call('TTL', key) end
  return false
end
local wait = counted(KEYS[2], ARGV[1], ARGV[2])
if wait then return refused('ip', wait) end
if ARGV[6] == '1' then
  wait = counted(KEYS[3], ARGV[3], ARGV[4])
  if wait then return refused('email', wait) end
end
if not redis.call('SET', KEYS[4], 1, 'NX', 'EX', ARGV[5]) then return refused('duplicate', 0) end
return {'ok', 0}
"""


class Claim:
    """What ``claim_submission`` took: the attempts counted and the duplicate key, to give back."""

    def __init__(self, rate_keys, duplicate_key):
        self.rate_keys = rate_keys
        self.duplicate_key = duplicate_key

    def release(self):
        """The form was not valid after all: the attempt does not count and its text may be sent again.

        (The nonce stays used: the page that says what to correct carries a new form token.)
        """
        store = limits.store()
        for key in self.rate_keys:
            with contextlib.suppress(ValueError):  # the window has ended meanwhile
                store.decr(key)
        store.delete(self.duplicate_key)


def claim_submission(*, nonce, ip_hash, email, duplicate_key, version_key=None):
    """Use up the form's nonce, count the attempt and take the text's duplicate key, or raise CommentRefused.

    Refuses, in this order: a form already sent (400), the address over its limit (429), the
    email address over its limit (429), the same text already sent to this article (400).
    On Redis the refusal carries, as ``version``, what the same round trip read of the page cache
    key ``version_key``: ``("page", its token's value)``, or with the limits in a Redis of their
    own ``("copy", its copy's value)``; None when only ``versions.read`` can tell (see
    ``versions.token_from_stored`` and ``copies.value_from_stored``).
    """
    email = checks.normalise_email(email)
    ip_key = _rate_key("ip", ip_hash)
    email_key = _rate_key("email", _digest("email", email)) if email else None
    rate_keys = [ip_key] + ([email_key] if email_key else [])
    client = limits.redis_client(duplicate_key)
    if client is None:
        _claim_step_by_step(nonce, ip_hash, email, duplicate_key)
        return Claim(rate_keys, duplicate_key)
    ip_count, ip_window = settings.COMMENTS_RATE_LIMIT_PER_IP
    email_count, email_window = settings.COMMENTS_RATE_LIMIT_PER_EMAIL
    # The keys as the cache names them (``make_key``: the memcached-portability warnings of
    # ``make_and_validate_key`` say nothing a Redis script needs).
    make_key = limits.store().make_key
    keys = [make_key(key) for key in (NONCE_KEY.format(nonce), ip_key, email_key or ip_key, duplicate_key)]
    copied = False
    if version_key is not None and limits.shares_page_cache():
        keys.append(versions.stored_name(version_key))
    elif version_key is not None and copies.active(version_key):
        keys.append(copies.stored_name(version_key))  # its copy in the limits' own Redis
        copied = True
    try:
        outcome, wait, *stored = client.eval(
            _CLAIM_SCRIPT,
            len(keys),
            *keys,
            ip_count,
            ip_window,
            email_count,
            email_window,
            settings.COMMENTS_DUPLICATE_WINDOW_SECONDS,
            "1" if email_key else "0",
            settings.COMMENTS_FORM_MAX_AGE_SECONDS + 60,
        )
    except (RedisConnectionError, RedisTimeoutError):
        # As _use_up answers while Redis is down: no form is accepted, so none is accepted twice.
        raise CommentRefused(REPLAYED) from None
    outcome = outcome.decode() if isinstance(outcome, bytes) else outcome
    wait = wait if wait and wait > 0 else None
    if outcome == "replayed":
        refusal = CommentRefused(REPLAYED)
    elif outcome == "ip":
        refusal = _over_ip_limit(wait)
    elif outcome == "email":
        refusal = _over_email_limit(wait)
    elif outcome == "duplicate":
        refusal = CommentRefused(DUPLICATE, status=400, field="body")
    else:
        return Claim(rate_keys, duplicate_key)
    if stored:
        refusal.version = _version_read(stored[0], version_key, copied)
    raise refusal


def _version_read(raw, key, copied):
    """What a refusal's page is told of ``key``'s version from ``raw``, the bytes the claim's script read."""
    if copied:
        value = copies.value_from_stored(raw, key)
        return None if value is None else ("copy", value)
    token = versions.token_from_stored(raw)
    return None if token is None else ("page", token.value)


def _claim_step_by_step(nonce, ip_hash, email, duplicate_key):
    if not _use_up(nonce):
        raise CommentRefused(REPLAYED)
    check_rate_limits(ip_hash=ip_hash, email=email)
    if not limits.store().add(duplicate_key, 1, timeout=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS):
        raise CommentRefused(DUPLICATE, status=400, field="body")
