"""The tracker read from facts held in memory (councils/tracker_facts.py) says what the database says.

Every answer is checked against the database's own (``tracker_rows``, which the CSV and the embed
still read: the filter's queryset, ``Council.objects.as_of`` and the latest change's subqueries) on
the real councils and the seed story, with the awkward cases added: two changes on one day, a
corrected date, a council that left a partnership, a renamed partnership, councils with no
population or no judgement. Then, through the site: an edit is shown at once, and a page for
another date or sort costs no query while nothing changes.
"""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from councils import selectors
from councils.choices import MembershipRole, OfstedJudgement, PilotStatus
from councils.filters import CouncilFilter
from councils.models import Council, Partnership, PartnershipMembership, PartnershipName, StatusChange
from councils.services import council_set_status, status_change_correct
from councils.tracker import tracker_overview, tracker_rows
from tests.support.factories import PartnershipFactory, UserFactory

ORDERINGS = [None] + [
    f"{sign}{key}" for key in ("name", "region", "status", "updated", "ofsted", "population") for sign in ("", "-")
]


@pytest.fixture
def awkward(seeded):
    """The seed story, and the cases a shortcut would get wrong."""
    editor = UserFactory(is_superuser=True)
    councils = list(Council.objects.order_by("short_name"))
    twice, corrected, leaver, unjudged = councils[3], councils[10], councils[20], councils[30]
    # Two changes on one day: the one recorded last is in force.
    council_set_status(council=twice, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2024, 2, 1))
    council_set_status(
        council=twice,
        status=PilotStatus.DECLINED,
        effective_on=datetime.date(2024, 2, 1),
        note="Declined the same day. " + "word " * 30,
        source_url="https://example.org/declined",
        source_title="Council minutes",
    )
    # A change whose date a correction moved.
    council_set_status(council=corrected, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2024, 3, 10))
    change = StatusChange.objects.filter(council=corrected).first()
    status_change_correct(change=change, by=editor, reason="Wrong day", effective_on=datetime.date(2024, 3, 4))
    # A council that was in a partnership and left it; a partnership renamed.
    partnership = PartnershipFactory(name="Riverside Partnership", slug="riverside")
    PartnershipMembership.objects.create(
        partnership=partnership, council=leaver, role=MembershipRole.LEAD, joined_on=datetime.date(2024, 1, 5)
    )
    PartnershipMembership.objects.create(
        partnership=partnership,
        council=councils[21],
        role=MembershipRole.LEAD,
        joined_on=datetime.date(2024, 1, 5),
        left_on=datetime.date(2024, 6, 1),
    )
    PartnershipName.objects.create(
        partnership=partnership, name="Riverside Pilot", replaced_on=datetime.date(2024, 4, 1)
    )
    Council.objects.filter(pk=unjudged.pk).update(population=None, ofsted_judgement=OfstedJudgement.NOT_INSPECTED)
    Council.objects.filter(pk=councils[40].pk).update(in_safety_valve=True)
    return {"partnership": partnership}


def dates_that_matter():
    """Every date a status, a membership or a name changed on, the days either side, and none."""
    days = set(StatusChange.objects.values_list("effective_on", flat=True))
    for joined, left in PartnershipMembership.objects.values_list("joined_on", "left_on"):
        days.update(day for day in (joined, left) if day)
    days.update(PartnershipName.objects.values_list("replaced_on", flat=True))
    around = {day + datetime.timedelta(days=offset) for day in days for offset in (-1, 0, 1)}
    return [None, datetime.date(2019, 1, 1), *sorted(around)]


def shown(row):
    """A row as a reader sees it."""
    return (
        row.short_name,
        row.name,
        row.region,
        row.url,
        row.shown_status,
        row.shown_since,
        row.ofsted_label,
        row.in_safety_valve,
        row.latest_note or None,
        row.latest_source_url or None,
        row.latest_source_title or None,
        [(link.url, link.name, link.role) for link in row.partnerships],
    )


def council_filter(data):
    council_filter = CouncilFilter(data, queryset=Council.objects.all())
    assert council_filter.is_valid(), council_filter.form.errors
    return council_filter


def assert_same(data, version):
    expected_filter, ours_filter = council_filter(data), council_filter(data)
    as_of = expected_filter.form.cleaned_data.get("as_of")
    expected = [shown(row) for row in tracker_rows(expected_filter, as_of=as_of)]
    overview = tracker_overview(ours_filter, as_of=as_of, version=version)
    assert [shown(row) for row in overview["rows"]] == expected, data
    formed = Partnership.objects.formed_by(as_of).values_list("slug", "name")
    assert overview["partnership_choices"] == tuple(formed)
    points = selectors.council_points(as_of)
    assert [(p["name"], p["status"]) for p in overview["points"]] == [(p["name"], p["status"]) for p in points]


