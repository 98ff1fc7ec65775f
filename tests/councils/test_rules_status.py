"""Survivors of the councils/services.py mutation run, pinned: the admin's check of a move as
the admin calls it (no date: today; no override), default values, exact refusals,
and a correctable field."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from councils.choices import PilotStatus
from councils.services import StatusChangeRefused, council_set_status, status_change_correct, status_move_check
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


def test_a_loaders_override_needs_no_user():
    council = CouncilFactory(status=PilotStatus.WITHDRAWN)
    assert status_move_check(council=council, status=PilotStatus.PARTNER, override=True)[3] is False


def test_a_change_recorded_without_a_note_or_source_has_none(journalist):
    change = council_set_status(council=CouncilFactory(), status=PilotStatus.SHORTLISTED, by=journalist)
    change.refresh_from_db()
    assert (change.note, change.source_url, change.source_title) == ("", "", "")


def test_the_refusals_say_exactly_who_may_do_it(journalist):
    council = CouncilFactory(status=PilotStatus.WITHDRAWN)
    with pytest.raises(PermissionDenied) as refused:
        council_set_status(council=council, status=PilotStatus.PARTNER, by=journalist, override=True)
    assert str(refused.value) == "Only editors can override the status rules."
    change = council_set_status(council=CouncilFactory(), status=PilotStatus.SHORTLISTED, by=journalist)
    with pytest.raises(PermissionDenied) as refused:
        status_change_correct(change=change, by=journalist, reason="Typo", note="Changed")
    assert str(refused.value) == "Only editors can correct the status history."


def test_an_editor_can_correct_the_source_title(editor):
    change = council_set_status(council=CouncilFactory(), status=PilotStatus.SHORTLISTED, source_title="Old title")
    correction = status_change_correct(change=change, by=editor, reason="Typo", source_title="The letter")
    change.refresh_from_db()
    assert change.source_title == "The letter"
    assert correction.previous == {"source_title": "Old title"}
