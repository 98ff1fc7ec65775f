"""Facts carry their sources; money is typed as people write it; the ledger checks the figures it counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from councils.models import Contract, KeyFigure
from councils.money import MoneyField
from tests.support.admin_forms import submit_admin_form
from tests.support.factories import ContractFactory, KeyFigureFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

SOURCE = "https://www.contractsfinder.service.gov.uk/notice/123"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("typed", ["16000", "16,000", "£16,000", " £ 16,000.00 "])
def test_money_is_accepted_as_people_write_it(typed):
    assert MoneyField(max_digits=14, decimal_places=2).clean(typed) == Decimal("16000")


def test_a_contract_saves_with_a_value_typed_with_a_comma_and_a_pound_sign(journalist):
    response = submit_admin_form(
        client_for(journalist),
        reverse("admin:councils_contract_add"),
        "contract",
        {"role": "Safety valve financial adviser", "value": "£16,000", "source_url": SOURCE},
    )

    assert response.status_code == 302, response.content
    assert Contract.objects.get().value == Decimal("16000")


def test_a_contract_without_a_source_or_a_reason_is_refused(journalist):
    client = client_for(journalist)
    url = reverse("admin:councils_contract_add")

    refused = submit_admin_form(client, url, "contract", {"role": "Adviser", "value": "16,000"})
    assert refused.status_code == 200
    assert "No public source because" in refused.text
    assert not Contract.objects.exists()

    saved = submit_admin_form(
        client, url, "contract", {"role": "Adviser", "value": "16,000", "no_source_reason": "Told us by the DfE."}
    )
    assert saved.status_code == 302


@pytest.mark.parametrize("factory", [ContractFactory, KeyFigureFactory])
def test_key_figures_and_contracts_need_a_source_or_a_reason(factory):
    record = factory.build(programme=ProgrammeFactory(), source_url="", no_source_reason="")

    with pytest.raises(ValidationError) as refused:
        record.full_clean()

    assert "source_url" in refused.value.message_dict
    record.no_source_reason = "Given to us by the council."
    record.full_clean()


def test_identical_contracts_are_told_apart_by_reference_in_the_list(journalist):
    ContractFactory(reference="safety-valve-adviser-1", source_url=SOURCE)
    ContractFactory(reference="safety-valve-adviser-2", source_url=SOURCE)
    ContractFactory(reference="", source_url=SOURCE)

    page = client_for(journalist).get(reverse("admin:councils_contract_changelist")).text

    assert "safety-valve-adviser-1" in page and "safety-valve-adviser-2" in page
    assert "No reference (record" in page
    assert "ref. safety-valve-adviser-1" in str(Contract.objects.get(reference="safety-valve-adviser-1"))


def advisers(reported, recorded):
    KeyFigureFactory(
        key="financial-advisers",
        label="safety valve financial advisers contracted",
        value=Decimal(reported),
        unit="contracts",
        ledger_role="Safety valve financial adviser",
        reported_on=datetime.date(2023, 5, 19),
    )
    for number in range(recorded):
        ContractFactory(reference=f"adviser-{number}", source_url=SOURCE)


def test_the_admin_flags_a_key_figure_that_disagrees_with_its_ledger_naming_both_numbers(journalist):
    advisers(reported=6, recorded=7)
    client = client_for(journalist)

    for url in (reverse("admin:councils_contract_changelist"), reverse("admin:councils_keyfigure_changelist")):
        page = client.get(url).text
        assert "6 reported, 7 recorded in the contracts ledger (Safety valve financial adviser)" in page


def test_the_public_contracts_page_flags_the_disagreement():
    advisers(reported=6, recorded=7)

    page = Client().get(reverse("councils:contracts")).text

    assert "disagree" in page
    assert "Safety valve financial advisers contracted: 6 reported, 7 recorded" in page


def test_a_figure_that_agrees_with_its_ledger_is_not_flagged():
    advisers(reported=6, recorded=6)

    assert KeyFigure.objects.ledger_disagreements() == []
    assert "disagree" not in Client().get(reverse("councils:contracts")).text
