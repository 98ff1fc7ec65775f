"""A write forgets only the pages built from what it changed."""

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from councils.choices import PilotStatus
from councils.models import Council
from councils.services import council_set_status
from tests.support.factories import ArticleFactory, CommentFactory, CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    named = CouncilFactory(short_name="Named", slug="named")
    other = CouncilFactory(short_name="Other", slug="other")
    for council in (named, other):
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=timezone.localdate())
    five = ArticleFactory(headline="Article five")
    five.councils.add(named)
    unrelated = ArticleFactory(headline="Unrelated")
    return {"named": named, "other": other, "five": five, "unrelated": unrelated}


def pages(site):
    return {
        "tracker": "/tracker/",
        "council": site["named"].get_absolute_url(),
        "article": site["five"].get_absolute_url(),
        "unrelated": site["unrelated"].get_absolute_url(),
        "articles": "/articles/",
        "comments API": "/api/comments/",
    }


def warm(site):
    for path in pages(site).values():
        Client().get(path)
        assert Client().get(path)["X-Page-Cache"] == "hit", path


def states(site):
    return {name: Client().get(path)["X-Page-Cache"] for name, path in pages(site).items()}


def test_a_held_comment_changes_nothing_public(site):
    warm(site)
    CommentFactory(article=site["five"], status=Comment.Status.PENDING)
    assert set(states(site).values()) == {"hit"}


def test_approving_a_comment_forgets_its_article_the_list_and_the_api_only(site):
    comment = CommentFactory(article=site["five"], status=Comment.Status.PENDING)
    warm(site)
    comment.status = Comment.Status.APPROVED
    comment.save()
    assert states(site) == {
        "tracker": "hit",
        "council": "hit",
        "article": "miss",
        "unrelated": "hit",
        "articles": "miss",
        "comments API": "miss",
    }


def test_a_status_change_forgets_the_articles_that_name_the_council_only(site):
    warm(site)
    council_set_status(council=site["named"], status=PilotStatus.CONSIDERING)
    found = states(site)
    assert found["tracker"] == found["council"] == found["article"] == "miss"
    assert found["unrelated"] == "hit"
    assert "considering" in Client().get(pages(site)["article"]).content.decode().lower()


def test_status_changes_of_councils_an_article_does_not_name_keep_the_article(site):
    """As in the bench's "article, councils changing": the article with its open comment form stays cached."""
    warm(site)
    for status in (PilotStatus.CONSIDERING, PilotStatus.SHORTLISTED, PilotStatus.CONSIDERING):
        council_set_status(council=site["other"], status=status, note="Bench", override=True)
        found = states(site)
        assert found["article"] == found["unrelated"] == "hit"
        assert found["tracker"] == "miss"


def test_a_bulk_update_that_names_no_row_forgets_every_article_naming_a_council(site):
    warm(site)
    Council.objects.filter(pk=site["other"].pk).update(short_name="Renamed")
    found = states(site)
    assert found["tracker"] == found["article"] == "miss"
    assert found["unrelated"] == "hit"  # names no council


def test_deleting_a_comment_forgets_its_article(site):
    comment = CommentFactory(article=site["five"])
    warm(site)
    comment.delete()
    assert states(site)["article"] == "miss"
    assert states(site)["unrelated"] == "hit"
