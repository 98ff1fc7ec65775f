"""The short page a refused comment gets: why, when to try again, and the reader's text back in the form.

A comment refused for a rate limit, a used, too-fast or expired form, a duplicate or closed
comments is answered before the expensive work (comments/views.py), so a flood of refused
posts costs about what a flood of cached pages does (docs/performance.md, issue 15). Nothing
the reader sent is validated or stored: it is echoed, escaped, into a form like the article's.

The page is templates/jinja2/comments/refused.html. What it shows of the article and of the
reason is rendered once per process (its *shell*), with a slot (``slot(name)``) wherever
something the reader sent, or a new token, goes; each refusal fills the slots in one pass, so
what a reader sent is never read as a slot.
"""

import re

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from markupsafe import Markup

from . import protection
from .exceptions import CommentRefused
from .forms import CommentForm, body_help_text
from .rendering import comment_text

# A CSRF form token as Django makes them (masked, 64 characters) or as it still accepts (the secret, 32).
CSRF_TOKEN_RE = re.compile(r"[a-zA-Z0-9]{32}|[a-zA-Z0-9]{64}")
SLOT_RE = re.compile("\x00([a-z_:]+)\x00")
SELECTED = "selected:"
SHELLS_KEPT = 256
_shells = {}


def slot(name):
    """Where the template leaves room for something the reader sent or a new token (``{{ slot("email") }}``)."""
    return Markup(f"\x00{name}\x00")


def refused_page(request, article, refusal):
    """The answer to a refused comment: the page, its status, and for a 429 ``Retry-After``.

    Closed comments outrank any other reason (403), as they did when they were checked first.
    """
    closed = article.comments_closed_reason()
    if closed:
        refusal = CommentRefused(closed, status=403)
    posted = request.POST
    body = posted.get("body", "")
    rate_limited = refusal.status == 429
    wait_minutes = -(-refusal.retry_after // 60) if rate_limited and refusal.retry_after else None
    context = {
        "article": article,
        "message": refusal.message,
        "body_error": refusal.field == "body",
        "rate_limited": rate_limited,
        "wait_minutes": wait_minutes,
        "closed": bool(closed),
        "has_body": bool(body),
        "is_reply": bool(posted.get("reply_to")),
    }
    shell = _shell(request, context)
    if closed:
        values = {"body_html": comment_text(body)}
    else:
        reply_to = posted.get("reply_to", "")
        values = {
            "csrf_token": escape(_csrf_token(request)),
            "started": escape(protection.form_token(article)),
            "reply_to": reply_to if reply_to.isascii() and reply_to.isdigit() else "",
            "display_name": escape(posted.get("display_name", "")),
            "email": escape(posted.get("email", "")),
            "body": escape(body),
            "checked": " checked" if posted.get("notify_replies") else "",
        }
    role = posted.get("reader_role", "")
    html = "".join(
        part if index % 2 == 0 else (" selected" if part == SELECTED + role else values.get(part, ""))
        for index, part in enumerate(shell)
    )
    response = HttpResponse(html, status=refusal.status)
    if wait_minutes:
        response["Retry-After"] = str(refusal.retry_after)
    return response


def _shell(request, context):
    """The page for this article, reason and wait, split at its slots: rendered once per process."""
    article = context["article"]
    max_length = settings.COMMENTS_MAX_LENGTH
    key = (
        request.path,
        article.pk,
        article.slug,
        article.headline,
        article.comment_moderation,
        max_length,
        *(value for name, value in context.items() if name != "article"),
    )
    shell = _shells.get(key)
    if shell is None:
        fields = CommentForm.base_fields
        context = {
            **context,
            "slot": slot,
            "fields": fields,
            "roles": fields["reader_role"].choices,
            "headline": article.headline.replace("\x00", ""),  # staff text: never a slot
            "action": reverse("comments:submit", kwargs={"slug": article.slug}),
            "body_hint": body_help_text(),
            "max_length": max_length,
        }
        html = render_to_string("comments/refused.html", context, request, using="jinja2")
        shell = SLOT_RE.split(html)
        if len(_shells) >= SHELLS_KEPT:
            _shells.clear()
        _shells[key] = shell
    return shell


def _csrf_token(request):
    """The CSRF token the reader's form was sent with: the middleware has just checked it against their cookie.

    Handing it back (rather than ``get_token``, which sets the cookie again) keeps a refusal
    free of cookies. A POST that carried none (its token came in the header) gets a new one.
    """
    token = request.POST.get("csrfmiddlewaretoken", "")
    return token if CSRF_TOKEN_RE.fullmatch(token) else get_token(request)
