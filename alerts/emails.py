"""The messages: plain text and accessible HTML, each with a one-click unsubscribe (RFC 8058)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from . import links


def _message(*, to, subject, template, context, subscription=None, connection=None):
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL.rstrip("/"), **context}
    headers = {}
    if subscription is not None:
        unsubscribe = links.unsubscribe_url(subscription)
        context.update(
            subscription=subscription, unsubscribe_url=unsubscribe, manage_url=links.manage_url(subscription)
        )
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"alerts/email/{template}.txt", context),
        to=[to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"alerts/email/{template}.html", context), "text/html")
    return message


def confirmation(subscription, connection=None):
    return _message(
        to=subscription.email,
        subject=f"Confirm your {settings.SITE_NAME} alerts",
        template="confirm",
        context={"subscription": subscription, "confirm_url": links.confirm_url(subscription)},
        connection=connection,
    )


def manage_link(subscription, connection=None):
    return _message(
        to=subscription.email,
        subject=f"Your {settings.SITE_NAME} alerts",
        template="manage_link",
        context={},
        subscription=subscription,
        connection=connection,
    )


def alert(subscription, change, connection=None):
    return _message(
        to=subscription.email,
        subject=change.headline,
        template="alert",
        context={"change": change, "change_url": links.absolute(change.link)},
        subscription=subscription,
        connection=connection,
    )


def digest(subscription, changes, week, connection=None):
    return _message(
        to=subscription.email,
        subject=f"{settings.SITE_NAME}: this week's changes ({len(changes)})",
        template="digest",
        context={"changes": [(change, links.absolute(change.link)) for change in changes], "week": week},
        subscription=subscription,
        connection=connection,
    )


def moderators_digest(recipients, comments, waiting_minutes, queue_url, connection=None):
    context = {
        "site_name": settings.SITE_NAME,
        "comments": comments,
        "waiting_minutes": waiting_minutes,
        "queue_url": queue_url,
    }
    message = EmailMultiAlternatives(
        subject=f"{settings.SITE_NAME}: {len(comments)} comment{'s' if len(comments) != 1 else ''} waiting",
        body=render_to_string("alerts/email/moderators.txt", context),
        bcc=recipients,
        connection=connection,
    )
    message.attach_alternative(render_to_string("alerts/email/moderators.html", context), "text/html")
    return message
