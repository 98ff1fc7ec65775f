"""The partnership rules in councils/partnerships.py, which every write path runs, and memberships as
the one record of who is in a partnership (leads included) on every page, download and the API."""

import csv
import datetime
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from councils.choices import MembershipRole, PartnershipStatus, PilotStatus
from councils.models import Partnership, PartnershipMembership, StatusChange
from councils.partnerships import (
    FAR_APART_KM,
    PartnershipRefused,
    partnership_add_member,
    partnership_change_member,
    partnership_create,
    partnership_remove_member,
    partnership_update,
    partnership_warnings,
)
from councils.services import StatusChangeRefused, council_set_status
from tests.support.factories import CouncilFactory, IntegratedCareBoardFactory, PartnershipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2023, 8, 23)
SOURCE = "https://www.example.org/change-programme"


def create(programme=None, **fields):
    fields = {"name": "Test partnership", "slug": "test", "region": "", "source_url": "", "by": None, **fields}
    return partnership_create(
        programme=programme or ProgrammeFactory(), status=fields.pop("status", "confirmed"), **fields
    )


def add(partnership, council, role=MembershipRole.PARTNER, **kwargs):
    return partnership_add_member(
        partnership=partnership, council=council, role=role, joined_on=kwargs.pop("joined_on", AUGUST), **kwargs
    )


# --- refusals ------------------------------------------------------------------------------------


def test_more_live_partnerships_than_the_programme_allows_are_refused():
    programme = ProgrammeFactory(max_partnerships=2)
    create(programme, slug="one")
    create(programme, slug="gone", status=PartnershipStatus.WITHDRAWN)
    create(programme, slug="two")

    with pytest.raises(PartnershipRefused) as refused:
        create(programme, slug="three")

    assert "allows at most 2 partnerships and 2 are already active" in refused.value.messages[0]
    assert Partnership.objects.count() == 3
    # A withdrawn one does not count, and can always be recorded.
    create(programme, slug="also-gone", status=PartnershipStatus.WITHDRAWN)


def test_a_withdrawn_partnership_cannot_come_back_into_a_full_programme():
    programme = ProgrammeFactory(max_partnerships=1)
    create(programme, slug="live")
    withdrawn = create(programme, slug="gone", status=PartnershipStatus.WITHDRAWN)

    with pytest.raises(PartnershipRefused, match="allows at most 1 partnerships"):
        partnership_update(partnership=withdrawn, status=PartnershipStatus.CONFIRMED)

    withdrawn.refresh_from_db()
    assert withdrawn.status == PartnershipStatus.WITHDRAWN


def test_a_council_in_another_live_partnership_is_refused_naming_it():
    council = CouncilFactory(short_name="Herefordshire")
    first = create(name="West Midlands partnership", slug="west-midlands")
    add(first, council)
    second = create(name="Marches partnership", slug="marches")

    with pytest.raises(PartnershipRefused) as refused:
        add(second, council, role=MembershipRole.LEAD)

    message = refused.value.messages[0]
    assert message.startswith("Herefordshire is already in West Midlands partnership (partner council)")
    assert "Record it leaving West Midlands partnership first." in message
    assert not second.memberships.exists()


def test_a_council_may_join_once_it_left_or_its_partnership_was_withdrawn():
    council, other = CouncilFactory(), CouncilFactory()
    first = create(slug="first")
    membership = add(first, council)
    partnership_remove_member(membership=membership, left_on=datetime.date(2023, 9, 1), note="", by=None)
    add(create(slug="second"), council)

    withdrawn = create(slug="withdrawn", status=PartnershipStatus.WITHDRAWN)
    add(withdrawn, other)
    add(create(slug="third"), other)

    assert PartnershipMembership.objects.live().filter(council=council).get().partnership.slug == "second"


def test_a_withdrawn_partnership_whose_member_moved_on_cannot_come_back():
    council = CouncilFactory(short_name="Movedshire")
    withdrawn = create(slug="withdrawn", status=PartnershipStatus.WITHDRAWN)
    add(withdrawn, council)
    add(create(name="New partnership", slug="new"), council)

    with pytest.raises(PartnershipRefused, match="Movedshire is already in New partnership"):
        partnership_update(partnership=withdrawn, status=PartnershipStatus.CONFIRMED)


