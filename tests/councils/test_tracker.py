"""/tracker/: filters (alone and together), bad input, sorting, as_of, counts and the reported-vs-named gap."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.choices import MembershipRole, OfstedJudgement, PilotStatus, Region
from councils.models import Council, PartnershipMembership
from councils.services import council_set_status
from tests.support.factories import CouncilFactory, KeyFigureFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

TRACKER = reverse("councils:tracker")
DAY = datetime.date(2023, 5, 19)


def names(response):
    """The council names in the tracker table, in order."""
    table = response.content.decode().split('id="tracker-table"', 1)
    if len(table) < 2:
        return []
    body = table[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><a href="[^"]+"[^>]*>([^<]+)</a></th>', body)


def move(council, *statuses, on=DAY):
    for status in statuses:
        council_set_status(council=council, status=status, effective_on=on, note=f"Now {status}.")


@pytest.fixture
def councils(db):
    """A small tracker: five councils in the pilot in different states, one outside it."""
    alpha = CouncilFactory(
        short_name="Alphaton", region=Region.SOUTH_EAST, ofsted_judgement=OfstedJudgement.GOOD, population=100
    )
    bravo = CouncilFactory(
        short_name="Bravoford", region=Region.LONDON, ofsted_judgement=OfstedJudgement.INADEQUATE, population=300
    )
    charlie = CouncilFactory(
        short_name="Charlieshire",
        region=Region.SOUTH_EAST,
        ofsted_judgement=OfstedJudgement.OUTSTANDING,
        in_safety_valve=True,
        population=200,
    )
    delta = CouncilFactory(short_name="Deltabury", region=Region.NORTH_WEST, ofsted_judgement=OfstedJudgement.GOOD)
    echo = CouncilFactory(short_name="Echoville", region=Region.NORTH_WEST)
    outside = CouncilFactory(short_name="Outsideham", region=Region.LONDON)
    move(alpha, PilotStatus.SHORTLISTED, PilotStatus.CONSIDERING)
    move(bravo, PilotStatus.SHORTLISTED, PilotStatus.DECLINED)
    move(charlie, PilotStatus.SHORTLISTED)
    move(delta, PilotStatus.SHORTLISTED, PilotStatus.CONFIRMED_LEAD)
    move(echo, PilotStatus.PARTNER)
    partnership = PartnershipFactory(name="North West partnership", slug="north-west")
    PartnershipMembership.objects.create(partnership=partnership, council=delta, role=MembershipRole.LEAD)
    PartnershipMembership.objects.create(partnership=partnership, council=echo, role=MembershipRole.PARTNER)
    return {c.short_name: c for c in (alpha, bravo, charlie, delta, echo, outside)}


def test_default_view_lists_the_councils_in_the_pilot(client, councils):
    response = client.get(TRACKER)

    assert response.status_code == 200
    assert names(response) == ["Alphaton", "Bravoford", "Charlieshire", "Deltabury", "Echoville"]
    assert "<strong>5</strong> of 6 councils shown" in response.content.decode()


def test_scope_all_shows_every_council(client, councils):
    response = client.get(TRACKER, {"scope": "all"})

    assert "Outsideham" in names(response)
    assert len(names(response)) == 6


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "considering"}, ["Alphaton"]),
        ({"status": ["considering", "declined"]}, ["Alphaton", "Bravoford"]),
        ({"status": "not_shortlisted"}, ["Outsideham"]),
        ({"region": "South East"}, ["Alphaton", "Charlieshire"]),
        ({"region": ["South East", "London"]}, ["Alphaton", "Bravoford", "Charlieshire"]),
        ({"ofsted_judgement": "good"}, ["Alphaton", "Deltabury"]),
        ({"ofsted_judgement": ["inadequate", "outstanding"]}, ["Bravoford", "Charlieshire"]),
        ({"in_safety_valve": "true"}, ["Charlieshire"]),
        ({"in_safety_valve": "false"}, ["Alphaton", "Bravoford", "Deltabury", "Echoville"]),
        ({"partnership": "north-west"}, ["Deltabury", "Echoville"]),
        ({"q": "bravo"}, ["Bravoford"]),
        ({"q": "  CHARLIE "}, ["Charlieshire"]),
        # Combinations narrow each other.
        ({"region": "South East", "ofsted_judgement": "good"}, ["Alphaton"]),
        ({"region": "South East", "in_safety_valve": "true"}, ["Charlieshire"]),
        ({"status": ["shortlisted", "considering"], "region": "South East"}, ["Alphaton", "Charlieshire"]),
        ({"partnership": "north-west", "status": "partner"}, ["Echoville"]),
        ({"q": "ville", "region": "North West", "scope": "all"}, ["Echoville"]),
        ({"region": "London", "scope": "all"}, ["Bravoford", "Outsideham"]),
    ],
)
def test_each_filter_and_their_combinations(client, councils, params, expected):
    response = client.get(TRACKER, params)

    assert response.status_code == 200
    assert names(response) == expected
    assert f"<strong>{len(expected)}</strong> of 6 councils shown" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "bogus"}, "Select a valid choice"),
        ({"region": "Atlantis"}, "Select a valid choice"),
        ({"ofsted_judgement": "brilliant"}, "Select a valid choice"),
        ({"partnership": "no-such-partnership"}, "Select a valid choice"),
        ({"scope": "everything"}, "Select a valid choice"),
        ({"ordering": "secret_field"}, "Select a valid choice"),
        ({"as_of": "yesterday"}, "Enter a valid date"),
        ({"as_of": "2023-02-30"}, "Enter a valid date"),
        ({"as_of": "2999-01-01"}, "The date cannot be in the future."),
        ({"as_of": "1999-01-01"}, "The tracker’s history starts in 2019."),
    ],
)
def test_invalid_filter_values_get_a_form_error_not_a_500(client, councils, params, message):
    response = client.get(TRACKER, params)

    assert response.status_code == 400
    html = response.content.decode()
    assert "These filters could not be applied" in html
    assert message.replace("’", "&#x27;") in html or message in html
    assert names(response) == []


def test_junk_in_every_parameter_never_gives_a_500(client, councils):
    junk = {"q": "x" * 5000, "status": ["\x00", "considering"], "in_safety_valve": "maybe", "page": "-1", "zzz": "1"}
    assert client.get(TRACKER, junk).status_code in (200, 400)
    assert client.get(TRACKER + "?as_of=%00").status_code == 400


def test_empty_state_when_nothing_matches(client, councils):
    response = client.get(TRACKER, {"q": "Nowhere"})

    assert response.status_code == 200
    assert "No councils match these filters." in response.content.decode()
    assert "<strong>0</strong> of 6 councils shown" in response.content.decode()


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["Alphaton", "Bravoford", "Charlieshire", "Deltabury", "Echoville"]),
        ("-name", ["Echoville", "Deltabury", "Charlieshire", "Bravoford", "Alphaton"]),
        ("ofsted", ["Charlieshire", "Alphaton", "Deltabury", "Bravoford", "Echoville"]),
        ("-ofsted", ["Echoville", "Bravoford", "Alphaton", "Deltabury", "Charlieshire"]),
        ("status", ["Charlieshire", "Alphaton", "Bravoford", "Deltabury", "Echoville"]),
        ("-updated", ["Alphaton", "Bravoford", "Charlieshire", "Deltabury", "Echoville"]),
    ],
)
def test_ordering(client, councils, ordering, expected):
    response = client.get(TRACKER, {"ordering": ordering})

    assert names(response)[: len(expected)] == expected


def test_region_ordering_groups_regions(client, councils):
    regions = [
        Council.objects.get(short_name=name).region for name in names(client.get(TRACKER, {"ordering": "region"}))
    ]
    assert regions == sorted(regions)


def test_sorted_column_carries_aria_sort_and_its_link_reverses_it(client, councils):
    html = client.get(TRACKER, {"ordering": "-region", "status": "considering"}).content.decode()

    assert re.search(r'<th scope="col" aria-sort="descending"><a href="\?[^"]*ordering=region', html)
    assert html.count("aria-sort=") == 1
    # The sort links keep the filters.
    name_link = re.search(r'<th scope="col"><a href="\?([^"]*ordering=name[^"]*)"', html).group(1)
    assert "status=considering" in name_link


def test_default_sort_is_by_name_ascending(client, councils):
    html = client.get(TRACKER).content.decode()
    assert '<th scope="col" aria-sort="ascending"><a href="?ordering=-name"' in html


def test_csv_link_keeps_the_filters(client, councils):
    html = client.get(TRACKER, {"status": "considering", "region": "South East"}).content.decode()

    # The page cache hands the view its parameters canonicalised (sorted by name), so every
    # order of the same filters is one cached page with one CSV link.
    assert 'href="/tracker.csv?region=South+East&amp;status=considering"' in html


def test_counts_per_status(client, councils):
    html = client.get(TRACKER).content.decode()
    counts = dict(re.findall(r'</svg>([^<]+)</span></th><td class="num">(\d+)</td>', html))

    assert counts == {
        "Not shortlisted": "1",
        "Shortlisted": "1",
        "Considering": "1",
        "Declined": "1",
        "Confirmed as lead": "1",
        "Partner council": "1",
    }


def test_reported_against_named_gap_and_last_updated(client, councils):
    KeyFigureFactory(key="shortlisted", value=20, label="councils shortlisted to lead a partnership")

    html = client.get(TRACKER).content.decode()

    # Four councils were named on the shortlist (Echoville joined straight as a partner).
    assert "20 shortlisted, 4 named so far." in html
    assert "Last updated" in html


def test_no_reported_figure_no_gap_line(client, councils):
    assert "named so far" not in client.get(TRACKER).content.decode()


def test_as_of_rebuilds_the_tracker_from_the_history(client, councils):
    later = DAY + datetime.timedelta(days=30)
    alpha = councils["Alphaton"]
    council_set_status(council=alpha, status=PilotStatus.DECLINED, effective_on=later, note="Said no.")

    before = client.get(TRACKER, {"as_of": DAY.isoformat(), "status": "considering"})
    now = client.get(TRACKER, {"status": "considering"})
    before_declined = client.get(TRACKER, {"as_of": DAY.isoformat(), "status": "declined"})

    assert names(before) == ["Alphaton"]
    assert names(now) == []
    assert names(before_declined) == ["Bravoford"]
    assert "The tracker as it stood on 19 May 2023" in before.content.decode()


def test_as_of_before_anything_happened_shows_no_one_in_the_pilot(client, councils):
    response = client.get(TRACKER, {"as_of": "2020-01-01"})

    assert response.status_code == 200
    assert names(response) == []
    assert "No councils match these filters." in response.content.decode()


def test_as_of_today_matches_the_live_tracker(client, councils):
    today = timezone.localdate().isoformat()
    assert names(client.get(TRACKER, {"as_of": today})) == names(client.get(TRACKER))


def test_map_marks_the_shown_councils_with_shape_and_legend(client, councils):
    html = client.get(TRACKER, {"status": "considering"}).content.decode()

    figure = html.split('<figure class="map">', 1)[1].split("</figure>", 1)[0]
    assert figure.count('class="map__marker') == 1
    assert "Alphaton, considering" in figure
    assert "Considering (diamond)" in figure
    assert "<figcaption>" in figure


def test_map_draws_england_behind_the_dots_with_its_credit(client, councils):
    html = client.get(TRACKER).content.decode()

    figure = html.split('<figure class="map">', 1)[1].split("</figure>", 1)[0]
    land = re.search(r'<path class="map__land" aria-hidden="true" d="(M[^"]+Z)"/>', figure)
    assert land and land.start() < figure.index('class="map__others"') < figure.index('class="map__marker')
    assert "<title" not in figure.split('class="map__land"', 1)[1].split("/>", 1)[0]
    assert "style=" not in figure
    assert "Outline of England: <a" in figure and "Natural Earth</a> (public domain)" in figure


def test_map_key_names_each_symbol_once_and_plainly(client, councils):
    """Listed and unlisted councils that are not shortlisted were both keyed as "small grey dot"."""
    html = client.get(TRACKER, {"scope": "all", "region": Region.LONDON}).content.decode()

    key = html.split('<ul class="legend" aria-label="Map key">', 1)[1].split("</ul>", 1)[0]
    entries = [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", key)]
    assert entries == ["Not shortlisted (ring)", "Declined (cross)", "Other councils (small grey dot)"]

    everyone = client.get(TRACKER, {"scope": "all"}).content.decode()
    key = everyone.split('<ul class="legend" aria-label="Map key">', 1)[1].split("</ul>", 1)[0]
    assert "small grey dot" not in key  # every council is marked: no other councils to key
    assert key.count("Not shortlisted (ring)") == 1


def test_seeded_reader_story(client, seeded):
    """Filter to "considering": Brighton and Hove; Herefordshire declined."""
    assert names(client.get(TRACKER, {"status": "considering"})) == ["Brighton and Hove"]
    assert names(client.get(TRACKER, {"status": "declined"})) == ["Herefordshire"]
    assert "20 shortlisted, 2 named so far." in client.get(TRACKER).content.decode()
