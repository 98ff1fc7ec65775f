"""The tracker filter's own fields (councils/filters.py) accept and refuse exactly what Django's would."""

import datetime

import pytest
from django import forms
from django.utils.formats import get_format

from councils.choices import PilotStatus, Region
from councils.filters import CouncilFilter, DayField, KnownChoiceField, KnownMultipleChoiceField


def test_a_known_choice_is_accepted_and_anything_else_refused_with_djangos_message():
    field = KnownChoiceField(choices=[("pilot", "In the pilot"), ("all", "All")])
    assert field.clean("all") == "all"
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("everything")
    assert refused.value.messages == ["Select a valid choice. everything is not one of the available choices."]


def test_choices_in_groups_are_known_too():
    field = KnownMultipleChoiceField(choices=[("North", [("ne", "North East"), ("nw", "North West")]), ("l", "London")])
    assert field.clean(["nw", "l"]) == ["nw", "l"]
    with pytest.raises(forms.ValidationError):
        field.clean(["North"])  # a group's name is not a choice


@pytest.mark.parametrize(
    ("query", "valid"),
    [
        ({"status": [PilotStatus.DECLINED, PilotStatus.PARTNER]}, True),
        ({"status": ["declined", "bogus"]}, False),
        ({"region": [Region.values[0]]}, True),
        ({"region": ["london"]}, False),  # the value, not its label in another case
        ({"ordering": "-status"}, True),
        ({"ordering": "status,-population"}, True),
        ({"ordering": "-bogus"}, False),
        ({"scope": "all"}, True),
        ({"scope": "some"}, False),
        ({"ofsted_judgement": ["good"]}, True),
        ({"ofsted_judgement": ["fine"]}, False),
    ],
)
def test_the_filter_accepts_what_it_declares(query, valid):
    assert CouncilFilter(query).is_valid() is valid


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2023-09-01", datetime.date(2023, 9, 1)),
        (" 2023-09-01 ", datetime.date(2023, 9, 1)),
        ("01/09/2023", datetime.date(2023, 9, 1)),  # as a reader in the UK types it
        ("", None),
    ],
)
def test_a_day_is_read_as_djangos_date_field_reads_it(typed, day):
    assert DayField(required=False).clean(typed) == day == forms.DateField(required=False).clean(typed)


@pytest.mark.parametrize("typed", ["2023-02-30", "2023-13-01", "20230-01-01", "yesterday"])
def test_a_day_that_is_not_one_gets_djangos_message(typed):
    with pytest.raises(forms.ValidationError) as refused:
        DayField().clean(typed)
    with pytest.raises(forms.ValidationError) as django_refused:
        forms.DateField().clean(typed)
    assert refused.value.messages == django_refused.value.messages == ["Enter a valid date."]


def test_no_other_format_the_site_takes_reads_an_iso_day():
    """DayField reads YYYY-MM-DD first; Django tries the locale's formats first. The same day either way,
    as long as none of them reads an ISO day."""
    for input_format in get_format("DATE_INPUT_FORMATS"):
        if input_format == "%Y-%m-%d":
            continue
        with pytest.raises(ValueError):
            datetime.datetime.strptime("2023-09-01", input_format)  # noqa: DTZ007


def test_choices_changed_on_one_form_stay_on_that_form():
    """The set of known values is made once, on the declared field, and shared by every form's copy of it:
    a form that sets its own choices gets its own set, and the next form is unchanged."""
    changed = CouncilFilter({"scope": "everything"})
    changed.form.fields["scope"].choices = [("everything", "Everything")]
    assert changed.is_valid()
    assert not CouncilFilter({"scope": "everything"}).is_valid()
    assert CouncilFilter({"scope": "all"}).is_valid()
