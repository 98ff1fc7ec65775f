"""The rename rules of councils/services.py pinned, and the signal every status write sends.

A rename keeps the old name with its date, so pages as of an earlier day still read it. The
rules: a new name is given and differs, its date is not in the future (today is allowed), and it
comes after the last rename of the same thing (the same day is refused). A refused rename keeps
nothing, not even the old name's record.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from councils import signals
from councils.choices import PilotStatus, ProgrammeNameOf
from councils.models import Partnership, PartnershipName, Programme, ProgrammeName
from councils.services import council_set_status, partnership_rename, programme_rename, status_change_correct
from tests.support.factories import CouncilFactory, PartnershipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

JAN_2023 = datetime.date(2023, 1, 1)
JUN_2023 = datetime.date(2023, 6, 1)
JAN_2024 = datetime.date(2024, 1, 1)


def today():
    return timezone.localdate()


def refusal(excinfo):
    return excinfo.value.message_dict


@pytest.fixture
def partnership():
    return PartnershipFactory(name="West Midlands regional expert partnership")


# ---------------------------------------------------------------- partnership renames


@pytest.mark.parametrize("name", ["", "   "])
def test_a_rename_without_a_name_is_refused(partnership, name):
    with pytest.raises(ValidationError) as refused:
        partnership_rename(partnership=partnership, name=name, changed_on=JUN_2023)
    assert refusal(refused) == {"name": ["Give the new name."]}
    assert not PartnershipName.objects.exists()


def test_a_rename_to_the_same_name_is_refused(partnership):
    with pytest.raises(ValidationError) as refused:
        partnership_rename(partnership=partnership, name=partnership.name, changed_on=JUN_2023)
    assert refusal(refused) == {"name": ["It is already called “West Midlands regional expert partnership”."]}
    assert not PartnershipName.objects.exists()


def test_a_rename_may_be_dated_today_but_not_tomorrow(partnership):
    with pytest.raises(ValidationError) as refused:
        partnership_rename(partnership=partnership, name="Later", changed_on=today() + datetime.timedelta(days=1))
    assert refusal(refused) == {"changed_on": ["The date of the new name cannot be in the future."]}
    assert not PartnershipName.objects.exists()

    former = partnership_rename(partnership=partnership, name="Later", changed_on=today())
    assert (former.name, former.replaced_on) == ("West Midlands regional expert partnership", today())


def test_a_rename_must_come_after_the_latest_one_not_on_its_day(partnership):
    partnership_rename(partnership=partnership, name="Second", changed_on=JAN_2023)
    partnership_rename(partnership=partnership, name="Third", changed_on=JAN_2024)

    # Between the two earlier renames and on the day of the latest: both refused, naming the latest.
    for day in (JUN_2023, JAN_2024):
        with pytest.raises(ValidationError) as refused:
            partnership_rename(partnership=partnership, name="Fourth", changed_on=day)
        assert refusal(refused) == {
            "changed_on": ["The name last changed on 1 January 2024; a new name must come after."]
        }
    assert PartnershipName.objects.count() == 2

    partnership_rename(partnership=partnership, name="Fourth", changed_on=JAN_2024 + datetime.timedelta(days=1))
    partnership.refresh_from_db()
    assert partnership.name == "Fourth"
    assert partnership.formerly == "West Midlands regional expert partnership, then Second, then Third"


def test_another_partnerships_renames_do_not_count(partnership):
    other = PartnershipFactory()
    partnership_rename(partnership=other, name="Renamed late", changed_on=JAN_2024)
    partnership_rename(partnership=partnership, name="Renamed early", changed_on=JAN_2023)
    partnership.refresh_from_db()
    assert partnership.name == "Renamed early"


def test_a_rename_moves_updated_at_and_the_callers_object(partnership):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Partnership.objects.filter(pk=partnership.pk).update(updated_at=long_ago)
    partnership.refresh_from_db()

    partnership_rename(partnership=partnership, name="Renamed", changed_on=JUN_2023)

    stored = Partnership.objects.get(pk=partnership.pk)
    assert stored.name == partnership.name == "Renamed"
    assert stored.updated_at > long_ago + datetime.timedelta(days=29)


def test_a_new_name_too_long_is_refused_and_nothing_is_kept(partnership):
    with pytest.raises(ValidationError) as refused:
        partnership_rename(partnership=partnership, name="x" * 201, changed_on=JUN_2023)
    assert "name" in refusal(refused)
    partnership.refresh_from_db()
    assert partnership.name == "West Midlands regional expert partnership"
    assert not PartnershipName.objects.exists()


def test_a_rename_with_a_bad_source_is_refused_and_nothing_is_kept(partnership):
    with pytest.raises(ValidationError) as refused:
        partnership_rename(partnership=partnership, name="Renamed", changed_on=JUN_2023, source_url="not a url")
    assert "source_url" in refusal(refused)
    partnership.refresh_from_db()
    assert partnership.name == "West Midlands regional expert partnership"
    assert not PartnershipName.objects.exists()


def test_a_partnership_rename_that_fails_half_way_keeps_nothing(partnership, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Partnership, "save", broken_save)
    with pytest.raises(RuntimeError):
        partnership_rename(partnership=partnership, name="Renamed", changed_on=JUN_2023)
    monkeypatch.undo()
    assert not PartnershipName.objects.exists()


# ---------------------------------------------------------------- programme renames


def test_the_programme_and_its_partnerships_keep_separate_names_and_dates():
    programme = ProgrammeFactory()
    programme_rename(
        programme=programme, of=ProgrammeNameOf.PARTNERSHIPS, name="Change Programme Partnerships", changed_on=JAN_2024
    )
    # An earlier date for the programme's own name: the partnerships' later rename does not block it.
    programme_rename(programme=programme, name="SEND and AP Change Programme", changed_on=JUN_2023)

    # The caller's object shows the new names, as does the stored row.
    assert (programme.name, programme.partnerships_name) == (
        "SEND and AP Change Programme",
        "Change Programme Partnerships",
    )
    stored = Programme.objects.get(pk=programme.pk)
    assert (stored.name, stored.partnerships_name) == ("SEND and AP Change Programme", "Change Programme Partnerships")
    kept = {(former.of, former.name, former.replaced_on) for former in ProgrammeName.objects.all()}
    assert kept == {
        (ProgrammeNameOf.PARTNERSHIPS, "regional expert partnerships", JAN_2024),
        (ProgrammeNameOf.PROGRAMME, "SEND and AP change programme", JUN_2023),
    }


def test_a_programme_rename_must_come_after_its_own_latest_rename():
    programme = ProgrammeFactory()
    first = programme_rename(programme=programme, name="Second", changed_on=JAN_2023)
    programme_rename(programme=programme, name="Third", changed_on=JAN_2024)
    # What the caller gets back is the kept record of the name replaced, as the docstring says.
    assert first == ProgrammeName.objects.get(name="SEND and AP change programme")
    assert (first.replaced_on, first.of) == (JAN_2023, ProgrammeNameOf.PROGRAMME)
    with pytest.raises(ValidationError) as refused:
        programme_rename(programme=programme, name="Fourth", changed_on=JUN_2023)
    assert refusal(refused) == {"changed_on": ["The name last changed on 1 January 2024; a new name must come after."]}
    assert Programme.objects.get(pk=programme.pk).name == "Third"


@pytest.mark.parametrize("of", [ProgrammeNameOf.PROGRAMME, ProgrammeNameOf.PARTNERSHIPS])
def test_a_programme_name_too_long_is_refused_and_nothing_is_kept(of):
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as refused:
        programme_rename(programme=programme, of=of, name="x" * 201, changed_on=JUN_2023)
    field = "name" if of == ProgrammeNameOf.PROGRAMME else "partnerships_name"
    assert field in refusal(refused)
    stored = Programme.objects.get(pk=programme.pk)
    assert (stored.name, stored.partnerships_name) == ("SEND and AP change programme", "regional expert partnerships")
    assert not ProgrammeName.objects.exists()


def test_a_programme_rename_with_a_bad_source_or_a_future_date_is_refused():
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as refused:
        programme_rename(programme=programme, name="Renamed", changed_on=JUN_2023, source_url="not a url")
    assert "source_url" in refusal(refused)
    with pytest.raises(ValidationError) as refused:
        programme_rename(programme=programme, name="Renamed", changed_on=today() + datetime.timedelta(days=1))
    assert refusal(refused) == {"changed_on": ["The date of the new name cannot be in the future."]}
    assert Programme.objects.get(pk=programme.pk).name == "SEND and AP change programme"
    assert not ProgrammeName.objects.exists()


# ---------------------------------------------------------------- the signal other apps (alerts) react to


@pytest.fixture
def sent():
    """What councils.signals.changes_recorded carried: (kind, instance, fields) per write."""
    received = []

    def receiver(sender, kind, instance, fields, **kwargs):
        received.append((kind, instance, fields))

    signals.changes_recorded.connect(receiver)
    yield received
    signals.changes_recorded.disconnect(receiver)


def test_a_status_change_and_its_correction_are_announced(editor, sent):
    council = CouncilFactory()
    change = council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=JUN_2023, by=editor)
    correction = status_change_correct(change=change, by=editor, reason="Typo", note="Named on the list")

    assert sent == [
        (signals.STATUS, change, ()),
        (signals.CORRECTION, correction, ("note",)),
    ]


def test_a_refused_change_announces_nothing(journalist, sent):
    council = CouncilFactory(status=PilotStatus.WITHDRAWN)
    with pytest.raises(ValidationError):
        council_set_status(council=council, status=PilotStatus.PARTNER, by=journalist)
    assert sent == []


def test_a_rename_without_a_source_shows_no_source(client):
    programme = ProgrammeFactory()
    programme_rename(
        programme=programme, of=ProgrammeNameOf.PARTNERSHIPS, name="Change Programme Partnerships", changed_on=JUN_2023
    )
    partnership = PartnershipFactory(programme=programme, name="West Midlands regional expert partnership")
    partnership_rename(partnership=partnership, name="West Midlands partnership", changed_on=JUN_2023)

    assert list(ProgrammeName.objects.values_list("source_url", "source_title")) == [("", "")]
    assert list(PartnershipName.objects.values_list("source_url", "source_title")) == [("", "")]
    page = client.get(reverse("councils:programme")).content.decode()
    assert "<strong>Regional expert partnerships</strong> until" in page  # the names' history is shown
    assert "(source:" not in page
