"""The admin's check of a move before anything is saved (councils/admin/status.py), as the
admin calls it: with no date, which means today."""

import pytest
from django.utils import timezone

from councils.choices import PilotStatus
from councils.services import StatusChangeRefused, status_move_check
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db


def test_a_move_checked_without_a_date_is_checked_for_today(journalist):
    council = CouncilFactory(status=PilotStatus.NOT_SHORTLISTED)
    assert status_move_check(council=council, status=PilotStatus.SHORTLISTED, by=journalist) == (
        PilotStatus.NOT_SHORTLISTED,
        PilotStatus.SHORTLISTED,
        timezone.localdate(),
        True,
    )


def test_a_refused_move_checked_without_a_date_gives_the_refusal(journalist):
    council = CouncilFactory(short_name="Testshire", status=PilotStatus.WITHDRAWN)
    with pytest.raises(StatusChangeRefused) as refused:
        status_move_check(council=council, status=PilotStatus.PARTNER, by=journalist)
    assert refused.value.messages == [
        "Testshire cannot move from “Withdrawn” to “Partner council”. "
        "An editor can override this if the reporting supports it."
    ]
