"""Hostile text in any field a journalist can edit renders inert on the public pages."""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from councils.choices import PilotStatus
from councils.services import council_set_status
from tests.support.factories import (
    ArticleFactory,
    ContractFactory,
    CorrectionFactory,
    CouncilFactory,
    KeyFigureFactory,
    PartnershipFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("owned")</script><img src=x onerror=alert(1)>'
    '<a href="javascript:alert(2)">click</a>" onmouseover="alert(3)\' onfocus=\'alert(4)'
)
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")
PAGES = [
    "/",
    "/tracker/",
    "/changes/",
    "/partnerships/",
    "/contracts/",
    "/articles/",
    "/articles/quotes/",
]


def fill_text_fields_with_hostile_text(obj):
    """Every free-text field on ``obj`` (what a journalist types) gets the hostile string."""
    for field in obj._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
            and not field.choices
            and (field.max_length or 10_000) >= 40
        ):
            value = f"{HOSTILE} {obj.pk}"
            setattr(obj, field.attname, value[: field.max_length] if field.max_length else value)
    obj.save()
    return obj


class ActiveContent(HTMLParser):
    """Collects anything in a page that could run script."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            url = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name in ("href", "src", "action", "formaction", "xlink:href") and url.startswith(SCRIPT_SCHEMES):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.found.append(f"<script src={src!r}>")
            self._in_script = True
        if tag in ("iframe", "object", "embed", "base"):
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:40]!r}")


@pytest.fixture
def hostile_site(journalist):
    council = fill_text_fields_with_hostile_text(CouncilFactory(status=PilotStatus.SHORTLISTED))
    change = council_set_status(
        council=council,
        status=PilotStatus.CONSIDERING,
        note=HOSTILE,
        source_url="https://example.org/news",
        source_title=HOSTILE[:300],
        by=journalist,
    )
    partnership = fill_text_fields_with_hostile_text(PartnershipFactory(leads=[council]))
    fill_text_fields_with_hostile_text(ContractFactory())
    fill_text_fields_with_hostile_text(KeyFigureFactory())
    article = fill_text_fields_with_hostile_text(ArticleFactory(slug="hostile-article"))
    article.body = HOSTILE + '<p><a href="javascript:alert(5)" onclick="alert(6)">link</a></p>'
    article.save()
    fill_text_fields_with_hostile_text(CorrectionFactory(article=article))
    quote = fill_text_fields_with_hostile_text(QuoteFactory(article=article))
    fill_text_fields_with_hostile_text(quote.person)
    quote.councils.add(council)
    return [*PAGES, council.get_absolute_url(), partnership.get_absolute_url(), article.get_absolute_url(), change]


def test_hostile_text_renders_inert_on_every_public_page(client, hostile_site):
    *paths, _change = hostile_site
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        parser = ActiveContent()
        parser.feed(response.text)
        assert parser.found == [], path


def test_hostile_text_is_shown_escaped_not_dropped(client, hostile_site):
    council_page = client.get(hostile_site[len(PAGES)])
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in council_page.text


def test_no_url_field_accepts_a_script_url():
    url_fields = [
        field
        for app in ("councils", "articles")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.URLField)
    ]
    assert len(url_fields) >= 4
    for field in url_fields:
        for value in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"):
            with pytest.raises(ValidationError):
                field.clean(value, None)


FEEDS = ["/changes/feed/", "/articles/feed/"]
ATOM = "{http://www.w3.org/2005/Atom}"


def test_hostile_text_is_inert_in_the_feeds(client, hostile_site):
    """Feed readers render an Atom summary of type="html" as HTML: it must carry the text escaped, not markup."""
    import xml.etree.ElementTree as ET

    council_url = hostile_site[len(PAGES)]
    checked = 0
    for path in [*FEEDS, f"{council_url}feed/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        feed = ET.fromstring(response.content)
        for element in feed.iter():
            if element.tag in (f"{ATOM}title", f"{ATOM}subtitle", f"{ATOM}summary", f"{ATOM}content"):
                text = element.text or ""
                if element.get("type") in ("html", "xhtml"):
                    parser = ActiveContent()
                    parser.feed(text)
                    assert parser.found == [], (path, element.tag, text[:200])
                    assert "<script" not in text.lower(), (path, text[:200])
                else:
                    assert element.get("type") in (None, "text"), (path, element.tag)
                checked += "alert" in text
    assert checked >= 3, "the hostile text reached the feeds"


def test_hostile_text_renders_inert_on_the_embed_page(client, hostile_site):
    response = client.get("/embed/tracker/")
    assert response.status_code == 200
    parser = ActiveContent()
    parser.feed(response.text)
    assert parser.found == []
