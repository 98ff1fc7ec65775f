"""Query budgets: each page makes at most N queries, and the same number at small and at large data.

Measured on a cache miss (the budgets are for rendering; a cache hit makes none).
To keep after a page changes: adjust the ``PAGES`` table, never the assertion.
"""

import datetime

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from comments.models import CommentReport, ModerationWord
from councils.choices import PilotStatus
from councils.models import PartnershipMembership, PartnershipName, ProgrammeEvent, SendInspection
from councils.services import council_set_status
from tests.support.factories import (
    ArticleFactory,
    CommentFactory,
    ContractFactory,
    CorrectionFactory,
    CouncilFactory,
    IntegratedCareBoardFactory,
    KeyFigureFactory,
    PartnershipFactory,
    PersonFactory,
    QuoteFactory,
    UserFactory,
)

# Marked so that pytest-django creates the test database; the data is built once per module.
pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 12

# page: (budget, path given the world built below)
# Pages that show sources add one query: the site's pages not public yet (councils.sources).
PAGES = {
    "tracker": (4 + 1, lambda world: "/tracker/"),
    # The council, its care boards, timeline, partnerships, quotes and articles.
    "council page": (6 + 1, lambda world: world["council"].get_absolute_url()),
    # The article, corrections, named councils and partnerships, comments; and first the named
    # rows' ids in one query, so that the page cache reads their versions before the rows.
    "article with comments": (6, lambda world: world["article"].get_absolute_url()),
    "programme timeline": (3 + 1, lambda world: "/programme/"),
}
# API lists: three queries plus the pagination count.
API_LISTS = [
    "/api/councils/",
    "/api/partnerships/",
    "/api/status-changes/",
    "/api/contracts/",
    "/api/quotes/",
    "/api/articles/",
    "/api/comments/",
]
API_BUDGET = 3 + 1
ADMIN_CHANGELIST_BUDGET = 8


def grow(world, n):
    """Add to the world until it holds ``n`` of everything a page lists."""
    article, council = world["article"], world["council"]
    while world["size"] < n:
        i = world["size"]
        icb = IntegratedCareBoardFactory()
        other = CouncilFactory(care_boards=[icb])
        council_set_status(council=other, status=PilotStatus.SHORTLISTED)
        partnership = PartnershipFactory()
        PartnershipMembership.objects.create(partnership=partnership, council=other, role="lead")
        SendInspection.objects.create(council=other, published_on=datetime.date(2023, 1, 1), outcome="positive")
        person = PersonFactory(council=other)
        quote = QuoteFactory(person=person, article=article)
        quote.councils.add(council, other)
        article.councils.add(other)
        article.partnerships.add(partnership)
        other_article = ArticleFactory()
        other_article.councils.add(other)
        CorrectionFactory(article=article)
        comment = CommentFactory(article=article)
        CommentFactory(article=article, parent=comment)
        CommentReport.objects.create(comment=comment, reason="spam", reporter_hash=f"{i:064d}")
        ModerationWord.objects.create(word=f"word{i}", action="suspect")
        ContractFactory(supplier=f"Supplier {i}")
        figure = KeyFigureFactory()
        ProgrammeEvent.objects.create(
            programme=figure.programme, happened_on=datetime.date(2023, 9, i + 1), text=f"Event {i}."
        )
        PartnershipName.objects.create(
            partnership=partnership, name=f"Old name {i}", replaced_on=datetime.date(2023, 10, 5)
        )
        # The council page's timeline grows too: move it back and forth.
        statuses = (PilotStatus.CONSIDERING, PilotStatus.EOI_SUBMITTED) if i % 2 == 0 else ()
        for status in statuses:
            council_set_status(council=council, status=status, override=True)
        world["size"] += 1


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    if "X-Page-Cache" in response:
        assert response["X-Page-Cache"] == "miss"  # measure rendering, not the cache
    return len(queries), [q["sql"] for q in queries]


def all_pages(world):
    pages = {name: path_of(world) for name, (_budget, path_of) in PAGES.items()}
    for path in API_LISTS:
        try:
            resolve(path)
        except Resolver404:
            continue
        pages[path] = path
    return pages


# Lists that open on a filter measured with everything shown (the comment queue opens on Pending).
CHANGELIST_QUERIES = {"comments.comment": "?status__exact=all"}


def admin_changelists():
    return {
        model._meta.label_lower: reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        + CHANGELIST_QUERIES.get(model._meta.label_lower, "")
        for model in admin.site._registry
    }


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Build the world once, count every page's queries at small then at large data, roll back."""
    counts = {}
    with django_db_blocker.unblock(), transaction.atomic():
        council = CouncilFactory(short_name="Budgetshire", slug="budgetshire")
        council_set_status(council=council, status=PilotStatus.SHORTLISTED)
        world = {"council": council, "article": ArticleFactory(), "size": 0}
        reader, staff = Client(), Client()
        staff.force_login(UserFactory(username="budget-admin", is_superuser=True))
        for size in (SMALL, LARGE):
            grow(world, size)
            for name, path in all_pages(world).items():
                counts.setdefault(name, []).append(count_queries(reader, path))
            for name, url in admin_changelists().items():
                counts.setdefault(name, []).append(count_queries(staff, url))
        transaction.set_rollback(True)
    return counts


def assert_budget(measured, name, budget):
    (small, _), (large, sql) = measured[name]
    assert large <= budget, f"{large} queries, budget {budget}:\n" + "\n".join(sql)
    assert small == large, f"{small} queries at small data but {large} at large:\n" + "\n".join(sql)


@pytest.mark.parametrize("page", PAGES)
def test_public_page_budget(page, measured):
    assert_budget(measured, page, PAGES[page][0])


@pytest.mark.parametrize("path", API_LISTS)
def test_api_list_budget(path, measured):
    if path not in measured:
        pytest.skip(f"{path} is not on this branch yet")
    assert_budget(measured, path, API_BUDGET)


@pytest.mark.parametrize(
    "model",
    sorted(admin.site._registry, key=lambda m: m._meta.label_lower),
    ids=lambda m: m._meta.label_lower,
)
def test_admin_changelist_budget(model, measured):
    name = model._meta.label_lower
    if type(admin.site._registry[model]) is admin.ModelAdmin:
        # A bare admin.site.register() placeholder (issues 2 and 4 replace them with real ModelAdmins,
        # which this budget then holds): only report it.
        (small, _), (large, _) = measured[name]
        if large > ADMIN_CHANGELIST_BUDGET or small != large:
            pytest.xfail(f"placeholder registration: {small} queries at small data, {large} at large")
    assert_budget(measured, name, ADMIN_CHANGELIST_BUDGET)


def test_the_large_world_is_large(measured):
    assert len(measured["tracker"]) == 2  # measured at both sizes
