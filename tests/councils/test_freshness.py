"""Freshness counts corrections: a corrected change moves the pages' "Last updated", the feeds'
``updated`` and the API's Last-Modified, so readers and clients asking "what changed?" see it."""

import datetime
import re

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from councils.choices import PilotStatus
from councils.models import PartnershipMembership, StatusChangeCorrection
from councils.services import council_set_status, status_change_correct
from tests.support.factories import CouncilFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

RECORDED = timezone.make_aware(datetime.datetime(2026, 11, 29, 6, 50))
CORRECTED = timezone.make_aware(datetime.datetime(2026, 11, 29, 6, 57, 12))


@pytest.fixture
def change(db):
    council = CouncilFactory(short_name="Alphaton", slug="alphaton")
    change = council_set_status(
        council=council, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 19), note="Named."
    )
    type(change).objects.filter(pk=change.pk).update(recorded_at=RECORDED)
    type(council).objects.filter(pk=council.pk).update(updated_at=RECORDED)
    change.refresh_from_db()
    return change


def correct(change, editor):
    correction = status_change_correct(change=change, by=editor, reason="Date was wrong", note="Named again.")
    StatusChangeCorrection.objects.filter(pk=correction.pk).update(corrected_at=CORRECTED)


def last_updated(html):
    return re.search(r'Last updated <time datetime="([^"]+)"', html)[1]


def test_the_api_answers_304_before_a_correction_and_200_after(client, change, editor):
    url = "/api/status-changes/"
    first = client.get(url)
    assert first["Last-Modified"] == "Sun, 29 Nov 2026 06:50:00 GMT"
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304

    correct(change, editor)

    after = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert after.status_code == 200
    assert after["Last-Modified"] == "Sun, 29 Nov 2026 06:57:12 GMT"
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200
    detail = client.get(f"{url}{change.pk}/", headers={"if-modified-since": first["Last-Modified"]})
    assert detail.status_code == 200 and detail["Last-Modified"] == after["Last-Modified"]


@pytest.mark.parametrize("feed", ["changes", "council", "partnership"])
def test_a_correction_updates_the_feeds(client, change, editor, feed):
    partnership = PartnershipFactory()
    PartnershipMembership.objects.create(partnership=partnership, council=change.council, role="lead")
    url = {
        "changes": reverse("councils:changes-feed"),
        "council": reverse("councils:feed", kwargs={"slug": "alphaton"}),
        "partnership": reverse("councils:partnership-feed", kwargs={"slug": partnership.slug}),
    }[feed]

    correct(change, editor)

    parsed = feedparser.parse(client.get(url).content)
    assert parsed.feed.updated.startswith("2026-11-29T06:57:12")
    entry = next(entry for entry in parsed.entries if "change" in entry.id)
    assert entry.updated.startswith("2026-11-29T06:57:12")


def test_a_correction_moves_the_pages_last_updated(client, change, editor):
    pages = [reverse("councils:tracker"), change.council.get_absolute_url(), reverse("home")]
    before = {url: last_updated(client.get(url).content.decode()) for url in pages}
    assert set(before.values()) == {"2026-11-29T06:50:00+0000"}

    correct(change, editor)

    after = {url: last_updated(client.get(url).content.decode()) for url in pages}
    assert set(after.values()) == {"2026-11-29T06:57:12+0000"}, after
