"""The partnership rules' details that the mutation run (make mutate, docs/testing.md) found untested:
what an editor is told when a write is refused, the warnings shown beside a partnership, and the
public events a withdrawal, a leaving or a deletion leaves (date, note, source, who recorded it)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from councils import signals
from councils.choices import MembershipRole, PartnershipStatus, PilotStatus
from councils.models import Partnership, PartnershipEvent, PartnershipMembership, StatusChange
from councils.partnerships import (
    PartnershipRefused,
    distance_km,
    memberships_for_checks,
    partnership_add_member,
    partnership_change_member,
    partnership_create,
    partnership_delete,
    partnership_delete_member,
    partnership_remove_member,
    partnership_update,
    partnership_warnings,
)
from councils.services import StatusChangeRefused, council_set_status
from tests.support.factories import CouncilFactory, IntegratedCareBoardFactory, PartnershipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2023, 8, 23)
MARCH = datetime.date(2024, 3, 1)
SOURCE = "https://www.gov.uk/government/news/send-change-programme-update"
# Lock it, validate it, save it with its audit entry, note the change for followers: rechecking its
# three members' other partnerships would add at least five.
QUERIES_TO_EDIT_A_LIVE_PARTNERSHIP = 12


@pytest.fixture
def told():
    """The changes the councils app announces (the alerts app tells followers of each)."""
    heard = []

    def receiver(sender, kind, instance, fields, **kwargs):
        heard.append((kind, fields))

    signals.changes_recorded.connect(receiver)
    yield heard
    signals.changes_recorded.disconnect(receiver)


def add(partnership, council, role=MembershipRole.PARTNER, **kwargs):
    return partnership_add_member(
        partnership=partnership, council=council, role=role, joined_on=kwargs.pop("joined_on", AUGUST), **kwargs
    )


# --- refusals: the message and its code ------------------------------------------------------------


def test_each_refusal_carries_its_code():
    programme = ProgrammeFactory(max_partnerships=1)
    partnership = partnership_create(programme=programme, name="One", slug="one")
    council = CouncilFactory()
    membership = add(partnership, council)

    with pytest.raises(PartnershipRefused) as full:
        partnership_create(programme=programme, name="Two", slug="two")
    with pytest.raises(PartnershipRefused) as twice:
        add(partnership, council)
    with pytest.raises(PartnershipRefused) as elsewhere:
        add(PartnershipFactory(), council)
    with pytest.raises(PartnershipRefused) as leaving:
        partnership_change_member(membership=membership, left_on=MARCH)

    assert [refused.value.code for refused in (full, twice, elsewhere, leaving)] == [
        "too_many_partnerships",
        "already_member",
        "in_another_partnership",
        "use_remove_member",
    ]
    assert leaving.value.messages == ["Record a council leaving with partnership_remove_member."]


def test_a_council_leaving_is_refused_without_a_date_and_allowed_today():
    membership = add(PartnershipFactory(), CouncilFactory())

    with pytest.raises(PartnershipRefused) as refused:
        partnership_remove_member(membership=membership, left_on=None, note="", by=None)
    assert refused.value.message_dict == {"left_on": ["Say when the council left."]}

    partnership_remove_member(membership=membership, left_on=timezone.localdate(), note="", by=None)
    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()


def test_leaving_twice_names_the_date_it_left():
    membership = add(PartnershipFactory(name="East partnership"), CouncilFactory(short_name="Leftshire"))
    partnership_remove_member(membership=membership, left_on=MARCH, note="", by=None)

    with pytest.raises(PartnershipRefused) as again:
        partnership_remove_member(membership=membership, left_on=MARCH, note="", by=None)
    with pytest.raises(PartnershipRefused) as rejoin:
        partnership_change_member(membership=membership, left_on=None)

    assert again.value.messages == ["Leftshire already left East partnership on 1 March 2024."]
    assert again.value.code == "already_left"
    assert rejoin.value.messages == [
        "Leftshire left East partnership on 1 March 2024: to record it rejoining, add it again."
    ]
    assert rejoin.value.code == "rejoin"


def test_a_council_in_a_live_partnership_can_still_be_recorded_in_a_withdrawn_one():
    council = CouncilFactory()
    add(PartnershipFactory(), council)
    withdrawn = PartnershipFactory(status=PartnershipStatus.WITHDRAWN)

    add(withdrawn, council)

    assert PartnershipMembership.objects.filter(council=council).count() == 2


def test_a_partnership_moved_into_a_full_programme_is_refused():
    full = ProgrammeFactory(max_partnerships=1, name="Full programme", slug="full")
    partnership_create(programme=full, name="There", slug="there", status=PartnershipStatus.CONFIRMED)
    moving = partnership_create(
        programme=ProgrammeFactory(slug="other"), name="Moving", slug="moving", status=PartnershipStatus.CONFIRMED
    )

    with pytest.raises(PartnershipRefused, match="allows at most 1 partnerships and 1 are already active"):
        partnership_update(partnership=moving, programme=full)

    moving.refresh_from_db()
    assert moving.programme != full


def test_unknown_fields_are_refused_naming_them():
    partnership = PartnershipFactory()
    membership = add(partnership, CouncilFactory())

    with pytest.raises(ValueError, match=r"^partnership_update cannot change colour, size\.$"):
        partnership_update(partnership=partnership, size=3, colour="red")
    with pytest.raises(ValueError, match=r"^partnership_change_member cannot change colour, council\.$"):
        partnership_change_member(membership=membership, council=CouncilFactory(), colour="red")


# --- writes: what is saved, and what the caller's object then says ----------------------------------


def test_a_new_partnership_with_only_its_name_is_proposed_with_nothing_else_said(told):
    partnership = partnership_create(programme=ProgrammeFactory(), name="Bare", slug="bare")

    partnership.refresh_from_db()
    assert (partnership.status, partnership.region, partnership.source_url, partnership.note) == (
        PartnershipStatus.PROPOSED,
        "",
        "",
        "",
    )
    assert partnership.launched_on is None
    assert told == [(signals.PARTNERSHIP_FORMED, ())]


def test_a_partnership_with_a_bad_web_address_is_refused():
    with pytest.raises(Exception, match="source_url"):
        partnership_create(programme=ProgrammeFactory(), name="Bad", slug="bad", source_url="not a link")
    partnership = PartnershipFactory()
    with pytest.raises(Exception, match="source_url"):
        partnership_update(partnership=partnership, source_url="not a link")
    membership = add(partnership, CouncilFactory())
    with pytest.raises(Exception, match="source_url"):
        partnership_change_member(membership=membership, source_url="not a link")
    assert not Partnership.objects.filter(name="Bad").exists()


def test_every_editable_field_can_be_changed_and_the_callers_copy_says_so(told):
    partnership = partnership_create(programme=ProgrammeFactory(), name="Before", slug="before")
    other_programme = ProgrammeFactory(slug="other")
    new = {
        "programme": other_programme,
        "name": "After",
        "slug": "after",
        "region": "North East",
        "status": PartnershipStatus.CONFIRMED,
        "launched_on": AUGUST,
        "note": "Renamed by the DfE.",
        "source_url": SOURCE,
    }
    told.clear()

    returned = partnership_update(partnership=partnership, **new)

    assert returned is partnership
    for name, value in new.items():
        assert getattr(partnership, name) == value, name
    saved = Partnership.objects.get(pk=partnership.pk)
    assert saved.updated_at == partnership.updated_at
    for name, value in new.items():
        assert getattr(saved, name) == value, name
    assert told == [(signals.PARTNERSHIP_CHANGED, tuple(new))]

    told.clear()
    partnership_update(partnership=partnership, name="After")
    assert told == []


def test_every_membership_field_can_be_corrected_and_the_callers_copy_says_so(told):
    membership = add(PartnershipFactory(), CouncilFactory())
    partnership_remove_member(membership=membership, left_on=MARCH, note="Left.", by=None)
    new = {
        "role": MembershipRole.LEAD,
        "joined_on": datetime.date(2023, 9, 1),
        "left_on": datetime.date(2024, 2, 1),
        "source_url": SOURCE,
        "note": "Joined in September.",
        "left_note": "Left in February.",
    }
    told.clear()

    returned = partnership_change_member(membership=membership, **new)

    assert returned is membership
    saved = PartnershipMembership.objects.get(pk=membership.pk)
    for name, value in new.items():
        assert getattr(membership, name) == value, name
        assert getattr(saved, name) == value, name
    assert told == [(signals.MEMBER_CHANGED, tuple(new))]
    event = PartnershipEvent.objects.get(kind=PartnershipEvent.Kind.MEMBER_LEFT)
    assert (event.effective_on, event.note) == (datetime.date(2024, 2, 1), "Left in February.")

    told.clear()
    partnership_change_member(membership=membership, note="Joined in September.")
    assert told == []


def test_a_corrected_leaving_note_alone_is_corrected_on_the_public_entry():
    membership = add(PartnershipFactory(), CouncilFactory())
    partnership_remove_member(membership=membership, left_on=MARCH, note="Left.", by=None)

    partnership_change_member(membership=membership, left_note="It could not staff the pilot.")

    event = PartnershipEvent.objects.get()
    assert (event.effective_on, event.note) == (MARCH, "It could not staff the pilot.")


def test_joining_with_a_status_records_the_dates_notes_and_source_given(journalist, told):
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 1))
    told.clear()

    membership = add(
        PartnershipFactory(),
        council,
        role="lead",
        source_url="https://example.org/membership",
        note="Membership note.",
        by=journalist,
        new_status=PilotStatus.CONFIRMED_LEAD,
        status_effective_on=datetime.date(2023, 9, 2),
        status_note="Confirmed by the DfE.",
        status_source_url=SOURCE,
        status_source_title="DfE update",
    )

    assert membership.role == MembershipRole.LEAD
    change = StatusChange.objects.filter(council=council).latest()
    assert (change.to_status, change.effective_on, change.note, change.source_url, change.source_title) == (
        PilotStatus.CONFIRMED_LEAD,
        datetime.date(2023, 9, 2),
        "Confirmed by the DfE.",
        SOURCE,
        "DfE update",
    )
    assert [kind for kind, _fields in told] == [signals.MEMBER_JOINED, signals.STATUS]


def test_joining_with_a_status_and_no_source_title_shows_none():
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 1))

    add(PartnershipFactory(), council, new_status=PilotStatus.PARTNER, status_note="", status_source_url="")

    change = StatusChange.objects.filter(council=council).latest()
    assert (change.note, change.source_url, change.source_title) == ("", "", "")


def test_leaving_with_a_status_takes_the_membership_source_and_tells_followers(journalist, told):
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.PARTNER, effective_on=AUGUST)
    membership = add(PartnershipFactory(), council, source_url="https://example.org/joined")
    told.clear()

    partnership_remove_member(
        membership=membership, left_on=MARCH, note="  Pulled out.  ", by=journalist, new_status=PilotStatus.WITHDRAWN
    )

    change = StatusChange.objects.filter(council=council).latest()
    assert (change.source_url, change.source_title, change.note) == ("https://example.org/joined", "", "Pulled out.")
    assert change.recorded_by == journalist
    assert [kind for kind, _fields in told] == [signals.MEMBER_LEFT, signals.STATUS]
    event = PartnershipEvent.objects.get()
    assert (event.note, event.source_url, event.recorded_by) == ("Pulled out.", "", journalist)
    assert membership.left_note == "Pulled out."


def test_leaving_with_a_status_and_its_own_source(journalist):
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.PARTNER, effective_on=AUGUST)
    membership = add(PartnershipFactory(), council, source_url="https://example.org/joined")

    partnership_remove_member(
        membership=membership,
        left_on=MARCH,
        note="Pulled out.",
        by=journalist,
        new_status=PilotStatus.WITHDRAWN,
        status_source_url=SOURCE,
        status_source_title="DfE update",
    )

    change = StatusChange.objects.filter(council=council).latest()
    assert (change.source_url, change.source_title) == (SOURCE, "DfE update")
    assert PartnershipEvent.objects.get().source_url == SOURCE


# --- the public events ----------------------------------------------------------------------------


def test_a_withdrawal_is_dated_today_by_default_with_who_recorded_it(editor):
    lead, partner = CouncilFactory(short_name="Aton"), CouncilFactory(short_name="Bton")
    partnership = PartnershipFactory(name="West partnership", leads=[lead], partners=[partner])

    partnership_update(partnership=partnership, status=PartnershipStatus.WITHDRAWN, public_note=" Merged. ", by=editor)

    event = PartnershipEvent.objects.get()
    assert (event.kind, event.partnership, event.partnership_name, event.council_name) == (
        PartnershipEvent.Kind.WITHDRAWN,
        partnership,
        "West partnership",
        "",
    )
    assert (event.effective_on, event.note, event.source_url, event.recorded_by) == (
        timezone.localdate(),
        "Merged.",
        "",
        editor,
    )
    assert set(event.councils.all()) == {lead, partner}
    # Withdrawing it again records nothing more.
    partnership_update(partnership=partnership, note="Still withdrawn.", by=editor)
    assert PartnershipEvent.objects.count() == 1


def test_an_anonymous_writer_is_recorded_as_nobody():
    from django.contrib.auth.models import AnonymousUser

    membership = add(PartnershipFactory(), CouncilFactory())

    partnership_remove_member(membership=membership, left_on=MARCH, note="", by=AnonymousUser())

    assert PartnershipEvent.objects.get().recorded_by is None


def test_a_deleted_membership_names_its_council_and_is_dated_today(editor):
    partner = CouncilFactory(short_name="Bton")
    partnership = PartnershipFactory(name="West partnership", leads=[CouncilFactory()], partners=[partner])
    membership = partnership.memberships.get(council=partner)

    partnership_delete_member(membership=membership, public_note="Mistake.", public_source_url=SOURCE, by=editor)
    partnership_delete_member(membership=membership, public_note="Again.", by=editor)  # already gone: nothing

    event = PartnershipEvent.objects.get()
    assert (event.kind, event.partnership, event.partnership_name, event.council_name) == (
        PartnershipEvent.Kind.MEMBER_DELETED,
        partnership,
        "West partnership",
        "Bton",
    )
    assert (event.effective_on, event.note, event.source_url, event.recorded_by) == (
        timezone.localdate(),
        "Mistake.",
        SOURCE,
        editor,
    )
    assert list(event.councils.all()) == [partner]
    assert not PartnershipMembership.objects.filter(pk=membership.pk).exists()


def test_a_deleted_partnership_keeps_its_name_and_current_members_on_the_event(editor):
    lead, partner, gone = CouncilFactory(), CouncilFactory(), CouncilFactory()
    partnership = PartnershipFactory(name="West partnership", leads=[lead], partners=[partner, gone])
    partnership_remove_member(membership=partnership.memberships.get(council=gone), left_on=MARCH, note="", by=None)

    partnership_delete(partnership=partnership, public_note="Twice.", public_source_url=SOURCE, by=editor)
    partnership_delete(partnership=partnership, public_note="Again.", by=editor)  # already gone: nothing

    event = PartnershipEvent.objects.get(kind=PartnershipEvent.Kind.DELETED)
    assert (event.partnership, event.partnership_name, event.council_name) == (None, "West partnership", "")
    assert (event.effective_on, event.note, event.source_url, event.recorded_by) == (
        timezone.localdate(),
        "Twice.",
        SOURCE,
        editor,
    )
    assert set(event.councils.all()) == {lead, partner}
    assert PartnershipEvent.objects.count() == 2


# --- warnings ------------------------------------------------------------------------------------


def test_one_degree_along_a_meridian_is_111_km():
    a = CouncilFactory.build(latitude=0.0, longitude=0.0)
    b = CouncilFactory.build(latitude=1.0, longitude=0.0)

    assert distance_km(a, b) == pytest.approx(111.195, abs=0.001)
    assert distance_km(a, CouncilFactory.build(latitude=None, longitude=0.0)) is None
    assert distance_km(CouncilFactory.build(latitude=0.0, longitude=None), b) is None


def test_a_partner_just_over_80_km_from_its_only_lead_is_flagged_and_one_just_under_is_not():
    shared = IntegratedCareBoardFactory()
    lead = CouncilFactory(short_name="Leadton", latitude=52.0, longitude=-2.0, care_boards=[shared])
    over = CouncilFactory(short_name="Overton", latitude=52.0, longitude=-0.82, care_boards=[shared])  # 80.8 km
    under = CouncilFactory(short_name="Underton", latitude=52.0, longitude=-0.84, care_boards=[shared])  # 79.4 km
    partnership = PartnershipFactory(leads=[lead], partners=[over, under])

    assert partnership_warnings(partnership) == ["Overton is 81 km from the lead council, Leadton (more than 80 km)."]


def test_an_empty_partnership_is_only_said_to_be_empty_and_one_council_is_singular():
    partnership = PartnershipFactory()
    assert partnership_warnings(partnership) == [
        "0 councils so far: a partnership usually has 3 or 4 (a lead and two or three partners)."
    ]


def test_one_council_without_a_care_board_is_it_and_three_are_listed_with_and():
    shared = IntegratedCareBoardFactory()
    lead = CouncilFactory(short_name="Aton", latitude=52.0, longitude=-2.0, care_boards=[shared])
    one = PartnershipFactory(
        leads=[lead],
        partners=[
            CouncilFactory(short_name="Bton", latitude=52.0, longitude=-2.0),
            CouncilFactory(latitude=52.0, longitude=-2.0, care_boards=[shared]),
        ],
    )
    three = PartnershipFactory(
        leads=[CouncilFactory(short_name="Cton", latitude=52.0, longitude=-2.0)],
        partners=[CouncilFactory(short_name=name, latitude=52.0, longitude=-2.0) for name in ("Dton", "Eton")],
    )

    assert partnership_warnings(one) == [
        "No care board recorded for Bton: whether the partnership sits within one integrated care board cannot "
        "be checked for it."
    ]
    assert partnership_warnings(three) == [
        "No care board recorded for Cton, Dton and Eton: whether the partnership sits within one integrated care "
        "board cannot be checked for them."
    ]


def test_two_councils_in_different_boards_are_named_even_beside_one_without_a_board():
    north, south, frimley = (IntegratedCareBoardFactory(name=n) for n in ("NHS North ICB", "NHS South ICB", "Frimley"))
    partnership = PartnershipFactory(
        leads=[CouncilFactory(short_name="Aton", latitude=52.0, longitude=-2.0, care_boards=[north, frimley])],
        partners=[
            CouncilFactory(short_name="Bton", latitude=52.0, longitude=-2.0, care_boards=[south]),
            CouncilFactory(short_name="Cton", latitude=52.0, longitude=-2.0),
        ],
    )

    assert partnership_warnings(partnership) == [
        "No care board recorded for Cton: whether the partnership sits within one integrated care board cannot "
        "be checked for it.",
        "Members sit in 3 different integrated care boards: Aton (NHS North ICB and Frimley); Bton (NHS South ICB).",
    ]


def test_warnings_given_a_list_of_memberships_skip_those_that_left():
    shared = IntegratedCareBoardFactory()
    councils = [CouncilFactory(latitude=52.0, longitude=-2.0, care_boards=[shared]) for _ in range(3)]
    partnership = PartnershipFactory(leads=councils[:1], partners=councils[1:])
    stray = add(partnership, CouncilFactory(short_name="Strayton", latitude=52.0, longitude=-2.0))
    partnership_remove_member(membership=stray, left_on=MARCH, note="", by=None)
    every = list(PartnershipMembership.objects.filter(partnership=partnership).select_related("council"))

    assert partnership_warnings(partnership, memberships=every) == []
    assert [m.council for m in memberships_for_checks(partnership)] == councils


def test_a_live_partnership_in_a_programme_now_over_its_cap_can_still_be_edited():
    programme = ProgrammeFactory(max_partnerships=2, slug="shrinking")
    first = partnership_create(programme=programme, name="One", slug="one", status=PartnershipStatus.CONFIRMED)
    partnership_create(programme=programme, name="Two", slug="two", status=PartnershipStatus.CONFIRMED)
    programme.max_partnerships = 1
    programme.save()

    partnership_update(partnership=first, note="Launch date confirmed.")

    first.refresh_from_db()
    assert first.note == "Launch date confirmed."


def test_editing_a_live_partnership_does_not_recheck_its_members(django_assert_max_num_queries):
    """Its members' other partnerships are checked when it comes back from withdrawn, not on every edit."""
    partnership = PartnershipFactory(
        status=PartnershipStatus.CONFIRMED, leads=[CouncilFactory()], partners=[CouncilFactory(), CouncilFactory()]
    )

    with django_assert_max_num_queries(QUERIES_TO_EDIT_A_LIVE_PARTNERSHIP):
        partnership_update(partnership=partnership, note="Launch date confirmed.")