def test_the_same_council_twice_in_a_partnership_is_refused():
    council = CouncilFactory(short_name="Twiceshire")
    partnership = create()
    add(partnership, council, role=MembershipRole.LEAD)

    with pytest.raises(PartnershipRefused, match="Twiceshire is already a member of Test partnership"):
        add(partnership, council)


def test_the_database_holds_one_current_membership_per_council_and_partnership():
    council, partnership = CouncilFactory(), PartnershipFactory()
    PartnershipMembership.objects.create(partnership=partnership, council=council)

    with pytest.raises(ValidationError, match="already a member of this partnership"):
        PartnershipMembership(partnership=partnership, council=council).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipMembership.objects.create(partnership=partnership, council=council)
    # A council that left may rejoin: the old membership stays as history.
    PartnershipMembership.objects.filter(council=council).update(left_on=AUGUST)
    PartnershipMembership.objects.create(partnership=partnership, council=council)


def test_a_council_cannot_leave_before_it_joined():
    membership = PartnershipMembership(
        partnership=PartnershipFactory(),
        council=CouncilFactory(),
        joined_on=AUGUST,
        left_on=datetime.date(2023, 1, 1),
    )

    with pytest.raises(ValidationError, match="cannot leave a partnership before it joined"):
        membership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_leaving_again_or_rejoining_by_clearing_the_date_is_refused():
    membership = add(create(), CouncilFactory(short_name="Leftshire"))
    partnership_remove_member(membership=membership, left_on=datetime.date(2024, 1, 1), note="", by=None)

    with pytest.raises(PartnershipRefused, match="already left"):
        partnership_remove_member(membership=membership, left_on=datetime.date(2024, 2, 1), note="", by=None)
    with pytest.raises(PartnershipRefused, match="add it again"):
        partnership_change_member(membership=membership, left_on=None)
    with pytest.raises(PartnershipRefused, match="cannot be in the future"):
        partnership_remove_member(
            membership=add(create(slug="other"), CouncilFactory()),
            left_on=datetime.date.today() + datetime.timedelta(days=2),
            note="",
            by=None,
        )


