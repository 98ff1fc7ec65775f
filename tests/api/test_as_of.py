"""The API as it stood on a date, as the public pages show it: partnerships and memberships in force then."""

import datetime

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(seeded):
    call_command("load_story_updates", verbosity=0)


def partnerships(client, **params):
    response = client.get("/api/partnerships/", params)
    assert response.status_code == 200
    return {item["slug"]: item for item in response.json()["results"]}


def test_no_partnership_had_formed_at_the_shortlist_moment(client, story):
    assert partnerships(client, as_of="2023-05-19") == {}
    herefordshire = client.get("/api/councils/herefordshire/", {"as_of": "2023-05-19"}).json()
    assert herefordshire["partnerships"] == []


def test_today_nine_partnerships_with_joint_leads_under_todays_names(client, story):
    today = partnerships(client)
    assert len(today) == 9
    east_midlands = today["east-midlands"]
    assert east_midlands["name"] == "East Midlands Change Programme Partnership"
    assert sorted(lead["slug"] for lead in east_midlands["leads"]) == ["leicester", "leicestershire", "rutland"]
    herefordshire = client.get("/api/councils/herefordshire/").json()
    assert [membership["slug"] for membership in herefordshire["partnerships"]] == ["west-midlands"]


def test_before_the_rename_the_api_gives_the_name_of_that_day(client, story):
    september = partnerships(client, as_of="2023-09-01")
    assert len(september) == 9
    assert september["west-midlands"]["name"] == "West Midlands regional expert partnership"
    assert len(september["west-midlands"]["members"]) == 4
    herefordshire = client.get("/api/councils/herefordshire/", {"as_of": "2023-09-01"}).json()
    assert [membership["name"] for membership in herefordshire["partnerships"]] == [
        "West Midlands regional expert partnership"
    ]


def test_a_former_name_finds_the_partnership(client, story):
    assert list(partnerships(client, q="regional expert partnership")) != []
    assert "west-midlands" in partnerships(client, q="West Midlands regional expert")


@pytest.mark.parametrize("value", ["2023-13-01", "1999-01-01", "2999-01-01"])
def test_a_bad_as_of_is_a_400_naming_the_parameter(client, db, value):
    response = client.get("/api/partnerships/", {"as_of": value})
    assert response.status_code == 400
    assert "as_of" in response.json()


@pytest.mark.parametrize("day", ["2023-05-19", "2023-08-23", "2023-10-04", "2023-10-05", None])
def test_the_council_list_says_what_each_councils_own_page_says_on_the_day(client, story, day):
    """The list is built without the serializer (api/fastlists.py); the detail keeps it. Partnership
    names change on 5 October 2023 (the old name is in use until the day before), joint leads
    are counted among the memberships in force that day."""
    params = {"scope": "all", "page_size": 200, **({"as_of": day} if day else {})}
    listed = client.get("/api/councils/", params).json()["results"]
    assert len(listed) == 153
    members = [council for council in listed if council["partnerships"]]
    assert bool(members) == (day not in ("2023-05-19",))
    for council in members + listed[:3]:
        detail = client.get(f"/api/councils/{council['slug']}/", {"as_of": day} if day else {}).json()
        # Only the list rebuilds the status (the detail leaves status_as_of empty).
        assert {**council, "status_as_of": None, "status_effective_as_of": None} == detail
    names = {membership["name"] for council in members for membership in council["partnerships"]}
    if day in ("2023-08-23", "2023-10-04"):
        assert "West Midlands regional expert partnership" in names
    elif members:
        assert "West Midlands Change Programme Partnership" in names


def test_a_council_list_drawn_once_still_shows_each_change_at_once(client, story):
    """The list's rows are drawn once per process (api/fastlists.py): an edit must show on the next list."""
    from councils.models import Council, Partnership
    from councils.partnerships import partnership_change_member
    from councils.services import council_set_status

    def herefordshire(**params):
        rows = client.get("/api/councils/", {"scope": "all", "q": "Herefordshire", **params}).json()["results"]
        return next(row for row in rows if row["slug"] == "herefordshire")

    before = herefordshire(as_of="2024-06-01")
    council = Council.objects.get(slug="herefordshire")
    council_set_status(council=council, status="withdrawn", effective_on=datetime.date(2024, 5, 1), note="Withdrew.")
    assert herefordshire(as_of="2024-06-01")["status_as_of"] == "withdrawn" != before["status_as_of"]

    membership = Partnership.objects.get(slug="west-midlands").memberships.get(council=council)
    partnership_change_member(membership=membership, joined_on=datetime.date(2023, 9, 2))
    assert [entry["joined_on"] for entry in herefordshire(as_of="2024-06-01")["partnerships"]] == ["2023-09-02"]

    Council.objects.filter(pk=council.pk).update(population=123_456)  # a bulk write, no row named
    assert herefordshire(as_of="2024-06-01")["population"] == 123_456
