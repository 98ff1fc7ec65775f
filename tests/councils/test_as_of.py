"""``?as_of=`` is whole: every page shows partnerships, memberships, names and figures as they stood that day.

The real story: the shortlist of May 2023 (no partnership), then the nine partnerships of
23 August 2023, renamed Change Programme Partnerships on 5 October 2023.
"""

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.choices import MembershipRole
from councils.filters import CouncilFilter
from councils.models import Council, Partnership, PartnershipMembership
from tests.support.factories import CouncilFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

SHORTLIST = "2023-05-19"
BEFORE_RENAME = "2023-09-01"


@pytest.fixture
def story(seeded):
    call_command("import_care_boards", verbosity=0)
    call_command("load_story_updates", verbosity=0)


def text(response):
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def csv_rows(client, **params):
    response = client.get(reverse("councils:tracker-csv"), params)
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_memberships_in_force_are_those_joined_by_the_day_and_not_yet_left(db):
    partnership = PartnershipFactory()
    joined = datetime.date(2023, 8, 23)
    stays = PartnershipMembership.objects.create(partnership=partnership, council=CouncilFactory(), joined_on=joined)
    leaves = PartnershipMembership.objects.create(
        partnership=partnership, council=CouncilFactory(), joined_on=joined, left_on=datetime.date(2024, 1, 1)
    )
    undated = PartnershipMembership.objects.create(partnership=partnership, council=CouncilFactory())

    def in_force(day):
        return set(PartnershipMembership.objects.in_force(day))

    assert in_force(datetime.date(2023, 8, 22)) == {undated}
    assert in_force(joined) == {stays, leaves, undated}
    assert in_force(datetime.date(2023, 12, 31)) == {stays, leaves, undated}
    assert in_force(datetime.date(2024, 1, 1)) == {stays, undated}
    assert set(PartnershipMembership.objects.current()) == {stays, undated}
    assert set(Partnership.objects.formed_by(datetime.date(2023, 8, 22))) == {partnership}  # the undated member


def test_tracker_on_the_shortlist_day_shows_no_partnership(client, story):
    then = text(client.get(reverse("councils:tracker"), {"as_of": SHORTLIST}))
    today = text(client.get(reverse("councils:tracker")))

    assert "Herefordshire" in then and "Brighton and Hove" in then
    assert "Change Programme Partnership" not in then and "regional expert partnership (" not in then
    assert then.count("None yet") == 2
    assert today.count("(joint lead council)") == 5  # Leicester, Leicestershire, Rutland; Gloucestershire, Swindon
    assert "None yet" not in today


def test_tracker_map_and_chart_count_statuses_as_they_stood(client, story):
    then = text(client.get(reverse("councils:tracker"), {"as_of": SHORTLIST}))
    today = text(client.get(reverse("councils:tracker")))

    assert "Councils in the pilot by status: Considering 1; Declined 1." in then
    assert "Map of England: 2 councils marked by status" in then
    assert "Map of England: 32 councils marked by status" in today
    assert "Confirmed as lead 12; Partner council 20" in today


def test_partnership_filter_offers_only_partnerships_formed_by_the_day(client, story):
    assert not CouncilFilter({"as_of": SHORTLIST}).form.fields["partnership"].queryset.exists()
    assert CouncilFilter({}).form.fields["partnership"].queryset.count() == 9

    response = client.get(reverse("councils:tracker"), {"as_of": SHORTLIST, "partnership": "west-midlands"})
    assert response.status_code == 400  # not a choice that day
    today = text(client.get(reverse("councils:tracker"), {"partnership": "west-midlands"}))
    for council in ("Telford and Wrekin", "Herefordshire", "Shropshire", "Worcestershire"):
        assert council in today


def test_partnership_choices_are_read_with_one_plain_query(client, story):
    """The tracker's partnership select reads its choices with a plain SELECT: no server-side
    cursor (on PostgreSQL, DECLARE, FETCH and CLOSE: three round trips), and each form reads its own."""
    with CaptureQueriesContext(connection) as captured:
        then = client.get(reverse("councils:tracker"), {"as_of": SHORTLIST, "scope": "all"}).content.decode()
    assert not [query["sql"] for query in captured.captured_queries if "DECLARE" in query["sql"]]
    assert 'value="west-midlands"' not in then  # not formed yet
    today = client.get(reverse("councils:tracker")).content.decode()
    assert 'value="west-midlands"' in today