def race(*writes):
    """Run each write in its own thread and database connection at the same moment; return what each raised."""
    barrier = threading.Barrier(len(writes))
    outcomes = [None] * len(writes)

    def run(index, write):
        try:
            barrier.wait()
            write()
        except Exception as error:  # noqa: BLE001 - returned and asserted by the test
            outcomes[index] = error
        finally:
            connection.close()  # this thread's connection

    threads = [threading.Thread(target=run, args=(i, write)) for i, write in enumerate(writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


POSTGRES_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs this")


@pytest.mark.django_db(transaction=True)
@POSTGRES_ONLY
def test_two_partnerships_taking_the_same_council_at_once_cannot_both_have_it():
    council = CouncilFactory(short_name="Soughtshire")
    first, second = create(slug="first", name="First"), create(slug="second", name="Second")

    outcomes = race(lambda: add(first, council), lambda: add(second, council))

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["NoneType", "PartnershipRefused"]
    assert PartnershipMembership.objects.filter(council=council).count() == 1


@pytest.mark.django_db(transaction=True)
@POSTGRES_ONLY
def test_two_journalists_creating_the_last_allowed_partnership_at_once_cannot_both():
    programme = ProgrammeFactory(max_partnerships=1)

    outcomes = race(lambda: create(programme, slug="one"), lambda: create(programme, slug="two"))

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["NoneType", "PartnershipRefused"]
    assert Partnership.objects.count() == 1


# --- statuses through the one door ------------------------------------------------------------------


def test_joining_records_the_status_only_when_asked(journalist):
    herefordshire = CouncilFactory(short_name="Herefordshire")
    council_set_status(council=herefordshire, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 18))
    council_set_status(council=herefordshire, status=PilotStatus.DECLINED, effective_on=datetime.date(2023, 5, 19))
    quiet = CouncilFactory()
    partnership = create()

    add(partnership, quiet)
    add(
        partnership,
        herefordshire,
        source_url=SOURCE,
        note="Joined as a partner.",
        by=journalist,
        new_status=PilotStatus.PARTNER,
    )

    assert not StatusChange.objects.filter(council=quiet).exists()
    change = StatusChange.objects.filter(council=herefordshire).latest()
    assert (change.from_status, change.to_status, change.effective_on, change.source_url, change.note) == (
        PilotStatus.DECLINED,
        PilotStatus.PARTNER,
        AUGUST,
        SOURCE,
        "Joined as a partner.",
    )
    assert change.recorded_by == journalist


def test_a_status_the_rules_refuse_leaves_no_membership_behind():
    council = CouncilFactory(status=PilotStatus.WITHDRAWN)
    partnership = create()

    with pytest.raises(StatusChangeRefused):
        add(partnership, council, new_status=PilotStatus.PARTNER)

    assert not partnership.memberships.exists()


def test_leaving_changes_the_status_only_with_a_note():
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.PARTNER, effective_on=AUGUST)
    membership = add(create(), council)

    with pytest.raises(PartnershipRefused, match="its status changes only with a note"):
        partnership_remove_member(
            membership=membership, left_on=datetime.date(2024, 1, 5), note=" ", by=None, new_status="withdrawn"
        )
    membership.refresh_from_db()
    assert membership.left_on is None

    partnership_remove_member(
        membership=membership,
        left_on=datetime.date(2024, 1, 5),
        note="Pulled out over funding.",
        by=None,
        new_status=PilotStatus.WITHDRAWN,
    )

    membership.refresh_from_db()
    assert (membership.left_on, membership.left_note) == (datetime.date(2024, 1, 5), "Pulled out over funding.")
    change = StatusChange.objects.filter(council=council).latest()
    assert (change.to_status, change.effective_on, change.note) == (
        PilotStatus.WITHDRAWN,
        datetime.date(2024, 1, 5),
        "Pulled out over funding.",
    )


def test_declined_and_considering_councils_may_become_partners_and_unnamed_ones_leads():
    """The real story: Herefordshire declined then joined as a partner, Brighton and Hove was considering
    then joined as a partner, and most leads were first named when the DfE confirmed them."""
    declined, considering, unnamed = CouncilFactory(), CouncilFactory(), CouncilFactory()
    for council, statuses in ((declined, ("shortlisted", "declined")), (considering, ("shortlisted", "considering"))):
        for status in statuses:
            council_set_status(council=council, status=status, effective_on=datetime.date(2023, 5, 19))

    for council, status in ((declined, "partner"), (considering, "partner"), (unnamed, "confirmed_lead")):
        assert not council_set_status(council=council, status=status, effective_on=AUGUST).overridden


# --- warnings ------------------------------------------------------------------------------------


def board(name):
    return IntegratedCareBoardFactory(name=name)


def near(**kwargs):
    """A council a few km from the others (the factory spreads points 10 km apart)."""
    return CouncilFactory(latitude=52.0 + kwargs.pop("north", 0) * 0.05, longitude=-2.0, **kwargs)


def test_a_partnership_of_three_or_four_in_one_care_board_close_together_has_nothing_to_check():
    shared = board("NHS Shared ICB")
    partnership = PartnershipFactory(
        leads=[near(care_boards=[shared])], partners=[near(north=n, care_boards=[shared]) for n in (1, 2, 3)]
    )

    assert partnership_warnings(partnership) == []


@pytest.mark.parametrize(("size", "counted"), [(1, "1 council"), (2, "2 councils"), (5, "5 councils")])
def test_a_size_other_than_three_or_four_is_flagged(size, counted):
    shared = board("NHS Shared ICB")
    councils = [near(north=n, care_boards=[shared]) for n in range(size)]
    partnership = PartnershipFactory(leads=councils[:1], partners=councils[1:])

    assert partnership_warnings(partnership) == [
        f"{counted} so far: a partnership usually has 3 or 4 (a lead and two or three partners)."
    ]


