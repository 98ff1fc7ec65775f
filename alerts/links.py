"""Signed links in readers' emails. Each names a subscription by its random token, never the address."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "alerts.confirm"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"
MANAGE_SALT = "alerts.manage"


def _sign(subscription, salt):
    return signing.dumps(subscription.token, salt=salt)


def read(signed, salt, max_age=None):
    """The subscription token a signed link carries, or None if it was altered or is too old."""
    try:
        return signing.loads(signed, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(subscription):
    return absolute(reverse("alerts:confirm", args=[_sign(subscription, CONFIRM_SALT)]))


def unsubscribe_url(subscription):
    return absolute(reverse("alerts:unsubscribe", args=[_sign(subscription, UNSUBSCRIBE_SALT)]))


def manage_path(subscription):
    return reverse("alerts:manage", args=[_sign(subscription, MANAGE_SALT)])


def manage_url(subscription):
    return absolute(manage_path(subscription))


CONFIRM_MAX_AGE = datetime.timedelta(days=settings.ALERTS_UNCONFIRMED_DAYS)
MANAGE_MAX_AGE = datetime.timedelta(days=settings.ALERTS_MANAGE_LINK_DAYS)