def test_a_current_membership_corrected_with_an_empty_leaving_date_is_not_refused():
    membership = add(PartnershipFactory(), CouncilFactory())

    partnership_change_member(membership=membership, left_on=None, note="Joined after a vote.")

    membership.refresh_from_db()
    assert (membership.left_on, membership.note) == (None, "Joined after a vote.")


def test_a_partner_without_a_map_point_does_not_stop_the_next_partner_being_checked():
    shared = IntegratedCareBoardFactory()
    lead = CouncilFactory(short_name="Leadton", latitude=52.0, longitude=-2.0, care_boards=[shared])
    partners = [
        CouncilFactory(short_name="Anywhere", latitude=None, care_boards=[shared]),
        CouncilFactory(short_name="Farton", latitude=50.2, longitude=-5.0, care_boards=[shared]),
    ]
    partnership = PartnershipFactory(leads=[lead], partners=partners)

    warnings = partnership_warnings(partnership)

    assert warnings[0] == "No map point for Anywhere or a lead council: its distance was not checked."
    assert warnings[1].startswith("Farton is ") and "km from the lead council, Leadton" in warnings[1]
    assert len(warnings) == 2


# --- all or nothing --------------------------------------------------------------------------------


def test_a_leaving_whose_status_the_rules_refuse_saves_nothing():
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.PARTNER, effective_on=AUGUST)
    council_set_status(council=council, status=PilotStatus.WITHDRAWN, effective_on=AUGUST)
    membership = add(PartnershipFactory(), council)

    with pytest.raises(StatusChangeRefused):
        partnership_remove_member(
            membership=membership, left_on=MARCH, note="Pulled out.", by=None, new_status=PilotStatus.WITHDRAWN
        )

    membership.refresh_from_db()
    assert membership.left_on is None
    assert not PartnershipEvent.objects.exists()


