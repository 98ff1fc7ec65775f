"""A journalist builds a joint-lead partnership in the admin, in a real browser, and sees it in public."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "https://bso.bradford.gov.uk/content/special-educational-needs-and-disabilities/send-change-programme/3651"


def add_member(page, index, council, *, record_status=None, role="Lead council"):
    page.locator(".add-row a", has_text="Add another Member council").click()
    row = page.locator(f"#memberships-{index}")
    row.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(council)
    page.locator(".select2-results__option", has_text=council).first.click()
    row.locator(f"#id_memberships-{index}-role").select_option(label=role)
    row.locator(f"#id_memberships-{index}-joined_on").fill("2023-08-23")
    row.locator(f"#id_memberships-{index}-source_url").fill(SOURCE)
    if record_status:
        row.locator(f"#id_memberships-{index}-record_status").select_option(label=record_status)


def start_partnership_as_a_journalist(page, login):
    """The real councils and the seed story; a journalist on the admin's "Add partnership" page."""
    call_command("import_councils", verbosity=0)
    call_command("import_care_boards", verbosity=0)
    call_command("load_seed_story", verbosity=0)
    UserFactory(username="reporter", role="Journalists")
    login("reporter")
    page.goto("/admin/councils/partnership/add/")
    page.locator("#id_programme").select_option(index=1)


def test_a_journalist_builds_the_east_midlands_joint_lead_partnership(page, login):
    start_partnership_as_a_journalist(page, login)
    page.locator("#id_name").fill("East Midlands Change Programme Partnership")
    page.locator("#id_status").select_option(label="Confirmed")
    for index, council in enumerate(("Leicester", "Leicestershire", "Rutland")):
        add_member(page, index, council, record_status="Confirmed as lead" if council == "Rutland" else None)
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.get_by_text("was added successfully")).to_be_visible()
    expect(page.locator(".messagelist .warning")).to_have_count(0)
    expect(page.get_by_text("Nothing to flag")).to_be_visible()

    page.goto("/partnerships/east-midlands-change-programme-partnership/")
    main = page.locator("main")
    expect(main).to_contain_text("Joint lead councils")
    expect(main.locator("tbody tr")).to_have_count(3)
    expect(main.locator("tbody")).to_contain_text("Joint lead council")

    page.goto("/councils/rutland/")
    expect(page.locator("main")).to_contain_text("Joint lead council in East Midlands Change Programme Partnership")
    expect(page.locator("main")).to_contain_text("Not shortlisted → Confirmed as lead")

    page.goto("/tracker/?partnership=east-midlands-change-programme-partnership&scope=all")
    rows = page.locator("#tracker-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("(joint lead council)")


def test_a_journalist_builds_two_leads_and_a_partner_and_sees_the_joint_lead_in_public(page, login):
    start_partnership_as_a_journalist(page, login)
    page.locator("#id_name").fill("South West Change Programme Partnership")
    page.locator("#id_status").select_option(label="Confirmed")
    add_member(page, 0, "Gloucestershire")
    add_member(page, 1, "Swindon")
    add_member(page, 2, "Wiltshire", role="Partner council")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    page.goto("/partnerships/")
    main = page.locator("main")
    expect(main).to_contain_text("Led by Gloucestershire and Swindon (joint leads).")
    expect(main).to_contain_text("Partner councils: Wiltshire.")

    page.goto("/partnerships/south-west-change-programme-partnership/")
    main = page.locator("main")
    expect(main).to_contain_text("Joint lead councils")
    expect(main.locator("tbody tr")).to_have_count(3)
    expect(main.locator("tbody")).to_contain_text("Joint lead council")
    expect(main.locator("tbody")).to_contain_text("Partner council")

    page.goto("/tracker/?partnership=south-west-change-programme-partnership&scope=all")
    rows = page.locator("#tracker-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#tracker-table tbody")).to_contain_text(
        "South West Change Programme Partnership (joint lead council)"
    )
    expect(page.locator("#tracker-table tbody")).to_contain_text("(partner council)")

    # Joined on 23 August 2023: not there on the shortlist day.
    page.goto("/partnerships/?as_of=2023-05-19")
    expect(page.locator("main")).to_contain_text("No partnership had formed yet on 19 May 2023.")
