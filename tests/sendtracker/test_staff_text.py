"""Clean staff text: invisible characters that reorder or hide text are stripped from single-line fields,
and refused, by name, in bodies; article HTML keeps only http(s) (or relative) addresses in href and cite."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.html import sanitise_html
from articles.models import Article, Person
from councils.choices import PilotStatus
from councils.services import council_set_status
from tests.support.factories import (
    ArticleFactory,
    CouncilFactory,
    KeyFigureFactory,
    PartnershipFactory,
    PersonFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db

RLO = "\u202e"
HIDDEN = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
HIDDEN += ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff", "\u2060"]


@pytest.mark.parametrize("char", HIDDEN)
def test_single_line_fields_lose_invisible_characters_however_they_are_saved(char):
    # A loader's create() (no full_clean), as the imports and seed commands do.
    article = ArticleFactory(headline=f"Council{char} declines the pilot", byline=f"Staff{char} reporter")
    person = PersonFactory(name=f"Sam{char} Jones", role=f"Cabinet{char} member", organisation=f"{char}Council")

    article.refresh_from_db()
    person.refresh_from_db()
    assert (article.headline, article.byline) == ("Council declines the pilot", "Staff reporter")
    assert (person.name, person.role, person.organisation) == ("Sam Jones", "Cabinet member", "Council")


def test_full_clean_strips_single_lines_before_checking_them():
    person = Person(name=f"Sam{RLO}", slug="sam", role=f"{RLO}Minister")
    person.full_clean()
    assert (person.name, person.role) == ("Sam", "Minister")


@pytest.mark.parametrize("field", ["body", "standfirst"])
def test_a_body_with_an_invisible_character_is_refused_naming_it(field):
    article = ArticleFactory.build(slug="bidi", **{field: f"<p>Read this: {RLO}gnp.exe</p>"})

    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    message = " ".join(refused.value.message_dict[field])
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in message
    with pytest.raises(ValidationError):
        article.save()
    assert not Article.objects.filter(slug="bidi").exists()


def test_a_status_note_with_an_invisible_character_is_refused_and_its_source_title_cleaned():
    council = CouncilFactory()
    with pytest.raises(ValidationError, match=r"U\+202E"):
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, note=f"Named {RLO}today")
    assert not council.status_changes.exists()

    change = council_set_status(
        council=council, status=PilotStatus.SHORTLISTED, note="Named today", source_title=f"Schools{RLO} Week"
    )
    assert change.source_title == "Schools Week"


def test_an_emoji_joined_in_a_body_is_kept():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    quote = QuoteFactory(text=f"We are a family {family}", source_url="https://news.example/family")
    quote.full_clean()
    assert family in quote.text


def test_no_public_surface_repeats_an_override_from_staff_text(client):
    council = CouncilFactory(short_name=f"Test{RLO}shire", slug="testshire")
    ArticleFactory(headline=f"Pilot{RLO} news", slug="pilot-news")
    QuoteFactory(person=PersonFactory(role=f"Cabinet{RLO} member")).councils.add(council)
    KeyFigureFactory(key="shortlisted", label=f"councils{RLO} shortlisted", source_title=f"Schools{RLO} Week")
    PartnershipFactory(name=f"South{RLO} East", leads=[council])
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, source_title=f"DfE{RLO}")

    paths = ["/", "/tracker/", "/tracker.csv", "/articles/", "/articles/feed/", "/articles/quotes/"]
    paths += ["/changes/feed/", "/partnerships/", council.get_absolute_url()]
    paths += [reverse(name) for name in ("api:article-list", "api:quote-list", "api:keyfigure-list")]
    paths += [reverse("api:statuschange-list") + "?format=csv", reverse("api:partnership-list")]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert RLO not in response.content.decode(), path
        if response["Content-Type"].startswith("application/json"):
            assert RLO not in json.dumps(response.json(), ensure_ascii=False), path


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ('<blockquote cite="javascript:alert(1)">x</blockquote>', "<blockquote>x</blockquote>"),
        ('<blockquote cite=" Java&#x09;Script:alert(1)">x</blockquote>', "<blockquote>x</blockquote>"),
        ('<blockquote cite="data:text/html,x">x</blockquote>', "<blockquote>x</blockquote>"),
        ('<a href="mailto:editor@example.org">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="vbscript:msgbox(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        (
            '<blockquote cite="https://www.gov.uk/x">x</blockquote>',
            '<blockquote cite="https://www.gov.uk/x">x</blockquote>',
        ),
        ('<a href="http://example.org/">x</a>', '<a href="http://example.org/" rel="noopener noreferrer">x</a>'),
        ('<a href="/tracker/">x</a>', '<a href="/tracker/" rel="noopener noreferrer">x</a>'),
    ],
)
def test_article_html_keeps_only_web_addresses_in_href_and_cite(html, kept):
    assert sanitise_html(html) == kept