def test_a_withdrawal_with_a_bad_public_source_is_refused_and_the_partnership_stays_live():
    partnership = PartnershipFactory(status=PartnershipStatus.CONFIRMED, leads=[CouncilFactory()])

    with pytest.raises(ValidationError) as refused:
        partnership_update(
            partnership=partnership, status=PartnershipStatus.WITHDRAWN, public_source_url="not a link", by=None
        )

    assert "source_url" in refused.value.message_dict
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.CONFIRMED
    assert not PartnershipEvent.objects.exists()


def test_the_missing_note_refusal_is_shown_on_the_leaving_note():
    membership = add(PartnershipFactory(), CouncilFactory())

    with pytest.raises(PartnershipRefused) as refused:
        partnership_remove_member(membership=membership, left_on=MARCH, note="", by=None, new_status="withdrawn")
    with pytest.raises(PartnershipRefused) as future:
        partnership_remove_member(membership=membership, left_on=datetime.date(2999, 1, 1), note="", by=None)

    assert refused.value.message_dict == {
        "left_note": ["Say why the council left: its status changes only with a note."]
    }
    assert future.value.message_dict == {"left_on": ["The date it left cannot be in the future."]}


def test_the_missing_lead_warning_says_what_a_partnership_needs():
    shared = IntegratedCareBoardFactory()
    partnership = PartnershipFactory(
        partners=[CouncilFactory(latitude=52.0, longitude=-2.0, care_boards=[shared]) for _ in range(3)]
    )

    assert partnership_warnings(partnership) == [
        "No lead council recorded: a partnership has a lead, or two or more joint leads."
    ]


