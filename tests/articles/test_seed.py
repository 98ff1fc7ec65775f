"""load_seed_story: the seed article's facts, loaded once however often it runs."""

import pytest
from django.core.management import call_command

from articles.models import Article, Person, Quote
from councils.choices import PilotStatus
from councils.models import Contract, Council, KeyFigure, Programme, StatusChange

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Person, Quote, Contract, KeyFigure, Programme, StatusChange, Council)
    }


def test_seed_story_facts(seeded):
    hereford = Council.objects.get(slug="herefordshire")
    brighton = Council.objects.get(slug="brighton-and-hove")
    assert hereford.status == PilotStatus.DECLINED
    assert hereford.ofsted_judgement == "inadequate"
    assert brighton.status == PilotStatus.CONSIDERING
    assert list(hereford.status_changes.order_by("recorded_at").values_list("to_status", flat=True)) == [
        "shortlisted",
        "declined",
    ]
    assert "small authority in terms of staff" in hereford.quotes.get().text

    programme = Programme.objects.get()
    assert (programme.budget, programme.max_partnerships) == (70_000_000, 9)
    figures = dict(KeyFigure.objects.values_list("key", "value"))
    assert figures["shortlisted"] == 20
    assert (figures["good-or-outstanding"], figures["requires-improvement"], figures["inadequate"]) == (15, 4, 1)
    assert figures["reinspected-sufficient-progress"] == 3

    advisers = Contract.objects.filter(role="Safety valve financial adviser")
    assert advisers.count() == 6
    assert advisers.total() == 96_000
    assert set(Person.objects.values_list("name", flat=True)) >= {"Claire Coutinho", "Rachel de Souza"}

    article = Article.objects.published().get()
    assert article.comment_moderation == Article.Moderation.PRE
    assert "Herefordshire" in article.body


def test_loading_twice_duplicates_nothing(seeded):
    before = counts()

    call_command("load_seed_story", verbosity=0)
    call_command("import_councils", verbosity=0)

    assert counts() == before


def test_seed_article_is_open_for_your_thoughts(seeded, client):
    article = Article.objects.get()

    response = client.get(article.get_absolute_url())

    assert "Your thoughts" in response.text
    assert "closed" not in response.text.lower()
    assert 'name="body"' in response.text
