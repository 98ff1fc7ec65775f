"""The API as it stood on a date, as the public pages show it: partnerships and memberships in force then."""

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