def test_a_council_leaving_is_named_on_its_event():
    membership = add(PartnershipFactory(name="West partnership"), CouncilFactory(short_name="Leftshire"))

    partnership_remove_member(membership=membership, left_on=MARCH, note="", by=None)

    event = PartnershipEvent.objects.get()
    assert (event.kind, event.council_name, event.partnership_name, event.effective_on, event.note) == (
        PartnershipEvent.Kind.MEMBER_LEFT,
        "Leftshire",
        "West partnership",
        MARCH,
        "",
    )
    membership.refresh_from_db()
    assert membership.left_note == ""


def test_events_recorded_without_a_public_note_or_source_show_none():
    lead, partner = CouncilFactory(), CouncilFactory()
    withdrawn = PartnershipFactory(status=PartnershipStatus.CONFIRMED, leads=[lead], partners=[partner])
    partnership_update(partnership=withdrawn, status=PartnershipStatus.WITHDRAWN)
    partnership_delete_member(membership=withdrawn.memberships.get(council=partner))
    partnership_delete(partnership=PartnershipFactory(leads=[CouncilFactory()]))

    assert sorted((e.kind, e.note, e.source_url, e.recorded_by) for e in PartnershipEvent.objects.all()) == [
        (PartnershipEvent.Kind.DELETED, "", "", None),
        (PartnershipEvent.Kind.MEMBER_DELETED, "", "", None),
        (PartnershipEvent.Kind.WITHDRAWN, "", "", None),
    ]


