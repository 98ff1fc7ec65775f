"""Building partnerships in the admin as a journalist: the rules' refusals and warnings, joint leads,
and the offer to record a member council's new status on its timeline."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from councils.choices import MembershipRole, PartnershipStatus, PilotStatus
from councils.models import Partnership, PartnershipMembership, StatusChange
from councils.services import council_set_status
from tests.support.admin_forms import submit_admin_form
from tests.support.factories import CouncilFactory, IntegratedCareBoardFactory, PartnershipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2023, 8, 23)
SOURCE = "https://www.example.org/send-change-programme"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def partnership_data(members=(), **fields):
    """The add form as a browser posts it; ``members``: (council, role) or (council, role, {field: value})."""
    data = {
        "programme": fields.pop("programme").pk,
        "name": "Test partnership",
        "slug": "test-partnership",
        "region": "",
        "status": PartnershipStatus.PROPOSED,
        "memberships-TOTAL_FORMS": len(members),
        "memberships-INITIAL_FORMS": 0,
        **fields,
    }
    for i, (council, role, *extra) in enumerate(members):
        data.update({f"memberships-{i}-council": council.pk, f"memberships-{i}-role": role})
        for name, value in (extra[0] if extra else {}).items():
            data[f"memberships-{i}-{name}"] = value
    return data


def add_partnership(client, **kwargs):
    return client.post(reverse("admin:councils_partnership_add"), partnership_data(**kwargs))


def change_url(partnership):
    return reverse("admin:councils_partnership_change", args=[partnership.pk])


# --- warnings and refusals (moved from test_admin.py) --------------------------------------------


def test_partnership_warns_but_saves_when_members_sit_in_different_icbs_or_far_apart(journalist):
    north, south = IntegratedCareBoardFactory(name="NHS North ICB"), IntegratedCareBoardFactory(name="NHS South ICB")
    lead = CouncilFactory(short_name="Leadshire", care_boards=[north], latitude=52.0, longitude=-2.7)
    near = CouncilFactory(short_name="Nearshire", care_boards=[north], latitude=52.1, longitude=-2.6)
    far = CouncilFactory(short_name="Farshire", care_boards=[south], latitude=50.8, longitude=0.1)

    response = add_partnership(
        client_for(journalist),
        programme=ProgrammeFactory(),
        members=[(lead, MembershipRole.LEAD), (near, MembershipRole.PARTNER), (far, MembershipRole.PARTNER)],
    )

    assert response.status_code == 302
    partnership = Partnership.objects.get()
    # The lead is a member like any other.
    assert partnership.memberships.count() == 3
    said = messages_of(response)
    assert any("2 different integrated care boards" in m and "Farshire (NHS South ICB)" in m for m in said)
    assert any(re.match(r"Farshire is \d+ km from the lead council, Leadshire", m) for m in said)
    assert not any("Nearshire is" in m for m in said)
    warnings = [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 2
    page = client_for(journalist).get(change_url(partnership)).text
    assert "Farshire is" in page


def test_a_partnership_outside_three_or_four_councils_is_saved_with_a_warning(journalist):
    """Was refused (at most three partners); the real programme has two councils in the South West, so it warns."""
    lead = CouncilFactory()
    members = [(lead, MembershipRole.LEAD)] + [(CouncilFactory(), MembershipRole.PARTNER) for _ in range(4)]

    response = add_partnership(client_for(journalist), programme=ProgrammeFactory(), members=members)

    assert response.status_code == 302
    assert Partnership.objects.get().memberships.count() == 5
    assert "5 councils so far: a partnership usually has 3 or 4 (a lead and two or three partners)." in (
        messages_of(response)
    )


def test_the_lead_cannot_also_be_a_partner(journalist):
    lead = CouncilFactory(short_name="Leadshire")

    response = add_partnership(
        client_for(journalist),
        programme=ProgrammeFactory(),
        members=[(lead, MembershipRole.LEAD), (lead, MembershipRole.PARTNER), (CouncilFactory(), "partner")],
    )

    assert response.status_code == 200
    assert "Leadshire is listed twice: a council has one role in a partnership." in response.text
    assert not Partnership.objects.exists()


def test_partnership_refuses_more_active_partnerships_than_the_programme_allows(journalist):
    programme = ProgrammeFactory(max_partnerships=2)
    PartnershipFactory(programme=programme)
    PartnershipFactory(programme=programme)
    PartnershipFactory(programme=programme, status=PartnershipStatus.WITHDRAWN)
    client = client_for(journalist)

    response = add_partnership(client, programme=programme, members=[(CouncilFactory(), MembershipRole.LEAD)])

    assert response.status_code == 200
    assert "allows at most 2 partnerships and 2 are already active" in response.text
    assert Partnership.objects.count() == 3

    withdrawn = add_partnership(
        client, programme=programme, status="withdrawn", members=[(CouncilFactory(), MembershipRole.LEAD)]
    )
    assert withdrawn.status_code == 302


def test_a_council_in_another_live_partnership_is_refused_naming_it(journalist):
    taken = CouncilFactory(short_name="Takenshire")
    PartnershipFactory(name="Northern partnership", leads=[taken])

    response = add_partnership(
        client_for(journalist),
        programme=ProgrammeFactory(),
        members=[(CouncilFactory(), MembershipRole.LEAD), (taken, MembershipRole.PARTNER)],
    )

    assert response.status_code == 200
    assert "Takenshire is already in Northern partnership (lead council)" in response.text
    assert "Record it leaving Northern partnership first." in response.text
    assert Partnership.objects.count() == 1


def test_reopening_a_withdrawn_partnership_is_refused_when_the_programme_is_full(journalist):
    programme = ProgrammeFactory(max_partnerships=1)
    PartnershipFactory(programme=programme)
    withdrawn = PartnershipFactory(programme=programme, status=PartnershipStatus.WITHDRAWN, name="Old one")

    response = submit_admin_form(
        client_for(journalist), change_url(withdrawn), "partnership", {"status": PartnershipStatus.CONFIRMED}
    )

    assert response.status_code == 200
    assert "allows at most 1 partnerships and 1 are already active" in response.text
    withdrawn.refresh_from_db()
    assert withdrawn.status == PartnershipStatus.WITHDRAWN


# --- joint leads and the status offer ---------------------------------------------------------------


def test_a_journalist_builds_a_joint_led_partnership_and_records_a_partners_status(journalist, client):
    """Two leads and a partner; Herefordshire's move from declined to partner recorded on its timeline."""
    board = IntegratedCareBoardFactory(name="NHS West ICB")
    gloucestershire = CouncilFactory(short_name="Gloucestershire", care_boards=[board], latitude=51.8, longitude=-2.2)
    swindon = CouncilFactory(short_name="Swindon", care_boards=[board], latitude=51.56, longitude=-1.78)
    herefordshire = CouncilFactory(short_name="Herefordshire", care_boards=[board], latitude=52.08, longitude=-2.65)
    council_set_status(council=herefordshire, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 18))
    council_set_status(council=herefordshire, status=PilotStatus.DECLINED, effective_on=datetime.date(2023, 5, 19))

    response = add_partnership(
        client_for(journalist),
        programme=ProgrammeFactory(),
        name="South West partnership",
        slug="south-west",
        status=PartnershipStatus.CONFIRMED,
        members=[
            (gloucestershire, MembershipRole.LEAD, {"joined_on": "2023-08-23"}),
            (swindon, MembershipRole.LEAD, {"joined_on": "2023-08-23"}),
            (
                herefordshire,
                MembershipRole.PARTNER,
                {
                    "joined_on": "2023-08-23",
                    "source_url": SOURCE,
                    "note": "Joined Telford and Wrekin's partnership as a partner.",
                    "record_status": PilotStatus.PARTNER,
                    "status_source_title": "Herefordshire local offer",
                },
            ),
        ],
    )

    assert response.status_code == 302, response.text
    assert not any("Members sit in" in m or "No care board" in m for m in messages_of(response))
    partnership = Partnership.objects.get(slug="south-west")
    assert [m.council for m in partnership.members] == [gloucestershire, swindon, herefordshire]
    assert partnership.is_joint_led
    change = StatusChange.objects.filter(council=herefordshire).latest()
    assert (change.from_status, change.to_status, change.effective_on) == (
        PilotStatus.DECLINED,
        PilotStatus.PARTNER,
        AUGUST,
    )
    assert (change.source_url, change.source_title, change.recorded_by) == (
        SOURCE,
        "Herefordshire local offer",
        journalist,
    )
    assert change.note == "Joined Telford and Wrekin's partnership as a partner."
    # Only the council whose status was offered moved.
    assert not StatusChange.objects.filter(council__in=[gloucestershire, swindon]).exists()

    timeline = client.get(herefordshire.get_absolute_url()).content.decode()
    assert "Declined → " in timeline and "Partner council in" in timeline
    detail = client.get(partnership.get_absolute_url()).content.decode()
    assert "Joint lead councils" in detail
    assert detail.count("Joint lead council</td>") == 2