def test_partnership_filter_matches_members_on_the_day(client, story):
    west = Partnership.objects.get(slug="west-midlands")
    late = Council.objects.get(slug="birmingham")
    PartnershipMembership.objects.create(
        partnership=west, council=late, role=MembershipRole.PARTNER, joined_on=datetime.date(2024, 6, 1)
    )

    before = text(
        client.get(reverse("councils:tracker"), {"as_of": "2024-01-01", "partnership": "west-midlands", "scope": "all"})
    )
    after = text(client.get(reverse("councils:tracker"), {"partnership": "west-midlands", "scope": "all"}))

    assert "Birmingham" not in before and "Herefordshire" in before
    assert "Birmingham" in after


def test_csv_lists_partnerships_by_their_name_on_the_day(client, story):
    shortlist = {row["council"]: row for row in csv_rows(client, as_of=SHORTLIST)}
    august = {row["council"]: row for row in csv_rows(client, as_of=BEFORE_RENAME)}
    today = {row["council"]: row for row in csv_rows(client)}

    assert shortlist["Herefordshire"]["partnership"] == ""
    assert shortlist["Herefordshire"]["status"] == "Declined"
    assert august["Herefordshire"]["partnership"] == "West Midlands regional expert partnership"
    assert today["Herefordshire"]["partnership"] == "West Midlands Change Programme Partnership"
    assert len(today) == 32


def test_council_page_as_of_shows_status_and_partnership_then(client, story):
    url = reverse("councils:detail", kwargs={"slug": "herefordshire"})
    then = text(client.get(url, {"as_of": SHORTLIST}))
    august = text(client.get(url, {"as_of": BEFORE_RENAME}))
    today = text(client.get(url))

    assert "Pilot status on 19 May 2023: Declined" in then
    assert "was not in a regional expert partnership on 19 May 2023" in then
    assert "Partner council" not in then.split("Timeline")[1].split("Partnership")[0]
    assert "Partner council in West Midlands regional expert partnership" in august
    assert "Partner council in West Midlands Change Programme Partnership" in today


def test_partnerships_index_as_of(client, story):
    then = text(client.get(reverse("councils:partnerships"), {"as_of": SHORTLIST}))
    today = text(client.get(reverse("councils:partnerships")))
    august = text(client.get(reverse("councils:partnerships"), {"as_of": BEFORE_RENAME}))

    assert "No partnership had formed yet on 19 May 2023." in then
    assert today.count("Change Programme Partnership ") >= 9
    assert "Led by Leicester, Leicestershire and Rutland (joint leads)." in today
    assert "Led by Gloucestershire and Swindon (joint leads)." in today
    assert "Led by Telford and Wrekin. Partner councils: Herefordshire, Shropshire and Worcestershire." in today
    assert "West Midlands regional expert partnership" in august


def test_partnership_page_as_of(client, story):
    west = Partnership.objects.get(slug="west-midlands")

    assert client.get(west.get_absolute_url(), {"as_of": SHORTLIST}).status_code == 404  # not formed yet
    august = text(client.get(west.get_absolute_url(), {"as_of": BEFORE_RENAME}))
    assert "West Midlands regional expert partnership" in august
    assert "as it stood on 1 September 2023" in august
    assert client.get(west.get_absolute_url(), {"as_of": "not-a-date"}).status_code == 400


def test_home_headline_and_figures_as_of(client, story):
    then = text(client.get(reverse("home"), {"as_of": SHORTLIST}))
    today = text(client.get(reverse("home")))

    assert "32 councils in 9 partnerships" in today
    assert "partnerships." not in then.split("Key figures")[0]
    assert "32 councils named to test the reforms" in today
    assert "32 councils named to test the reforms" not in then  # reported in August 2023
    assert "20 councils shortlisted to lead a partnership" in then
    assert "20 shortlisted ( May 2023 ), 2 named so far." in then


def test_a_bad_as_of_is_a_400_on_every_page(client, story):
    for url in ("/", reverse("councils:partnerships"), "/councils/herefordshire/"):
        assert client.get(url, {"as_of": "2099-01-01"}).status_code == 400


def test_the_partnerships_heading_uses_the_name_of_the_day(client, seeded):
    call_command("load_story_updates", verbosity=0)
    before_rename = client.get("/partnerships/", {"as_of": "2023-09-01"}).content.decode()
    today = client.get("/partnerships/").content.decode()
    assert "<h1>Regional expert partnerships on 1 September 2023</h1>" in before_rename
    assert "<h1>Change Programme Partnerships</h1>" in today
