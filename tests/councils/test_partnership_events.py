"""A partnership withdrawn or deleted, and a council leaving one or removed from it, are said publicly.

Editors may withdraw or delete a partnership and its memberships; journalists withdraw only. Each
leaves a dated entry, with the public note and source given, on the affected councils' pages,
the partnership's page (while it exists) and the list of changes.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from councils.choices import MembershipRole, PartnershipStatus
from councils.models import Partnership, PartnershipEvent, PartnershipMembership
from councils.partnerships import (
    partnership_change_member,
    partnership_delete,
    partnership_delete_member,
    partnership_remove_member,
    partnership_update,
)
from tests.support.admin_forms import submit_admin_form
from tests.support.factories import CouncilFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

SOURCE = "https://www.gov.uk/government/news/send-change-programme-update"
MARCH = datetime.date(2024, 3, 1)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def south_east():
    lead = CouncilFactory(short_name="Portsmouth", slug="portsmouth")
    partner = CouncilFactory(short_name="Brighton and Hove", slug="brighton-and-hove")
    partnership = PartnershipFactory(name="South East partnership", slug="south-east", leads=[lead], partners=[partner])
    return partnership, lead, partner


def public(path):
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.text


def test_a_withdrawn_partnership_is_on_its_page_its_councils_pages_and_the_changes(south_east, editor):
    partnership, lead, partner = south_east
    partnership_update(
        partnership=partnership,
        status=PartnershipStatus.WITHDRAWN,
        withdrawn_on=MARCH,
        public_note="The DfE merged it into the Kent partnership.",
        public_source_url=SOURCE,
        by=editor,
    )
    said = "1 March 2024</time>: Partnership South East partnership withdrawn"
    for council in (lead, partner):
        page = public(council.get_absolute_url())
        assert said in page
        assert "The DfE merged it into the Kent partnership." in page
        assert f'href="{SOURCE}"' in page
    page = public(partnership.get_absolute_url())
    assert said in page and "The DfE merged it into the Kent partnership." in page
    changes = public(reverse("councils:changes"))
    assert "Partnership South East partnership withdrawn" in changes
    assert "1 Mar 2024" in changes and "Portsmouth" in changes and "Brighton and Hove" in changes


def test_a_council_leaving_is_on_its_own_page_and_the_changes(south_east, journalist):
    partnership, lead, partner = south_east
    membership = partnership.memberships.get(council=partner)
    partnership_remove_member(membership=membership, left_on=MARCH, note="It could not staff the pilot.", by=journalist)
    page = public(partner.get_absolute_url())
    assert "1 March 2024</time>: Brighton and Hove left partnership South East partnership" in page
    assert "It could not staff the pilot." in page
    assert "left partnership" not in public(lead.get_absolute_url())
    assert "Brighton and Hove left partnership South East partnership" in public(reverse("councils:changes"))

    # A corrected leaving date moves the public entry with it.
    partnership_change_member(membership=membership, left_on=datetime.date(2024, 2, 1), by=journalist)
    assert "1 February 2024</time>: Brighton and Hove left partnership" in public(partner.get_absolute_url())


def test_a_membership_deleted_as_a_mistake_says_so_on_both_pages(south_east, editor):
    partnership, lead, partner = south_east
    partnership_delete_member(
        membership=partnership.memberships.get(council=partner),
        public_note="Recorded by mistake: Brighton and Hove never joined.",
        by=editor,
    )
    today = f"{timezone.localdate():%-d %B %Y}"
    said = f"{today}</time>: Brighton and Hove removed from partnership South East partnership"
    assert said in public(partner.get_absolute_url())
    assert said in public(partnership.get_absolute_url())
    assert "Recorded by mistake: Brighton and Hove never joined." in public(reverse("councils:changes"))


def test_a_deleted_partnership_stays_on_its_councils_pages_and_the_changes(south_east, editor):
    partnership, lead, partner = south_east
    partnership_delete(partnership=partnership, public_note="Entered twice.", by=editor)
    assert not Partnership.objects.exists()
    for council in (lead, partner):
        page = public(council.get_absolute_url())
        assert "Partnership South East partnership deleted from the tracker" in page
        assert "Entered twice." in page
    assert "Partnership South East partnership deleted from the tracker" in public(reverse("councils:changes"))
    assert Client().get("/partnerships/south-east/").status_code == 404


def test_an_editor_deletes_a_partnership_in_the_admin_with_a_public_note(south_east, editor):
    partnership, lead, _partner = south_east
    url = reverse("admin:councils_partnership_delete", args=[partnership.pk])
    client = client_for(editor)
    page = client.get(url).text
    assert "Public note on this change" in page and "recorded by mistake" in page

    refused = client.post(url, {"post": "yes", "end_note": "Entered twice.", "end_source_url": "not a web address"})
    assert refused.status_code == 200
    assert "Enter a valid URL." in refused.text
    assert Partnership.objects.filter(pk=partnership.pk).exists()

    response = client.post(url, {"post": "yes", "end_note": "Entered twice.", "end_source_url": SOURCE})
    assert response.status_code == 302
    assert not Partnership.objects.exists()
    event = PartnershipEvent.objects.get()
    assert (event.kind, event.note, event.source_url, event.recorded_by) == (
        "deleted",
        "Entered twice.",
        SOURCE,
        editor,
    )
    assert "Entered twice." in public(lead.get_absolute_url())


def test_an_editor_deletes_a_membership_from_its_page_with_a_public_note(south_east, editor):
    partnership, _lead, partner = south_east
    membership = partnership.memberships.get(council=partner)
    response = client_for(editor).post(
        reverse("admin:councils_partnershipmembership_delete", args=[membership.pk]),
        {"post": "yes", "end_note": "Never a member."},
    )
    assert response.status_code == 302
    assert not PartnershipMembership.objects.filter(pk=membership.pk).exists()
    assert "Never a member." in public(partnership.get_absolute_url())


def test_a_journalist_cannot_delete_but_withdraws_with_a_public_note(south_east, journalist):
    partnership, lead, _partner = south_east
    client = client_for(journalist)
    assert client.get(reverse("admin:councils_partnership_delete", args=[partnership.pk])).status_code == 403
    membership = partnership.memberships.first()
    assert client.get(reverse("admin:councils_partnershipmembership_delete", args=[membership.pk])).status_code == 403
    response = submit_admin_form(
        client,
        reverse("admin:councils_partnership_change", args=[partnership.pk]),
        "partnership",
        {
            "status": PartnershipStatus.WITHDRAWN,
            "withdrawn_on": "01/03/2024",
            "end_note": "The DfE merged it into the Kent partnership.",
            "end_source_url": SOURCE,
        },
    )
    assert response.status_code == 302
    assert Partnership.objects.get().status == PartnershipStatus.WITHDRAWN
    assert "1 March 2024</time>: Partnership South East partnership withdrawn" in public(lead.get_absolute_url())


def test_a_member_deleted_in_the_partnership_form_is_said_with_the_forms_note(south_east, editor):
    partnership, _lead, partner = south_east
    membership = partnership.memberships.get(council=partner, role=MembershipRole.PARTNER)
    index = list(partnership.memberships.order_by("role", "council__short_name")).index(membership)
    client = client_for(editor)
    url = reverse("admin:councils_partnership_change", args=[partnership.pk])
    response = submit_admin_form(
        client, url, "partnership", {f"memberships-{index}-DELETE": "on", "end_note": "Never a member."}
    )
    assert response.status_code == 302, response.content[:3000]
    assert not PartnershipMembership.objects.filter(pk=membership.pk).exists()
    assert "Brighton and Hove removed from partnership South East partnership" in public(partner.get_absolute_url())
    assert "Never a member." in public(partner.get_absolute_url())


def test_the_council_page_makes_no_query_per_partnership_event(south_east, editor, django_assert_max_num_queries):
    partnership, lead, partner = south_east
    partnership_remove_member(
        membership=partnership.memberships.get(council=partner), left_on=MARCH, note="Left.", by=editor
    )
    partnership_update(partnership=partnership, status=PartnershipStatus.WITHDRAWN, by=editor)
    client = Client()
    with django_assert_max_num_queries(20) as few:
        client.get(partner.get_absolute_url())
    for _ in range(5):
        other_partnership = PartnershipFactory(leads=[CouncilFactory()], partners=[])
        partnership_delete(partnership=other_partnership, by=editor)
        PartnershipEvent.objects.latest("pk").councils.add(partner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(partner.get_absolute_url())
    assert page.text.count("deleted from the tracker") == 5


def test_the_feeds_of_every_change_and_of_a_council_carry_the_events(south_east, editor):
    partnership, lead, _partner = south_east
    partnership_update(
        partnership=partnership,
        status=PartnershipStatus.WITHDRAWN,
        withdrawn_on=MARCH,
        public_note="Merged into Kent's.",
        by=editor,
    )
    event = PartnershipEvent.objects.get()
    for path in (reverse("councils:changes-feed"), f"/councils/{lead.slug}/feed/"):
        feed = public(path)
        assert "<title>Partnership South East partnership withdrawn</title>" in feed
        assert f"tag:send-tracker,2023:partnership-event/{event.pk}" in feed
        assert "Effective 1 March 2024." in feed and "Merged into Kent" in feed