def test_a_partnership_without_a_lead_is_flagged():
    shared = board("NHS Shared ICB")
    partnership = PartnershipFactory(partners=[near(north=n, care_boards=[shared]) for n in range(3)])

    assert "No lead council recorded" in " ".join(partnership_warnings(partnership))


def test_councils_in_different_care_boards_are_named_with_their_boards():
    north, south = board("NHS North ICB"), board("NHS South ICB")
    partnership = PartnershipFactory(
        leads=[near(short_name="Aton", care_boards=[north])],
        partners=[
            near(short_name="Bton", north=1, care_boards=[north]),
            near(short_name="Cton", north=2, care_boards=[south]),
        ],
    )

    assert partnership_warnings(partnership) == [
        "Members sit in 2 different integrated care boards: Aton (NHS North ICB); Bton (NHS North ICB); "
        "Cton (NHS South ICB)."
    ]


def test_a_council_straddling_boards_shares_the_board_it_has_in_common():
    hampshire_icb, frimley = board("NHS Hampshire and Isle of Wight ICB"), board("NHS Frimley ICB")
    partnership = PartnershipFactory(
        leads=[near(short_name="Hampshire", care_boards=[hampshire_icb, frimley])],
        partners=[near(north=1, care_boards=[hampshire_icb]), near(north=2, care_boards=[hampshire_icb])],
    )

    assert partnership_warnings(partnership) == []


def test_councils_without_a_care_board_are_named_instead_of_claiming_one_board():
    shared = board("NHS Shared ICB")
    partnership = PartnershipFactory(
        leads=[near(short_name="Knownshire", care_boards=[shared])],
        partners=[near(short_name="Mysteryton", north=1), near(short_name="Unsureham", north=2)],
    )

    warnings = partnership_warnings(partnership)

    assert warnings == [
        "No care board recorded for Mysteryton and Unsureham: whether the partnership sits within one integrated "
        "care board cannot be checked for them."
    ]
    assert not any("one ICB" in w or "one integrated care board:" in w for w in warnings)


def test_a_partner_far_from_every_lead_is_flagged_but_not_one_near_a_joint_lead():
    shared = board("NHS Shared ICB")
    west = CouncilFactory(short_name="Westlead", latitude=52.0, longitude=-2.7, care_boards=[shared])
    east = CouncilFactory(short_name="Eastlead", latitude=52.0, longitude=-0.5, care_boards=[shared])
    by_east = CouncilFactory(short_name="Byeast", latitude=52.05, longitude=-0.45, care_boards=[shared])
    far_away = CouncilFactory(short_name="Faraway", latitude=50.2, longitude=-5.0, care_boards=[shared])
    partnership = PartnershipFactory(leads=[west, east], partners=[by_east, far_away])

    warnings = partnership_warnings(partnership)

    assert len(warnings) == 1
    assert warnings[0].startswith("Faraway is ")
    assert f"km from the nearest lead council, Westlead (more than {FAR_APART_KM} km)." in warnings[0]


def test_a_partner_without_a_map_point_is_flagged():
    shared = board("NHS Shared ICB")
    partnership = PartnershipFactory(
        leads=[near(care_boards=[shared])],
        partners=[
            near(north=1, care_boards=[shared]),
            CouncilFactory(short_name="Nowhere", latitude=None, care_boards=[shared]),
        ],
    )

    assert partnership_warnings(partnership) == [
        "No map point for Nowhere or a lead council: its distance was not checked."
    ]


def test_warnings_read_members_today_only():
    shared = board("NHS Shared ICB")
    councils = [near(north=n, care_boards=[shared]) for n in range(4)]
    partnership = PartnershipFactory(leads=councils[:1], partners=councils[1:])
    stray = near(short_name="Strayton", north=5)
    membership = add(partnership, stray)
    assert any("Strayton" in w for w in partnership_warnings(partnership))

    partnership_remove_member(membership=membership, left_on=AUGUST, note="", by=None)

    assert partnership_warnings(partnership) == []


# --- joint leads, and the lead as a member everywhere ------------------------------------------------


