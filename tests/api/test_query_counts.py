"""Each list costs the same number of SQL queries for 10 objects as for 150."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from councils.choices import MembershipRole, PilotStatus
from councils.models import PartnershipMembership, StatusChangeCorrection
from councils.services import council_set_status
from tests.support.factories import (
    ArticleFactory,
    CommentFactory,
    ContractFactory,
    CorrectionFactory,
    CouncilFactory,
    KeyFigureFactory,
    PartnershipFactory,
    PersonFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db


def councils(n):
    for _ in range(n):
        council = CouncilFactory()
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 1))
        partnership = PartnershipFactory()
        PartnershipMembership.objects.create(partnership=partnership, council=council, role=MembershipRole.LEAD)


def status_changes(n):
    for _ in range(n):
        change = council_set_status(
            council=CouncilFactory(), status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 1)
        )
        StatusChangeCorrection.objects.create(status_change=change, reason="Date corrected.", previous={})


def partnerships(n):
    for _ in range(n):
        partnership = PartnershipFactory()
        PartnershipMembership.objects.create(partnership=partnership, council=CouncilFactory(), role="lead")
        PartnershipMembership.objects.create(partnership=partnership, council=CouncilFactory())


def people(n):
    PersonFactory.create_batch(n, council=CouncilFactory())


def quotes(n):
    council = CouncilFactory()
    for _ in range(n):
        QuoteFactory(article=ArticleFactory()).councils.add(council)


def articles(n):
    council = CouncilFactory()
    for _ in range(n):
        article = ArticleFactory()
        article.councils.add(council)
        article.partnerships.add(PartnershipFactory())
        CorrectionFactory(article=article)
        CommentFactory(article=article, status=Comment.Status.APPROVED)


def comments(n):
    CommentFactory.create_batch(n, article=ArticleFactory(), status=Comment.Status.APPROVED)


LISTS = {
    "/api/councils/": councils,
    "/api/status-changes/": status_changes,
    "/api/partnerships/": partnerships,
    "/api/contracts/": ContractFactory.create_batch,
    "/api/key-figures/": KeyFigureFactory.create_batch,
    "/api/people/": people,
    "/api/quotes/": quotes,
    "/api/articles/": articles,
    "/api/comments/": comments,
}


def count_shown(response):
    if response["Content-Type"].startswith("text/csv"):
        return len(list(csv.reader(io.StringIO(response.content.decode())))) - 1
    return response.json()["count"]


def measure(client, url):
    """Queries for the JSON page and for the CSV download, and how many objects each showed.

    A first request of another page size reads the page cache's dependency tokens (seeding one
    may ask the database when it expires, e.g. the next scheduled article) and, after a change,
    the tracker's facts (/api/councils/: a fixed few queries, tests/sendtracker/test_query_budgets.py),
    so what is counted is the list's own work, not bookkeeping once per change or day.
    """
    client.get(url, {"page_size": 1})
    counts, shown = [], []
    for format in ("json", "csv"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": 200, "format": format})
        assert response.status_code == 200
        counts.append(len(queries))
        shown.append(count_shown(response))
    return counts, shown


@pytest.mark.parametrize("url", LISTS)
def test_list_queries_do_not_grow_with_the_number_of_objects(client, django_assert_num_queries, url):
    make = LISTS[url]
    make(10)
    at_ten, shown = measure(client, url)
    assert min(shown) >= 10
    assert max(at_ten) <= 8

    make(140)
    client.get(url, {"page_size": 1})
    for format, expected in zip(("json", "csv"), at_ten, strict=True):
        with django_assert_num_queries(expected):
            response = client.get(url, {"page_size": 200, "format": format})
        assert count_shown(response) >= 150
