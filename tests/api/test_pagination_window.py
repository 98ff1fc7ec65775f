"""A list's page, its total and its Last-Modified come from one query: the figures match every page."""

import datetime

import pytest
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article
from tests.support.factories import ArticleFactory, KeyFigureFactory

pytestmark = pytest.mark.django_db


def test_every_page_reports_the_same_total_and_the_last_page_holds_the_rest(client):
    KeyFigureFactory.create_batch(7)
    pages = [client.get("/api/key-figures/", {"page_size": 3, "page": n}).json() for n in (1, 2, 3)]
    assert [page["count"] for page in pages] == [7, 7, 7]
    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    assert pages[2]["next"] is None
    assert client.get("/api/key-figures/", {"page_size": 3, "page": 4}).status_code == 404


def test_an_empty_list_counts_zero(client):
    body = client.get("/api/key-figures/").json()
    assert body["count"] == 0
    assert body["results"] == []


def test_last_modified_is_the_newest_row_of_the_whole_list_not_only_the_page(client):
    now = timezone.now().replace(microsecond=0)
    for days in range(5):
        ArticleFactory(published_at=now - datetime.timedelta(days=days + 1))
    newest = now - datetime.timedelta(hours=3)
    # The most recently edited article is the oldest one: it is on the last page.
    Article.objects.filter(pk=Article.objects.order_by("published_at").first().pk).update(updated_at=newest)
    Article.objects.exclude(updated_at=newest).update(updated_at=now - datetime.timedelta(days=9))
    first_page = client.get("/api/articles/", {"page_size": 2})
    assert first_page.json()["count"] == 5
    assert first_page["Last-Modified"] == http_date(newest.timestamp())


@pytest.mark.parametrize("query", [{"council": "leeds"}, {"q": "e"}])
def test_a_filter_that_joins_still_counts_each_object_once(client, tracker, query):
    body = client.get("/api/partnerships/", query).json()
    assert body["count"] >= 1
    assert body["count"] == len(body["results"]) == len({row["slug"] for row in body["results"]})
