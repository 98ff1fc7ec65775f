"""The strict Content-Security-Policy holds in a real browser: the admin and the API docs work with no violations."""

import pytest

from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    """Console errors (CSP refusals show there) and securitypolicyviolation events, for the whole test."""
    found = []

    def on_console(message):
        # A browser asks for /favicon.ico on its own; whether the site has one is not a policy question.
        unrecognised_header = "Permissions-Policy" in message.text  # a warning, for features Chromium does not know
        if unrecognised_header or (
            message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")
        ):
            found.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(str(error)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return found


def test_the_admin_works_under_the_policy(page, login, editor, violations):
    council = CouncilFactory()
    login("editor")
    for path in (
        "/admin/",
        "/admin/councils/council/",
        f"/admin/councils/council/{council.pk}/change/",
        "/admin/councils/contract/add/",
        "/admin/admin/logentry/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # The admin's own scripts ran: the theme toggle and the sidebar filter are scripted.
    page.goto("/admin/councils/council/")
    page.get_by_role("button", name="Toggle theme").first.click()
    assert page.locator("html").get_attribute("data-theme") in ("dark", "light", "auto")
    assert violations == []


@pytest.mark.urls("tests.browser.csp_urls")
def test_the_api_docs_work_under_the_policy(page, violations):
    response = page.goto("/api/docs/")
    assert response.status == 200
    page.wait_for_selector(".swagger-ui .info .title", timeout=30000)
    assert "SEND Tracker API" in page.locator(".swagger-ui .info .title").inner_text()
    assert violations == []


def test_the_public_pages_run_under_the_policy(page, violations):
    CouncilFactory(slug="testshire")
    for path in ("/", "/tracker/", "/councils/testshire/", "/changes/", "/articles/"):
        assert page.goto(path).status == 200, path
    assert violations == []
