"""Pickers that help: exact and prefix matches first, the only choice preselected, mistakes deletable by editors."""

import pytest
from django.test import Client
from django.urls import reverse

from councils.models import Partnership, PartnershipMembership
from tests.support.factories import ArticleFactory, CouncilFactory, PartnershipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def autocomplete(client, model_name, field_name, term, app_label="councils"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_searching_councils_for_york_ranks_york_first(journalist):
    for name in ("East Riding of Yorkshire", "North Yorkshire", "York", "Yorkton"):
        CouncilFactory(short_name=name)

    found = autocomplete(client_for(journalist), "partnershipmembership", "council", "York")

    assert found[0] == "York"
    assert found[1] == "Yorkton"
    assert set(found[2:]) == {"East Riding of Yorkshire", "North Yorkshire"}


def test_article_autocomplete_puts_the_exact_headline_first(journalist):
    ArticleFactory(headline="Why Herefordshire said yes")
    ArticleFactory(headline="Herefordshire")

    found = autocomplete(client_for(journalist), "quote", "article", "Herefordshire", app_label="articles")

    assert found[0] == "Herefordshire"


def test_the_only_programme_is_preselected(journalist):
    programme = ProgrammeFactory()

    for url in (reverse("admin:councils_partnership_add"), reverse("admin:councils_contract_add")):
        page = client_for(journalist).get(url).text
        assert f'<option value="{programme.pk}" selected>' in page


def test_journalists_cannot_delete_a_membership_but_editors_can(journalist, editor):
    partnership = PartnershipFactory(leads=[CouncilFactory()])
    url = reverse("admin:councils_partnership_change", args=[partnership.pk])

    assert 'name="memberships-0-DELETE"' not in client_for(journalist).get(url).text
    assert 'name="memberships-0-DELETE"' in client_for(editor).get(url).text


def test_an_editor_deletes_a_mistaken_partnership_and_its_memberships(editor):
    partnership = PartnershipFactory(leads=[CouncilFactory()], partners=[CouncilFactory()])

    response = client_for(editor).post(
        reverse("admin:councils_partnership_delete", args=[partnership.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Partnership.objects.filter(pk=partnership.pk).exists()
    assert not PartnershipMembership.objects.exists()
