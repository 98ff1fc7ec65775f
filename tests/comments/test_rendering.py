"""How comments appear: escaped, line breaks kept, links nofollow, replies nested, nothing private shown."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.protection import hash_ip
from comments.rendering import comment_text
from tests.support.comments import post_comment
from tests.support.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_BODIES = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(document.cookie)",
    '"><svg onload=alert(1)>',
    "<iframe src=https://evil.example></iframe>",
    'http://example.com/"onmouseover="alert(1)',
    "https://example.com/<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "{{ request.user }} {% debug %}",
    "\u202egnp.exe",  # right-to-left override
    "pay\u200bpal",  # zero-width space
]


def comment_html(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    start = html.index('<section class="your-thoughts"')
    return html[start : html.index("</section>", start)]


class ElementCollector(HTMLParser):
    """Every element a browser would build from the HTML, with its attributes."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    parser = ElementCollector()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_hostile_bodies_render_inert(client, body):
    comment = CommentFactory(body=body, display_name="<b onmouseover=alert(1)>Eve</b>")
    section = comment_html(client, comment.article)
    built = elements(section)
    assert [attrs.get("src") for tag, attrs in built if tag == "script"] == ["/static/js/comments.js"]
    assert not [tag for tag, _ in built if tag in {"img", "svg", "iframe", "b", "object", "embed"}]
    assert not [name for _, attrs in built for name in attrs if name.startswith("on")]
    hrefs = [attrs.get("href", "") for tag, attrs in built if tag == "a"]
    assert not [href for href in hrefs if href.lower().startswith(("javascript:", "data:"))]
    assert "\u202e" not in section and "\u200b" not in section
    assert "&lt;b onmouseover=alert(1)&gt;Eve&lt;/b&gt;" in section
    if "{%" in body:
        assert "{% debug %}" in section  # template syntax in a comment is just text


def test_attribute_breakout_in_a_link_is_escaped():
    html = comment_text('see http://example.com/"onmouseover="alert(1) now')
    assert 'onmouseover="' not in html
    assert "&quot;onmouseover=&quot;alert(1)" in html


def test_urls_become_nofollow_ugc_links_and_sentence_punctuation_stays_outside():
    html = comment_text("Read https://www.gov.uk/send-review. And (https://example.org/a_(b)).")
    assert (
        '<a href="https://www.gov.uk/send-review" rel="nofollow ugc noopener">https://www.gov.uk/send-review</a>.'
        in html
    )
    assert '<a href="https://example.org/a_(b)" rel="nofollow ugc noopener">https://example.org/a_(b)</a>).' in html


def test_homoglyph_domains_are_shown_as_punycode():
    html = comment_text("Log in at https://pаypal.com/login")  # Cyrillic а
    assert "xn--pypal-4ve.com" in html
    assert "pаypal" not in html


def test_credentials_in_a_url_are_not_linked():
    html = comment_text("https://www.gov.uk@evil.example/")
    assert "<a " not in html
    assert "https://www.gov.uk@evil.example/" in html


def test_line_breaks_and_paragraphs_are_kept():
    html = comment_text("First line\nsecond line\n\nNew paragraph <b>bold?</b>")
    assert html == "<p>First line<br>second line</p>\n<p>New paragraph &lt;b&gt;bold?&lt;/b&gt;</p>"


def test_display_names_are_isolated_for_right_to_left_text(client):
    comment = CommentFactory(display_name="مريم", body="تعليق")
    section = comment_html(client, comment.article)
    assert '<bdi class="yt-name">مريم</bdi>' in section
    assert 'dir="auto"' in section


def test_replies_nest_and_unapproved_ones_are_hidden(client):
    parent = CommentFactory(body="Parent words")
    CommentFactory(article=parent.article, parent=parent, body="Approved reply")
    CommentFactory(article=parent.article, parent=parent, body="Pending reply", status=Comment.Status.PENDING)
    CommentFactory(article=parent.article, body="Rejected words", status=Comment.Status.REJECTED)
    section = comment_html(client, parent.article)
    assert section.index("Parent words") < section.index('class="yt-replies"') < section.index("Approved reply")
    assert "Pending reply" not in section and "Rejected words" not in section
    assert "(2 comments)" in section


def test_staff_replies_are_badged_and_readers_roles_shown(client):
    staff = UserFactory(username="desk")
    parent = CommentFactory(reader_role="parent")
    CommentFactory(article=parent.article, parent=parent, author=staff, display_name="The newsroom")
    section = comment_html(client, parent.article)
    assert "Parent or carer" in section
    assert section.count("SEND Tracker staff") == 1


def test_emails_and_ip_hashes_never_appear_in_public_pages(client):
    article = ArticleFactory()
    post_comment(client, article, email="private.person@example.org")
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    comment.refresh_from_db()
    pages = [
        article.get_absolute_url(),
        article.get_absolute_url() + f"?reply_to={comment.pk}",
        reverse("comments:report", kwargs={"pk": comment.pk}),
        reverse("articles:list"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "private.person" not in html, url
        assert comment.ip_hash not in html and hash_ip("198.51.100.7") not in html, url
        assert "198.51.100.7" not in html, url
    # Nor in the error page a refused submission shows to someone else.
    response = post_comment(client, article, email="someone@example.org", display_name="")
    assert "private.person" not in response.content.decode()


def test_the_article_page_query_count_does_not_grow_with_comments(client, django_assert_max_num_queries):
    article = ArticleFactory()
    parents = CommentFactory.create_batch(3, article=article)
    for parent in parents:
        CommentFactory.create_batch(2, article=article, parent=parent)
    with django_assert_max_num_queries(8) as few:
        client.get(article.get_absolute_url())
    more = CommentFactory.create_batch(10, article=article)
    for parent in more:
        CommentFactory.create_batch(3, article=article, parent=parent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(article.get_absolute_url()).content.decode()
    assert "(49 comments)" in html
