"""Each status rule pinned: the whole move matrix, every date boundary, and what a correction changes.

The matrix below is written out again on purpose, as an editor would read it: a test that
read councils.choices.ALLOWED_TRANSITIONS could not notice an entry dropped from it.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from councils.choices import IN_PILOT_STATUSES, PilotStatus
from councils.models import Council, StatusChange, StatusChangeCorrection
from councils.services import StatusChangeRefused, council_set_status, status_change_correct
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db

S = PilotStatus
ALLOWED = {
    S.NOT_SHORTLISTED: {S.SHORTLISTED, S.CONFIRMED_LEAD, S.PARTNER},
    S.SHORTLISTED: {S.CONSIDERING, S.EOI_SUBMITTED, S.DECLINED, S.CONFIRMED_LEAD, S.PARTNER, S.WITHDRAWN},
    S.CONSIDERING: {S.EOI_SUBMITTED, S.DECLINED, S.CONFIRMED_LEAD, S.PARTNER, S.WITHDRAWN},
    S.EOI_SUBMITTED: {S.CONFIRMED_LEAD, S.DECLINED, S.PARTNER, S.WITHDRAWN},
    S.DECLINED: {S.PARTNER},
    S.CONFIRMED_LEAD: {S.WITHDRAWN},
    S.PARTNER: {S.WITHDRAWN},
    S.WITHDRAWN: set(),
}
# What readers see on the pages and API users read: the stored value and its label.
NAMES = {
    "not_shortlisted": "Not shortlisted",
    "shortlisted": "Shortlisted",
    "considering": "Considering",
    "eoi_submitted": "Expression of interest submitted",
    "declined": "Declined",
    "confirmed_lead": "Confirmed as lead",
    "partner": "Partner council",
    "withdrawn": "Withdrawn",
}
MOVES = [(before, after) for before in S for after in S if before != after]
DAY = datetime.date(2023, 5, 19)


def today():
    return timezone.localdate()


@pytest.mark.parametrize(("before", "after"), MOVES, ids=[f"{b.value}->{a.value}" for b, a in MOVES])
def test_every_move_in_the_matrix(journalist, before, after):
    council = CouncilFactory(short_name="Testshire", status=before, status_effective_on=DAY)
    if after in ALLOWED[before]:
        change = council_set_status(council=council, status=after, effective_on=DAY, by=journalist)
        assert change.overridden is False
        council.refresh_from_db()
        assert council.status == after
        return
    with pytest.raises(StatusChangeRefused) as refused:
        council_set_status(council=council, status=after, effective_on=DAY, by=journalist)
    assert refused.value.messages == [
        f"Testshire cannot move from “{NAMES[before]}” to “{NAMES[after]}”. "
        "An editor can override this if the reporting supports it."
    ]
    assert refused.value.code == "transition"
    assert not StatusChange.objects.filter(council=council).exists()
    council.refresh_from_db()
    assert council.status == before


def test_the_statuses_readers_and_api_users_see():
    assert dict(S.choices) == NAMES
    assert [status.value for status in IN_PILOT_STATUSES] == [name for name in NAMES if name != "not_shortlisted"]


@pytest.mark.parametrize("status", list(S))
def test_a_move_to_the_same_status_is_refused(journalist, status):
    council = CouncilFactory(short_name="Testshire", status=status)
    with pytest.raises(StatusChangeRefused) as refused:
        council_set_status(council=council, status=status, by=journalist)
    assert refused.value.messages == [f"Testshire is already “{NAMES[status]}”."]


def test_an_editors_override_is_recorded_and_a_journalists_is_refused(journalist, editor):
    council = CouncilFactory(status=S.WITHDRAWN)
    with pytest.raises(PermissionDenied, match="Only editors can override the status rules."):
        council_set_status(council=council, status=S.PARTNER, by=journalist, override=True)
    assert council_set_status(council=council, status=S.PARTNER, by=editor, override=True).overridden is True
    # An allowed move is never marked as overridden, even when the editor ticked the box.
    assert council_set_status(council=council, status=S.WITHDRAWN, by=editor, override=True).overridden is False


def test_a_loader_with_no_user_may_override():
    council = CouncilFactory(status=S.DECLINED)
    change = council_set_status(council=council, status=S.SHORTLISTED, override=True)
    assert change.overridden is True
    assert change.recorded_by is None


# Dates of a new change.


def test_the_effective_date_may_be_today_but_not_tomorrow(journalist):
    council = CouncilFactory()
    with pytest.raises(StatusChangeRefused) as refused:
        council_set_status(
            council=council, status=S.SHORTLISTED, effective_on=today() + datetime.timedelta(days=1), by=journalist
        )
    assert refused.value.message_dict == {"effective_on": ["The effective date cannot be in the future."]}
    change = council_set_status(council=council, status=S.SHORTLISTED, effective_on=today(), by=journalist)
    assert change.effective_on == today()


def test_no_effective_date_means_today(journalist):
    council = CouncilFactory()
    change = council_set_status(council=council, status=S.SHORTLISTED, by=journalist)
    council.refresh_from_db()
    assert change.effective_on == council.status_effective_on == today()


def test_the_effective_date_may_equal_the_current_status_date_but_not_precede_it(journalist):
    council = CouncilFactory(short_name="Testshire", status=S.SHORTLISTED, status_effective_on=DAY)
    with pytest.raises(StatusChangeRefused) as refused:
        council_set_status(
            council=council, status=S.CONSIDERING, effective_on=DAY - datetime.timedelta(days=1), by=journalist
        )
    assert refused.value.message_dict == {
        "effective_on": ["The effective date cannot be before 19 May 2023, when Testshire became “Shortlisted”."]
    }
    council_set_status(council=council, status=S.CONSIDERING, effective_on=DAY, by=journalist)
    council.refresh_from_db()
    assert (council.status, council.status_effective_on) == (S.CONSIDERING, DAY)


def test_a_council_with_no_status_date_takes_any_past_date(journalist):
    council = CouncilFactory(status_effective_on=None)
    council_set_status(council=council, status=S.SHORTLISTED, effective_on=datetime.date(2001, 1, 1), by=journalist)
    council.refresh_from_db()
    assert council.status_effective_on == datetime.date(2001, 1, 1)


# Side effects of a change: what the API's Last-Modified and the caller's object show.


def test_a_change_moves_updated_at_and_the_callers_object(journalist):
    council = CouncilFactory()
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Council.objects.filter(pk=council.pk).update(updated_at=long_ago)
    council.refresh_from_db()

    council_set_status(council=council, status=S.SHORTLISTED, effective_on=DAY, by=journalist)

    stored = Council.objects.get(pk=council.pk)
    assert stored.updated_at > long_ago + datetime.timedelta(days=29)
    # The object the caller passed shows what was saved, down to updated_at (the API's Last-Modified).
    assert (council.status, council.status_effective_on, council.updated_at) == (
        stored.status,
        stored.status_effective_on,
        stored.updated_at,
    )


# Corrections.


@pytest.fixture
def history(journalist):
    """A council shortlisted on 1 May, considering on 19 May and declined on 1 June 2023."""
    council = CouncilFactory(short_name="Testshire")
    changes = [
        council_set_status(council=council, status=status, effective_on=day, by=journalist)
        for status, day in (
            (S.SHORTLISTED, datetime.date(2023, 5, 1)),
            (S.CONSIDERING, DAY),
            (S.DECLINED, datetime.date(2023, 6, 1)),
        )
    ]
    return council, changes


def test_a_correction_may_reach_the_previous_changes_date_but_not_before(editor, history):
    _council, (_first, middle, _last) = history
    with pytest.raises(ValidationError) as refused:
        status_change_correct(change=middle, by=editor, reason="Wrong day", effective_on=datetime.date(2023, 4, 30))
    assert refused.value.message_dict == {
        "effective_on": ["The date cannot be before the previous change (1 May 2023)."]
    }
    status_change_correct(change=middle, by=editor, reason="Wrong day", effective_on=datetime.date(2023, 5, 1))
    middle.refresh_from_db()
    assert middle.effective_on == datetime.date(2023, 5, 1)


def test_a_correction_may_reach_the_next_changes_date_but_not_after(editor, history):
    _council, (_first, middle, _last) = history
    with pytest.raises(ValidationError) as refused:
        status_change_correct(change=middle, by=editor, reason="Wrong day", effective_on=datetime.date(2023, 6, 2))
    assert refused.value.message_dict == {"effective_on": ["The date cannot be after the next change (1 June 2023)."]}
    middle.refresh_from_db()
    assert middle.effective_on == DAY
    status_change_correct(change=middle, by=editor, reason="Wrong day", effective_on=datetime.date(2023, 6, 1))
    middle.refresh_from_db()
    assert middle.effective_on == datetime.date(2023, 6, 1)


def test_a_corrected_date_may_be_today_but_not_tomorrow(editor, history):
    council, (_first, _middle, last) = history
    with pytest.raises(ValidationError) as refused:
        status_change_correct(
            change=last, by=editor, reason="Wrong day", effective_on=today() + datetime.timedelta(days=1)
        )
    assert refused.value.message_dict == {"effective_on": ["The effective date cannot be in the future."]}
    status_change_correct(change=last, by=editor, reason="Wrong day", effective_on=today())
    council.refresh_from_db()
    assert council.status_effective_on == today()


def test_correcting_the_latest_date_moves_the_councils_date_and_updated_at(editor, history):
    council, (_first, _middle, last) = history
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Council.objects.filter(pk=council.pk).update(updated_at=long_ago)

    correction = status_change_correct(
        change=last, by=editor, reason="The letter was dated 2 June", effective_on=datetime.date(2023, 6, 2)
    )

    council.refresh_from_db()
    assert council.status_effective_on == datetime.date(2023, 6, 2)
    assert council.updated_at > long_ago + datetime.timedelta(days=29)
    assert correction.previous == {"effective_on": "2023-06-01"}
    assert (correction.corrected_by, correction.reason) == (editor, "The letter was dated 2 June")


def test_correcting_an_earlier_date_leaves_the_councils_date(editor, history):
    council, (_first, middle, _last) = history
    status_change_correct(change=middle, by=editor, reason="Wrong day", effective_on=datetime.date(2023, 5, 20))
    council.refresh_from_db()
    assert (council.status, council.status_effective_on) == (S.DECLINED, datetime.date(2023, 6, 1))


def test_correcting_only_the_note_leaves_the_councils_date(editor, history):
    council, (_first, _middle, last) = history
    Council.objects.filter(pk=council.pk).update(status_effective_on=datetime.date(2023, 6, 3))
    status_change_correct(change=last, by=editor, reason="Typo", note="Declined by letter")
    council.refresh_from_db()
    assert council.status_effective_on == datetime.date(2023, 6, 3)


def test_only_editors_correct(journalist, history):
    _council, (_first, _middle, last) = history
    for user in (journalist, None):
        with pytest.raises(PermissionDenied, match="Only editors can correct the status history."):
            status_change_correct(change=last, by=user, reason="Typo", note="Changed")
    last.refresh_from_db()
    assert last.note == ""


def test_a_correction_cannot_rewrite_the_move_itself(editor, history):
    _council, (_first, _middle, last) = history
    with pytest.raises(ValidationError) as refused:
        status_change_correct(change=last, by=editor, reason="Wrong", to_status=S.PARTNER, from_status=S.SHORTLISTED)
    assert refused.value.messages == ["These fields cannot be corrected: from_status, to_status."]
    last.refresh_from_db()
    assert (last.from_status, last.to_status) == (S.CONSIDERING, S.DECLINED)
    assert not StatusChangeCorrection.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_needs_a_reason(editor, history, reason):
    _council, (_first, _middle, last) = history
    with pytest.raises(ValidationError) as refused:
        status_change_correct(change=last, by=editor, reason=reason, note="Changed")
    assert refused.value.message_dict == {"reason": ["Say why the record is being corrected."]}
    last.refresh_from_db()
    assert last.note == ""


def test_a_correction_that_changes_nothing_is_refused(editor, history):
    _council, (_first, _middle, last) = history
    with pytest.raises(ValidationError) as refused:
        status_change_correct(change=last, by=editor, reason="Check", note="", effective_on=datetime.date(2023, 6, 1))
    assert refused.value.messages == ["Nothing was changed."]
    assert not StatusChangeCorrection.objects.exists()


def test_a_correction_keeps_only_the_values_it_changed(editor, history):
    _council, (_first, _middle, last) = history
    correction = status_change_correct(
        change=last, by=editor, reason="Source", note="", source_url="https://example.org/letter"
    )
    assert correction.previous == {"source_url": ""}


def test_a_correction_with_a_bad_source_is_refused_and_nothing_changes(editor, history):
    _council, (_first, _middle, last) = history
    with pytest.raises(ValidationError) as refused:
        status_change_correct(change=last, by=editor, reason="Source", source_url="not a url")
    assert "source_url" in refused.value.message_dict
    last.refresh_from_db()
    assert last.source_url == ""
    assert not StatusChangeCorrection.objects.exists()


def test_a_correction_that_fails_half_way_changes_nothing(editor, history, monkeypatch):
    """The record, the council's date and the kept original are written together or not at all."""
    council, (_first, _middle, last) = history

    def broken_create(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(StatusChangeCorrection.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        status_change_correct(change=last, by=editor, reason="Wrong day", effective_on=datetime.date(2023, 6, 2))
    last.refresh_from_db()
    council.refresh_from_db()
    assert last.effective_on == council.status_effective_on == datetime.date(2023, 6, 1)


def test_a_change_that_fails_half_way_changes_nothing(journalist, monkeypatch):
    council = CouncilFactory(status=S.SHORTLISTED, status_effective_on=DAY)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Council, "save", broken_save)
    with pytest.raises(RuntimeError):
        council_set_status(council=council, status=S.DECLINED, effective_on=DAY, by=journalist)
    monkeypatch.undo()
    assert not StatusChange.objects.filter(council=council).exists()