def test_every_date_and_sort_lists_what_the_database_lists(awkward):
    version = uuid.uuid4().hex
    for day in dates_that_matter():
        for ordering in ORDERINGS:
            data = {"scope": "all"}
            if day:
                data["as_of"] = day.isoformat()
            if ordering:
                data["ordering"] = ordering
            assert_same(data, version)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": ["declined", "shortlisted"]},
        {"status": ["not_shortlisted"], "ordering": "-status"},
        {"scope": "all", "region": ["North West", "London"]},
        {"region": ["South East"]},
        {"scope": "all", "ofsted_judgement": ["good", "not_inspected"], "ordering": "ofsted"},
        {"scope": "all", "in_safety_valve": "true"},
        {"scope": "all", "in_safety_valve": "false", "ordering": "-population"},
        {"scope": "all", "q": "north"},
        {"q": "Riverside"},
        {"scope": "all", "partnership": "riverside"},
        {"scope": "all", "ordering": "region,-status"},
    ],
    ids=lambda data: "&".join(f"{key}={value}" for key, value in data.items()) or "default",
)
def test_every_filter_keeps_what_the_database_keeps(awkward, data):
    version = uuid.uuid4().hex
    for day in dates_that_matter()[::3]:
        if data.get("partnership") and day and day < datetime.date(2024, 1, 5):
            continue  # not formed yet: the filter refuses it (tests/councils/test_as_of.py)
        assert_same({**data, "as_of": day.isoformat()} if day else data, version)


def test_the_heading_figures_are_the_databases(awkward):
    overview = tracker_overview(council_filter({"scope": "all"}), version=uuid.uuid4().hex)
    assert overview["named_on_shortlist"] == selectors.named_on_shortlist_count()
    assert overview["last_updated"] == selectors.last_updated()


def row_of(response, council):
    page = response.content.decode()
    start = page.index(f'<tr data-name="{council.short_name.lower()} ')
    return page[start : page.index("</tr>", start)]


def test_an_edit_is_on_the_tracker_as_of_any_date_at_once(client, awkward):
    council = Council.objects.filter(status=PilotStatus.NOT_SHORTLISTED).order_by("short_name")[50]
    path = "/tracker/?scope=all&as_of=2025-06-01&ordering=-status"
    assert "Not shortlisted" in row_of(client.get(path), council)
    council_set_status(
        council=council, status=PilotStatus.CONSIDERING, effective_on=datetime.date(2025, 5, 1), override=True
    )
    assert "Considering" in row_of(client.get(path), council)
    assert "Not shortlisted" in row_of(client.get("/tracker/?scope=all&as_of=2025-04-30&ordering=-status"), council)


def test_another_date_or_sort_costs_no_query_while_nothing_changes(client, awkward):
    assert client.get("/tracker/?scope=all&as_of=2024-02-01").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        for path in (
            "/tracker/?scope=all&as_of=2023-09-01&ordering=-region",
            "/tracker/?scope=all&as_of=2024-04-02&ordering=status",
            "/tracker/?status=declined&ordering=-updated",
            "/tracker/?scope=all&region=London&as_of=2024-03-05",
        ):
            response = client.get(path)
            assert response.status_code == 200
            assert response["X-Page-Cache"] == "miss"
    assert [query["sql"] for query in queries] == []


def test_two_filters_at_once_each_read_their_own_values(awkward):
    """Each request's filter is its own (councils.filters.LightCopy copies them without their choices)."""
    first = CouncilFilter({"status": ["declined"], "as_of": "2023-05-20"}, queryset=Council.objects.all())
    second = CouncilFilter({"status": ["shortlisted"]}, queryset=Council.objects.all())
    early, today = CouncilFilter({"as_of": "2023-05-10"}), CouncilFilter({})
    assert first.is_valid() and second.is_valid()
    as_of = datetime.date(2023, 5, 20)
    assert set(first.qs.values_list("slug", flat=True)) == set(
        Council.objects.as_of(as_of).filter(status_as_of="declined").values_list("slug", flat=True)
    )
    assert set(second.qs.values_list("slug", flat=True)) == set(
        Council.objects.filter(status="shortlisted").values_list("slug", flat=True)
    )
    assert list(early.form.fields["partnership"].queryset) == []
    assert len(today.form.fields["partnership"].queryset) == Partnership.objects.formed_by(None).count() > 0
    assert first.filters["status"].parent is first and second.filters["status"].parent is second


def test_forms_made_from_one_class_keep_their_own_fields_and_errors(awkward):
    """The filter's form class is made once per process (councils.filters.LightFormFilterSet) and its
    fields copied lightly: each form still has its own fields, values, errors and partnership choices."""
    bad = CouncilFilter({"as_of": "1999-01-01", "status": ["nonsense"]}, queryset=Council.objects.all())
    good = CouncilFilter({"as_of": "2023-05-10", "status": ["declined"]}, queryset=Council.objects.all())
    today = CouncilFilter({}, queryset=Council.objects.all())
    assert type(bad.form) is type(good.form) is type(today.form)
    assert not bad.is_valid() and good.is_valid()
    assert set(bad.form.errors) == {"as_of", "status"} and not good.form.errors
    assert good.form["status"].value() == ["declined"] and bad.form["status"].value() == ["nonsense"]
    assert 'aria-invalid="true"' in str(bad.form["as_of"]) and 'aria-invalid="true"' not in str(good.form["as_of"])
    bad.form.fields["q"].label = "Changed on one form"
    assert good.form["q"].label == today.form["q"].label == "Council name or partnership"
    assert CouncilFilter({}).form["q"].label == "Council name or partnership"
    # The partnership's field is each filter's own, with the partnerships formed by its date.
    assert good.form.fields["partnership"] is good.filters["partnership"].field
    assert list(good.form.fields["partnership"].queryset) == []
    assert len(today.form.fields["partnership"].queryset) == Partnership.objects.formed_by(None).count() > 0
    assert list(good.form.fields) == [
        "q", "status", "scope", "region", "ofsted_judgement", "in_safety_valve", "partnership", "as_of", "ordering"
    ]  # fmt: skip
