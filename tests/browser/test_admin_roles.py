"""Each role's seed-story tasks in the admin, in a real browser, with no raw error anywhere.

Journalist: records a status with its source, adds a quote with its source, adds a contract,
writes a draft with paragraphs and a list and previews it before its first save. Editor:
publishes it, corrects a date and reads the audit entry, old → new. Moderator: approves a held
comment from the Pending queue.
"""

import datetime

import pytest
from playwright.sync_api import expect

from articles.models import Article, Quote
from comments.models import Comment
from councils.choices import PilotStatus
from councils.models import Contract, StatusChange
from councils.services import council_set_status
from tests.support.factories import (
    ArticleFactory,
    CommentFactory,
    CouncilFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

RAW_ERRORS = ("Constraint", "IntegrityError", "Traceback", "Server Error", "violated")
SOURCE = "https://www.brighton-hove.gov.uk/news/send-pilot"


@pytest.fixture
def raw_errors(page):
    """Every page the test opens is checked for a raw error, and for JavaScript errors."""
    seen = []
    page.on("pageerror", lambda error: seen.append(str(error)))

    def check():
        body = page.locator("body").inner_text()
        seen.extend(f"{word} on {page.url}" for word in RAW_ERRORS if word in body)
        assert not seen, seen

    return check


def test_a_journalist_records_sources_a_contract_and_previews_a_draft(page, login, raw_errors):
    council = CouncilFactory(short_name="Brighton and Hove", status=PilotStatus.CONSIDERING)
    person = PersonFactory(name="Claire Coutinho", role="Minister")
    ProgrammeFactory()
    UserFactory(username="reporter", role="Journalists")
    login("reporter")

    # A status with its source, dated with the admin's date widget.
    page.goto(f"/admin/councils/council/{council.pk}/change/")
    page.get_by_role("combobox", name="Pilot status").select_option(label="Declined")
    page.locator("#id_status_effective_date").fill("28/11/2026")
    page.get_by_label("Public note").fill("The council said it lacked the staff.")
    page.get_by_label("Source URL").fill(SOURCE)
    page.get_by_label("Source title").fill("Council statement")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(
        page.get_by_text("Brighton and Hove: Considering → Declined, 28 Nov 2026, on the public timeline.")
    ).to_be_visible()
    raw_errors()

    # A quote with its source.
    page.goto("/admin/articles/quote/add/")
    page.locator(".field-person .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Claire")
    page.locator(".select2-results__option", has_text="Claire Coutinho").first.click()
    page.locator("#id_text").fill("It is important to take time to get this right.")
    page.locator("#id_said_on").fill("19/05/2023")
    page.locator("#id_source_url").fill("https://schoolsweek.co.uk/send-pilot")
    page.locator("#id_source_title").fill("Schools Week, 19 May 2023")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    assert Quote.objects.get().person == person
    raw_errors()

    # A contract, its value typed as it was reported.
    page.goto("/admin/councils/contract/add/")
    page.locator("#id_role").fill("Safety valve financial adviser")
    page.locator("#id_value").fill("£16,000")
    page.locator("#id_reference").fill("safety-valve-adviser-7")
    page.locator("#id_source_url").fill("https://www.contractsfinder.service.gov.uk/notice/7")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text("safety-valve-adviser-7")
    assert str(Contract.objects.get().value) == "16000.00"
    raw_errors()

    # A draft with paragraphs and a list, previewed before it was ever saved.
    page.goto("/admin/articles/article/add/")
    page.locator("#id_headline").fill("Brighton and Hove declines the pilot")
    page.locator("#id_standfirst").fill("The council said it lacked the staff.")
    page.get_by_role("textbox", name="Body").click()  # the rich-text editor
    page.keyboard.type("The council said no on Friday.")
    page.keyboard.press("Enter")
    page.keyboard.type("It gave two reasons:")
    page.keyboard.press("Enter")
    page.keyboard.type("- too few staff")  # "- " starts a bulleted list, as in the editor's menu
    page.keyboard.press("Enter")
    page.keyboard.type("no NHS partner yet")
    page.locator("#id_byline").fill("Test Journalist")
    page.get_by_role("button", name="Save as draft and preview").click()
    expect(page.get_by_text("Preview of an unpublished article.")).to_be_visible()
    body = page.locator(".article__body")
    expect(body.locator(":scope > p")).to_have_count(2)
    expect(body.locator("li")).to_have_count(2)
    expect(page.locator(".meta")).to_have_text("By Test Journalist")
    assert Article.objects.get().status == Article.Status.DRAFT
    raw_errors()


def test_an_editor_publishes_corrects_a_date_and_reads_the_audit_entry(page, login, raw_errors):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Brighton and Hove declines")
    council = CouncilFactory(short_name="Brighton and Hove")
    change = council_set_status(
        council=council, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 19), source_url=SOURCE
    )
    UserFactory(username="chief", role="Editors")
    login("chief")

    # Publishing with no time given: published now, no database error.
    page.goto(f"/admin/articles/article/{draft.pk}/change/")
    page.locator("#id_status").select_option(label="Published")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("Published: “Brighton and Hove declines” is live since")).to_be_visible()
    draft.refresh_from_db()
    assert draft.is_published
    raw_errors()

    # Correcting a date, with the admin's date widget.
    page.goto(f"/admin/councils/statuschange/{change.pk}/correct/")
    page.locator("#id_effective_on").fill("18/05/2023")
    page.get_by_label("Reason for the correction").fill("The council's letter was dated 18 May.")
    page.get_by_role("button", name="Record the correction").click()
    expect(page.get_by_text("recorded.")).to_be_visible()
    expect(page.locator("body")).to_contain_text("date was 19 May 2023")
    assert StatusChange.objects.get(pk=change.pk).effective_on == datetime.date(2023, 5, 18)
    raw_errors()

    # The audit entry, old → new, by the editor.
    page.goto("/admin/auditlog/logentry/")
    row = page.locator("#result_list tbody tr").filter(has_text="effective on: 19 May 2023 → 18 May 2023")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("chief")
    raw_errors()


def test_a_moderator_approves_a_held_comment_from_the_pending_queue(page, login, raw_errors):
    text = "My son waited eighteen months for his EHC plan and the council never explained why. " * 3
    held = CommentFactory(status=Comment.Status.PENDING, body=text.strip(), held_reason="Contains a link")
    CommentFactory(body="Already published, not in the queue.")
    UserFactory(username="mod", role="Moderators")
    page.set_viewport_size({"width": 1024, "height": 800})
    login("mod")

    page.goto("/admin/comments/comment/")
    assert page.url.endswith("?status__exact=pending")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(text.strip())
    expect(rows.first).to_contain_text("Held: Contains a link")
    assert page.locator("#result_list .field-full_text").first.bounding_box()["width"] >= 300  # readable, not squeezed

    rows.first.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option(label="Approve selected comments (publish)")
    page.get_by_role("button", name="Go").click()
    page.locator("textarea[name=reason], input[name=reason]").fill("Link checked: the council's own page.")
    page.get_by_role("button", name="Approve 1 comment").click()
    expect(page.get_by_text("1 comment approved.")).to_be_visible()
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    raw_errors()
