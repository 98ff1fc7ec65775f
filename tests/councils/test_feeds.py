"""Atom feeds: every status change, one council's changes, articles. Parsed with a real feed parser."""

import datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_change_feed_lists_every_change_newest_first(client, seeded):
    feed = parse(client.get(reverse("councils:changes-feed")))

    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 4
    assert "Herefordshire: Shortlisted → Declined" in titles
    assert "Brighton and Hove: Shortlisted → Considering" in titles
    declined = next(entry for entry in feed.entries if entry.title == "Herefordshire: Shortlisted → Declined")
    assert (
        declined.link
        == "https://send-tracker.example/councils/herefordshire/#change-" + declined.link.rsplit("-", 1)[1]
    )
    assert "prioritise resources" in declined.summary
    assert len({entry.id for entry in feed.entries}) == 4
    assert feed.feed.title == "SEND Tracker: status changes"


def test_council_feed_follows_one_council(client, seeded):
    feed = parse(client.get(reverse("councils:feed", kwargs={"slug": "brighton-and-hove"})))

    assert feed.feed.title == "SEND Tracker: Brighton and Hove"
    assert [entry.title for entry in feed.entries] == [
        "Brighton and Hove: Shortlisted → Considering",
        "Brighton and Hove: Not shortlisted → Shortlisted",
    ]
    assert feed.feed.link == "https://send-tracker.example/councils/brighton-and-hove/"


def test_council_feed_for_a_quiet_council_is_valid_and_empty(client, seeded):
    feed = parse(client.get(reverse("councils:feed", kwargs={"slug": "barnet"})))
    assert feed.entries == []


def test_unknown_council_feed_is_404(client, db):
    assert client.get(reverse("councils:feed", kwargs={"slug": "atlantis"})).status_code == 404


def test_article_feed_has_published_articles_only(client, seeded):
    ArticleFactory(headline="Draft piece", status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(headline="Scheduled piece", published_at=timezone.now() + datetime.timedelta(days=1))

    feed = parse(client.get(reverse("articles:feed")))

    assert [entry.title for entry in feed.entries] == [
        "Twenty councils shortlisted to lead £70m SEND pilot, but one declines"
    ]
    entry = feed.entries[0]
    assert entry.author == "Schools Week reporter"
    assert "Herefordshire has said no" in entry.summary
    assert entry.link.endswith("/articles/twenty-councils-shortlisted-to-lead-70m-send-pilot/")


def test_feeds_never_carry_readers_emails(client, seeded):
    from tests.support.factories import CommentFactory

    CommentFactory(article=Article.objects.get(), email="private-reader@example.org")
    for url in (reverse("articles:feed"), reverse("councils:changes-feed")):
        assert b"private-reader@example.org" not in client.get(url).content
