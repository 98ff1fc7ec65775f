"""A comment turned away before the expensive work: a short page saying what happened and when to
try again, with the reader's text back in the form, at the cost of at most the article's one query
(none while the article is unchanged since this process last read it).

Rate limits, the form's token (used, too fast) and duplicates are checked before the form's own
rules (the word lists) and before any page of comments is read; nothing is stored, no cookie is set.
"""

import json
import subprocess
import time
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from comments.protection import form_token
from tests.sendtracker.test_html_validity import vnu_jar
from tests.support.comments import comment_data, post_comment
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TEXT = "We waited eleven months for the EHC plan & the tribunal <date>."


def assert_short_refusal(response, status, message):
    html = response.content.decode()
    assert response.status_code == status, html
    assert message in html
    assert '<html lang="en-GB">' in html
    assert 'class="skip-link" href="#main"' in html
    assert "<title>Error: your comment was not sent | SEND Tracker</title>" in html
    assert "<h1>Your comment was not sent</h1>" in html
    assert "Nothing was stored" in html
    assert '<meta name="robots" content="noindex">' in html
    return html


def assert_summary_links_to_the_text(html, message):
    """The error summary (focused by comments.js) says what is wrong and takes the reader to their text."""
    assert '<div class="yt-error-summary" role="alert" aria-labelledby="refusal-summary" tabindex="-1">' in html
    assert f'<a href="#id_body">{message}' in html
    assert 'id="id_body"' in html


def assert_text_kept(html):
    # Echoed back, escaped, in the form's textarea, with the name and address the reader typed.
    assert "We waited eleven months for the EHC plan &amp; the tribunal &lt;date&gt;.</textarea>" in html
    assert 'value="Sam"' in html
    assert 'value="sam@example.org"' in html
    assert 'name="started"' in html


def test_a_rate_limited_comment_gets_a_short_429_page_with_its_text_and_when_to_try_again(
    client, article, settings, django_assert_max_num_queries
):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (2, 600)
    for n in range(2):
        assert post_comment(client, article, body=f"Comment number {n} about the pilot.").status_code == 302
    with django_assert_max_num_queries(1):  # the article; no word lists, no comments read
        response = post_comment(client, article, body=TEXT)
    html = assert_short_refusal(response, 429, "You have sent several comments in the last 10 minutes.")
    assert_summary_links_to_the_text(html, "You have sent several comments in the last 10 minutes.")
    assert_text_kept(html)
    assert "You can send it again in about 10 minutes." in html
    assert 0 < int(response["Retry-After"]) <= 600
    assert Comment.objects.count() == 2