def test_a_council_added_without_a_note_or_source_shows_none():
    membership = add(PartnershipFactory(), CouncilFactory())

    membership.refresh_from_db()
    assert (membership.note, membership.source_url, membership.left_note) == ("", "", "")


# --- the mutants the earlier run never reached (docs/testing.md) -------------------------------------


@pytest.fixture
def announcing_fails():
    """From its call on, a change cannot be recorded for followers (the alerts app's write fails)."""

    def receiver(sender, **kwargs):
        raise RuntimeError("The change could not be recorded for followers.")

    yield lambda: signals.changes_recorded.connect(receiver)
    signals.changes_recorded.disconnect(receiver)


@pytest.fixture
def deleting_fails():
    """The database refuses the delete itself, after the public entry saying so was written."""
    from django.db.models.signals import pre_delete

    def receiver(sender, **kwargs):
        raise RuntimeError("The database refused the delete.")

    pre_delete.connect(receiver, sender=Partnership)
    pre_delete.connect(receiver, sender=PartnershipMembership)
    yield
    pre_delete.disconnect(receiver, sender=Partnership)
    pre_delete.disconnect(receiver, sender=PartnershipMembership)


def test_a_council_added_with_a_bad_web_address_is_refused_and_not_added():
    partnership = PartnershipFactory()

    with pytest.raises(ValidationError) as refused:
        add(partnership, CouncilFactory(), source_url="not a link")

    assert list(refused.value.message_dict) == ["source_url"]
    assert not partnership.memberships.exists()


