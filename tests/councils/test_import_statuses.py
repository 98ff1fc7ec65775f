"""manage.py import_statuses: all or nothing, through the one door, idempotent."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from councils.choices import PilotStatus
from councils.models import Council, StatusChange
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db

HEADER = "council,status,effective_on,note,source_url\n"


@pytest.fixture
def councils():
    return (
        CouncilFactory(code="HEF", short_name="Herefordshire", slug="herefordshire"),
        CouncilFactory(code="BNH", short_name="Brighton and Hove", slug="brighton-and-hove"),
    )


def write(tmp_path, text):
    path = tmp_path / "statuses.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path, *args):
    from io import StringIO

    out = StringIO()
    call_command("import_statuses", path, *args, stdout=out)
    return out.getvalue()


GOOD = (
    HEADER
    + "HEF,shortlisted,2023-05-19,Named on the shortlist.,https://example.org/a\n"
    + "herefordshire,Declined,2023-05-19,Said it lacked the staff.,https://example.org/a\n"
    + "brighton-and-hove,shortlisted,2023-05-19,,\n"
    + "BNH,considering,2023-05-19,Considering with NHS colleagues.,\n"
)


def test_records_every_row_through_the_service(tmp_path, councils, journalist):
    out = run(write(tmp_path, GOOD), "--by", "journalist")

    assert "Status changes: 4 recorded, 0 already recorded." in out
    hereford, brighton = (Council.objects.get(pk=c.pk) for c in councils)
    assert (hereford.status, brighton.status) == (PilotStatus.DECLINED, PilotStatus.CONSIDERING)
    declined = StatusChange.objects.get(council=hereford, to_status=PilotStatus.DECLINED)
    assert (declined.from_status, declined.note, declined.recorded_by, declined.effective_on) == (
        PilotStatus.SHORTLISTED,
        "Said it lacked the staff.",
        journalist,
        datetime.date(2023, 5, 19),
    )


def test_a_second_run_records_nothing_new(tmp_path, councils):
    path = write(tmp_path, GOOD)
    run(path)

    out = run(path)

    assert "Status changes: 0 recorded, 4 already recorded." in out
    assert StatusChange.objects.count() == 4


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("XXX,shortlisted,2023-05-19,,", "Line 3, field “council”: no council has the code or slug “XXX”."),
        ("HEF,leading,2023-05-19,,", "Line 3, field “status”: “leading” is not a status"),
        (
            "HEF,shortlisted,19/05/2023,,",
            "Line 3, field “effective_on”: “19/05/2023” is not a date in the form YYYY-MM-DD.",
        ),
        ("HEF,shortlisted,2023-05-19,,not-a-url", "Line 3, field “source_url”: “not-a-url” is not a valid URL."),
        ("BNH,declined,2023-05-19,,", "Line 3, field “status”: Brighton and Hove cannot move from “Not shortlisted”"),
        ("BNH,shortlisted,2999-01-01,,", "Line 3, field “effective_on”: The effective date cannot be in the future."),
    ],
)
def test_a_bad_row_names_its_line_and_field_and_nothing_is_recorded(tmp_path, councils, row, message):
    text = HEADER + "HEF,shortlisted,2023-05-19,Named.,\n" + row + "\n"

    with pytest.raises(CommandError) as error:
        run(write(tmp_path, text))

    assert "Nothing recorded." in str(error.value)
    assert message in str(error.value)
    assert not StatusChange.objects.exists()
    assert Council.objects.get(code="HEF").status == PilotStatus.NOT_SHORTLISTED


def test_every_bad_row_is_listed_at_once(tmp_path, councils):
    text = HEADER + "XXX,shortlisted,2023-05-19,,\nHEF,nope,2023-05-19,,\n"

    with pytest.raises(CommandError) as error:
        run(write(tmp_path, text))

    assert "Line 2, field “council”" in str(error.value)
    assert "Line 3, field “status”" in str(error.value)


def test_a_missing_column_or_file_is_a_clear_error(tmp_path, councils):
    with pytest.raises(CommandError, match="Line 1: missing column\\(s\\) effective_on"):
        run(write(tmp_path, "council,status,note,source_url\nHEF,shortlisted,,\n"))
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "absent.csv"))
    with pytest.raises(CommandError, match="No user called “ghost”"):
        run(write(tmp_path, GOOD), "--by", "ghost")
