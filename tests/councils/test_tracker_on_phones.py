"""/tracker/ for a reader on a phone: results first, the filters applied said above them, the why on each row.

Issue 13's "Seen" items 1, 3 and 4: each test here fails on the page before the change.
"""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from councils.choices import PilotStatus, Region
from councils.services import council_set_status
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db

TRACKER = reverse("councils:tracker")
DAY = datetime.date(2023, 5, 19)


@pytest.fixture
def declined(db):
    kent = CouncilFactory(short_name="Kentish", region=Region.SOUTH_EAST)
    leeds = CouncilFactory(short_name="Leedsish", region=Region.YORKSHIRE)
    for council in (kent, leeds):
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY)
    council_set_status(
        council=kent,
        status=PilotStatus.DECLINED,
        effective_on=DAY,
        note="The council said it could not take on the work alongside its improvement plan. " * 3,
        source_url="https://example.org/kent-declines",
        source_title="Kentish declines",
    )
    council_set_status(council=leeds, status=PilotStatus.CONSIDERING, effective_on=DAY, note="Weighing it up.")
    return kent, leeds


def html_of(response):
    return response.content.decode()


def test_results_come_before_the_filter_form_and_the_charts(client, declined):
    html = html_of(client.get(TRACKER))

    assert html.index('id="results"') < html.index('id="glance-heading"')
    # The form waits behind a "Filter and sort" control that works without JavaScript.
    toggle = re.search(
        r'<details class="filter-toggle" id="filter-toggle"(?P<open>[^>]*)>\s*<summary>Filter and sort', html
    )
    assert toggle and "open" not in toggle["open"]
    assert html.index('id="filter-toggle"') < html.index('id="results"')


def test_after_apply_the_page_lands_on_the_results(client, declined):
    html = html_of(client.get(TRACKER))

    assert re.search(r'<form method="get" action="/tracker/#results"', html)
    assert '<section class="tracker-layout__results" id="results" tabindex="-1"' in html


def test_a_skip_link_reaches_the_results(client, declined):
    html = html_of(client.get(TRACKER))

    assert '<a class="skip-link" href="#results">Skip to results</a>' in html


def test_the_filters_applied_are_said_above_the_results_each_with_a_link_removing_it(client, declined):
    html = html_of(client.get(TRACKER, {"status": "declined", "region": "South East", "ordering": "-name"}))

    count = re.search(r'<p class="result-count" id="result-count".*?</p>', html, re.S)[0]
    assert "<strong>1</strong> of 2 councils shown: " in count
    links = {
        re.sub(r"<[^>]+>.*", "", text): urlsplit(href.replace("&amp;", "&"))
        for href, text in re.findall(r'<a class="active-filter" href="([^"]+)">(.*?)</a>', count)
    }
    # Each link keeps the other filters and the sort, in any order, and lands on the results.
    assert {name: (link.path, parse_qs(link.query), link.fragment) for name, link in links.items()} == {
        "Declined": ("/tracker/", {"region": ["South East"], "ordering": ["-name"]}, "results"),
        "South East": ("/tracker/", {"status": ["declined"], "ordering": ["-name"]}, "results"),
    }


def test_a_filter_form_with_errors_is_open(client, declined):
    html = html_of(client.get(TRACKER, {"status": "nonsense"}))

    assert '<details class="filter-toggle" id="filter-toggle" open>' in html


def test_each_row_says_why_with_the_latest_note_shortened_and_its_source(client, declined):
    html = html_of(client.get(TRACKER, {"scope": "all"}))

    kent_row = re.search(r'<tr data-name="kentish.*?</tr>', html, re.S)[0]
    assert "The council said it could not take on the work" in kent_row
    assert (
        "improvement plan. The council said it could not take on the work alongside its improvement plan. The council"
        not in kent_row
    )
    assert "…" in kent_row  # shortened; the full text is on the council page
    assert 'href="/councils/kentish/#timeline-heading">Read the full note' in kent_row
    assert (
        'href="https://example.org/kent-declines">Source<span class="visually-hidden"> of the latest change: Kentish declines'
        in kent_row
    )
    leeds_row = re.search(r'<tr data-name="leedsish.*?</tr>', html, re.S)[0]
    assert "Weighing it up." in leeds_row and "Read the full note" not in leeds_row


def test_the_note_is_the_latest_as_of_the_date_asked_for(client, declined):
    _, leeds = declined
    council_set_status(council=leeds, status=PilotStatus.DECLINED, note="Said no after all.")

    today = html_of(client.get(TRACKER, {"scope": "all"}))
    then = html_of(client.get(TRACKER, {"as_of": DAY.isoformat(), "scope": "all"}))

    assert "Said no after all." in today and "Weighing it up." not in today
    assert "Weighing it up." in then and "Said no after all." not in then


def test_feeds_are_offered_in_plain_words_with_an_explanation(client, declined):
    kent, _ = declined
    for url in (kent.get_absolute_url(), reverse("councils:changes")):
        html = html_of(client.get(url))
        assert "Atom feed" not in html, url
        assert "Follow updates (feed)" in html, url
        assert '<a href="/data/#feeds">what is a feed?</a>' in html, url

    data = html_of(client.get("/data/"))
    assert '<h2 id="feeds">Feeds: following updates</h2>' in data
