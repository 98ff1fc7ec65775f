"""The article body's rich-text editor in a real browser, under the site's strict CSP.

A journalist types a heading, a paragraph, a bulleted list and a link with the editor's own
menu, previews the draft before it was ever saved, and the preview shows them as h2, p, ul/li
and a; nothing the browser does is refused by the Content-Security-Policy.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENT = "https://www.brighton-hove.gov.uk/news/send-pilot"


@pytest.fixture
def violations(page):
    """Console errors (the browser reports CSP refusals there), page errors and securitypolicyviolation events."""
    found = []

    def on_console(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            found.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(str(error)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return found


def editable(page):
    return page.get_by_role("textbox", name="Body")


def test_a_journalist_writes_a_heading_paragraph_list_and_link_and_previews_before_saving(
    page, login, journalist, violations
):
    login("journalist")
    response = page.goto("/admin/articles/article/add/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    page.locator("#id_headline").fill("Brighton and Hove declines the pilot")
    page.locator("#id_standfirst").fill("The council said it lacked the staff.")

    body = editable(page)
    body.click()
    page.locator(".prose-menubar__selected").click()  # the block type menu: Heading 2, Heading 3, Paragraph
    page.locator(".prose-menubar__option[data-name=heading2]").click()
    page.keyboard.type("Why it said no")
    page.keyboard.press("Enter")
    page.keyboard.type("The council said no on Friday.")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="unordered list").click()
    page.keyboard.type("too few staff")
    page.keyboard.press("Enter")
    page.keyboard.type("no NHS partner yet")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list
    page.keyboard.type("Read the statement")
    for _ in "statement":
        page.keyboard.press("Shift+ArrowLeft")
    page.get_by_role("button", name="insert link").click()
    page.get_by_label("URL").fill(STATEMENT)
    page.get_by_role("button", name="Update").click()
    expect(body.locator("a")).to_have_text("statement")

    page.locator("#id_byline").fill("Test Journalist")
    page.get_by_role("button", name="Save as draft and preview").click()
    expect(page.get_by_text("Preview of an unpublished article.")).to_be_visible()

    shown = page.locator(".article__body")
    expect(shown.locator("h2")).to_have_text("Why it said no")
    expect(shown.locator("p", has_text="The council said no on Friday.")).to_have_count(1)
    expect(shown.locator("ul > li")).to_have_text(["too few staff", "no NHS partner yet"])
    link = shown.locator("a", has_text="statement")
    expect(link).to_have_attribute("href", STATEMENT)
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    stored = Article.objects.get().body
    assert "style" not in stored and "class=" not in stored, stored
    assert violations == [], "\n".join(violations)


def test_an_existing_body_loads_into_the_editor_and_an_unedited_save_keeps_it(page, login, journalist, violations):
    body = (
        "<p>First paragraph with <strong>bold</strong>, <em>italic</em> and a "
        '<a href="https://example.org/report" title="The report" rel="noopener noreferrer">link</a>.</p>\n'
        "<h2>What next</h2>\n<h3>In detail</h3>\n"
        '<blockquote cite="https://example.org/speech"><p>A quote, from <cite>the minister</cite>.</p></blockquote>\n'
        "<ul><li>one</li><li>two</li></ul>\n<ol><li>first</li><li>second</li></ol>\n"
        "<p>Line one<br>line two</p>"
    )
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, body=body)
    before = Article.objects.get(pk=article.pk).body
    login("journalist")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    shown = editable(page)
    expect(shown.locator("h2")).to_have_text("What next")
    expect(shown.locator("h3")).to_have_text("In detail")
    expect(shown.locator("blockquote cite")).to_have_text("the minister")
    expect(shown.locator("ul li")).to_have_count(2)
    expect(shown.locator("ol li")).to_have_count(2)
    expect(shown.locator("a")).to_have_attribute("href", "https://example.org/report")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert Article.objects.get(pk=article.pk).body == before

    # An edit keeps what the editor was given: the quote's source, the <cite>, the link's title.
    editable(page).locator("h2").click()
    page.keyboard.press("End")
    page.keyboard.type(" now")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    after = Article.objects.get(pk=article.pk).body
    assert "<h2>What next now</h2>" in after
    for kept in (
        '<blockquote cite="https://example.org/speech">',
        "<cite>the minister</cite>",
        'title="The report"',
        "<strong>bold</strong>",
        "<em>italic</em>",
        "<br>",
        "<ol>",
    ):
        assert kept in after, (kept, after)
    assert violations == [], "\n".join(violations)
