"""Migration 0009: each recorded leaving is linked to the membership it ended, where that is certain."""

import datetime

import pytest

from tests.councils.test_migrations import migrate, migrate_to_latest

BEFORE = [("councils", "0008_last_updated_indexes")]
AFTER = [("councils", "0009_partnership_event_membership")]
MARCH = datetime.date(2024, 3, 1)


@pytest.fixture
def leavings(transactional_db):
    """Councils' leavings recorded before entries named their membership."""
    apps = migrate(BEFORE)
    try:
        Council = apps.get_model("councils", "Council")
        Membership = apps.get_model("councils", "PartnershipMembership")
        Event = apps.get_model("councils", "PartnershipEvent")
        programme = apps.get_model("councils", "Programme").objects.create(
            name="SEND and AP change programme", slug="programme", budget=70_000_000, max_partnerships=9
        )
        partnership = apps.get_model("councils", "Partnership").objects.create(
            programme=programme, name="North partnership", slug="north"
        )

        def council(code, name, gss):
            return Council.objects.create(
                code=code, name=f"{name} Council", short_name=name, slug=name.lower(), gss_code=gss,
                region="North West", council_type="UA",
            )  # fmt: skip

        def left(council, joined_on, note):
            membership = Membership.objects.create(
                partnership=partnership, council=council, role="partner", joined_on=joined_on, left_on=MARCH,
                left_note=note,
            )  # fmt: skip
            event = Event.objects.create(
                kind="member_left", partnership=partnership, partnership_name=partnership.name,
                council_name=council.short_name, effective_on=MARCH, note=note,
            )  # fmt: skip
            event.councils.set([council])
            return membership.pk, event.pk

        twice, once = council("WIR", "Wirral", "E08000015"), council("HAL", "Halton", "E06000006")
        first = left(twice, datetime.date(2023, 8, 1), "Left after the vote.")
        second = left(twice, MARCH, "Left again the same afternoon.")
        only = left(once, datetime.date(2023, 8, 1), "Left.")
        # A leaving whose entry was never recorded: its council's other entry that day cannot be told apart.
        unsure_council = council("BLP", "Blackpool", "E06000009")
        unsure = left(unsure_council, datetime.date(2023, 8, 1), "Left.")
        Membership.objects.create(
            partnership=partnership, council=unsure_council, role="partner", joined_on=MARCH, left_on=MARCH
        )
        yield {"first": first, "second": second, "only": only, "unsure": unsure}
    finally:
        migrate_to_latest()


def test_each_leaving_is_linked_to_the_membership_it_ended_in_the_order_they_happened(leavings):
    apps = migrate(AFTER)

    links = dict(apps.get_model("councils", "PartnershipEvent").objects.values_list("pk", "membership_id"))
    for membership, event in (leavings["first"], leavings["second"], leavings["only"]):
        assert links[event] == membership
    unsure_membership, unsure_event = leavings["unsure"]
    assert links[unsure_event] is None  # two memberships ended that day, one entry: left unlinked
