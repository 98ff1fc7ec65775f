"""What a reader is told about each change: recorded as a Change, in the write's own transaction.

Each ``record_*`` builds the message's headline, its (label, text, link) lines and the page
to read more, from the objects as they are at the moment of the change.
"""

import datetime
import uuid

from django.utils import timezone

from comments.models import Comment
from councils import signals as council_signals
from councils.choices import PilotStatus

from .models import Change, Subscription

FIELD_LABELS = {
    "effective_on": "effective date",
    "note": "note",
    "source_url": "source",
    "source_title": "source's title",
    "status": "status",
    "name": "name",
    "region": "region",
    "launched_on": "launch date",
    "role": "role",
    "joined_on": "date joined",
    "left_on": "date left",
    "programme": "programme",
    "slug": "address",
}


def _date(value):
    return f"{value:%-d %B %Y}" if value else ""


def _source_line(url, title):
    if not (url or title):
        return None
    return ["Source", title or url, url]


def _lines(*lines):
    return [list(line) for line in lines if line and line[1]]


def record_status_change(change):
    council = change.council
    return Change.objects.create(
        kind=Change.Kind.STATUS,
        key=f"status:{change.pk}",
        council=council,
        status_change=change,
        council_ids=[council.pk],
        headline=f"{council.short_name}: {change.get_from_status_display()} → {change.get_to_status_display()}",
        details=_lines(
            ["Council", council.name, ""],
            ["Was", change.get_from_status_display(), ""],
            ["Now", change.get_to_status_display(), ""],
            ["Effective from", _date(change.effective_on), ""],
            ["Note", change.note, ""],
            _source_line(change.source_url, change.source_title),
        ),
        link=change.get_absolute_url(),
    )


def _shown(name, value):
    if name == "effective_on":
        return _date(value) if not isinstance(value, str) else _date(_parse_date(value))
    if name == "status":
        return PilotStatus(value).label
    return str(value or "(none)")


def _parse_date(text):
    return datetime.date.fromisoformat(text)


def record_correction(correction):
    change = correction.status_change
    council = change.council
    lines = [["Council", council.name, ""], ["Change corrected", f"{change.get_to_status_display()}", ""]]
    for name, old in correction.previous.items():
        label = FIELD_LABELS.get(name, name).capitalize()
        lines.append([label, f"was {_shown(name, old)}; now {_shown(name, getattr(change, name))}", ""])
    lines.append(["Why", correction.reason, ""])
    return Change.objects.create(
        kind=Change.Kind.CORRECTION,
        key=f"correction:{correction.pk}",
        council=council,
        status_change=change,
        correction=correction,
        council_ids=[council.pk],
        headline=f"Correction: {council.short_name}, “{change.get_to_status_display()}” "
        f"from {_date(change.effective_on)}",
        details=_lines(*lines),
        link=change.get_absolute_url(),
    )


def _member_ids(partnership):
    return list(partnership.memberships.current().values_list("council_id", flat=True))


def record_partnership(kind, partnership, fields=()):
    if kind == council_signals.PARTNERSHIP_FORMED:
        headline = f"New partnership: {partnership.name}"
    else:
        headline = f"{partnership.name}: {', '.join(FIELD_LABELS.get(f, f) for f in fields)} changed"
    lines = [
        ["Partnership", partnership.name, ""],
        ["Status", partnership.get_status_display(), ""],
        ["Region", partnership.get_region_display() if partnership.region else "", ""],
        ["Launched", _date(partnership.launched_on), ""],
        ["Note", partnership.note, ""],
        _source_line(partnership.source_url, ""),
    ]
    return Change.objects.create(
        kind=Change.Kind.PARTNERSHIP,
        key=f"{kind}:{partnership.pk}:{uuid.uuid4().hex[:16]}",
        partnership=partnership,
        council_ids=_member_ids(partnership),
        headline=headline,
        details=_lines(*lines),
        link=partnership.get_absolute_url(),
    )


def record_membership(kind, membership, fields=()):
    partnership, council = membership.partnership, membership.council
    role = membership.get_role_display().lower()
    if kind == council_signals.MEMBER_JOINED:
        headline = f"{council.short_name} joined {partnership.name} as {role}"
    elif kind == council_signals.MEMBER_LEFT:
        headline = f"{council.short_name} left {partnership.name}"
    else:
        headline = (
            f"{partnership.name}: {council.short_name}'s {', '.join(FIELD_LABELS.get(f, f) for f in fields)} changed"
        )
    lines = [
        ["Partnership", partnership.name, ""],
        ["Council", council.name, ""],
        ["Role", membership.get_role_display(), ""],
        ["Joined", _date(membership.joined_on), ""],
        ["Left", _date(membership.left_on), ""],
        ["Note", membership.left_note or membership.note, ""],
        _source_line(membership.source_url, ""),
    ]
    return Change.objects.create(
        kind=Change.Kind.PARTNERSHIP,
        key=f"{kind}:{membership.pk}:{uuid.uuid4().hex[:16]}",
        partnership=partnership,
        council=council,
        council_ids=sorted({council.pk, *_member_ids(partnership)}),
        headline=headline,
        details=_lines(*lines),
        link=partnership.get_absolute_url(),
    )


def record_comment(comment):
    """A comment just published: for the article's followers and, for a reply, the parent's author if they asked."""
    article = comment.article
    is_reply = comment.parent_id is not None
    if is_reply and comment.parent.notify_replies and comment.parent.email:
        subscribe_to_replies(comment.parent)
    excerpt = comment.body if len(comment.body) <= 500 else comment.body[:500].rsplit(" ", 1)[0] + "…"
    change, _ = Change.objects.get_or_create(
        key=f"comment:{comment.pk}",
        defaults={
            "kind": Change.Kind.COMMENT,
            "comment": comment,
            "headline": (
                f"{comment.display_name} replied on “{article.headline}”"
                if is_reply
                else f"New comment on “{article.headline}”"
            ),
            "details": _lines(["From", comment.display_name, ""], ["Comment", excerpt, ""]),
            "link": comment.get_absolute_url(),
        },
    )
    return change


def subscribe_to_replies(parent):
    """The reader ticked "email me when someone replies": their address is the comment's, so no confirmation."""
    subscription, _ = Subscription.objects.get_or_create(
        email=parent.email.strip().lower(),
        topic=Subscription.topic_for(Subscription.Target.REPLIES, parent),
        defaults={"target": Subscription.Target.REPLIES, "comment": parent, "confirmed_at": timezone.now()},
    )
    return subscription


def published_comments(comment_ids):
    return Comment.objects.published().filter(pk__in=comment_ids).select_related("article", "parent")