def test_a_form_sent_too_fast_is_refused_before_anything_else(client, article, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = post_comment(client, article, body=TEXT, started=form_token(article, now=time.time()))
    html = assert_short_refusal(response, 400, "That was sent too quickly to be a person typing.")
    assert_text_kept(html)
    assert not Comment.objects.exists()


def test_a_form_sent_twice_keeps_the_second_text(client, article):
    data = comment_data(article)
    url = reverse("comments:submit", kwargs={"slug": article.slug})
    assert client.post(url, data, REMOTE_ADDR="198.51.100.7").status_code == 302
    response = client.post(url, {**data, "body": TEXT}, REMOTE_ADDR="198.51.100.7")
    html = assert_short_refusal(response, 400, "This form has already been sent once.")
    assert_text_kept(html)
    assert data["started"] not in html  # a new single-use token, so sending again works
    assert Comment.objects.count() == 1


def test_a_duplicate_is_refused_with_its_text(client, article, django_assert_max_num_queries):
    assert post_comment(client, article, body=TEXT).status_code == 302
    with django_assert_max_num_queries(1):
        response = post_comment(client, article, body=TEXT, ip="198.51.100.8")
    html = assert_short_refusal(response, 400, "This comment has already been sent.")
    assert_summary_links_to_the_text(html, "This comment has already been sent.")
    assert_text_kept(html)
    # The comment box itself says what is wrong with it, and is marked so.
    assert '<p class="yt-error" id="id_body_error"><span class="visually-hidden">Error:</span> This comment' in html
    assert 'aria-describedby="id_body_helptext id_body_error" aria-invalid="true"' in html
    assert Comment.objects.count() == 1


def test_a_comment_on_a_closed_article_is_shown_back_not_stored(client, django_assert_max_num_queries):
    article = ArticleFactory(comment_moderation=Article.Moderation.CLOSED)
    with django_assert_max_num_queries(1):
        response = post_comment(client, article, body=TEXT)
    html = assert_short_refusal(response, 403, "Comments on this article are closed.")
    assert "We waited eleven months for the EHC plan &amp; the tribunal &lt;date&gt;." in html
    assert "<textarea" not in html  # no form to send it with
    assert not Comment.objects.exists()


def test_the_refused_text_sends_from_the_refusal_page_once_the_wait_is_over(client, article, settings):
    """The page's form carries everything needed: sent again as it stands, it is accepted."""
    response = post_comment(client, article, body=TEXT, started=form_token(article, now=time.time()))
    assert response.status_code == 400
    html = response.content.decode()
    started = html.split('name="started" value="', 1)[1].split('"', 1)[0]
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    again = post_comment(client, article, body=TEXT, started=started)
    assert again.status_code == 302
    assert Comment.objects.get().body == TEXT


def test_corrected_mistakes_do_not_use_up_the_rate_limit(client, article, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (2, 600)
    for _ in range(4):
        assert post_comment(client, article, display_name="").status_code == 400
    assert post_comment(client, article, body="First, corrected.").status_code == 302
    assert post_comment(client, article, body="Second, corrected.").status_code == 302
    assert post_comment(client, article, body="Third.").status_code == 429


def test_a_refusal_in_a_browser_sets_no_cookie_and_its_form_sends_again(article, settings):
    """As a browser sends it (CSRF cookie and token from the article page): the page hands back a
    working form and writes nothing, not even a renewed CSRF cookie."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(article.get_absolute_url()).content.decode()
    csrf = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    url = reverse("comments:submit", kwargs={"slug": article.slug})
    response = browser.post(url, {**comment_data(article, body=TEXT), "csrfmiddlewaretoken": csrf})
    html = assert_short_refusal(response, 429, "Please wait a while and try again.")
    assert not response.cookies
    assert "sessionid" not in browser.cookies
    settings.COMMENTS_RATE_LIMIT_PER_IP = (5, 600)
    settings.COMMENTS_FORM_MIN_AGE_SECONDS = 0
    again = {
        name: html.split(f'name="{name}" value="', 1)[1].split('"', 1)[0] for name in ("csrfmiddlewaretoken", "started")
    }
    assert browser.post(url, {**comment_data(article, body=TEXT), **again}).status_code == 302
    assert Comment.objects.get().body == TEXT


def test_a_form_left_open_too_long_is_refused_with_its_text(client, article, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = post_comment(client, article, body=TEXT, started=form_token(article, now=time.time() - 3 * 86400))
    html = assert_short_refusal(response, 400, "This form was open too long.")
    assert_text_kept(html)
    assert not Comment.objects.exists()


class FormFields(HTMLParser):
    """Each control of the comment form, by name: its tag and attributes (values left out)."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.controls = {}
        self.options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "comment-form":
            self.inside = True
        elif self.inside and tag in ("input", "select", "textarea", "label", "button"):
            kept = {k: v for k, v in attrs.items() if k not in ("value", "checked", "selected")}
            self.controls[attrs.get("name") or attrs.get("for") or tag, tag] = kept
        elif self.inside and tag == "option":
            self.options.append(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(html):
    parser = FormFields()
    parser.feed(html)
    return parser.controls, parser.options


def test_the_refusal_page_has_the_article_page_form_field_for_field(client, article):
    """Drawn without the form's widgets, its fields are the same: names, types, labels, hints, limits."""
    on_the_article = client.get(article.get_absolute_url()).content.decode()
    refused = post_comment(client, article, body=TEXT, started=form_token(article, now=time.time())).content.decode()
    assert form_fields(refused) == form_fields(on_the_article)
    for hint in ("Shown with your comment.", "Private: never shown or shared.", "Up to 3,000 characters."):
        assert hint in refused


def test_what_the_reader_chose_is_kept_and_what_they_typed_is_escaped_not_run(client, article, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    response = post_comment(
        client,
        article,
        display_name='Sam" autofocus onfocus="alert(1)',
        email="<b>sam@example.org</b>",
        reader_role="council",
        notify_replies="on",
        reply_to="12",
        body="</textarea><script>alert(1)</script>",
    )
    html = assert_short_refusal(response, 429, "Please wait a while and try again.")
    assert 'value="Sam&quot; autofocus onfocus=&quot;alert(1)"' in html
    assert 'value="&lt;b&gt;sam@example.org&lt;/b&gt;"' in html
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in html
    assert "<script>alert" not in html
    assert '<option value="council" selected>' in html
    assert html.count(" selected>") == 1
    assert '<input type="checkbox" name="notify_replies" checked' in html
    assert 'name="reply_to" value="12"' in html
    assert "<h2>Your comment (a reply)</h2>" in html


def test_text_that_looks_like_the_page_s_own_markers_is_echoed_as_typed(client, article, settings):
    """The page is filled in one pass: what a reader sent is never read as a place to fill."""
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    response = post_comment(client, article, display_name="\x00email\x00", body="a \x00csrf_token\x00 b")
    html = assert_short_refusal(response, 429, "Please wait a while and try again.")
    assert 'value="\x00email\x00"' in html
    assert "a \x00csrf_token\x00 b</textarea>" in html
    assert 'value="sam@example.org"' in html


def test_a_refusal_reads_no_database_while_the_article_is_unchanged_and_shows_an_edit_at_once(
    client, article, settings, django_assert_num_queries
):
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    assert post_comment(client, article, body=TEXT).status_code == 429  # reads the article
    with django_assert_num_queries(0):
        html = assert_short_refusal(post_comment(client, article, body=TEXT), 429, "Please wait a while")
    assert f"“{article.headline}”" in html
    assert "A moderator checks every comment before it appears." in html

    Article.objects.filter(pk=article.pk).update(
        headline="A corrected headline", comment_moderation=Article.Moderation.POST
    )
    with django_assert_num_queries(1):
        html = assert_short_refusal(post_comment(client, article, body=TEXT), 429, "Please wait a while")
    assert "“A corrected headline”" in html
    assert "Comments from readers who have commented before appear straight away." in html

    article.refresh_from_db()
    article.comment_moderation = Article.Moderation.CLOSED
    article.save()
    html = assert_short_refusal(post_comment(client, article, body=TEXT), 403, "Comments on this article are closed.")
    assert "<textarea" not in html

    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert post_comment(client, article, body=TEXT).status_code == 404  # unpublished: not a word of it


def test_a_refusal_for_an_article_that_does_not_exist_is_a_404(client, article):
    url = reverse("comments:submit", kwargs={"slug": "no-such-article"})
    response = client.post(url, comment_data(article, started=form_token(article, now=time.time())))
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_the_nu_html_checker_finds_no_error_on_any_refusal_page(client, settings, tmp_path):
    """Rate-limited, a duplicate (its field marked), a reply, and closed comments (the text shown, no form)."""
    jar = vnu_jar()
    article = ArticleFactory(comment_moderation=Article.Moderation.POST)
    pages = []
    assert post_comment(client, article, body=TEXT).status_code == 302
    pages.append(post_comment(client, article, body=TEXT, ip="198.51.100.8"))  # a duplicate
    settings.COMMENTS_RATE_LIMIT_PER_IP = (0, 600)
    pages.append(post_comment(client, article, body="A second thought.\n\nWith https://example.org/ in it."))
    pages.append(
        post_comment(client, article, body="A reply.", reply_to="1", reader_role="parent", notify_replies="on")
    )
    pages.append(post_comment(client, ArticleFactory(comment_moderation=Article.Moderation.CLOSED), body=TEXT))
    assert [page.status_code for page in pages] == [400, 429, 429, 403]
    for number, page in enumerate(pages):
        (tmp_path / f"refused-{number}.html").write_bytes(page.content)
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--errors-only", "--exit-zero-always", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert not messages, "\n".join(f"{m.get('url')}: {m.get('message')} [{m.get('extract', '')}]" for m in messages)


def test_a_comment_refused_because_comments_closed_or_a_foreign_form_uses_up_no_attempt(client, settings):
    """Found closed (or the form made for another article) after the claim: the attempt is given back."""
    settings.COMMENTS_RATE_LIMIT_PER_IP = (1, 600)
    closed = ArticleFactory(comment_moderation=Article.Moderation.CLOSED)
    article = ArticleFactory()
    assert post_comment(client, closed, body=TEXT).status_code == 403
    foreign = post_comment(client, article, body=TEXT, started=form_token(closed, now=time.time() - 30))
    assert_short_refusal(foreign, 400, "This form belongs to another article.")
    assert post_comment(client, article, body=TEXT).status_code == 302  # the one attempt allowed
    assert Comment.objects.get().article == article
