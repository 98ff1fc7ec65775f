"""A journalist records a council's new status in the admin, in a real browser, and sees it in public."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Brighton and Hove decided not to submit an expression of interest after talks with NHS colleagues."


def test_a_journalist_marks_brighton_and_hove_declined(page, login):
    call_command("import_councils", verbosity=0)
    call_command("load_seed_story", verbosity=0)
    UserFactory(username="reporter", role="Journalists")

    login("reporter")
    page.goto("/admin/councils/council/?q=Brighton")
    page.get_by_role("link", name="Brighton and Hove", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Brighton and Hove")).to_be_visible()
    expect(page.get_by_text("Considering since 19 May 2023")).to_be_visible()

    page.get_by_role("combobox", name="Pilot status").select_option(label="Declined")
    page.get_by_label("Public note").fill(NOTE)
    page.get_by_label("Source URL").fill("https://www.brighton-hove.gov.uk/news/send-pilot")
    page.get_by_label("Source title").fill("Council statement")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.get_by_text("was changed successfully")).to_be_visible()
    expect(page.get_by_text("Brighton and Hove: Considering → Declined,")).to_contain_text("on the public timeline")
    timeline = page.locator("table.status-timeline tbody tr").first
    expect(timeline).to_contain_text("Considering → Declined")
    expect(timeline).to_contain_text(NOTE)
    expect(timeline).to_contain_text("reporter")

    page.goto("/councils/brighton-and-hove/")
    expect(page.locator("main")).to_contain_text("Declined")
    expect(page.locator("main")).to_contain_text(NOTE)
