"""?format=csv on every list: same filters, a header row, UTF-8, no formulas."""

import csv
import io

import pytest

from api.renderers import cell

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "councils",
    "partnerships",
    "status-changes",
    "contracts",
    "key-figures",
    "people",
    "quotes",
    "articles",
    "comments",
]


def rows(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_list_comes_as_csv_with_the_same_rows_as_json(client, tracker, endpoint):
    as_json = client.get(f"/api/{endpoint}/").json()
    response = client.get(f"/api/{endpoint}/", {"format": "csv"})
    table = rows(response)
    assert len(table) == as_json["count"]
    assert response["Content-Disposition"] == f'attachment; filename="{endpoint}.csv"'
    assert "page_url" in table[0] or "page_url" in response.content.decode().splitlines()[0]


def test_a_list_with_no_rows_still_has_its_header(client, tracker):
    response = client.get("/api/councils/", {"format": "csv", "status": "withdrawn"})
    header = response.content.decode().splitlines()
    assert len(header) == 1
    assert header[0].startswith("slug,name,gss_code,la_number,url,page_url")


def test_filters_apply_and_nested_objects_become_dotted_columns(client, tracker):
    declined = rows(client.get("/api/councils/", {"format": "csv", "status": "declined"}))
    assert [row["slug"] for row in declined] == ["herefordshire"]
    assert declined[0]["gss_code"] == "E06000019"
    assert declined[0]["page_url"] == "https://send-tracker.example/councils/herefordshire/"
    assert declined[0]["url"] == "https://send-tracker.example/api/councils/herefordshire/"

    changed = rows(client.get("/api/status-changes/", {"format": "csv", "since": "2023-05-10"}))
    assert [(row["council.slug"], row["to_status"]) for row in changed] == [
        ("brighton-and-hove", "considering"),
        ("herefordshire", "declined"),
    ]
    assert changed[1]["council.gss_code"] == "E06000019"
    assert changed[1]["council.la_number"] == "884"

    leeds = rows(client.get("/api/councils/", {"format": "csv", "partnership": "west-yorkshire"}))
    assert leeds[0]["partnerships.slug"] == "west-yorkshire"


def test_csv_returns_every_matching_row_not_one_page(client, tracker):
    table = rows(client.get("/api/councils/", {"format": "csv", "scope": "all", "page_size": 1}))
    assert len(table) == 4


def test_text_is_utf8(client, tracker):
    text = client.get("/api/articles/", {"format": "csv"}).content.decode("utf-8")
    assert "Herefordshire declines the SEND pilot" in text


def test_cells_that_would_run_as_formulas_are_neutralised(client, tracker):
    table = rows(client.get("/api/contracts/", {"format": "csv", "q": "HYPERLINK"}))
    assert table[0]["supplier"] == '\'=HYPERLINK("http://evil.example")'
    # Numbers stay numbers: a western longitude is not a formula.
    council = rows(client.get("/api/councils/", {"format": "csv", "status": "declined"}))[0]
    assert council["longitude"].startswith("-")


@pytest.mark.parametrize("text", ["=1+1", "+44 20", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_each_formula_start_is_neutralised(text):
    assert cell(text) == "'" + text


def test_errors_are_json_even_when_csv_was_asked_for(client, tracker):
    response = client.get("/api/councils/", {"format": "csv", "status": "decided"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "status" in response.json()


def test_csv_refuses_malformed_paging_like_json_does(client, tracker):
    response = client.get("/api/councils/", {"format": "csv", "page_size": "-1"})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_bom_1_starts_the_csv_with_a_byte_order_mark_for_excel(client, tracker):
    plain = client.get("/api/status-changes/", {"format": "csv"}).content
    for_excel = client.get("/api/status-changes/", {"format": "csv", "bom": "1"}).content

    assert not plain.startswith(b"\xef\xbb\xbf")
    assert for_excel == b"\xef\xbb\xbf" + plain
