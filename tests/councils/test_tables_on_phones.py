"""Tables that fit a phone: each row of the tracker, changes, contracts and partnership tables
becomes a card whose fields carry their column's name (``data-label``, shown by site.css below 48rem)."""

import re

import pytest
from django.urls import reverse

from councils.choices import MembershipRole, PilotStatus
from councils.models import PartnershipMembership
from councils.services import council_set_status
from tests.support.factories import ContractFactory, CouncilFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    council = CouncilFactory(short_name="Alphaton")
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, note="Named.")
    partnership = PartnershipFactory()
    PartnershipMembership.objects.create(partnership=partnership, council=council, role=MembershipRole.LEAD)
    ContractFactory()
    return {"partnership": partnership}


PAGES = {
    "tracker": lambda world: reverse("councils:tracker"),
    "changes": lambda world: reverse("councils:changes"),
    "contracts": lambda world: reverse("councils:contracts"),
    "partnerships": lambda world: reverse("councils:partnerships"),
    "partnership": lambda world: world["partnership"].get_absolute_url(),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_cell_of_a_page_s_main_table_is_labelled_for_its_card(client, world, page):
    html = client.get(PAGES[page](world)).content.decode()

    tables = re.findall(
        r'<div class="table-scroll table-scroll--stacks".*?<table class="[^"]*stack-table.*?</table>', html, re.S
    )
    assert tables, page
    for table in tables:
        body = table.split("<tbody>", 1)[1]
        cells = re.findall(r"<td[^>]*>", body)
        assert cells, page
        assert all("data-label=" in cell for cell in cells), (page, [c for c in cells if "data-label" not in c])