def test_a_partnership_built_in_the_admin_counts_its_lead_as_a_member(journalist, client):
    """Seen (issue 11): the lead's page said "not in a partnership yet", the tracker column "None yet",
    and ?partnership= left the lead out."""
    lead = CouncilFactory(short_name="Leadshire")
    partner = CouncilFactory(short_name="Partnerton")
    for council in (lead, partner):
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 19))

    response = add_partnership(
        client_for(journalist),
        programme=ProgrammeFactory(),
        name="Marches partnership",
        slug="marches",
        members=[
            (lead, MembershipRole.LEAD, {"record_status": PilotStatus.CONFIRMED_LEAD, "joined_on": "2023-08-23"}),
            (partner, MembershipRole.PARTNER, {"record_status": PilotStatus.PARTNER, "joined_on": "2023-08-23"}),
        ],
    )
    assert response.status_code == 302

    page = client.get(lead.get_absolute_url()).content.decode()
    assert "not in a regional expert partnership yet" not in page
    assert "Lead council in" in page and "Marches partnership" in page
    tracker = client.get(reverse("councils:tracker"), {"partnership": "marches"}).content.decode()
    row = re.search(r"<tr data-name=\"leadshire.*?</tr>", tracker, re.S).group(0)
    assert "Marches partnership" in row and "(lead council)" in row and "None yet" not in row
    assert re.findall(r'<tr data-name="(\w+)', tracker) == ["leadshire", "partnerton"]
    csv_text = client.get(reverse("councils:tracker-csv"), {"partnership": "marches"}).content.decode()
    assert "Leadshire" in csv_text and "Partnerton" in csv_text
    assert StatusChange.objects.get(council=lead, to_status=PilotStatus.CONFIRMED_LEAD).effective_on == AUGUST