@pytest.fixture
def joint():
    """Gloucestershire and Swindon (joint leads) with a partner, all in the pilot."""
    gloucestershire = CouncilFactory(short_name="Gloucestershire", slug="gloucestershire")
    swindon = CouncilFactory(short_name="Swindon", slug="swindon")
    partner = CouncilFactory(short_name="Wiltshire", slug="wiltshire")
    for council, status in ((gloucestershire, "confirmed_lead"), (swindon, "confirmed_lead"), (partner, "partner")):
        council_set_status(council=council, status=status, effective_on=AUGUST)
    partnership = create(name="South West partnership", slug="south-west")
    add(partnership, gloucestershire, role=MembershipRole.LEAD, source_url=SOURCE)
    add(partnership, swindon, role=MembershipRole.LEAD, source_url=SOURCE)
    add(partnership, partner, source_url=SOURCE)
    return partnership


def test_joint_leads_are_shown_as_such_on_the_public_pages(client, joint):
    council_page = client.get("/councils/swindon/").content.decode()
    detail = client.get(joint.get_absolute_url()).content.decode()
    listing = client.get(reverse("councils:partnerships")).content.decode()
    tracker = client.get(reverse("councils:tracker")).content.decode()

    assert "Joint lead council in" in council_page
    assert "Joint lead councils" in detail and "Gloucestershire</a> and <a" in detail
    assert "Led by Gloucestershire and Swindon (joint leads)." in listing
    assert tracker.count("(joint lead council)") == 2 and tracker.count("(partner council)") == 1


def test_a_single_lead_is_simply_the_lead(client):
    lead = CouncilFactory(slug="bedford", short_name="Bedford")
    partnership = create(name="East partnership", slug="east")
    add(partnership, lead, role=MembershipRole.LEAD)
    add(partnership, CouncilFactory())

    assert "Lead council in" in client.get("/councils/bedford/").content.decode()
    assert "Joint" not in client.get(partnership.get_absolute_url()).content.decode()


def test_the_partnership_filter_csv_and_api_count_every_lead_as_a_member(client, joint):
    listed = client.get(reverse("councils:tracker"), {"partnership": "south-west"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get("/tracker.csv", {"partnership": "south-west"}).content.decode())))
    api = client.get("/api/partnerships/south-west/").json()
    council = client.get("/api/councils/swindon/").json()
    filtered = client.get("/api/councils/", {"partnership": "south-west"}).json()

    for name in ("Gloucestershire", "Swindon", "Wiltshire"):
        assert f">{name}</a>" in listed
    assert [row["council"] for row in rows] == ["Gloucestershire", "Swindon", "Wiltshire"]
    assert {row["partnership"] for row in rows} == {"South West partnership"}
    assert [lead["slug"] for lead in api["leads"]] == ["gloucestershire", "swindon"]
    assert [partner["slug"] for partner in api["partners"]] == ["wiltshire"]
    assert [(m["council"]["slug"], m["role"], m["role_label"]) for m in api["members"]] == [
        ("gloucestershire", "lead", "Joint lead council"),
        ("swindon", "lead", "Joint lead council"),
        ("wiltshire", "partner", "Partner council"),
    ]
    assert api["members"][0]["source_url"] == SOURCE
    assert [(p["slug"], p["role"], p["role_label"]) for p in council["partnerships"]] == [
        ("south-west", "lead", "Joint lead council")
    ]
    assert filtered["count"] == 3


def test_a_council_that_left_is_no_longer_listed_but_its_page_keeps_the_history(client, joint):
    membership = PartnershipMembership.objects.get(council__slug="wiltshire")
    partnership_remove_member(membership=membership, left_on=datetime.date(2024, 2, 1), note="Left.", by=None)

    listed = client.get(reverse("councils:tracker"), {"partnership": "south-west"}).content.decode()
    api = client.get("/api/partnerships/south-west/").json()
    page = client.get("/councils/wiltshire/").content.decode()

    assert ">Wiltshire</a>" not in listed
    assert api["partners"] == []
    assert "Was partner council in" in page and "1 February 2024" in page and "Left." in page
    assert client.get("/api/councils/wiltshire/").json()["partnerships"] == []
