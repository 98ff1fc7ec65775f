"""A reader on a phone (390×844): results first, filters that answer, tables that fit at 320 px, axe clean.

Issue 13's "Done when": each test failed on the tracker before the change (results 2,900 px down,
no summary of the filters after Apply, tables clipped at 320 px).
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from councils.models import Partnership

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 800}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Elements wider than the viewport, or reaching past its right edge (visually hidden text excluded).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest(".visually-hidden, .skip-link")) continue;
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5) {
      found.push(element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") + "." + element.className + " right=" + Math.round(box.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, found: found.slice(0, 10)};
}"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def story(seeded):
    call_command("load_story_updates", verbosity=0)
    return Partnership.objects.order_by("name").first()


def test_the_tracker_s_first_screen_shows_results(phone, story):
    phone.goto("/tracker/")

    first_row = phone.locator("#tracker-table tbody tr").first.bounding_box()
    assert first_row["y"] < PHONE["height"], first_row
    assert phone.locator("#filter-toggle").get_attribute("open") is None


def test_filtering_to_declined_lands_on_the_results_with_the_filter_summarised(phone, story):
    phone.goto("/tracker/")
    phone.get_by_text("Filter and sort", exact=True).click()
    phone.get_by_role("checkbox", name="Declined").check()
    phone.get_by_role("button", name="Apply filters").click()
    phone.wait_for_url("**/tracker/?*status=declined*#results")

    assert phone.evaluate("document.activeElement.id") == "results"
    count = phone.locator("#result-count")
    assert "Declined" in count.inner_text()
    box = count.bounding_box()
    assert 0 <= box["y"] < PHONE["height"], box
    # The filter is removable from the summary.
    phone.get_by_role("link", name="Declined (remove this filter)").click()
    expect(phone).to_have_url(re.compile(r"/tracker/(\?scope=pilot)?#results$"))
    expect(phone.locator("#result-count")).not_to_contain_text("Declined")


def test_the_filter_form_is_a_handful_of_tabs_away(phone, story):
    phone.goto("/tracker/")
    presses = 0
    while not phone.evaluate("document.activeElement.textContent").startswith("Filter and sort") and presses < 20:
        phone.keyboard.press("Tab")
        presses += 1
    assert presses <= 13, presses  # was 31 to reach Apply: two skip links, the header's 8, the lead's 2
    # Past the header with "Skip to main content": three Tabs.
    phone.goto("/tracker/")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    for _ in range(3):
        phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent").startswith("Filter and sort")
    phone.goto("/tracker/")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Skip to results"
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('#results') !== null")


@pytest.mark.parametrize(
    "path", ["/tracker/", "/tracker/?scope=all", "/changes/", "/contracts/", "/partnerships/", "/data/"]
)
def test_nothing_overflows_the_viewport_at_320_px(browser, live_server, story, path):
    context = browser.new_context(base_url=live_server.url, viewport=NARROWEST)
    page = context.new_page()
    try:
        page.goto(path)
        result = page.evaluate(OVERFLOWING)
        assert result["scrollWidth"] <= result["width"] and not result["found"], result
        partnership = story.get_absolute_url()
        page.goto(partnership)
        result = page.evaluate(OVERFLOWING)
        assert result["scrollWidth"] <= result["width"] and not result["found"], (partnership, result)
    finally:
        context.close()


def test_axe_finds_nothing_on_a_phone(phone, story):
    axe = Axe()
    reports = {}
    for path in [
        "/tracker/",
        "/tracker/?status=declined#results",
        "/changes/",
        "/contracts/",
        "/partnerships/",
        story.get_absolute_url(),
        "/councils/herefordshire/",
        "/data/",
    ]:
        phone.goto(path)
        results = axe.run(phone, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        if results.violations_count:
            reports[path] = results.generate_report()

    assert not reports, "\n\n".join(f"{path}:\n{report}" for path, report in reports.items())


def test_the_api_docs_pass_contrast(page, story):
    page.goto("/api/docs/")
    page.locator(".opblock-summary-method").first.wait_for()
    page.locator(".opblock-summary-control").first.click()
    page.locator(".parameters-container, .opblock-description-wrapper").first.wait_for()

    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})

    assert not results.violations_count, results.generate_report()