def test_a_status_the_rules_refuse_is_shown_on_the_member_and_nothing_is_saved(journalist):
    withdrawn = CouncilFactory(short_name="Gonebury", status=PilotStatus.WITHDRAWN)

    response = add_partnership(
        client_for(journalist),
        programme=ProgrammeFactory(),
        members=[(withdrawn, MembershipRole.LEAD, {"record_status": PilotStatus.CONFIRMED_LEAD})],
    )

    assert response.status_code == 200
    assert "Gonebury cannot move from “Withdrawn” to “Confirmed as lead”" in response.text
    assert not Partnership.objects.exists()
    assert not PartnershipMembership.objects.exists()


# --- a council leaving --------------------------------------------------------------------------------


def member_field(page, council, name):
    """The inline field ``name`` of ``council``'s membership row (its form prefix read from the page)."""
    membership = PartnershipMembership.objects.get(council=council, left_on__isnull=True)
    index = re.search(rf'name="memberships-(\d+)-id" value="{membership.pk}"', page).group(1)
    return f"memberships-{index}-{name}"


def test_a_council_leaving_keeps_its_history_and_changes_status_only_with_a_note(journalist, client):
    lead, partner = CouncilFactory(short_name="Leadshire"), CouncilFactory(short_name="Partnerton")
    council_set_status(council=partner, status=PilotStatus.PARTNER, effective_on=AUGUST)
    partnership = PartnershipFactory(name="Leaving partnership", leads=[lead], partners=[partner])
    staff = client_for(journalist)
    page = staff.get(change_url(partnership)).text
    leaving = {
        member_field(page, partner, "left_on"): "2024-03-01",
        member_field(page, partner, "record_status"): PilotStatus.WITHDRAWN,
    }

    without_note = submit_admin_form(staff, change_url(partnership), "partnership", leaving)

    assert without_note.status_code == 200
    assert "Say why the council left: its status changes only with a note." in without_note.text
    assert PartnershipMembership.objects.get(council=partner).left_on is None

    with_note = submit_admin_form(
        staff,
        change_url(partnership),
        "partnership",
        {
            **leaving,
            member_field(page, partner, "left_note"): "Left to join its neighbours' bid.",
            member_field(page, partner, "status_source_url"): "https://example.org/left",
        },
    )

    assert with_note.status_code == 302, with_note.text
    membership = PartnershipMembership.objects.get(council=partner)
    assert (membership.left_on, membership.left_note) == (
        datetime.date(2024, 3, 1),
        "Left to join its neighbours' bid.",
    )
    change = StatusChange.objects.filter(council=partner).latest()
    assert (change.to_status, change.effective_on, change.note, change.source_url) == (
        PilotStatus.WITHDRAWN,
        datetime.date(2024, 3, 1),
        "Left to join its neighbours' bid.",
        "https://example.org/left",
    )
    council_page = client.get(partner.get_absolute_url()).content.decode()
    assert "Was partner council in" in council_page and "until" in council_page
    tracker = client.get(reverse("councils:tracker"), {"partnership": partnership.slug, "scope": "all"})
    assert "Partnerton" not in tracker.content.decode()


def test_a_council_can_leave_without_a_status_change(journalist):
    lead, partner = CouncilFactory(), CouncilFactory(short_name="Quietshire")
    partnership = PartnershipFactory(leads=[lead], partners=[partner])
    staff = client_for(journalist)
    page = staff.get(change_url(partnership)).text

    response = submit_admin_form(
        staff, change_url(partnership), "partnership", {member_field(page, partner, "left_on"): "2024-01-10"}
    )

    assert response.status_code == 302
    assert PartnershipMembership.objects.get(council=partner).left_on == datetime.date(2024, 1, 10)
    assert not StatusChange.objects.exists()


def test_the_partnership_list_shows_leads_and_checks(journalist):
    PartnershipFactory(
        name="Joint partnership", leads=[CouncilFactory(short_name="Aton"), CouncilFactory(short_name="Bton")]
    )

    page = client_for(journalist).get(reverse("admin:councils_partnership_changelist")).text

    assert "Aton and Bton (joint)" in page
    assert "to check" in page
