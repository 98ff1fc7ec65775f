"""/data/: every download and feed, its columns and its licence; and the links that lead to the downloads."""

import pytest
from django.urls import reverse

from councils.choices import PilotStatus
from councils.exports import HEADER
from councils.services import council_set_status
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db

EVERY_CHANGE = '<a href="/api/status-changes/?format=csv" download>Download every status change (CSV)</a>'


def test_the_data_page_lists_every_download_and_feed_with_columns_and_licences(client, db):
    response = client.get("/data/")

    assert response.status_code == 200
    html = response.content.decode()
    for url in ("/tracker.csv", "/api/status-changes/?format=csv", "/changes/feed/", "/articles/feed/", "/api/"):
        assert f'href="{url}' in html, url
    for column in HEADER:
        assert f"<code>{column}</code>" in html, column
    for column in ("council.la_number", "effective_on", "note", "source_url", "corrections.reason"):
        assert f"<code>{column}</code>" in html, column
    assert "bom=1" in html
    for licence in ("MIT licence", "Open Government Licence", "Natural Earth</a>, public domain"):
        assert licence in html, licence


def test_every_status_change_is_offered_on_the_tracker_changes_and_council_pages(client, db):
    council = CouncilFactory(short_name="Alphaton")
    council_set_status(council=council, status=PilotStatus.SHORTLISTED)

    for url in (reverse("councils:tracker"), reverse("councils:changes"), council.get_absolute_url()):
        html = client.get(url).content.decode()
        assert EVERY_CHANGE in html, url
        assert '<a href="/data/">' in html, url
    council_page = client.get(council.get_absolute_url()).content.decode()
    assert "/api/status-changes/?format=csv&amp;council=alphaton" in council_page
