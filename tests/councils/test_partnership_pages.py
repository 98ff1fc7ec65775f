"""A partnership's page and feed: leads and partners with their statuses and inspections, care boards,
timeline, quotes and articles; each in a fixed number of queries."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.choices import MembershipRole, PilotStatus
from councils.models import PartnershipMembership, SendInspection
from councils.services import council_set_status
from tests.support.factories import (
    ArticleFactory,
    CouncilFactory,
    IntegratedCareBoardFactory,
    PartnershipFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
JOINED = datetime.date(2023, 8, 23)


def text(response):
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def south_west():
    board = IntegratedCareBoardFactory(name="NHS Gloucestershire ICB")
    other_board = IntegratedCareBoardFactory(name="NHS Bath and North East Somerset, Swindon and Wiltshire ICB")
    glos = CouncilFactory(short_name="Gloucestershire", care_boards=[board], ofsted_judgement="good")
    swindon = CouncilFactory(short_name="Swindon", care_boards=[other_board])
    partner = CouncilFactory(short_name="Wiltshire", care_boards=[other_board])
    partnership = PartnershipFactory(name="South West partnership", slug="south-west")
    for council, role in (
        (glos, MembershipRole.LEAD),
        (swindon, MembershipRole.LEAD),
        (partner, MembershipRole.PARTNER),
    ):
        PartnershipMembership.objects.create(
            partnership=partnership, council=council, role=role, joined_on=JOINED, source_url="https://example.org/dfe"
        )
    council_set_status(
        council=glos,
        status=PilotStatus.CONFIRMED_LEAD,
        effective_on=JOINED,
        source_url="https://example.org/named",
        source_title="Named by the DfE",
        override=True,
    )
    SendInspection.objects.create(council=glos, published_on=datetime.date(2022, 3, 1), outcome="positive")
    quote = QuoteFactory(text="We are proud to lead.")
    quote.councils.add(glos)
    article = ArticleFactory(headline="The South West joins the pilot")
    article.partnerships.add(partnership)
    return partnership


def test_page_shows_joint_leads_partners_statuses_inspections_and_care_boards(client, south_west):
    page = text(client.get(south_west.get_absolute_url()))

    assert "Joint lead councils Gloucestershire and Swindon" in page
    assert "Partner councils Wiltshire" in page
    assert "Gloucestershire Joint lead council 23 Aug 2023 Confirmed as lead Good" in page
    assert "Wiltshire Partner council 23 Aug 2023" in page
    assert "NHS Bath and North East Somerset, Swindon and Wiltshire ICB; NHS Gloucestershire ICB" in page
    assert "Positive experiences and outcomes ( Mar 2022 )" in page


def test_timeline_is_newest_first_dated_and_sourced(client, south_west):
    html = client.get(south_west.get_absolute_url()).content.decode()
    timeline = text(client.get(south_west.get_absolute_url())).split("Timeline")[1].split("What was said")[0]

    assert "23 August 2023 : Gloucestershire: Not shortlisted → Confirmed as lead" in timeline
    assert "Source: Named by the DfE" in timeline
    assert timeline.count("joined as") == 3
    assert 'href="https://example.org/dfe"' in html


def test_quotes_and_articles(client, south_west):
    page = text(client.get(south_west.get_absolute_url()))

    assert "We are proud to lead." in page
    assert "The South West joins the pilot" in page


def test_page_links_its_feed_and_the_feed_has_an_author(client, south_west):
    html = client.get(south_west.get_absolute_url()).content.decode()
    feed_url = reverse("councils:partnership-feed", kwargs={"slug": "south-west"})
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="SEND Tracker: South West partnership" href="{feed_url}">'
        in html
    )

    response = client.get(feed_url)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert "Gloucestershire: Not shortlisted → Confirmed as lead" in titles
    assert "Swindon joined as lead council" in titles
    assert client.get(reverse("councils:partnership-feed", kwargs={"slug": "nowhere"})).status_code == 404


def _grow(partnership, size):
    for i in range(size):
        council = CouncilFactory(short_name=f"Grown {partnership.slug} {i}", care_boards=[IntegratedCareBoardFactory()])
        PartnershipMembership.objects.create(partnership=partnership, council=council, joined_on=JOINED)
        council_set_status(council=council, status=PilotStatus.PARTNER, effective_on=JOINED, override=True)
        SendInspection.objects.create(council=council, published_on=datetime.date(2022, 3, 1), outcome="positive")
        QuoteFactory().councils.add(council)


@pytest.mark.parametrize("as_of", [None, "2023-09-01"])
def test_partnership_pages_make_the_same_number_of_queries_however_many_members(client, south_west, as_of):
    params = {"as_of": as_of} if as_of else {}
    urls = (south_west.get_absolute_url(), reverse("councils:partnerships"))
    counts = {}
    for size in (0, 6):
        _grow(south_west, size)
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            counts.setdefault(url, []).append(len(queries))
    for url, (small, large) in counts.items():
        assert small == large, (url, small, large)
    assert counts[south_west.get_absolute_url()][0] <= 11
    assert counts[reverse("councils:partnerships")][0] <= 8


def test_index_maps_each_partnership_by_number_with_a_table_alternative(client, south_west):
    html = client.get(reverse("councils:partnerships")).content.decode()
    page = text(client.get(reverse("councils:partnerships")))

    assert (
        "3 councils in 1 partnership, each labelled with its partnership's number (1: South West partnership)" in page
    )
    assert html.count('<text class="map__label"') == 3
    assert "<caption" in html and "The partnerships by number, as on the map" in page
    assert "1 South West partnership Gloucestershire and Swindon (joint lead) Wiltshire" in page
    assert "style=" not in html
