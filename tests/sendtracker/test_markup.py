"""Small things a validator or a browser notices: icons, canonical links, machine-readable times, feed authors."""

import re

import feedparser
import pytest
from django.urls import reverse

from councils.choices import PilotStatus
from councils.services import council_set_status
from tests.support.factories import CouncilFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "content_type"), [("/favicon.ico", "image/"), ("/apple-touch-icon.png", "image/png")])
def test_the_icons_browsers_ask_for_are_served(client, path, content_type):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)


def test_every_page_links_its_icons(client):
    html = client.get("/").content.decode()

    assert '<link rel="icon" href="/favicon.ico"' in html
    assert '<link rel="apple-touch-icon" href="/apple-touch-icon.png">' in html


def test_the_404_page_has_no_canonical_link_to_the_missing_address(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert 'rel="canonical"' not in response.content.decode()
    assert 'rel="canonical"' in client.get("/tracker/").content.decode()


def test_times_are_given_in_whole_seconds(client):
    council = CouncilFactory(short_name="Alphaton")
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, note="Named.")

    for url in ("/", "/tracker/", "/changes/", council.get_absolute_url()):
        for value in re.findall(r'<time datetime="([^"]+)"', client.get(url).content.decode()):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d{4})?", value), (url, value)


def test_every_atom_feed_names_its_author(client):
    council = CouncilFactory(short_name="Alphaton", slug="alphaton")
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, note="Named.")
    partnership = PartnershipFactory(leads=[council])

    for url in (
        reverse("councils:changes-feed"),
        reverse("councils:feed", kwargs={"slug": "alphaton"}),
        reverse("councils:partnership-feed", kwargs={"slug": partnership.slug}),
        reverse("articles:feed"),
    ):
        feed = feedparser.parse(client.get(url).content).feed
        assert feed.get("author") == "SEND Tracker", url
