"""Article pages: published only, sanitised body, dated corrections, "Your thoughts" at the foot."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.support.factories import ArticleFactory, CommentFactory, CorrectionFactory, CouncilFactory

pytestmark = pytest.mark.django_db


def test_list_shows_published_articles_newest_first(client, db):
    old = ArticleFactory(headline="Older story", published_at=timezone.now() - datetime.timedelta(days=3))
    new = ArticleFactory(headline="Newer story")
    ArticleFactory(headline="A draft", status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(headline="Tomorrow's story", published_at=timezone.now() + datetime.timedelta(days=1))

    html = client.get(reverse("articles:list")).content.decode()

    assert html.index(new.headline) < html.index(old.headline)
    assert "A draft" not in html
    assert "Tomorrow" not in html


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.DRAFT, "published_at": timezone.now() - datetime.timedelta(days=1)},
        {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + datetime.timedelta(hours=2)},
    ],
    ids=["draft", "draft-with-date", "scheduled"],
)
def test_drafts_and_scheduled_articles_are_404(client, kwargs):
    article = ArticleFactory(**kwargs)
    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert article.headline not in response.content.decode()


def test_unknown_article_is_404(client, db):
    assert client.get(reverse("articles:detail", kwargs={"slug": "no-such-story"})).status_code == 404


def test_article_page_shows_the_story_corrections_related_councils_and_your_thoughts(client, db):
    council = CouncilFactory(short_name="Herefordshire", slug="herefordshire")
    article = ArticleFactory(headline="Herefordshire declines", standfirst="It said no.")
    article.councils.add(council)
    CorrectionFactory(
        article=article,
        text="An earlier version gave the wrong date.",
        published_at=timezone.make_aware(datetime.datetime(2023, 5, 22, 10, 0)),
    )
    CommentFactory(article=article, display_name="A parent", body="Thank you for tracking this.", email="p@example.org")
    CommentFactory(article=article, display_name="Held back", status="pending")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<h1>Herefordshire declines</h1>" in html
    assert "It said no." in html
    assert 'id="corrections"' in html
    assert "22 May 2023" in html and "An earlier version gave the wrong date." in html
    assert 'href="/councils/herefordshire/"' in html
    assert "Your thoughts" in html and "Thank you for tracking this." in html
    assert "Held back" not in html
    assert "p@example.org" not in html


def test_article_body_is_sanitised_when_shown(client, db):
    article = ArticleFactory(body="<p>Fine</p>")
    # Even if unsafe HTML reached the database some other way, the page does not render it.
    Article.objects.filter(pk=article.pk).update(
        body='<p>Fine</p><script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a>'
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<p>Fine</p>" in html
    assert "alert(1)" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_seeded_article_page(client, seeded):
    response = client.get("/articles/twenty-councils-shortlisted-to-lead-70m-send-pilot/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Council declines DfE’s offer</h2>" in html
    assert 'property="og:type" content="article"' in html


def test_quotes_page(client, seeded):
    html = client.get(reverse("articles:quotes")).content.decode()
    assert "Claire Coutinho" in html and "potential to lead" in html


def test_article_list_counts_only_the_comments_readers_can_see(client):

    article = ArticleFactory(headline="Brighton and Hove decides")
    CommentFactory.create_batch(2, article=article, status="approved")
    CommentFactory(article=article, status="pending")
    CommentFactory(article=article, status="spam")
    quiet = ArticleFactory(headline="Nothing yet")

    page = client.get("/articles/").text

    assert "2 comments" in page
    assert f'href="{quiet.get_absolute_url()}#your-thoughts">Your thoughts' in page


def test_council_and_partnership_pages_link_each_quote_to_its_source_by_title(client, db):
    from tests.support.factories import CouncilFactory, PartnershipFactory, QuoteFactory

    council = CouncilFactory(short_name="Quoteshire", slug="quoteshire")
    partnership = PartnershipFactory(leads=[council])
    quote = QuoteFactory(source_url="https://news.example/quoteshire-cabinet", source_title="Cabinet papers, May 2023")
    quote.councils.add(council)
    link = (
        'Source: <a href="https://news.example/quoteshire-cabinet" class="quote__source">Cabinet papers, May 2023</a>'
    )
    for url in (council.get_absolute_url(), partnership.get_absolute_url(), "/articles/quotes/"):
        assert link in client.get(url).content.decode(), url
