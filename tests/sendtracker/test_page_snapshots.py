"""The public pages' HTML, byte for byte, against snapshots saved in tests/snapshots/.

They pin what readers get while the pages' rendering changes underneath (issue 15 moved
the tracker and council pages to a faster renderer): any difference in markup, text,
attributes or whitespace fails with a diff. Only what genuinely varies between runs is
normalised: the CSRF token and the comment form's signed token, times recorded "now" by
the loaders (today's date and time), and database ids (they differ between SQLite and
PostgreSQL and after a test that empties the tables).

When a change to a page is intended, write the snapshots again with
``UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/sendtracker/test_page_snapshots.py`` and commit
them on their own, saying why the HTML changed.
"""

import difflib
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from tests.support.factories import CommentFactory

pytestmark = pytest.mark.django_db

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"

PAGES = {
    "tracker": "/tracker/",
    "tracker-as-of-sorted": "/tracker/?as_of=2023-09-01&ordering=-status",
    "tracker-filtered": "/tracker/?status=confirmed_lead&status=partner&region=South+East&ordering=region",
    "tracker-all-searched": "/tracker/?scope=all&q=shire&in_safety_valve=false&ordering=-population",
    "tracker-invalid": "/tracker/?status=bogus&as_of=1999-01-01",
    "tracker-embed": "/embed/tracker/?ordering=-updated",
    "council": "/councils/herefordshire/",
    "council-as-of": "/councils/herefordshire/?as_of=2023-09-01",
    "council-partner": "/councils/brighton-and-hove/",
}


def normalise(html):
    """The page with what varies between runs replaced by placeholders."""
    today = timezone.localdate()
    # Tokens issued for each response.
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1[csrf]", html)
    html = re.sub(r'(name="started" value=")[^"]+', r"\1[form-token]", html)
    # Times the loaders recorded as "now".
    html = re.sub(rf"{today:%Y-%m-%d}T\d\d:\d\d:\d\d[+-]\d{{4}}", "[now]", html)
    html = re.sub(rf"{today.day} {today:%B %Y}, \d\d:\d\d", "[today], [time]", html)
    html = re.sub(rf"{today.day} {today:%B %Y}", "[today]", html)
    html = re.sub(rf"{today.day} {today:%b %Y}", "[today]", html)
    # Database ids.
    html = re.sub(r"\b(change|quote|comment)-(\d+)\b", r"\1-[id]", html)
    html = re.sub(r'(name="followed" value=")\d+', r"\1[id]", html)
    html = re.sub(r"(reply_to=)\d+", r"\1[id]", html)
    html = re.sub(r"(/articles/comments/)\d+/", r"\1[id]/", html)
    return html


def check(name, response):
    html = normalise(response.content.decode())
    path = SNAPSHOTS / f"{name}.html"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(html)
        return
    assert path.exists(), f"No snapshot {path}: write it with UPDATE_SNAPSHOTS=1"
    expected = path.read_text()
    if html != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), html.splitlines(keepends=True), "snapshot", "rendered", n=2
            )
        )
        pytest.fail(f"{name} differs from tests/snapshots/{name}.html:\n{diff[:6000]}")


@pytest.fixture
def story(seeded):
    """The 153 councils, the seed story and everything since (partnerships, renames, events)."""
    call_command("load_story_updates", verbosity=0)


@pytest.mark.parametrize("name", PAGES)
def test_public_page_is_unchanged(client, story, name):
    response = client.get(PAGES[name])
    assert response.status_code == (400 if name == "tracker-invalid" else 200)
    check(name, response)


def test_article_page_with_comments_is_unchanged(client, story):
    article = Article.objects.published().order_by("published_at").first()
    parent = CommentFactory(article=article, display_name="Sam", body="We waited 40 weeks for a plan.")
    CommentFactory(article=article, parent=parent, display_name="Alex", body="Ours took a year.\n\nThen a tribunal.")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    check("article", response)
