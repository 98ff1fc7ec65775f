"""/api/status-changes/: the change feed, filtered the way a newsroom asks."""

import datetime

import pytest
from django.utils import timezone

from councils.choices import PilotStatus
from councils.models import StatusChangeCorrection
from councils.services import council_set_status

pytestmark = pytest.mark.django_db


def changes(response):
    assert response.status_code == 200, response.content
    return [(c["council"]["slug"], c["to_status"]) for c in response.json()["results"]]


def test_since_returns_what_changed_newest_first(client, tracker):
    response = client.get("/api/status-changes/", {"since": "2023-05-10"})
    assert changes(response) == [("brighton-and-hove", "considering"), ("herefordshire", "declined")]
    change = response.json()["results"][1]
    assert change["from_status"] == "shortlisted"
    assert change["effective_on"] == "2023-05-19"
    assert change["note"] == "Said it must prioritise its resources."
    assert change["council"]["gss_code"] == "E06000019"
    assert change["council"]["la_number"] == 884
    assert change["page_url"] == f"https://send-tracker.example/councils/herefordshire/#change-{change['id']}"


def test_all_changes_this_week(client, tracker):
    today = timezone.localdate()
    council_set_status(council=tracker["brighton"], status=PilotStatus.EOI_SUBMITTED, effective_on=today)
    week_start = today - datetime.timedelta(days=today.weekday())
    assert changes(client.get("/api/status-changes/", {"since": week_start.isoformat()})) == [
        ("brighton-and-hove", "eoi_submitted")
    ]


def test_until_council_status_and_region_filters(client, tracker):
    assert len(changes(client.get("/api/status-changes/", {"until": "2023-05-01"}))) == 3
    assert changes(client.get("/api/status-changes/", {"council": "herefordshire", "since": "2023-05-10"})) == [
        ("herefordshire", "declined")
    ]
    assert changes(client.get("/api/status-changes/", {"status": "declined"})) == [("herefordshire", "declined")]
    assert len(changes(client.get("/api/status-changes/", {"from_status": "shortlisted"}))) == 2
    assert changes(client.get("/api/status-changes/", {"region": "South East", "status": "considering"})) == [
        ("brighton-and-hove", "considering")
    ]


def test_search_and_ordering(client, tracker):
    assert changes(client.get("/api/status-changes/", {"q": "prioritise"})) == [("herefordshire", "declined")]
    oldest_first = changes(client.get("/api/status-changes/", {"ordering": "effective_on,council"}))
    assert oldest_first[0] == ("brighton-and-hove", "shortlisted")
    assert oldest_first[-1] == ("herefordshire", "declined")


def test_unknown_council_is_a_404_and_bad_dates_are_400s(client, tracker):
    response = client.get("/api/status-changes/", {"council": "atlantis"})
    assert response.status_code == 404
    assert "council" in response.json()
    for parameter in ("since", "until"):
        response = client.get("/api/status-changes/", {parameter: "last tuesday"})
        assert response.status_code == 400
        assert parameter in response.json()


def test_detail_shows_an_editors_correction(client, tracker):
    change = tracker["hereford"].status_changes.get(to_status=PilotStatus.DECLINED)
    StatusChangeCorrection.objects.create(status_change=change, reason="The date was wrong.", previous={})
    response = client.get(f"/api/status-changes/{change.pk}/")
    assert response.status_code == 200
    assert response.json()["corrections"][0]["reason"] == "The date was wrong."
    assert client.get("/api/status-changes/999999/").status_code == 404
