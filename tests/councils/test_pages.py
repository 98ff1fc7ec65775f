"""The public pages of the tracker: what a reader sees, the head tags, framing, errors and query budgets."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from councils.choices import MembershipRole, PartnershipStatus, PilotStatus
from councils.models import Council, PartnershipMembership, StatusChange
from councils.services import council_set_status, status_change_correct
from tests.support.factories import (
    ArticleFactory,
    CommentFactory,
    ContractFactory,
    CorrectionFactory,
    CouncilFactory,
    IntegratedCareBoardFactory,
    KeyFigureFactory,
    PartnershipFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/twenty-councils-shortlisted-to-lead-70m-send-pilot/"


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# ---------------------------------------------------------------- the reader's story


def test_reader_finds_that_herefordshire_declined_and_why(client, seeded):
    response = client.get(reverse("councils:detail", kwargs={"slug": "herefordshire"}))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Herefordshire Council" in html
    assert re.search(r"Pilot status: .*Declined.* since .*19 May 2023", text(response))
    # The timeline: effective date, from → to, note, source link, recorded on.
    assert "Shortlisted → " in html
    assert "a small authority in terms of staff" in html
    assert f'href="https://send-tracker.example{ARTICLE}"' in html
    assert "Recorded on" in html
    # The quote about it, the related article and its own feed.
    assert "prioritise our resources for delivery and development work" in html
    assert 'href="/articles/twenty-councils-shortlisted-to-lead-70m-send-pilot/"' in html
    assert 'href="/councils/herefordshire/feed/"' in html
    assert "Inadequate" in html


def test_council_page_shows_corrections_partnership_inspections_and_safety_valve(client, editor):
    council = CouncilFactory(short_name="Valeshire", in_safety_valve=True, safety_valve_amount=Decimal("12500000"))
    change = council_set_status(
        council=council, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 19), note="Named."
    )
    status_change_correct(
        change=change,
        by=editor,
        reason="The date was the announcement, not the letter.",
        effective_on=datetime.date(2023, 5, 18),
    )
    partnership = PartnershipFactory(name="Vale partnership", slug="vale")
    PartnershipMembership.objects.create(partnership=partnership, council=council, role=MembershipRole.LEAD)
    council.send_inspections.create(
        published_on=datetime.date(2019, 3, 1), outcome="significant_weaknesses", note="Written statement of action."
    )
    council.send_inspections.create(
        published_on=datetime.date(2021, 6, 1), outcome="sufficient_progress", is_revisit=True
    )

    html = text(client.get(council.get_absolute_url()))

    assert "Corrected on" in html and "The date was the announcement, not the letter." in html
    assert "Lead council in Vale partnership" in html
    assert "Significant weaknesses (written statement of action)" in html
    assert "Revisit: sufficient progress (revisit)" in html
    assert "In the safety valve programme (£12,500,000)" in html


def test_unknown_council_and_partnership_are_404_with_our_page(client, db):
    for url in ("/councils/atlantis/", "/partnerships/atlantis/", "/nowhere/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
        assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_500_page_is_our_own_and_needs_no_database(client):
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "Sorry, something went wrong" in html
    assert 'lang="en-GB"' in html


def test_partnership_pages_list_members_and_hide_admin_warnings(client, db):
    north, south = IntegratedCareBoardFactory(name="NHS North ICB"), IntegratedCareBoardFactory(name="NHS South ICB")
    lead = CouncilFactory(short_name="Leadshire", care_boards=[north])
    far = CouncilFactory(short_name="Farshire", latitude=55.0, longitude=1.5, care_boards=[south])
    partnership = PartnershipFactory(name="Lead partnership", slug="lead", status=PartnershipStatus.CONFIRMED)
    partnership.icbs.add(north, south)
    PartnershipMembership.objects.create(partnership=partnership, council=lead, role=MembershipRole.LEAD)
    PartnershipMembership.objects.create(
        partnership=partnership, council=far, role=MembershipRole.PARTNER, joined_on=datetime.date(2024, 1, 8)
    )

    listing = text(client.get(reverse("councils:partnerships")))
    detail = text(client.get(partnership.get_absolute_url()))

    # Each partnership lists its members by role (the list once read "Members: Leadshire, Farshire").
    assert "Lead partnership" in listing and "Led by Leadshire." in listing
    assert "Partner councils: Farshire." in listing
    assert "Farshire" in detail and "Partner council" in detail and "8 Jan 2024" in detail
    assert "NHS North ICB; NHS South ICB" in detail
    for warning in ("different ICB", "far apart", "km", "warning"):
        assert warning not in detail


def test_contracts_show_totals_by_role_and_overall(client, seeded):
    ContractFactory(role="Programme evaluation", supplier="=cmd|' /C calc'!A0", value=Decimal("250000"))

    html = text(client.get(reverse("councils:contracts")))

    assert "Safety valve financial adviser 6 £96,000" in html
    assert "Programme evaluation 1 £250,000" in html
    assert "All contracts 7 £346,000" in html


def test_changes_are_paginated_newest_first(client, db):
    councils = CouncilFactory.create_batch(30)
    start = datetime.date(2023, 1, 1)
    for index, council in enumerate(councils):
        day = start + datetime.timedelta(days=index)
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=day)
        council_set_status(council=council, status=PilotStatus.CONSIDERING, effective_on=day)

    first = client.get(reverse("councils:changes"))
    second = client.get(reverse("councils:changes"), {"page": 2})
    junk = client.get(reverse("councils:changes"), {"page": "lots"})

    assert first.status_code == second.status_code == 200
    # A page number that is not a page says so (issue 18), rather than quietly showing page 1.
    assert junk.status_code == 404
    assert "“lots” is not a page of the changes" in junk.content.decode()
    first_names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', first.content.decode())
    assert len(first_names) == 50
    assert first_names[0] == councils[-1].short_name
    assert "Page 1 of 2" in text(first) and "Page 2 of 2" in text(second)
    assert 'href="?page=2"' in first.content.decode()


def test_home_shows_key_figures_gap_charts_and_latest(client, seeded):
    response = client.get("/")
    html = response.content.decode()

    # The reported figure keeps its date: the shortlist was 20 in May 2023.
    assert "20 shortlisted (May 2023), 2 named so far." in re.sub(r"<[^>]+>", "", html)
    assert "£70m" in html
    # The Ofsted profile of the shortlist, drawn and tabulated from the key figures.
    assert "Shortlisted councils by Ofsted judgement" in html
    assert re.search(r"Good or outstanding</th><td class=\"num\">15</td>", html)
    assert 'role="img"' in html and "<figcaption>" in html
    assert "Brighton and Hove" in html
    assert "Twenty councils shortlisted" in html


def test_how_we_track_defines_every_status(client, db):
    html = text(client.get(reverse("councils:how-we-track")))
    for status in PilotStatus:
        assert status.label in html
    assert "How to send a correction" in html


def test_embed_may_be_framed_and_nothing_else_may(client, seeded):
    embed = client.get(reverse("councils:tracker-embed"), {"status": "considering"})

    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert "Brighton and Hove" in embed.content.decode()
    assert 'href="/tracker/?status=considering"' in embed.content.decode()
    assert "site-nav" not in embed.content.decode()
    for url in ("/", "/tracker/", "/councils/herefordshire/", "/changes/", ARTICLE, "/contracts/"):
        assert client.get(url)["X-Frame-Options"] == "DENY"


def test_sitemap_and_robots(client, seeded):
    ArticleFactory(slug="draft-piece", status=Article.Status.DRAFT, published_at=None)
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>https://send-tracker\.example(/sitemap-[a-z]+\.xml)</loc>", index)
    assert sections == [
        "/sitemap-pages.xml",
        "/sitemap-councils.xml",
        "/sitemap-partnerships.xml",
        "/sitemap-articles.xml",
    ]
    sitemap = "".join(client.get(section).content.decode() for section in sections)
    robots = client.get("/robots.txt")

    assert "https://send-tracker.example/councils/herefordshire/" in sitemap
    assert "https://send-tracker.example/tracker/" in sitemap
    assert ARTICLE in sitemap
    assert "draft-piece" not in sitemap
    assert robots["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: https://send-tracker.example/sitemap.xml" in robots.content.decode()
    # The admin's address is not public: robots.txt never names it (X-Robots-Tag keeps it out of indexes).
    assert "Disallow: /embed/" in robots.content.decode()
    assert "admin" not in robots.content.decode()


PAGES = [
    "/",
    "/tracker/",
    "/councils/herefordshire/",
    "/partnerships/",
    "/contracts/",
    "/changes/",
    "/articles/",
    ARTICLE,
    "/articles/quotes/",
    "/how-we-track-this/",
    "/embed/tracker/",
    "/tracker/?status=considering&as_of=2023-06-01",
]


def test_every_page_has_unique_title_description_canonical_and_open_graph(client, seeded):
    titles = set()
    for url in PAGES:
        html = client.get(url).content.decode()
        title = re.search(r"<title>([^<]+)</title>", html).group(1)
        assert title.endswith("SEND Tracker"), url
        titles.add(title)
        assert re.search(r'<meta name="description" content="[^"]{40,}">', html), url
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        assert canonical == "https://send-tracker.example" + url.split("?")[0]
        for prop in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
            assert f'property="{prop}"' in html, (url, prop)
    assert len(titles) == len(PAGES)


def test_no_inline_script_or_style_and_nothing_from_another_host(client, seeded):
    for url in PAGES:
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert "<style" not in html, url
        for script in re.findall(r"<script[^>]*>", html):
            assert 'src="/static/' in script, url
        assert not re.findall(r"<script[^>]*>\s*[^<\s]", html), url
        for attribute in re.findall(r'(?:src|href)="(//[^"]+|https?://[^"]+)"', html):
            # Links out to sources are fine; nothing loaded (scripts, styles) comes from elsewhere.
            assert not attribute.endswith((".js", ".css")), (url, attribute)
        assert not re.search(r'<link rel="stylesheet" href="https?:', html), url


def test_skip_link_landmarks_and_one_h1(client, seeded):
    for url in PAGES:
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert '<main id="main"' in html, url
        if "embed" not in url:
            assert 'class="skip-link" href="#main"' in html, url
            assert '<nav aria-label="Main"' in html, url
            assert "mySociety" in html and "MIT licence" in html, url


# ---------------------------------------------------------------- query budgets


def build_tracker(count, start=0):
    """``count`` councils with status history, partnerships of three, quotes, articles, comments and contracts."""
    day = datetime.date(2023, 5, 19)
    councils = [CouncilFactory(short_name=f"Budgetshire {start + n:03d}") for n in range(count)]
    for index, council in enumerate(councils):
        council_set_status(
            council=council, status=PilotStatus.SHORTLISTED, effective_on=day, source_url="https://example.org/a"
        )
        if index % 2:
            council_set_status(council=council, status=PilotStatus.CONSIDERING, effective_on=day, note="Thinking.")
    for index in range(0, count - 2, 3):
        lead, *partners = councils[index : index + 3]
        partnership = PartnershipFactory()
        partnership.icbs.add(IntegratedCareBoardFactory())
        PartnershipMembership.objects.create(partnership=partnership, council=lead, role=MembershipRole.LEAD)
        for partner in partners:
            PartnershipMembership.objects.create(partnership=partnership, council=partner)
    for index, council in enumerate(councils):
        QuoteFactory().councils.add(council)
        if index % 4 == 0:
            article = ArticleFactory()
            article.councils.add(council)
            CorrectionFactory(article=article)
            CommentFactory(article=article)
    ContractFactory.create_batch(max(1, count // 10))
    return councils


def page_urls(target, partnership, article):
    return [
        "/",
        "/tracker/",
        "/tracker/?status=considering&status=shortlisted&region=West+Midlands&ordering=-status",
        "/tracker/?scope=all&as_of=2023-05-19&ordering=-ofsted",
        "/tracker.csv?scope=all",
        "/embed/tracker/",
        target.get_absolute_url(),
        f"/councils/{target.slug}/feed/",
        "/partnerships/",
        partnership.get_absolute_url(),
        "/contracts/",
        "/changes/",
        "/changes/feed/",
        "/articles/",
        "/articles/feed/",
        article.get_absolute_url(),
        "/articles/quotes/",
        "/sitemap.xml",
    ]


def count_queries(client, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_each_page_makes_the_same_few_queries_for_20_or_153_councils(client, django_assert_num_queries):
    KeyFigureFactory(key="shortlisted", value=20)
    KeyFigureFactory(key="good-or-outstanding", value=15)
    councils = build_tracker(20)
    target = councils[1]
    partnership = target.memberships.get().partnership
    article = Article.objects.filter(councils=councils[0]).get()
    urls = page_urls(target, partnership, article)
    small = count_queries(client, urls)

    build_tracker(133, start=20)
    # The target council gathers more history, quotes and articles; the pages must not notice.
    council_set_status(council=target, status=PilotStatus.DECLINED, effective_on=datetime.date(2023, 6, 1))
    for _ in range(5):
        QuoteFactory().councils.add(target)
        ArticleFactory().councils.add(target)
        CommentFactory(article=article)
        CorrectionFactory(article=article)
    assert Council.objects.count() == 153 and StatusChange.objects.count() > 200

    for url in urls:
        with django_assert_num_queries(small[url]):
            assert client.get(url).status_code == 200
        assert small[url] <= 10, (url, small[url])
