"""A council's status, its date and its latest note as they stood on a day (``?as_of=``), at the edges.

``Council.objects.as_of`` finds the change in force on the day once per council and joins it;
the tracker's rows and the API list read the status, its date and the note from that one row.
Each test reads what a reader sees (the API list, the tracker's row) and fails on a query that
counts a change a day early or late, orders changes of one day wrongly, drops or repeats a
council, or reads a corrected change's old values.
"""

import datetime
import re

import pytest
from django.urls import reverse

from councils.choices import PilotStatus
from councils.models import StatusChange
from councils.services import council_set_status, status_change_correct
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 10)


def api_councils(client, **params):
    response = client.get("/api/councils/", {"scope": "all", **params})
    assert response.status_code == 200, response.content
    body = response.json()
    councils = {council["slug"]: council for council in body["results"]}
    assert body["count"] == len(body["results"]) == len(councils)  # each council once
    return councils


def status_on(client, slug, day, **params):
    council = api_councils(client, as_of=day.isoformat(), **params)[slug]
    return council["status_as_of"], council["status_effective_as_of"]


def tracker_row(client, name, day, **params):
    response = client.get(reverse("councils:tracker"), {"as_of": day.isoformat(), "scope": "all", **params})
    assert response.status_code == 200
    rows = re.findall(rf'<tr data-name="{name.lower()} .*?</tr>', response.content.decode(), re.S)
    assert len(rows) <= 1
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0])) if rows else None


@pytest.fixture
def ambridge(db):
    council = CouncilFactory(short_name="Ambridge")
    council_set_status(
        council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY - datetime.timedelta(days=30), note="Named."
    )
    return council


def test_a_change_counts_from_its_own_day_not_the_day_before(client, ambridge):
    council_set_status(council=ambridge, status=PilotStatus.DECLINED, effective_on=DAY, note="Said no.")
    day_before = DAY - datetime.timedelta(days=1)

    assert status_on(client, "ambridge", DAY) == ("declined", DAY.isoformat())
    assert status_on(client, "ambridge", day_before) == ("shortlisted", (DAY - datetime.timedelta(days=30)).isoformat())
    on_the_day = tracker_row(client, "Ambridge", DAY)
    assert "Declined" in on_the_day and "Said no." in on_the_day and "Named." not in on_the_day
    before = tracker_row(client, "Ambridge", day_before)
    assert "Shortlisted" in before and "Named." in before and "Said no." not in before


def test_of_two_changes_on_one_day_the_one_recorded_last_stands(client, ambridge):
    considering = council_set_status(
        council=ambridge, status=PilotStatus.CONSIDERING, effective_on=DAY, note="Thinking."
    )
    declined = council_set_status(council=ambridge, status=PilotStatus.DECLINED, effective_on=DAY, note="Said no.")
    assert status_on(client, "ambridge", DAY) == ("declined", DAY.isoformat())
    assert "Said no." in tracker_row(client, "Ambridge", DAY)

    # Stored in one order, recorded in the other (as when a reported change is entered late):
    # the recording time decides, not the order of the rows.
    StatusChange.objects.filter(pk=considering.pk).update(
        recorded_at=declined.recorded_at + datetime.timedelta(minutes=5)
    )
    assert status_on(client, "ambridge", DAY) == ("considering", DAY.isoformat())
    row = tracker_row(client, "Ambridge", DAY)
    assert "Considering" in row and "Thinking." in row and "Said no." not in row


def test_two_changes_recorded_at_the_same_moment_the_later_stored_stands(client, ambridge):
    considering = council_set_status(council=ambridge, status=PilotStatus.CONSIDERING, effective_on=DAY)
    declined = council_set_status(council=ambridge, status=PilotStatus.DECLINED, effective_on=DAY, note="Said no.")
    StatusChange.objects.filter(pk=considering.pk).update(recorded_at=declined.recorded_at)

    assert status_on(client, "ambridge", DAY) == ("declined", DAY.isoformat())
    assert "Said no." in tracker_row(client, "Ambridge", DAY)


def test_a_council_with_no_change_by_the_day_was_not_shortlisted(client, ambridge):
    CouncilFactory(short_name="Borsetshire")  # never changed
    early = DAY - datetime.timedelta(days=31)

    councils = api_councils(client, as_of=early.isoformat())
    assert set(councils) == {"ambridge", "borsetshire"}
    for council in councils.values():
        assert (council["status_as_of"], council["status_effective_as_of"]) == ("not_shortlisted", None)
    row = tracker_row(client, "Ambridge", early)
    assert "Not shortlisted" in row and "Named." not in row
    # The pilot's list that day is empty; a day later Ambridge is in it, Borsetshire still not.
    assert api_councils(client, as_of=early.isoformat(), scope="pilot") == {}
    assert set(api_councils(client, as_of=(early + datetime.timedelta(days=1)).isoformat(), scope="pilot")) == {
        "ambridge"
    }


def test_a_corrected_date_and_note_are_what_every_day_reads(client, ambridge, editor):
    declined = council_set_status(council=ambridge, status=PilotStatus.DECLINED, effective_on=DAY, note="Sad no.")
    status_change_correct(
        change=declined, by=editor, reason="Wrong day", effective_on=DAY + datetime.timedelta(days=2), note="Said no."
    )

    assert status_on(client, "ambridge", DAY)[0] == "shortlisted"
    later = DAY + datetime.timedelta(days=2)
    assert status_on(client, "ambridge", later) == ("declined", later.isoformat())
    row = tracker_row(client, "Ambridge", later)
    assert "Said no." in row and "Sad no." not in row


def test_filters_sorts_and_search_read_the_status_of_the_day(client, ambridge):
    borsetshire = CouncilFactory(short_name="Borsetshire")
    council_set_status(council=borsetshire, status=PilotStatus.SHORTLISTED, effective_on=DAY)
    council_set_status(council=ambridge, status=PilotStatus.DECLINED, effective_on=DAY + datetime.timedelta(days=1))

    assert set(api_councils(client, as_of=DAY.isoformat(), status="shortlisted")) == {"ambridge", "borsetshire"}
    assert set(api_councils(client, as_of=DAY.isoformat(), status="declined")) == set()
    assert set(api_councils(client, status="declined")) == {"ambridge"}  # today
    assert status_on(client, "ambridge", DAY, q="Ambridge") == (
        "shortlisted",
        (DAY - datetime.timedelta(days=30)).isoformat(),
    )

    response = client.get(
        "/api/councils/", {"as_of": (DAY + datetime.timedelta(days=1)).isoformat(), "ordering": "status"}
    )
    assert [council["slug"] for council in response.json()["results"]] == ["borsetshire", "ambridge"]
    response = client.get("/api/councils/", {"as_of": DAY.isoformat(), "ordering": "-status"})
    assert [council["slug"] for council in response.json()["results"]] == ["ambridge", "borsetshire"]  # a tie: by name