def test_a_corrected_leaving_date_alone_is_corrected_on_the_public_entry():
    membership = add(PartnershipFactory(), CouncilFactory())
    partnership_remove_member(membership=membership, left_on=MARCH, note="Left.", by=None)

    partnership_change_member(membership=membership, left_on=datetime.date(2024, 2, 1))

    event = PartnershipEvent.objects.get()
    assert (event.effective_on, event.note) == (datetime.date(2024, 2, 1), "Left.")


@pytest.mark.parametrize("missing", ["latitude", "longitude"])
@pytest.mark.parametrize("which", ["lead", "partner"])
def test_a_council_with_half_a_map_point_has_no_distance_and_is_said_to_have_none(which, missing):
    """A council with only its latitude or only its longitude recorded: no distance, and the warning says so."""
    shared = IntegratedCareBoardFactory()
    points = {
        "lead": {"short_name": "Leadton", "latitude": 52.0, "longitude": -2.0},
        "partner": {"short_name": "Farton", "latitude": 50.2, "longitude": -5.0},
    }
    points[which][missing] = None
    lead, partner = (CouncilFactory(care_boards=[shared], **points[name]) for name in ("lead", "partner"))
    other = CouncilFactory(short_name="Nearton", latitude=52.0, longitude=-2.0, care_boards=[shared])

    assert distance_km(lead, partner) is None
    assert partnership_warnings(PartnershipFactory(leads=[lead], partners=[partner, other])) == [
        "No map point for Farton or a lead council: its distance was not checked."
    ] + (["No map point for Nearton or a lead council: its distance was not checked."] if which == "lead" else [])


