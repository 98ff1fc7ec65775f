"""Following, confirming and reading links out of messages, as a reader does."""

import re

from alerts import links, services
from alerts.models import Subscription

SITE = "https://send-tracker.example"


def link_in(body, kind):
    return re.search(rf"{SITE}(/alerts/{kind}/[^\s\"<>]+)", body).group(1)


def follow(client, *, email, target="council", followed=None, frequency="immediate", address="203.0.113.5"):
    data = {"email": email, "frequency": frequency, "target": target}
    if followed is not None:
        data["followed"] = followed.pk
    return client.post("/alerts/follow/", data, REMOTE_ADDR=address)


def confirmed(email, target="council", followed=None, frequency="immediate"):
    """A subscription made and confirmed directly (what the pages do is tested in test_follow)."""
    subscription = services.follow(email=email, target=target, followed=followed, frequency=frequency)
    if subscription is None:
        subscription = Subscription.objects.get(email=email.lower(), topic=Subscription.topic_for(target, followed))
    return services.confirm(subscription)


def unsubscribe_path(subscription):
    return links.unsubscribe_url(subscription).removeprefix(SITE)


def manage_path(subscription):
    return links.manage_path(subscription)
