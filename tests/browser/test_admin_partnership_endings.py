"""Ending a partnership in the admin, by role, in a real browser, and what the public then reads.

A journalist withdraws one (there is no Delete for them); an editor deletes one recorded by
mistake, with a public note. Both leave a dated entry on the councils' public timelines.
"""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from councils.choices import PartnershipStatus
from councils.models import Partnership
from councils.partnerships import partnership_delete_member, partnership_remove_member, partnership_update
from tests.support.factories import CouncilFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "https://www.gov.uk/government/news/send-change-programme-update"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def south_east():
    lead = CouncilFactory(short_name="Portsmouth", slug="portsmouth")
    partner = CouncilFactory(short_name="Brighton and Hove", slug="brighton-and-hove")
    return PartnershipFactory(name="South East partnership", slug="south-east", leads=[lead], partners=[partner])


def test_a_journalist_withdraws_a_partnership_and_cannot_delete_it(page, login, south_east):
    UserFactory(username="reporter", role="Journalists")
    login("reporter")
    page.goto(f"/admin/councils/partnership/{south_east.pk}/change/")
    expect(page.get_by_role("link", name="Delete", exact=True)).to_have_count(0)
    page.locator("#id_status").select_option(label="Withdrawn")
    page.locator("#id_withdrawn_on").fill("01/03/2024")
    page.get_by_label("Public note on this change").fill("The DfE merged it into the Kent partnership.")
    page.get_by_label("Source URL of this change").fill(SOURCE)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_text(
            "South East partnership withdrawn: recorded on the public timeline of the partnership and its councils."
        )
    ).to_be_visible()
    assert Partnership.objects.get().status == PartnershipStatus.WITHDRAWN

    page.goto("/councils/brighton-and-hove/")
    entry = page.locator(".timeline__item", has_text="Partnership South East partnership withdrawn")
    expect(entry).to_contain_text("1 March 2024")
    expect(entry).to_contain_text("The DfE merged it into the Kent partnership.")
    expect(entry.get_by_role("link", name=SOURCE)).to_have_attribute("href", SOURCE)


def test_an_editor_deletes_a_partnership_recorded_by_mistake_with_a_public_note(page, login, south_east):
    UserFactory(username="chief", role="Editors")
    login("chief")
    page.goto(f"/admin/councils/partnership/{south_east.pk}/change/")
    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_text("only if it was recorded by mistake")).to_be_visible()
    page.get_by_label("Public note on this change").fill("It was entered twice.")
    page.get_by_role("button", name="Yes, I’m sure").click()
    expect(page.get_by_text("was deleted successfully")).to_be_visible()
    assert not Partnership.objects.exists()

    page.goto("/councils/portsmouth/")
    entry = page.locator(".timeline__item", has_text="Partnership South East partnership deleted from the tracker")
    expect(entry).to_contain_text("It was entered twice.")
    page.goto("/changes/")
    expect(page.locator("#partnership-events-heading")).to_have_text("Partnerships withdrawn and councils leaving")
    expect(page.get_by_role("row", name="Partnership South East partnership deleted")).to_contain_text("Portsmouth")


def test_the_public_entries_pass_axe_at_320_pixels(page, south_east):
    """The new timeline entries and the /changes/ table: no WCAG 2.2 AA violations, even on a phone."""
    editor = UserFactory(username="chief", role="Editors")
    third = CouncilFactory(short_name="West Sussex", slug="west-sussex")
    other = PartnershipFactory(name="Kent partnership", slug="kent", leads=[third])
    partnership_delete_member(membership=other.memberships.get(), public_note="Never a member.", by=editor)
    membership = south_east.memberships.get(council__slug="brighton-and-hove")
    partnership_remove_member(membership=membership, left_on=datetime.date(2024, 2, 1), note="It left.", by=editor)
    partnership_update(
        partnership=south_east,
        status=PartnershipStatus.WITHDRAWN,
        public_note="Merged.",
        public_source_url=SOURCE,
        by=editor,
    )
    page.set_viewport_size({"width": 320, "height": 800})
    axe = Axe()
    reports = {}
    for path in ("/changes/", "/councils/brighton-and-hove/", "/councils/west-sussex/", "/partnerships/south-east/"):
        assert page.goto(path).status == 200, path
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        if results.violations_count:
            reports[path] = results.generate_report()
        overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not overflow, f"{path} scrolls sideways at 320 px"
    assert not reports, "\n\n".join(f"{path}:\n{report}" for path, report in reports.items())
