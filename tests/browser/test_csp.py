"""The strict Content-Security-Policy holds in a real browser: the admin and the API docs work with no violations."""

import datetime

import pytest

from councils.choices import PilotStatus
from councils.services import council_set_status
from tests.support.factories import CouncilFactory

DAY = datetime.date(2023, 5, 19)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    """Console errors (CSP refusals show there) and securitypolicyviolation events, for the whole test."""
    found = []

    def on_console(message):
        # A browser asks for /favicon.ico on its own; whether the site has one is not a policy question.
        unrecognised_header = "Permissions-Policy" in message.text  # a warning, for features Chromium does not know
        # Swagger UI's own notice about its deep links (an error-level log, not a failure of anything).
        swagger_notice = message.text.startswith("Deprecated:") and "swagger-ui" in message.location.get("url", "")
        if unrecognised_header or (
            message.type == "error"
            and not swagger_notice
            and not message.location.get("url", "").endswith("/favicon.ico")
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


def test_the_api_docs_work_under_the_policy(page, violations):
    """The real /api/docs/: Swagger UI from the site's own static files, its schema fetched and drawn."""
    CouncilFactory(slug="herefordshire")  # the schema's example filter, used by "Try it out"
    response = page.goto("/api/docs/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title", timeout=30000)
    assert "SEND Tracker API" in page.locator(".swagger-ui .info .title").inner_text()
    # The operations were read from /api/schema/ and drawn, and one can be opened and tried.
    page.wait_for_selector(".opblock", timeout=30000)
    assert page.locator(".opblock").count() > 5
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".try-out__btn", timeout=15000)
    page.locator(".try-out__btn").first.click()
    page.locator(".execute").first.click()
    page.wait_for_selector(".responses-wrapper .live-responses-table", timeout=30000)
    # Swagger UI's second request (the docs page's own reload) is served from the page cache: still no violations.
    page.reload()
    page.wait_for_selector(".swagger-ui .info .title", timeout=30000)
    assert violations == [], "\n".join(violations)


def test_the_public_pages_run_under_the_policy(page, violations):
    CouncilFactory(slug="testshire")
    for path in ("/", "/tracker/", "/councils/testshire/", "/changes/", "/articles/", "/programme/"):
        assert page.goto(path).status == 200, path
    assert violations == []


def test_the_newsrooms_admin_pages_work_under_the_policy(page, login, editor, violations):
    """The status correction (admin date widget and its calendar), audit log, queue and article form: no violations."""
    change = council_set_status(council=CouncilFactory(), status=PilotStatus.SHORTLISTED, effective_on=DAY)
    login("editor")
    for path in (
        f"/admin/councils/statuschange/{change.pk}/correct/",
        "/admin/auditlog/logentry/",
        "/admin/comments/comment/?status__exact=pending",
        "/admin/articles/article/add/",
        "/admin/councils/keyfigure/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
    # The date widget's scripts ran: its "Today" shortcut fills the box.
    page.goto(f"/admin/councils/statuschange/{change.pk}/correct/")
    page.locator("#id_effective_on").fill("")
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()
    assert page.locator("#id_effective_on").input_value() != ""
    assert violations == [], "\n".join(violations)
