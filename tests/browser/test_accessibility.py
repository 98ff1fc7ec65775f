"""axe-core in Chromium finds nothing on the public pages; a reader filters the tracker by keyboard and mouse."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from alerts import links, services
from councils.choices import MembershipRole
from councils.models import Council, PartnershipMembership
from tests.support.factories import PartnershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTICLE = "/articles/twenty-councils-shortlisted-to-lead-70m-send-pilot/"


@pytest.fixture
def story(seeded):
    brighton = Council.objects.get(slug="brighton-and-hove")
    partnership = PartnershipFactory(name="South East regional expert partnership", slug="south-east")
    PartnershipMembership.objects.create(partnership=partnership, council=brighton, role=MembershipRole.LEAD)
    PartnershipMembership.objects.create(
        partnership=partnership, council=Council.objects.get(slug="west-sussex"), role=MembershipRole.PARTNER
    )
    return partnership


PAGES = [
    "/",
    "/tracker/",
    "/tracker/?status=considering&status=declined&region=South+East&ordering=-status",
    "/tracker/?as_of=2023-05-19&scope=all&ordering=-ofsted",
    "/tracker/?status=bogus",
    "/tracker/?q=nowhere",
    "/councils/herefordshire/",
    "/councils/brighton-and-hove/",
    "/partnerships/",
    "/partnerships/south-east/",
    "/partnerships/south-east/?as_of=2023-09-01",
    "/partnerships/?as_of=2023-05-19",
    "/tracker/?as_of=2023-05-19",
    "/programme/",
    "/contracts/",
    "/changes/",
    "/articles/",
    ARTICLE,
    "/embed/tracker/",
    "/how-we-track-this/",
    "/data/",
    "/tracker/?status=declined#results",
    "/no-such-page/",
    "/alerts/follow/",
    "/alerts/check-your-email/",
    "/alerts/manage/",
]


def test_axe_finds_no_wcag_22_aa_violations(page, story):
    """One seeded database, every listed page: the report names each page's violations."""
    axe = Axe()
    reports = {}
    for path in PAGES:
        response = page.goto(path)
        assert response.status in (200, 400, 404), path
        assert page.locator("h1").count() == 1, path
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        if results.violations_count:
            reports[path] = results.generate_report()

    assert not reports, "\n\n".join(f"{path}:\n{report}" for path, report in reports.items())


def test_axe_finds_no_violations_on_a_readers_alerts_pages(page, story):
    """The pages reached by the signed links in alert emails: confirm, manage (with two alerts), unsubscribe."""
    herefordshire = Council.objects.get(slug="herefordshire")
    subscription = services.follow(email="reader@example.org", target="council", followed=herefordshire)
    services.confirm(services.follow(email="reader@example.org", target="partnership", followed=story))
    axe = Axe()
    reports = {}
    for url in (links.confirm_url(subscription), links.manage_url(subscription), links.unsubscribe_url(subscription)):
        path = "/" + url.split("/", 3)[3]
        assert page.goto(path).status == 200, path
        assert page.locator("h1").count() == 1, path
        assert "reader@example.org" not in page.content()
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        if results.violations_count:
            reports[path] = results.generate_report()
    assert not reports, "\n\n".join(f"{path}:\n{report}" for path, report in reports.items())


# Pages whose content the story since the seed article fills: the timeline, the renamed partnerships.
STORY_PAGES = ["/", "/programme/", "/councils/herefordshire/", "/tracker/?q=regional+expert&scope=all"]


def test_axe_finds_no_violations_once_the_story_is_loaded(page, seeded):
    call_command("load_story_updates", verbosity=0)
    axe = Axe()
    reports = {}
    for path in STORY_PAGES:
        assert page.goto(path).status == 200, path
        assert page.locator("h1").count() == 1, path
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        if results.violations_count:
            reports[path] = results.generate_report()

    assert not reports, "\n\n".join(f"{path}:\n{report}" for path, report in reports.items())
    page.goto("/programme/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme timeline")
    expect(page.locator("time[datetime='2023-09']").first).to_have_text("September 2023")


def test_a_reader_filters_the_tracker_to_considering_and_gets_brighton_and_hove(page, story):
    page.goto("/tracker/")
    page.get_by_role("checkbox", name="Considering").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/tracker/?*status=considering*")

    table = page.get_by_role("table", name="Councils and their pilot status")
    rows = table.locator("tbody tr")
    assert rows.count() == 1
    assert rows.first.get_by_role("rowheader").inner_text() == "Brighton and Hove"
    assert "1 of 153 councils shown" in page.locator("#result-count").inner_text()

    # The download link keeps the filter.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these 1 council as CSV").click()
    assert "Brighton and Hove" in Path(download.value.path()).read_text(encoding="utf-8")


def test_the_tracker_works_with_javascript_off(browser, live_server, story):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/tracker/")
    page.get_by_label("Council name").fill("hereford")
    page.get_by_role("button", name="Apply filters").click()
    assert page.locator("#tracker-table tbody tr").count() == 1
    page.get_by_role("link", name="Herefordshire").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Herefordshire Council"
    context.close()


