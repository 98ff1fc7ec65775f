"""Following by email from the pages: double opt-in, signed links, one-click unsubscribe, manage and erase."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from alerts import links, services
from alerts.models import SentAlert, Subscription
from councils.choices import PilotStatus
from councils.services import council_set_status
from tests.support.factories import ArticleFactory, CouncilFactory, PartnershipFactory

from .helpers import confirmed, follow, link_in, manage_path, unsubscribe_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(short_name="Herefordshire", slug="herefordshire", status=PilotStatus.SHORTLISTED)


def record_change(council, status=PilotStatus.CONSIDERING):
    return council_set_status(council=council, status=status, note="The cabinet is weighing a bid.")


def test_every_followable_page_has_the_form(client, council):
    partnership = PartnershipFactory(slug="south-west", leads=[council])
    article = ArticleFactory(slug="story")
    for path, target, pk in [
        ("/councils/herefordshire/", "council", council.pk),
        (partnership.get_absolute_url(), "partnership", partnership.pk),
        ("/tracker/", "tracker", None),
        (article.get_absolute_url(), "article", article.pk),
    ]:
        html = client.get(path).content.decode()
        assert 'action="/alerts/follow/"' in html, path
        assert f'name="target" value="{target}"' in html, path
        if pk:
            assert f'name="followed" value="{pk}"' in html, path


def test_following_sends_only_a_confirmation_until_the_link_is_pressed(
    client, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = follow(client, email="Parent@Example.org", followed=council)
    assert response.status_code == 303
    assert response["Location"] == "/alerts/check-your-email/"
    assert [m.subject for m in mail.outbox] == ["Confirm your SEND Tracker alerts"]
    assert mail.outbox[0].to == ["parent@example.org"]
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None

    with django_capture_on_commit_callbacks(execute=True):
        record_change(council)
    assert len(mail.outbox) == 1  # unconfirmed: nothing but the confirmation

    confirm = link_in(mail.outbox[0].body, "confirm")
    page = client.get(confirm)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and b"Confirm</button>" in page.content
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    assert client.post(confirm).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        record_change(council, PilotStatus.EOI_SUBMITTED)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("Herefordshire: Considering → ")


def test_an_altered_or_expired_confirmation_link_does_nothing(client, council):
    subscription = services.follow(email="a@example.org", target="council", followed=council)
    good = links.confirm_url(subscription).removeprefix("https://send-tracker.example")
    assert client.post(good[:-3] + "xx/").status_code == 404
    old = timezone.now() - datetime.timedelta(days=8)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: old.timestamp())
        stale = links.confirm_url(subscription).removeprefix("https://send-tracker.example")
    assert client.post(stale).status_code == 404
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_the_form_refuses_a_bad_address_with_a_clear_message(client, council):
    response = follow(client, email="not-an-address", followed=council)
    assert response.status_code == 400
    assert "Enter an email address in the right form" in response.content.decode()
    assert Subscription.objects.count() == 0


def test_following_something_that_does_not_exist_is_404(client):
    assert (
        client.post(
            "/alerts/follow/",
            {"email": "a@example.org", "frequency": "immediate", "target": "council", "followed": 999999},
        ).status_code
        == 404
    )


def test_one_click_unsubscribe_by_post_without_a_browser(council):
    subscription = confirmed("parent@example.org", followed=council)
    # A mail client's RFC 8058 POST: no cookie, no CSRF token, the body the header names.
    bot = Client(enforce_csrf_checks=True)
    response = bot.post(
        unsubscribe_path(subscription),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    # The same link again: still fine, nothing left to stop.
    assert (
        bot.post(
            unsubscribe_path(subscription),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        ).status_code
        == 200
    )


def test_opening_the_unsubscribe_link_only_asks(client, council):
    subscription = confirmed("parent@example.org", followed=council)
    page = client.get(unsubscribe_path(subscription))
    assert page.status_code == 200
    assert b"Stop these emails</button>" in page.content
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_every_alert_carries_the_rfc_8058_headers(council, django_capture_on_commit_callbacks):
    subscription = confirmed("parent@example.org", followed=council)
    with django_capture_on_commit_callbacks(execute=True):
        record_change(council)
    (message,) = mail.outbox
    assert (
        message.extra_headers["List-Unsubscribe"] == f"<https://send-tracker.example{unsubscribe_path(subscription)}>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_manage_page_lists_stops_and_erases_without_showing_the_address(client, council):
    partnership = PartnershipFactory(name="South West partnership")
    first = confirmed("parent@example.org", followed=council)
    second = confirmed("parent@example.org", target="partnership", followed=partnership)
    other = confirmed("someone.else@example.org", followed=council)
    page = client.get(manage_path(first))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Herefordshire" in html and "South West partnership" in html
    assert "parent@example.org" not in html and "someone.else" not in html
    assert page["Cache-Control"] == "no-store"

    stopped = client.post(manage_path(first), {"stop": second.token})
    assert "You will no longer get emails about South West partnership." in stopped.content.decode()
    assert not Subscription.objects.filter(pk=second.pk).exists()
    # Another address's subscription cannot be stopped from this page.
    client.post(manage_path(first), {"stop": other.token})
    assert Subscription.objects.filter(pk=other.pk).exists()

    erased = client.post(manage_path(first), {"action": "erase"})
    assert erased.status_code == 200
    assert not Subscription.objects.filter(email="parent@example.org").exists()
    assert Subscription.objects.filter(pk=other.pk).exists()
    assert client.get(manage_path(first)).status_code == 404


def test_asking_for_a_manage_link_answers_the_same_for_any_address(client, council, django_capture_on_commit_callbacks):
    confirmed("parent@example.org", followed=council)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/alerts/manage/", {"email": "parent@example.org"})
        unknown = client.post("/alerts/manage/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 303
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["parent@example.org"]]
    assert client.get(link_in(mail.outbox[0].body, "manage")).status_code == 200


def test_a_second_follow_of_a_confirmed_address_changes_nothing_and_sends_nothing(
    client, council, django_capture_on_commit_callbacks
):
    subscription = confirmed("parent@example.org", followed=council)
    with django_capture_on_commit_callbacks(execute=True):
        response = follow(client, email="parent@example.org", followed=council, frequency="weekly")
    assert response.status_code == 303
    assert mail.outbox == []
    subscription.refresh_from_db()
    assert subscription.frequency == "immediate"


def test_alerts_pages_are_never_stored_in_the_page_cache(client, council):
    subscription = confirmed("parent@example.org", followed=council)
    for path in ("/alerts/check-your-email/", manage_path(subscription), "/alerts/manage/"):
        client.get(path)
        again = client.get(path)
        assert again.get("X-Page-Cache") != "hit", path


def test_unconfirmed_sign_ups_are_deleted_after_seven_days(council):
    old = services.follow(email="old@example.org", target="council", followed=council)
    Subscription.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    recent = services.follow(email="recent@example.org", target="council", followed=council)
    kept = confirmed("kept@example.org", followed=council)
    Subscription.objects.filter(pk=kept.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    assert services.delete_unconfirmed() == 1
    assert set(Subscription.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}


def test_unsubscribing_deletes_what_was_sent_too(council, django_capture_on_commit_callbacks):
    subscription = confirmed("parent@example.org", followed=council)
    with django_capture_on_commit_callbacks(execute=True):
        record_change(council)
    assert SentAlert.objects.filter(subscription=subscription).count() == 1
    services.unsubscribe(subscription)
    assert SentAlert.objects.count() == 0


def test_the_follow_form_keeps_the_public_pages_shareable(council):
    """No CSRF token in the form: the tracker and council pages stay cacheable by shared caches."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/councils/herefordshire/")
    assert page["Cache-Control"] == "no-cache"
    assert "csrfmiddlewaretoken" not in page.content.decode().split('action="/alerts/follow/"')[1].split("</form>")[0]
    assert browser.get("/tracker/")["Cache-Control"] == "no-cache"
    response = browser.post(
        "/alerts/follow/",
        {"email": "parent@example.org", "frequency": "immediate", "target": "council", "followed": council.pk},
    )
    assert response.status_code == 303
