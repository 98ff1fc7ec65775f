"""import_councils: the 153 real authorities, idempotent, with clear errors for bad rows."""

import io

import pytest
from django.core.management import CommandError, call_command

from councils.importers import DEFAULT_CSV
from councils.models import Council
from tests.councils.csv_files import copy_with

pytestmark = pytest.mark.django_db


def run_import(*args):
    out = io.StringIO()
    call_command("import_councils", *args, stdout=out)
    return out.getvalue()


def test_imports_all_153_english_education_authorities():
    output = run_import()

    assert Council.objects.count() == 153
    assert "153 created, 0 updated, 0 unchanged" in output
    hereford = Council.objects.get(slug="herefordshire")
    assert (hereford.code, hereford.gss_code, hereford.la_number) == ("HEF", "E06000019", 884)
    assert hereford.region == "West Midlands"
    assert Council.objects.get(slug="brighton-and-hove").name == "Brighton and Hove City Council"


def test_rerun_updates_without_duplicating(tmp_path):
    run_import()
    Council.objects.filter(slug="herefordshire").update(population=1)

    output = run_import()

    assert Council.objects.count() == 153
    assert "0 created, 1 updated, 152 unchanged" in output
    assert Council.objects.get(slug="herefordshire").population == 193615


def test_rerun_keeps_editorial_fields():
    run_import()
    Council.objects.filter(slug="herefordshire").update(ofsted_judgement="inadequate", in_safety_valve=True)

    run_import()

    hereford = Council.objects.get(slug="herefordshire")
    assert (hereford.ofsted_judgement, hereford.in_safety_valve) == ("inadequate", True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lat", "north-ish", "“north-ish” is not a number"),
        ("region", "Wessex", "“Wessex” is not one of the nine English regions"),
        ("gss-code", "W06000001", "not an English nine-character GSS code"),
        ("nice-name", "", "is empty"),
    ],
)
def test_malformed_row_names_line_and_field_and_imports_nothing(tmp_path, field, value, message):
    path = copy_with(DEFAULT_CSV, tmp_path, 100, field, value)

    with pytest.raises(CommandError) as error:
        run_import(str(path))

    assert f"Line 102, field “{field}”" in str(error.value)
    assert message in str(error.value)
    assert Council.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(str(tmp_path / "nope.csv"))


def test_known_errors_in_the_register_are_corrected_on_import():
    run_import()

    assert Council.objects.get(code="DBY").region == "East Midlands"
    assert Council.objects.get(code="LIN").region == "East Midlands"
    lancashire = Council.objects.get(code="LAN")
    # A point in Lancashire, not in Northamptonshire where the register puts it.
    assert 53.5 < lancashire.latitude < 54.2
    assert -3.1 < lancashire.longitude < -2.2
    assert Council.objects.filter(region="East Midlands").count() == 10