def test_typing_a_name_narrows_the_table_before_submitting(page, story):
    page.goto("/tracker/?scope=all")
    page.get_by_label("Council name").fill("brigh")
    # Playwright's expect() polls from Python, so it runs under the site's CSP (no eval).
    expect(page.locator("#tracker-table tbody tr:not([hidden])")).to_have_count(1)
    assert "1 of 153 councils shown" in page.locator("#result-count").inner_text()


def test_keyboard_reaches_the_skip_link_first_and_focus_is_visible(page, story):
    page.goto("/tracker/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    outline = page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle + getComputedStyle(document.activeElement).backgroundColor"
    )
    assert "rgb(255, 221, 0)" in outline


def test_axe_finds_no_violations_on_the_page_a_refused_comment_gets(page, seeded, settings):
    """A reader over the comment rate limit, at 320 px wide: the short 429 page, their text still in the form."""
    settings.COMMENTS_AUTO_CLOSE_DAYS = 0  # the seed story dates from 2023: keep it open
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)  # this reader has already sent their share
    cache.clear()
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(ARTICLE)
    body = "Our son waited fourteen months for his plan."
    page.get_by_label("Your name", exact=True).fill("Priya")
    page.get_by_label("Your email address", exact=True).fill("priya@example.org")
    page.get_by_label("Your comment", exact=True).fill(body)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send comment").click()
    assert navigation.value.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Your comment was not sent")
    expect(page.get_by_role("alert")).to_contain_text("Please wait a while and try again.")
    expect(page.get_by_label("Your comment", exact=True)).to_have_value(body)
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= 320")  # no sideways scrolling
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert not results.violations_count, results.generate_report()


# Pages of comments (issue 18): the first and second page of a popular article's comments, the
# oldest first, and a council's timeline in pages; axe at desktop width and at 320 px, where
# nothing may reach past the screen's edge.
def _popular_article():
    from comments.models import Comment
    from tests.comments.test_comment_pages import make_threads
    from tests.support.factories import ArticleFactory

    article = ArticleFactory(headline="A story readers talk about")
    threads = make_threads(article, 75, replies_every=4)
    Comment.objects.create(
        article=article,
        parent=threads[40],
        display_name="SEND Tracker staff",
        email="newsroom@example.org",
        body="We have asked the DfE for the figures.",
        status=Comment.Status.APPROVED,
    )
    return article


def _paged_timeline():
    from tests.sendtracker.test_bounded_lists import add_changes
    from tests.support.factories import CouncilFactory

    # Codes no real council has: the test runs beside the 153 real ones (the factory's sequences can meet theirs).
    council = CouncilFactory(
        short_name="Pagedshire", slug="pagedshire", code="ZZP", gss_code="E99000001", la_number=999
    )
    add_changes(council, 45)
    return council


def test_axe_finds_nothing_on_pages_of_comments_at_desktop_width_and_at_320_px(browser, live_server, seeded):
    from tests.browser.test_phones import NARROWEST, OVERFLOWING

    article = _popular_article()
    council = _paged_timeline()
    paths = [
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?comments=2",
        f"{article.get_absolute_url()}?order=oldest&comments=3",
        f"{article.get_absolute_url()}?comments=2&reply_to={article.comments.filter(parent=None).first().pk}",
        f"{council.get_absolute_url()}?page=2",
        "/articles/quotes/",
    ]
    axe = Axe()
    reports = {}
    for viewport in ({"width": 1280, "height": 900}, NARROWEST):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        try:
            for path in paths:
                assert page.goto(path).status == 200, path
                assert page.locator("h1").count() == 1, path
                results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
                if results.violations_count:
                    reports[f"{path} at {viewport['width']} px"] = results.generate_report()
                if viewport is NARROWEST:
                    overflow = page.evaluate(OVERFLOWING)
                    assert overflow["scrollWidth"] <= overflow["width"] and not overflow["found"], (path, overflow)
        finally:
            context.close()
    assert not reports, "\n\n".join(f"{path}:\n{report}" for path, report in reports.items())


def test_show_more_comments_and_a_permalink_work_in_the_browser_without_javascript(browser, live_server, db):
    article = _popular_article()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(article.get_absolute_url())
        nav = page.get_by_role("navigation", name="Pages of comments")
        expect(nav.locator("[aria-current=page]")).to_have_text("Page 1 of 3")
        page.get_by_role("link", name="Show more comments").click()
        expect(nav.locator("[aria-current=page]")).to_have_text("Page 2 of 3")
        oldest = article.comments.order_by("created_at").first()
        page.goto(oldest.get_absolute_url())
        assert page.url.endswith(f"?comments=3#comment-{oldest.pk}")
        expect(page.locator(f"#comment-{oldest.pk}")).to_be_visible()
    finally:
        context.close()
