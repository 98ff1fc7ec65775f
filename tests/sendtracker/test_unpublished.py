"""Nothing unpublished reaches a public surface: a draft and a scheduled article cited from quotes,
key figures, partnerships and timelines leave neither headline nor slug on any public page, feed or API list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from councils.choices import PilotStatus, ProgrammeNameOf
from councils.models import PartnershipMembership, ProgrammeEvent, ProgrammeName, StatusChange
from sendtracker.urls import SITEMAPS
from tests.support.factories import (
    ArticleFactory,
    ContractFactory,
    CouncilFactory,
    KeyFigureFactory,
    PartnershipFactory,
    ProgrammeFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://sendtracker.example"


def _unpublished_articles():
    draft = ArticleFactory(
        headline="Embargoed draft headline", slug="embargoed-draft-slug", status=Article.Status.DRAFT, published_at=None
    )
    scheduled = ArticleFactory(
        headline="Embargoed scheduled headline",
        slug="embargoed-scheduled-slug",
        published_at=timezone.now() + datetime.timedelta(days=2),
    )
    return draft, scheduled


def _cite_everywhere(article, council, partnership, programme, relative):
    url = article.get_absolute_url() if relative else SITE + article.get_absolute_url()
    source = {"source_url": url, "source_title": article.headline}
    QuoteFactory(article=article, source_url=url).councils.add(council)
    KeyFigureFactory(programme=programme, key="shortlisted" if relative else "named", **source)
    StatusChange.objects.create(
        council=council,
        from_status=PilotStatus.NOT_SHORTLISTED if relative else PilotStatus.SHORTLISTED,
        to_status=PilotStatus.SHORTLISTED if relative else PilotStatus.CONSIDERING,
        effective_on=datetime.date(2023, 5, 19 if relative else 20),
        note="Named by our reporting.",
        **source,
    )
    ContractFactory(source_url=url)
    ProgrammeEvent.objects.create(programme=programme, happened_on=datetime.date(2023, 6, 1), text="Event", **source)
    ProgrammeName.objects.create(
        programme=programme,
        of=ProgrammeNameOf.PARTNERSHIPS,
        name=f"change partnerships {relative}",
        replaced_on=datetime.date(2023, 10, 5 if relative else 6),
        **source,
    )
    article.councils.add(council)
    article.partnerships.add(partnership)


def _public_addresses(council, partnership):
    pages = [
        reverse("home"),
        reverse("councils:tracker"),
        reverse("councils:tracker-csv"),
        reverse("councils:tracker-embed"),
        council.get_absolute_url(),
        reverse("councils:feed", kwargs={"slug": council.slug}),
        reverse("councils:partnerships"),
        partnership.get_absolute_url(),
        reverse("councils:programme"),
        reverse("councils:contracts"),
        reverse("councils:changes"),
        reverse("councils:changes-feed"),
        reverse("councils:how-we-track"),
        reverse("articles:list"),
        reverse("articles:feed"),
        reverse("articles:quotes"),
        reverse("sitemap"),
        *(reverse("sitemap-section", kwargs={"section": section}) for section in SITEMAPS),
        reverse("robots"),
    ]
    api = [
        "api:council-list",
        "api:partnership-list",
        "api:statuschange-list",
        "api:contract-list",
        "api:keyfigure-list",
        "api:person-list",
        "api:quote-list",
        "api:article-list",
        "api:comment-list",
    ]
    pages += [reverse(name) for name in api]
    pages += [reverse(name) + "?format=csv" for name in api]
    pages += [reverse("api:council-detail", kwargs={"slug": council.slug})]
    pages += [reverse("api:partnership-detail", kwargs={"slug": partnership.slug})]
    return pages


def test_no_public_surface_names_a_draft_or_scheduled_article(client, settings):
    settings.SITE_URL = SITE
    council = CouncilFactory()
    programme = ProgrammeFactory()
    partnership = PartnershipFactory(programme=programme, leads=[council])
    draft, scheduled = _unpublished_articles()
    _cite_everywhere(draft, council, partnership, programme, relative=True)
    _cite_everywhere(scheduled, council, partnership, programme, relative=False)
    PartnershipMembership.objects.filter(partnership=partnership).update(source_url=draft.get_absolute_url())
    partnership.source_url = SITE + scheduled.get_absolute_url()
    partnership.save()
    published = ArticleFactory(headline="Published headline", slug="published-slug")
    QuoteFactory(article=published).councils.add(council)

    for address in _public_addresses(council, partnership):
        response = client.get(address)
        assert response.status_code == 200, address
        text = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        for word in ("Embargoed", "embargoed-draft-slug", "embargoed-scheduled-slug"):
            assert word not in text, f"{address} names {word}"
    assert "Published headline" in client.get(reverse("articles:quotes")).content.decode()


def test_an_article_once_published_is_cited_again(client):
    council = CouncilFactory()
    draft = ArticleFactory(headline="Soon public", slug="soon-public", status=Article.Status.DRAFT, published_at=None)
    QuoteFactory(article=draft).councils.add(council)
    assert "soon-public" not in client.get(reverse("articles:quotes")).content.decode()
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
    draft.save()
    assert "soon-public" in client.get(reverse("articles:quotes")).content.decode()