def test_a_partnership_whose_announcement_fails_is_not_created(announcing_fails):
    announcing_fails()

    with pytest.raises(RuntimeError):
        partnership_create(programme=ProgrammeFactory(), name="Unannounced", slug="unannounced")

    assert not Partnership.objects.filter(slug="unannounced").exists()


def test_a_membership_correction_whose_announcement_fails_changes_nothing(announcing_fails):
    membership = add(PartnershipFactory(), CouncilFactory(), note="Joined in August.")
    partnership_remove_member(membership=membership, left_on=MARCH, note="Left.", by=None)
    announcing_fails()

    with pytest.raises(RuntimeError):
        partnership_change_member(membership=membership, note="Joined in September.", left_on=datetime.date(2024, 2, 1))

    saved = PartnershipMembership.objects.get(pk=membership.pk)
    assert (saved.note, saved.left_on) == ("Joined in August.", MARCH)
    assert PartnershipEvent.objects.get().effective_on == MARCH


@pytest.mark.django_db(transaction=True)
def test_a_membership_delete_that_fails_leaves_no_public_entry(deleting_fails):
    partner = CouncilFactory()
    partnership = PartnershipFactory(leads=[CouncilFactory()], partners=[partner])

    with pytest.raises(RuntimeError):
        partnership_delete_member(membership=partnership.memberships.get(council=partner), public_note="Mistake.")

    assert partnership.memberships.filter(council=partner).exists()
    assert not PartnershipEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_partnership_delete_that_fails_leaves_no_public_entry(deleting_fails):
    partnership = PartnershipFactory(leads=[CouncilFactory()])

    with pytest.raises(RuntimeError):
        partnership_delete(partnership=partnership, public_note="Twice.")

    assert Partnership.objects.filter(pk=partnership.pk).exists()
    assert not PartnershipEvent.objects.exists()


