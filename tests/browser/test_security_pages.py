"""In Chromium: the CSRF refusal page is accessible and in the site's look; hostile text never runs."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import WCAG_22_AA
from tests.sendtracker.test_hostile_text import PAGES, hostile_site  # noqa: F401 - the fixture
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def script_runs(page):
    """Anything a hostile string could make happen: dialogs, page errors, console errors (CSP refusals)."""
    found = []
    page.on("dialog", lambda dialog: (found.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            found.append(f"console: {message.text} ({message.location.get('url', '')})")
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return found


def test_a_comment_sent_without_the_csrf_cookie_gets_a_clear_accessible_page(page, script_runs):
    article = ArticleFactory(slug="pilot-update", headline="Pilot update")
    page.goto(article.get_absolute_url())
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Your email address").fill("sam@example.org")
    page.get_by_label("Your comment").fill("The pilot needs to reach families sooner.")
    page.context.clear_cookies()  # as when a browser blocks this site's cookies
    with page.expect_navigation():
        page.get_by_role("button", name="Send comment").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your form was not sent"
    assert "blocking cookies" in page.locator("main").inner_text()
    assert page.locator(".site-header").count() == 1 and page.locator(".site-footer").count() == 1
    assert page.title() == "Your form was not sent | SEND Tracker"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
    # Chromium notes the refused document's own 403 status; nothing else went wrong.
    assert [line for line in script_runs if "status of 403" not in line or "/comments/" not in line] == []


def test_hostile_text_does_not_run_in_a_real_browser(page, hostile_site, script_runs):  # noqa: F811
    *paths, _change = hostile_site
    for path in [*paths, "/embed/tracker/"]:
        response = page.goto(path)
        assert response.status == 200, path
        # Hover and focus everything, in case an event handler slipped through as an attribute.
        for link in page.locator("main a").all()[:40]:
            link.hover()
            link.focus()
    assert script_runs == [], "\n".join(script_runs)
    assert len(paths) == len(PAGES) + 3
