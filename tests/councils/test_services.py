"""council_set_status: the one door for status changes."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from councils.choices import PilotStatus
from councils.models import Council, StatusChange
from councils.services import StatusChangeRefused, council_set_status, status_change_correct
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 5, 19)


def test_records_the_change_and_moves_the_council(journalist):
    council = CouncilFactory()

    change = council_set_status(
        council=council,
        status=PilotStatus.SHORTLISTED,
        effective_on=DAY,
        note="Named on the shortlist.",
        source_url="https://example.org/story",
        by=journalist,
    )

    council.refresh_from_db()
    assert (council.status, council.status_effective_on) == (PilotStatus.SHORTLISTED, DAY)
    assert (change.from_status, change.to_status, change.recorded_by) == (
        PilotStatus.NOT_SHORTLISTED,
        PilotStatus.SHORTLISTED,
        journalist,
    )
    assert change.note == "Named on the shortlist."


def test_refuses_a_move_the_rules_forbid_with_a_clear_message(journalist):
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=journalist)
    council_set_status(council=council, status=PilotStatus.DECLINED, effective_on=DAY, by=journalist)

    with pytest.raises(StatusChangeRefused) as refused:
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=journalist)

    assert "cannot move from “Declined” to “Shortlisted”" in str(refused.value)
    assert StatusChange.objects.filter(council=council).count() == 2
    council.refresh_from_db()
    assert council.status == PilotStatus.DECLINED


def test_only_an_editor_can_override_the_rules(journalist, editor):
    council = CouncilFactory(status=PilotStatus.DECLINED)

    with pytest.raises(PermissionDenied):
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, by=journalist, override=True)

    change = council_set_status(council=council, status=PilotStatus.SHORTLISTED, by=editor, override=True)
    assert change.overridden is True


def test_refuses_unchanged_future_and_out_of_order_dates(journalist):
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=journalist)

    with pytest.raises(StatusChangeRefused, match="already"):
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, by=journalist)
    with pytest.raises(StatusChangeRefused, match="future"):
        council_set_status(
            council=council,
            status=PilotStatus.CONSIDERING,
            effective_on=datetime.date.today() + datetime.timedelta(days=2),
            by=journalist,
        )
    with pytest.raises(StatusChangeRefused, match="cannot be before 19 May 2023"):
        council_set_status(
            council=council, status=PilotStatus.CONSIDERING, effective_on=datetime.date(2023, 5, 1), by=journalist
        )
    assert StatusChange.objects.filter(council=council).count() == 1


def test_bad_source_url_is_refused_and_nothing_is_saved(journalist):
    council = CouncilFactory()

    with pytest.raises(ValidationError) as error:
        council_set_status(council=council, status=PilotStatus.SHORTLISTED, source_url="not a url", by=journalist)

    assert "source_url" in error.value.message_dict
    assert not StatusChange.objects.exists()
    council.refresh_from_db()
    assert council.status == PilotStatus.NOT_SHORTLISTED


def test_editor_correction_keeps_the_original(journalist, editor):
    council = CouncilFactory()
    change = council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, note="Typo")

    with pytest.raises(PermissionDenied):
        status_change_correct(change=change, by=journalist, reason="fix", note="Fixed")

    correction = status_change_correct(change=change, by=editor, reason="Spelling", note="Fixed")

    change.refresh_from_db()
    assert change.note == "Fixed"
    assert correction.previous == {"note": "Typo"}
    assert correction.corrected_by == editor


def test_as_of_rebuilds_status_from_history():
    council = CouncilFactory()
    council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=datetime.date(2023, 5, 1))
    council_set_status(council=council, status=PilotStatus.DECLINED, effective_on=datetime.date(2023, 6, 1))

    def status_on(day):
        return Council.objects.as_of(day).get(pk=council.pk).status_as_of

    assert status_on(datetime.date(2023, 4, 30)) == PilotStatus.NOT_SHORTLISTED
    assert status_on(datetime.date(2023, 5, 1)) == PilotStatus.SHORTLISTED
    assert status_on(datetime.date(2023, 5, 31)) == PilotStatus.SHORTLISTED
    assert status_on(datetime.date(2023, 6, 1)) == PilotStatus.DECLINED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs this")
def test_two_journalists_saving_at_once_lose_neither_change(editor):
    # An editor's override lets both moves stand in either order, so the test is about locking alone.
    council = CouncilFactory(status=PilotStatus.SHORTLISTED)
    barrier = threading.Barrier(2)
    errors = []

    def record(status):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            council_set_status(council=Council.objects.get(pk=council.pk), status=status, by=editor, override=True)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=record, args=(s,)) for s in (PilotStatus.CONSIDERING, PilotStatus.DECLINED)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    changes = list(StatusChange.objects.filter(council=council).order_by("recorded_at", "pk"))
    council.refresh_from_db()
    # Both were recorded, each from the status the other left, and the council ends on the last one.
    assert errors == []
    assert len(changes) == 2
    assert changes[0].from_status == PilotStatus.SHORTLISTED
    for earlier, later in zip(changes, changes[1:], strict=False):
        assert later.from_status == earlier.to_status
    assert council.status == changes[-1].to_status
