"""Following by email: sign up, confirm, stop, erase, and the retention of readers' addresses."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comments.protection import over_rate_limit

from .models import SentAlert, Subscription


class FollowRefused(Exception):
    def __init__(self, message, status=429):
        super().__init__(message)
        self.message = message
        self.status = status


def address_hash(email):
    return salted_hmac("alerts.address", email.strip().lower(), algorithm="sha256").hexdigest()


def check_rate_limits(*, ip_hash, email):
    """Sign-ups per client and per address, counted in the shared cache like comments' limits."""
    if over_rate_limit("alerts-ip", ip_hash, settings.ALERTS_RATE_LIMIT_PER_IP):
        raise FollowRefused("You have asked for several alerts in the last hour. Please wait a while and try again.")
    if over_rate_limit("alerts-email", address_hash(email), settings.ALERTS_RATE_LIMIT_PER_EMAIL):
        raise FollowRefused("Several alerts have just been asked for this address. Please wait a while and try again.")


def may_send_confirmation(email):
    """At most ALERTS_CONFIRMATIONS_PER_DAY confirmation emails to one address a day, whoever asks."""
    day = timezone.localdate().isoformat()
    return not over_rate_limit(
        f"alerts-confirm:{day}", address_hash(email), (settings.ALERTS_CONFIRMATIONS_PER_DAY, 24 * 60 * 60)
    )


@transaction.atomic
def follow(*, email, target, followed=None, frequency=Subscription.Frequency.IMMEDIATE, ip_hash=""):
    """Ask for alerts; returns the subscription to send a confirmation for, or None if none is to be sent.

    An address already confirmed for this keeps its subscription as it is (nobody else can
    change its frequency); an unconfirmed one gets the new frequency and a new confirmation.
    """
    email = email.strip().lower()
    topic = Subscription.topic_for(target, followed)
    subscription = Subscription.objects.select_for_update().filter(email=email, topic=topic).first()
    if subscription is not None and subscription.is_confirmed:
        return None
    if subscription is None:
        subscription = Subscription(email=email, target=target, frequency=frequency, ip_hash=ip_hash)
        if followed is not None:
            setattr(subscription, target, followed)
    else:
        subscription.frequency, subscription.ip_hash = frequency, ip_hash
    subscription.full_clean(exclude=["topic", "token"])
    subscription.save()
    if not may_send_confirmation(email):
        return None
    return subscription


def confirm(subscription):
    if subscription.confirmed_at is None:
        Subscription.objects.filter(pk=subscription.pk, confirmed_at=None).update(confirmed_at=timezone.now())
        subscription.refresh_from_db(fields=["confirmed_at"])
    return subscription


def unsubscribe(subscription):
    """Stop one subscription: it and its record of what was sent are deleted."""
    return Subscription.objects.filter(pk=subscription.pk).delete()[0] > 0


def subscriptions_of(subscription):
    """Every subscription with the same address (the manage page), without the address leaving this module."""
    return Subscription.objects.filter(email=subscription.email).select_related(
        "council", "partnership", "article", "comment__article"
    )


@transaction.atomic
def erase_address(subscription):
    """Right to erasure: every subscription of this address goes, with its history."""
    return Subscription.objects.filter(email=subscription.email).delete()[0]


def delete_unconfirmed(now=None):
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.ALERTS_UNCONFIRMED_DAYS)
    return Subscription.objects.filter(confirmed_at=None, created_at__lt=cutoff).delete()[0]


@transaction.atomic
def purge_subscriber_data(*, cutoff):
    """purge_comment_pii's retention for subscribers: unconfirmed sign-ups older than the cut-off are deleted,
    the client hash of older sign-ups cleared, the record of older messages dropped, and reply notices
    for comments whose address was cleared stopped."""
    unconfirmed = Subscription.objects.filter(confirmed_at=None, created_at__lt=cutoff).delete()[0]
    hashes = Subscription.objects.filter(created_at__lt=cutoff).exclude(ip_hash="").update(ip_hash="")
    sent = SentAlert.objects.filter(created_at__lt=cutoff, sent_at__isnull=False).delete()[0]
    replies = Subscription.objects.filter(target=Subscription.Target.REPLIES, comment__email="").delete()[0]
    return unconfirmed, hashes, sent, replies
