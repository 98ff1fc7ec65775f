"""Who is told about a change, and sending each message at most once."""

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from councils.models import PartnershipMembership

from . import emails
from .models import Change, SentAlert, Subscription

logger = logging.getLogger("alerts")

STATUS_KINDS = (Change.Kind.STATUS, Change.Kind.CORRECTION)
TRACKER_KINDS = (*STATUS_KINDS, Change.Kind.PARTNERSHIP)


def _partnerships_of(council_ids):
    return PartnershipMembership.objects.current().filter(council_id__in=council_ids).values("partnership_id")


def followers(change):
    """Confirmed subscriptions (either frequency) that follow what ``change`` is about."""
    T = Subscription.Target
    if change.kind == Change.Kind.COMMENT:
        comment = change.comment
        match = Q(target=T.ARTICLE, article_id=comment.article_id)
        if comment.parent_id:
            # Only while the reader still wants them (not erased, not purged, not turned off).
            match |= Q(target=T.REPLIES, comment_id=comment.parent_id, comment__notify_replies=True)
        found = Subscription.objects.filter(match)
        if comment.email:
            found = found.exclude(email=comment.email.strip().lower())  # nobody is told of their own comment
    elif change.kind in STATUS_KINDS:
        match = (
            Q(target=T.TRACKER)
            | Q(target=T.COUNCIL, council_id=change.council_id)
            | Q(target=T.PARTNERSHIP, partnership_id__in=_partnerships_of([change.council_id]))
        )
        found = Subscription.objects.filter(match)
        if change.kind == Change.Kind.CORRECTION:  # only readers who were told of the change it corrects
            told = SentAlert.objects.filter(key=f"status:{change.status_change_id}", sent_at__isnull=False)
            found = found.filter(pk__in=told.values("subscription_id"))
    else:
        found = Subscription.objects.filter(
            Q(target=T.TRACKER)
            | Q(target=T.PARTNERSHIP, partnership_id=change.partnership_id)
            | Q(target=T.COUNCIL, council_id__in=change.council_ids)
        )
    return found.filter(confirmed_at__isnull=False)


def changes_for(subscription, since, until):
    """What a digest subscriber is told about between ``since`` and ``until``."""
    T = Subscription.Target
    if subscription.target == T.TRACKER:
        match = Q(kind__in=TRACKER_KINDS)
    elif subscription.target == T.COUNCIL:
        partnerships = _partnerships_of([subscription.council_id])
        match = Q(kind__in=TRACKER_KINDS, council_id=subscription.council_id) | Q(
            kind=Change.Kind.PARTNERSHIP, partnership_id__in=partnerships
        )
    elif subscription.target == T.PARTNERSHIP:
        members = PartnershipMembership.objects.current().filter(partnership_id=subscription.partnership_id)
        match = Q(kind=Change.Kind.PARTNERSHIP, partnership_id=subscription.partnership_id) | Q(
            kind__in=STATUS_KINDS, council_id__in=members.values("council_id")
        )
    elif subscription.target == T.ARTICLE:
        match = Q(kind=Change.Kind.COMMENT, comment__article_id=subscription.article_id)
    else:
        match = Q(kind=Change.Kind.COMMENT, comment__parent_id=subscription.comment_id)
    already = SentAlert.objects.filter(subscription=subscription).values("key")
    told = SentAlert.objects.filter(subscription=subscription, key__startswith="status:", sent_at__isnull=False)
    found = (
        Change.objects.filter(match, happened_at__gt=since, happened_at__lte=until)
        .exclude(key__in=already)
        .select_related("comment")
    )
    corrections_of_untold = (
        Q(kind=Change.Kind.CORRECTION)
        & ~Q(status_change_id__in=_status_ids(told))
        & ~Q(status_change__in=found.filter(kind=Change.Kind.STATUS).values("status_change"))
    )
    return list(found.exclude(corrections_of_untold).order_by("happened_at", "pk"))


def _status_ids(sent):
    return [int(key.split(":", 1)[1]) for key in sent.values_list("key", flat=True)]


def send_once(subscription, key, build, *, change=None, alert=None):
    """Send the message ``build()`` makes unless ``key`` was already sent to ``subscription``; True if sent now.

    The SentAlert row is claimed (unique on subscription and key) and locked while the mail
    server takes the message, so a retried task or a second worker never sends it twice.
    A failure to reach the mail server raises, leaving the row unsent for the retry.
    """
    if alert is None:
        alert, _ = SentAlert.objects.get_or_create(subscription=subscription, key=key, defaults={"change": change})
    if alert.sent_at is not None:
        return False
    with transaction.atomic():
        locked = SentAlert.objects.select_for_update(skip_locked=True).filter(pk=alert.pk, sent_at=None).first()
        if locked is None:  # another worker is sending it, or has just sent it
            return False
        build().send()
        locked.sent_at = timezone.now()
        locked.attempts += 1
        locked.save(update_fields=["sent_at", "attempts"])
    logger.info("alert sent", extra={"subscription": subscription.pk, "key": key})
    return True


def send_change(change, subscription_ids, connection):
    """One change to a chunk of subscribers, over one SMTP connection; those already sent are skipped."""
    recorded = {
        alert.subscription_id: alert
        for alert in SentAlert.objects.filter(subscription_id__in=subscription_ids, key=change.key)
    }
    subscriptions = Subscription.objects.filter(pk__in=subscription_ids, confirmed_at__isnull=False).select_related(
        "council", "partnership", "article", "comment__article"
    )
    sent = 0
    for subscription in subscriptions:
        sent += send_once(
            subscription,
            change.key,
            lambda subscription=subscription: emails.alert(subscription, change, connection=connection),
            change=change,
            alert=recorded.get(subscription.pk),
        )
    return sent


def digest_week(now):
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def send_digest(subscription, now, connection):
    """This week's changes for one weekly subscriber, in one message; each change recorded as sent to them."""
    since = max(
        filter(None, [subscription.last_digest_at, subscription.confirmed_at, now - datetime.timedelta(days=7)])
    )
    found = changes_for(subscription, since, now)
    week = digest_week(now)
    if not found:
        return False
    sent = send_once(
        subscription,
        f"digest:{week}",
        lambda: emails.digest(subscription, found, week, connection=connection),
    )
    if sent:
        SentAlert.objects.bulk_create(
            [SentAlert(subscription=subscription, key=c.key, change=c, sent_at=now) for c in found],
            ignore_conflicts=True,
        )
        Subscription.objects.filter(pk=subscription.pk).update(last_digest_at=now)
    return sent
