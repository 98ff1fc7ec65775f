"""/tracker.csv: the tracker's rows, with its filters, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from councils.choices import PilotStatus, Region
from councils.exports import neutralise
from councils.services import council_set_status
from tests.support.factories import CouncilFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

CSV_URL = reverse("councils:tracker-csv")


def rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_seeded_considering_view_downloads_as_csv(client, seeded):
    response = client.get(CSV_URL, {"status": "considering"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="send-tracker-councils.csv"'
    (row,) = rows(response)
    assert row["council"] == "Brighton and Hove"
    assert row["status"] == "Considering"
    assert row["status_since"] == "2023-05-19"
    assert row["region"] == "South East"
    assert row["url"] == "https://send-tracker.example/councils/brighton-and-hove/"


def test_header_row_and_same_rows_as_the_page(client, seeded):
    response = client.get(CSV_URL)
    header = response.content.decode("utf-8").splitlines()[0]

    assert header.startswith("council,official_name,code,gss_code,region,type,status,status_since")
    assert [row["council"] for row in rows(response)] == ["Brighton and Hove", "Herefordshire"]
    assert len(rows(client.get(CSV_URL, {"scope": "all"}))) == 153


def test_filters_and_ordering_apply(client, seeded):
    response = client.get(CSV_URL, {"scope": "all", "region": "London", "ordering": "-name"})
    names = [row["council"] for row in rows(response)]

    assert len(names) == 33
    assert names == sorted(names, reverse=True)


def test_as_of_gives_the_past_and_names_the_file(client, seeded):
    response = client.get(CSV_URL, {"as_of": "2023-05-18", "scope": "all", "q": "Hereford"})

    assert response["Content-Disposition"] == 'attachment; filename="send-tracker-councils-as-of-2023-05-18.csv"'
    (row,) = rows(response)
    assert row["status"] == "Not shortlisted"


def test_non_ascii_survives_as_utf8(client, db):
    council = CouncilFactory(short_name="Sîr Gâr", slug="sir-gar", region=Region.SOUTH_WEST)
    council_set_status(council=council, status=PilotStatus.SHORTLISTED)

    (row,) = rows(client.get(CSV_URL))
    assert row["council"] == "Sîr Gâr"


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, db, dangerous):
    council = CouncilFactory(short_name=dangerous, slug="dangerous", region=Region.LONDON)
    council_set_status(council=council, status=PilotStatus.SHORTLISTED)

    (row,) = rows(client.get(CSV_URL))

    assert row["council"] == "'" + dangerous
    assert row["official_name"] == "'" + dangerous + " Council"


def test_ordinary_values_are_left_alone():
    assert neutralise("Herefordshire") == "Herefordshire"
    assert neutralise("Brighton - and Hove") == "Brighton - and Hove"
    assert neutralise(None) == ""
    assert neutralise(-5) == "'-5"


def test_invalid_filters_give_400_with_the_reason(client, db):
    response = client.get(CSV_URL, {"status": "nonsense"})

    assert response.status_code == 400
    assert "status: Select a valid choice" in response.content.decode()


def test_the_csv_carries_the_keys_places_roles_and_the_why_for_the_seed_councils(client, seeded):
    (row,) = rows(client.get(CSV_URL, {"status": "considering"}))

    assert row["la_number"] == "846"  # Brighton and Hove's DfE number, the key for DfE statistics
    assert int(row["population"]) > 200_000
    assert 50.7 < float(row["latitude"]) < 51 and -0.3 < float(row["longitude"]) < 0
    assert row["latest_note"]
    assert row["latest_source_url"].startswith("https://")
    assert row["latest_source_title"]


def test_partnership_and_role_line_up(client, db):
    lead = CouncilFactory(short_name="Leadton", region=Region.LONDON)
    council_set_status(council=lead, status=PilotStatus.SHORTLISTED)
    partnership = PartnershipFactory(name="Capital partnership", leads=[lead])

    (row,) = rows(client.get(CSV_URL))

    assert row["partnership"] == partnership.name
    assert row["partnership_role"] == "lead council"


def test_negative_longitudes_stay_numbers(client, db):
    council = CouncilFactory(short_name="Westerly", latitude=52.1, longitude=-2.74)
    council_set_status(council=council, status=PilotStatus.SHORTLISTED)

    (row,) = rows(client.get(CSV_URL))

    assert row["longitude"] == "-2.74"


def test_bom_1_starts_the_file_with_a_byte_order_mark_for_excel(client, seeded):
    plain = client.get(CSV_URL).content
    for_excel = client.get(CSV_URL, {"bom": "1"}).content

    assert not plain.startswith(b"\xef\xbb\xbf")
    assert for_excel == b"\xef\xbb\xbf" + plain
