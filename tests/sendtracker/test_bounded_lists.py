"""Every public list that grows with the story is paginated or capped (issue 18).

Each list gets ten times its page length of rows: the first page shows exactly one page
length and links to page 2, which works; a page past the end and a page number that is no
number are a clear 404, never a 500 and never a copy of another page.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.feeds import FEED_LENGTH as ARTICLE_FEED_LENGTH
from articles.models import Article, Person, Quote
from articles.views import ARTICLES_PER_PAGE, QUOTES_PER_PAGE
from councils.choices import PilotStatus
from councils.feeds import FEED_LENGTH
from councils.models import Contract, PartnershipMembership, StatusChange
from councils.selectors import TIMELINE_PER_PAGE
from councils.views import CHANGES_PER_PAGE, CONTRACTS_PER_PAGE, ON_COUNCIL_PAGE, PARTNERSHIP_TIMELINE_PER_PAGE
from tests.support.factories import ArticleFactory, CouncilFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2020, 1, 1)  # the tracker's history starts in 2019


def add_changes(council, n):
    """``n`` status changes of ``council``, a day apart (change i effective on START + i days)."""
    now = timezone.now()
    statuses = (PilotStatus.SHORTLISTED, PilotStatus.CONSIDERING)
    StatusChange.objects.bulk_create(
        StatusChange(
            council=council,
            from_status=statuses[(i + 1) % 2],
            to_status=statuses[i % 2],
            effective_on=START + datetime.timedelta(days=i),
            recorded_at=now - datetime.timedelta(minutes=n - i),
            note=f"Change number {i}.",
        )
        for i in range(n)
    )


def add_quotes(n, council=None):
    person = Person.objects.create(name="A minister", slug="a-minister")
    quotes = Quote.objects.bulk_create(
        Quote(person=person, text=f"Quote number {i}.", said_on=START + datetime.timedelta(days=i)) for i in range(n)
    )
    if council:
        council.quotes.add(*quotes)


def add_articles(n, council=None):
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Story number {i}",
            slug=f"story-{i}",
            standfirst="What changed.",
            body="<p>Text.</p>",
            byline="A reporter",
            status=Article.Status.PUBLISHED,
            published_at=now - datetime.timedelta(hours=n - i),
        )
        for i in range(n)
    )
    if council:
        council.articles.add(*articles)


def numbers(response, word):
    """The row numbers shown, in page order, each once (an article's headline is also in its links)."""
    return list(dict.fromkeys(int(n) for n in re.findall(rf"{word} number (\d+)", response.content.decode())))


def assert_paged(client, path, word, per_page, *, newest_first=True, label):
    """Page 1 shows ``per_page`` rows and links to page 2; page 2 the next; 11 and junk are 404."""
    total = 10 * per_page
    first = client.get(path)
    assert first.status_code == 200
    html = first.content.decode()
    shown = numbers(first, word)
    expected = list(range(total - 1, total - 1 - per_page, -1)) if newest_first else list(range(per_page))
    assert shown == expected
    assert f'<nav class="pagination" aria-label="{label}">' in html
    assert '<li aria-current="page">Page 1 of 10</li>' in html
    assert re.search(r'href="\?page=2(#[\w-]+)?" rel="next"', html)

    second = client.get(path, {"page": 2})
    assert second.status_code == 200
    step = -1 if newest_first else 1
    assert numbers(second, word) == [n + step * per_page for n in expected]
    assert re.search(r'href="\?page=1(#[\w-]+)?" rel="prev"', second.content.decode())

    assert numbers(client.get(path, {"page": 10}), word)  # the last page
    past = client.get(path, {"page": 11})
    assert past.status_code == 404
    assert "There is no page 11 of" in past.content.decode() and "it has 10 pages" in past.content.decode()
    for junk in ("lots", "0", "-2", "2.5", "9" * 30):
        response = client.get(path, {"page": junk})
        assert response.status_code == 404, junk
        assert "is not a page of" in response.content.decode()


def test_the_changes_list(client):
    add_changes(CouncilFactory(), 10 * CHANGES_PER_PAGE)
    assert_paged(client, reverse("councils:changes"), "Change", CHANGES_PER_PAGE, label="Pages of changes")


def test_a_councils_timeline(client):
    council = CouncilFactory()
    add_changes(council, 10 * TIMELINE_PER_PAGE)
    assert_paged(client, council.get_absolute_url(), "Change", TIMELINE_PER_PAGE, label="Pages of the timeline")
    assert "(200 changes, newest first)" in client.get(council.get_absolute_url()).content.decode()


def test_a_councils_timeline_as_it_stood_on_a_date_keeps_its_status_on_a_later_page(client):
    council = CouncilFactory()
    add_changes(council, 10 * TIMELINE_PER_PAGE)
    day = START + datetime.timedelta(days=100)  # change 100 (to shortlisted) the latest then
    as_of = day.isoformat()
    for page in (1, 3):
        html = client.get(council.get_absolute_url(), {"as_of": as_of, "page": page}).content.decode()
        assert re.search(rf"Pilot status on {day:%-d %B %Y}: .*Shortlisted", re.sub(r"\s+", " ", html))
    assert numbers(client.get(council.get_absolute_url(), {"as_of": as_of, "page": 2}), "Change")[0] == 80
    assert client.get(council.get_absolute_url(), {"as_of": as_of, "page": 7}).status_code == 404


def test_a_partnerships_timeline(client):
    partnership = PartnershipFactory()
    council = CouncilFactory()
    PartnershipMembership.objects.create(partnership=partnership, council=council, role="lead")
    add_changes(council, 10 * PARTNERSHIP_TIMELINE_PER_PAGE)
    assert_paged(
        client,
        partnership.get_absolute_url(),
        "Change",
        PARTNERSHIP_TIMELINE_PER_PAGE,
        label="Pages of the timeline",
    )


def test_the_quotes(client):
    add_quotes(10 * QUOTES_PER_PAGE)
    assert_paged(client, reverse("articles:quotes"), "Quote", QUOTES_PER_PAGE, label="Pages of quotes")


def test_the_articles(client):
    add_articles(10 * ARTICLES_PER_PAGE)
    assert_paged(client, reverse("articles:list"), "Story", ARTICLES_PER_PAGE, label="Pages of articles")


def test_the_contracts(client):
    Contract.objects.bulk_create(
        Contract(role="Adviser", supplier=f"Supplier number {i:04d}", value=16000)
        for i in range(10 * CONTRACTS_PER_PAGE)
    )
    path = reverse("councils:contracts")
    assert_paged(client, path, "Supplier", CONTRACTS_PER_PAGE, newest_first=False, label="Pages of contracts")
    # The totals are over every contract, not the page.
    assert re.search(
        r"All contracts</th><td class=\"num\">500</td><td class=\"num\">£8,000,000", client.get(path).content.decode()
    )


def test_a_councils_page_shows_its_newest_quotes_and_articles_and_links_to_all(client):
    council = CouncilFactory()
    add_quotes(10 * ON_COUNCIL_PAGE, council)
    add_articles(10 * ON_COUNCIL_PAGE, council)
    response = client.get(council.get_absolute_url())
    html = response.content.decode()
    assert numbers(response, "Quote") == list(range(99, 89, -1))
    assert numbers(response, "Story") == list(range(99, 89, -1))
    assert f'href="{reverse("articles:quotes")}">Every quote' in html
    assert f'href="{reverse("articles:list")}">Every article' in html


def test_the_feeds_are_capped_and_link_to_the_pages(client):
    council = CouncilFactory()
    add_changes(council, 10 * FEED_LENGTH)
    add_articles(10 * ARTICLE_FEED_LENGTH)
    for path, length, page in (
        (reverse("councils:changes-feed"), FEED_LENGTH, reverse("councils:changes")),
        (reverse("councils:feed", kwargs={"slug": council.slug}), FEED_LENGTH, council.get_absolute_url()),
        (reverse("articles:feed"), ARTICLE_FEED_LENGTH, reverse("articles:list")),
    ):
        feed = client.get(path).content.decode()
        assert feed.count("<entry>") == length
        assert f'href="https://send-tracker.example{page}"' in feed


def test_an_empty_list_has_one_page(client):
    assert client.get(reverse("articles:quotes")).status_code == 200
    assert client.get(reverse("articles:quotes"), {"page": 1}).status_code == 200
    assert client.get(reverse("articles:quotes"), {"page": 2}).status_code == 404
    assert client.get(ArticleFactory().get_absolute_url()).status_code == 200


def test_the_sitemap_is_an_index_of_sitemaps_of_at_most_500_urls(client, settings):
    from sendtracker.site_url import SiteSitemap

    add_articles(2 * SiteSitemap.limit + 1)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    html = index.content.decode()
    assert "<sitemapindex" in html
    for page in ("", "?p=2", "?p=3"):
        assert f"<loc>https://send-tracker.example/sitemap-articles.xml{page}</loc>" in html
    assert "?p=4" not in html
    pages = [client.get("/sitemap-articles.xml", {"p": p}) for p in (1, 2, 3)]
    assert [page.content.decode().count("<url>") for page in pages] == [500, 500, 1]
    for junk in ("4", "lots", "0"):
        assert client.get("/sitemap-articles.xml", {"p": junk}).status_code == 404
    # Its links are on the site's own address, whatever the request's host.
    settings.ALLOWED_HOSTS = ["*"]
    assert "other.example" not in client.get("/sitemap.xml", HTTP_HOST="other.example").content.decode()
