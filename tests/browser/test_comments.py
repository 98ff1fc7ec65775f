"""A reader's comment goes from the form, through the moderators' queue, to the article, in Chromium."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article
from articles.seed import ARTICLE_SLUG
from comments.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"


@pytest.fixture
def seed_story(settings):
    call_command("import_councils", verbosity=0)
    call_command("load_seed_story", verbosity=0)
    # The seed story dates from 2023: keep it open, and do not make a test wait to look human.
    settings.COMMENTS_AUTO_CLOSE_DAYS = 0
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def fill_comment(page, body):
    page.get_by_label("Your name", exact=True).fill("Priya")
    page.get_by_label("Your email address", exact=True).fill("priya@example.org")
    page.get_by_label("You are (optional)").select_option(label="Parent or carer")
    page.get_by_label("Your comment", exact=True).fill(body)


def test_a_comment_goes_from_the_form_through_the_queue_to_the_article(seed_story, page, login, moderator):
    body = "The pilot must reach families waiting for EHC plans now."
    page.goto(ARTICLE_URL)
    fill_comment(page, body)
    page.get_by_text("characters remaining").wait_for()  # the live count, a JavaScript enhancement
    page.get_by_role("button", name="Send comment").click()
    page.get_by_role("heading", name="Thanks for your comment").wait_for()
    assert "Thanks, your comment will appear once a moderator has checked it" in page.content()
    assert Comment.objects.get().status == Comment.Status.PENDING

    login("moderator")
    assert "1 comment waiting for moderation" in page.inner_text("#pending-comments")
    page.get_by_role("link", name="1 comment waiting for moderation").click()
    page.locator('input[name="_selected_action"]').first.check()
    page.select_option('select[name="action"]', "approve_comments")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Reason (optional)").fill("Fine to publish")
    page.get_by_role("button", name="Approve 1 comment").click()
    page.get_by_text("1 comment approved.").wait_for()

    page.goto(ARTICLE_URL)
    comment = page.locator("#your-thoughts ~ ol .yt-comment").first
    assert body in comment.inner_text()
    assert "Priya" in comment.inner_text() and "Parent or carer" in comment.inner_text()
    assert "priya@example.org" not in page.content()
    approved = Comment.objects.get()
    assert (approved.status, approved.moderated_by.username) == ("approved", "moderator")


def test_the_form_works_without_javascript_and_shows_errors_next_to_fields(seed_story, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(ARTICLE_URL)
        page.get_by_label("Your name", exact=True).fill("Priya")
        page.get_by_label("Your comment", exact=True).fill("Kept while I fix my email")
        page.get_by_role("button", name="Send comment").click()
        assert "Enter your email address. It is never shown." in page.inner_text("#id_email_error")
        assert page.get_by_label("Your comment", exact=True).input_value() == "Kept while I fix my email"
        page.get_by_label("Your email address", exact=True).fill("priya@example.org")
        page.get_by_role("button", name="Send comment").click()
        page.get_by_role("heading", name="Thanks for your comment").wait_for()
        assert Comment.objects.filter(body="Kept while I fix my email").exists()
    finally:
        context.close()


def test_the_character_count_warns_when_a_comment_is_too_long(seed_story, page, settings):
    settings.COMMENTS_MAX_LENGTH = 50
    page.goto(ARTICLE_URL)
    page.get_by_label("Your comment", exact=True).fill("x" * 53)
    page.get_by_text("You have 3 characters too many").wait_for()
    page.get_by_label("Your comment", exact=True).fill("x" * 49)
    page.get_by_text("You have 1 character remaining").wait_for()


@pytest.mark.parametrize("state", ["form", "errors", "thanks", "report"])
def test_your_thoughts_pages_pass_axe(seed_story, page, state):
    from axe_playwright_python.sync_playwright import Axe

    Comment.objects.create(
        article=Article.objects.get(slug=ARTICLE_SLUG),
        display_name="Alex",
        body="An approved comment with https://www.gov.uk/ a link",
        status=Comment.Status.APPROVED,
    )
    page.goto(ARTICLE_URL)
    if state == "errors":
        page.get_by_role("button", name="Send comment").click()
        page.get_by_text("There is a problem").first.wait_for()
    elif state == "thanks":
        fill_comment(page, "Accessible thanks page please")
        page.get_by_role("button", name="Send comment").click()
        page.get_by_role("heading", name="Thanks for your comment").wait_for()
    elif state == "report":
        page.get_by_role("link", name="Report this comment by Alex").click()
        page.get_by_role("button", name="Send report").click()
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]})
    assert results.violations_count == 0, results.generate_report()
