"""Celery tasks: everything that sends email runs here, in a worker, never in a web request.

A change is fanned out in chunks of subscriptions (``ALERTS_FAN_OUT_CHUNK``), each chunk
sent over one SMTP connection; a chunk that cannot reach the mail server is retried with
exponential back-off, and what it had already sent is not sent again (delivery.send_once).
Sweeps on the beat schedule pick up anything a lost task left behind.
"""

import datetime
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from sendtracker import limits

from . import delivery, emails, links, services
from .models import Change, SentAlert, Subscription

logger = logging.getLogger("alerts")

MAIL_ERRORS = (smtplib.SMTPException, OSError)
RETRY = {
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 60 * 60,
    "retry_jitter": True,
    "max_retries": 12,
}


def enqueue_fan_out(change):
    """After the write's transaction commits, queue its fan-out (the admin's save returns at once).

    ``robust``: with the broker down the save still succeeds (the error is logged) and the
    Change, recorded in the save's transaction, is fanned out later by ``fan_out_pending``.
    """
    transaction.on_commit(lambda: fan_out.delay(change.pk), robust=True)


def _chunks(ids, size):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@shared_task(acks_late=True)
def fan_out(change_id):
    """Queue one chunk task per ALERTS_FAN_OUT_CHUNK immediate followers of a change."""
    change = Change.objects.select_related("comment").filter(pk=change_id).first()
    if change is None:
        return 0
    ids = list(
        delivery.followers(change)
        .filter(frequency=Subscription.Frequency.IMMEDIATE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for chunk in _chunks(ids, settings.ALERTS_FAN_OUT_CHUNK):
        # Each alert is recorded (unsent) before its task is queued: a chunk task lost with the
        # broker is found again by send_unsent, so no alert is lost.
        SentAlert.objects.bulk_create(
            [SentAlert(subscription_id=pk, key=change.key, change=change) for pk in chunk], ignore_conflicts=True
        )
        send_alerts.delay(change_id, chunk)
    Change.objects.filter(pk=change_id, fanned_out_at=None).update(fanned_out_at=timezone.now())
    return len(ids)


@shared_task(bind=True, acks_late=True, **RETRY)
def send_alerts(self, change_id, subscription_ids):
    change = Change.objects.filter(pk=change_id).first()
    if change is None:
        return 0
    with mail.get_connection() as connection:
        return delivery.send_change(change, subscription_ids, connection)


@shared_task(bind=True, acks_late=True, **RETRY)
def send_confirmation(self, subscription_id):
    subscription = Subscription.objects.filter(pk=subscription_id, confirmed_at=None).first()
    if subscription is not None:
        emails.confirmation(subscription).send()
        logger.info("confirmation sent", extra={"subscription": subscription.pk})


@shared_task(bind=True, acks_late=True, **RETRY)
def send_manage_link(self, subscription_id):
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is not None:
        emails.manage_link(subscription).send()


@shared_task(acks_late=True)
def send_weekly_digests():
    ids = list(
        Subscription.objects.filter(frequency=Subscription.Frequency.WEEKLY, confirmed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now().isoformat()
    for chunk in _chunks(ids, settings.ALERTS_FAN_OUT_CHUNK):
        send_digests.delay(chunk, now)
    return len(ids)


@shared_task(bind=True, acks_late=True, **RETRY)
def send_digests(self, subscription_ids, now):
    now = datetime.datetime.fromisoformat(now)
    sent = 0
    with mail.get_connection() as connection:
        for subscription in Subscription.objects.filter(pk__in=subscription_ids, confirmed_at__isnull=False):
            sent += delivery.send_digest(subscription, now, connection)
    return sent


@shared_task(bind=True, acks_late=True, **RETRY)
def send_moderators_digest(self):
    """Comments waiting longer than ALERTS_MODERATION_WAIT_MINUTES, to every moderator with an address (hourly)."""
    wait = settings.ALERTS_MODERATION_WAIT_MINUTES
    waiting = list(
        Comment.objects.pending()
        .filter(created_at__lt=timezone.now() - datetime.timedelta(minutes=wait))
        .select_related("article")
        .order_by("created_at")[:50]
    )
    if not waiting:
        return 0
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    perm = Q(groups__permissions__codename="change_comment", groups__permissions__content_type__app_label="comments")
    perm |= Q(user_permissions__codename="change_comment", user_permissions__content_type__app_label="comments")
    recipients = sorted(set(users.filter(perm | Q(is_superuser=True)).values_list("email", flat=True)))
    hour = timezone.now().strftime("%Y-%m-%dT%H")
    # In the store of limits, which does not evict: an hour's digest is sent once.
    sent_mark = f"alerts:moderators-digest:{hour}"
    if not recipients or not limits.store().add(sent_mark, 1, timeout=2 * 60 * 60):
        return 0
    queue_url = links.absolute(reverse("admin:comments_comment_changelist") + "?status__exact=pending")
    try:
        emails.moderators_digest(recipients, waiting, wait, queue_url).send()
    except MAIL_ERRORS:
        limits.store().delete(sent_mark)
        raise
    return len(waiting)


@shared_task(acks_late=True)
def fan_out_pending():
    """Changes whose fan-out was never queued (the broker was down when they were saved)."""
    cutoff = timezone.now() - datetime.timedelta(minutes=2)
    ids = list(Change.objects.filter(fanned_out_at=None, happened_at__lt=cutoff).values_list("pk", flat=True)[:1000])
    for pk in ids:
        fan_out.delay(pk)
    return len(ids)


@shared_task(acks_late=True)
def send_unsent():
    """Alerts claimed but never sent (a worker died mid-send): sent again, still at most once."""
    cutoff = timezone.now() - datetime.timedelta(minutes=30)
    unsent = SentAlert.objects.filter(sent_at=None, created_at__lt=cutoff, change__isnull=False)
    by_change = {}
    for change_id, subscription_id in unsent.values_list("change_id", "subscription_id")[:10000]:
        by_change.setdefault(change_id, []).append(subscription_id)
    for change_id, subscription_ids in by_change.items():
        for chunk in _chunks(subscription_ids, settings.ALERTS_FAN_OUT_CHUNK):
            send_alerts.delay(change_id, chunk)
    return sum(len(ids) for ids in by_change.values())


@shared_task(acks_late=True)
def delete_unconfirmed():
    return services.delete_unconfirmed()
