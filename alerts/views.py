"""Readers' pages under /alerts/: follow, confirm, unsubscribe (one click, RFC 8058) and manage.

Every page is per reader, so the page cache never stores them (PAGE_CACHE_EXCLUDE). A
confirmation or unsubscribe link opened with GET only shows a button: mail scanners that
open links must not confirm or stop anything. The email address is never shown on a page.
"""

from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments.protection import request_ip_hash

from . import links, services, tasks
from .forms import FollowForm, ManageLinkForm
from .models import Subscription

NO_STORE = "no-store"


def _page(request, template, context=None, status=200):
    response = render(request, f"alerts/{template}", context or {}, status=status)
    response["Cache-Control"] = NO_STORE
    response["X-Robots-Tag"] = "noindex"
    return response


def _subscription(signed, salt, max_age=None):
    token = links.read(signed, salt, max_age=max_age)
    return Subscription.objects.filter(token=token).first() if token else None


# No CSRF token: the form sits on the public pages the page cache and Varnish share between
# readers (a token would make them private). A forged follow gains nothing a direct one would
# not: no session is involved, nothing is sent but a confirmation, and the limits still count.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def follow(request):
    if request.method == "GET":
        form = FollowForm(initial={"target": request.GET.get("target", "tracker"), "followed": request.GET.get("id")})
        return _page(request, "follow.html", {"form": form})
    form = FollowForm(data=request.POST)
    if not form.is_valid():
        return _page(request, "follow.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        services.check_rate_limits(ip_hash=request_ip_hash(request), email=data["email"])
    except services.FollowRefused as refusal:
        return _page(request, "follow.html", {"form": form, "message": refusal.message}, status=refusal.status)
    subscription = services.follow(
        email=data["email"],
        target=data["target"],
        followed=data["followed_object"],
        frequency=data["frequency"],
        ip_hash=request_ip_hash(request),
    )
    if subscription is not None:
        transaction.on_commit(lambda: tasks.send_confirmation.delay(subscription.pk), robust=True)
    # The same answer whether the address was new, already following or over its daily limit.
    return HttpResponseRedirect(reverse("alerts:check-email"), status=303)


def check_email(request):
    return _page(request, "check_email.html")


@require_http_methods(["GET", "POST"])
def confirm(request, signed):
    subscription = _subscription(signed, links.CONFIRM_SALT, max_age=links.CONFIRM_MAX_AGE)
    if subscription is None:
        return _page(request, "link_expired.html", status=404)
    if request.method == "POST":
        services.confirm(subscription)
        return _page(
            request, "confirmed.html", {"subscription": subscription, "manage_url": links.manage_url(subscription)}
        )
    return _page(request, "confirm.html", {"subscription": subscription})


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no cookie; the signed link is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, signed):
    subscription = _subscription(signed, links.UNSUBSCRIBE_SALT)
    if request.method == "POST":
        if subscription is not None:
            services.unsubscribe(subscription)
        return _page(request, "unsubscribed.html")
    if subscription is None:
        return _page(request, "unsubscribed.html", {"already": True})
    return _page(request, "unsubscribe.html", {"subscription": subscription})


@require_http_methods(["GET", "POST"])
def manage(request, signed):
    subscription = _subscription(signed, links.MANAGE_SALT, max_age=links.MANAGE_MAX_AGE)
    if subscription is None:
        return _page(request, "link_expired.html", {"manage": True}, status=404)
    message = None
    if request.method == "POST":
        if request.POST.get("action") == "erase":
            services.erase_address(subscription)
            return _page(request, "erased.html")
        stop = services.subscriptions_of(subscription).filter(token=request.POST.get("stop", "")).first()
        if stop is not None:
            services.unsubscribe(stop)
            message = f"You will no longer get emails about {stop.followed_name}."
        if stop is not None and stop.pk == subscription.pk:
            remaining = services.subscriptions_of(subscription).first()
            if remaining is None:
                return _page(request, "unsubscribed.html")
            return HttpResponseRedirect(links.manage_path(remaining), status=303)
    subscriptions = list(services.subscriptions_of(subscription))
    return _page(request, "manage.html", {"subscriptions": subscriptions, "message": message})


@require_http_methods(["GET", "POST"])
def manage_request(request):
    form = ManageLinkForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.check_rate_limits(ip_hash=request_ip_hash(request), email=email)
        except services.FollowRefused as refusal:
            return _page(request, "manage_request.html", {"form": form, "message": refusal.message}, refusal.status)
        subscription = Subscription.objects.filter(email=email.strip().lower(), confirmed_at__isnull=False).first()
        if subscription is not None and services.may_send_confirmation(email):
            transaction.on_commit(lambda: tasks.send_manage_link.delay(subscription.pk), robust=True)
        return HttpResponseRedirect(reverse("alerts:check-email"), status=303)
    return _page(request, "manage_request.html", {"form": form}, status=400 if form.errors else 200)
