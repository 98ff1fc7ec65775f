"""Migrations 0002 and 0003 keep what an existing database holds: each council's care board
becomes its main care board, and each partnership's lead_council becomes a lead membership."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("councils", "0001_initial")]
AFTER = [("councils", "0003_memberships")]


def migrate(targets):
    """Migrate the test database to ``targets`` and return the models as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_world(transactional_db):
    """A database in the 0001 layout: councils with an ICB, a partnership with a lead_council and a partner."""
    apps = migrate(BEFORE)
    try:
        icb = apps.get_model("councils", "IntegratedCareBoard").objects.create(
            name="NHS Shropshire, Telford and Wrekin ICB", slug="stw", code="E54000011"
        )
        Council = apps.get_model("councils", "Council")

        def council(code, name, gss, board=None):
            return Council.objects.create(
                code=code,
                name=f"{name} Council",
                short_name=name,
                slug=name.lower().replace(" ", "-"),
                gss_code=gss,
                region="West Midlands",
                council_type="UA",
                icb=board,
            )

        lead = council("TFW", "Telford and Wrekin", "E06000020", icb)
        partner = council("SHR", "Shropshire", "E06000051", icb)
        unknown = council("HEF", "Herefordshire", "E06000019")
        programme = apps.get_model("councils", "Programme").objects.create(
            name="SEND and AP change programme", slug="programme", budget=70_000_000, max_partnerships=9
        )
        Partnership = apps.get_model("councils", "Partnership")
        Membership = apps.get_model("councils", "PartnershipMembership")
        partnership = Partnership.objects.create(
            programme=programme,
            name="West Midlands partnership",
            slug="west-midlands",
            lead_council=lead,
            source_url="https://example.org/wm",
        )
        Membership.objects.create(
            partnership=partnership, council=partner, role="partner", joined_on=datetime.date(2023, 8, 23)
        )
        # A lead already listed as a member (as some tests and journalists did) is not duplicated.
        listed = Partnership.objects.create(
            programme=programme, name="Listed lead partnership", slug="listed", lead_council=unknown
        )
        Membership.objects.create(partnership=listed, council=unknown, role="partner")
        yield {"lead": lead.pk, "partner": partner.pk, "unknown": unknown.pk, "icb": icb.pk}
    finally:
        migrate_to_latest()


def test_lead_councils_become_lead_memberships_and_members_are_unchanged(old_world):
    apps = migrate(AFTER)

    Membership = apps.get_model("councils", "PartnershipMembership")
    memberships = {
        (m.partnership.slug, m.council_id): (m.role, m.joined_on, m.left_on, m.source_url)
        for m in Membership.objects.select_related("partnership")
    }
    assert memberships == {
        ("west-midlands", old_world["lead"]): ("lead", None, None, "https://example.org/wm"),
        ("west-midlands", old_world["partner"]): ("partner", datetime.date(2023, 8, 23), None, ""),
        ("listed", old_world["unknown"]): ("lead", None, None, ""),
    }
    assert "lead_council" not in {field.name for field in apps.get_model("councils", "Partnership")._meta.fields}


def test_each_councils_care_board_becomes_its_main_care_board(old_world):
    apps = migrate(AFTER)

    links = apps.get_model("councils", "CouncilCareBoard").objects.order_by("council_id")
    assert [(link.council_id, link.care_board_id, link.position) for link in links] == [
        (old_world["lead"], old_world["icb"], 0),
        (old_world["partner"], old_world["icb"], 0),
    ]


def test_migrating_back_restores_lead_council_and_icb(old_world):
    migrate(AFTER)

    apps = migrate(BEFORE)

    Partnership = apps.get_model("councils", "Partnership")
    assert Partnership.objects.get(slug="west-midlands").lead_council_id == old_world["lead"]
    Council = apps.get_model("councils", "Council")
    assert Council.objects.get(pk=old_world["partner"]).icb_id == old_world["icb"]
    assert Council.objects.get(pk=old_world["unknown"]).icb_id is None