def test_a_partner_exactly_at_the_limit_is_not_flagged_only_one_beyond_it(monkeypatch):
    """The warning says "more than" the limit: a partner at exactly that distance is close enough.

    The limit is set to the two points' own distance, so the boundary is exact on any platform's maths.
    """
    from councils import partnerships

    shared = IntegratedCareBoardFactory()
    lead = CouncilFactory(short_name="Leadton", latitude=52.0, longitude=-2.0, care_boards=[shared])
    partner = CouncilFactory(short_name="Edgeton", latitude=52.0, longitude=-0.83, care_boards=[shared])
    nearby = CouncilFactory(latitude=52.0, longitude=-2.0, care_boards=[shared])
    partnership = PartnershipFactory(leads=[lead], partners=[partner, nearby])
    monkeypatch.setattr(partnerships, "FAR_APART_KM", distance_km(lead, partner))

    assert partnership_warnings(partnership) == []

    monkeypatch.setattr(partnerships, "FAR_APART_KM", distance_km(lead, partner) - 0.001)
    [warning] = partnership_warnings(partnership)
    assert warning.startswith("Edgeton is 80 km from the lead council, Leadton (more than ")


def council_left_twice_on_one_day():
    partnership, council = PartnershipFactory(), CouncilFactory()
    first = add(partnership, council)
    partnership_remove_member(membership=first, left_on=MARCH, note="Left after the vote.", by=None)
    second = add(partnership, council, joined_on=MARCH)
    partnership_remove_member(membership=second, left_on=MARCH, note="Left again the same afternoon.", by=None)
    return first, second


def public_leavings():
    return sorted(PartnershipEvent.objects.values_list("effective_on", "note"))


def test_correcting_an_earlier_membership_leaves_a_later_leaving_on_the_same_day_as_it_was():
    """A council that left, was added again and left again the same day: two public entries, each its own note."""
    first, _second = council_left_twice_on_one_day()

    partnership_change_member(membership=first, role=MembershipRole.LEAD, note="Joined as lead.")

    assert public_leavings() == [(MARCH, "Left after the vote."), (MARCH, "Left again the same afternoon.")]


def test_correcting_the_note_of_the_first_of_two_leavings_on_one_day_changes_its_entry_only():
    first, _second = council_left_twice_on_one_day()

    partnership_change_member(membership=first, left_note="Left after the council's vote.")

    assert public_leavings() == [(MARCH, "Left after the council's vote."), (MARCH, "Left again the same afternoon.")]


def test_correcting_the_date_of_the_second_of_two_leavings_on_one_day_moves_its_entry_only():
    _first, second = council_left_twice_on_one_day()
    later = MARCH + datetime.timedelta(days=2)

    partnership_change_member(membership=second, left_on=later)

    assert public_leavings() == [(MARCH, "Left after the vote."), (later, "Left again the same afternoon.")]


def test_a_leaving_recorded_before_entries_named_their_membership_is_still_corrected():
    membership = add(PartnershipFactory(), CouncilFactory())
    partnership_remove_member(membership=membership, left_on=MARCH, note="Left.", by=None)
    PartnershipEvent.objects.update(membership=None)  # as the entries recorded before migration 0009 were

    partnership_change_member(membership=membership, left_note="Left after the vote.")

    assert public_leavings() == [(MARCH, "Left after the vote.")]


def test_two_unnamed_leavings_on_one_day_are_left_as_they_were_rather_than_both_rewritten():
    first, _second = council_left_twice_on_one_day()
    PartnershipEvent.objects.update(membership=None)

    partnership_change_member(membership=first, left_note="A correction that names no entry.")

    assert public_leavings() == [(MARCH, "Left after the vote."), (MARCH, "Left again the same afternoon.")]


def test_a_leaving_dated_before_the_council_joined_is_refused_in_words_and_saves_nothing():
    membership = add(PartnershipFactory(), CouncilFactory(), joined_on=AUGUST)

    with pytest.raises(ValidationError) as refused:
        partnership_remove_member(membership=membership, left_on=datetime.date(2023, 1, 1), note="", by=None)

    assert refused.value.messages == ["A council cannot leave a partnership before it joined."]
    membership.refresh_from_db()
    assert membership.left_on is None
    assert not PartnershipEvent.objects.exists()
