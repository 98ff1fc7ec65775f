"""How the API behaves over HTTP: caching validators, CORS, methods, throttling, errors, docs."""

import re

import pytest
from django.utils.http import http_date

from councils.choices import PilotStatus
from councils.services import council_set_status

pytestmark = pytest.mark.django_db


def test_etag_and_304_on_a_conditional_request(client, tracker):
    first = client.get("/api/councils/", {"status": "declined"})
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get("/api/councils/", {"status": "declined"}, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    # Once the answer changes, so does the ETag, and the old one no longer matches.
    council_set_status(council=tracker["brighton"], status=PilotStatus.DECLINED, effective_on=None)
    changed = client.get("/api/councils/", {"status": "declined"}, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_csv_and_json_have_different_etags(client, tracker):
    as_json = client.get("/api/councils/")
    as_csv = client.get("/api/councils/", {"format": "csv"})
    assert as_json["ETag"] != as_csv["ETag"]
    assert "Accept" in as_json["Vary"]


def test_last_modified_and_if_modified_since(client, tracker):
    response = client.get("/api/councils/herefordshire/")
    last_modified = response["Last-Modified"]
    assert last_modified == http_date(tracker["hereford"].updated_at.timestamp())
    not_modified = client.get("/api/councils/herefordshire/", headers={"if-modified-since": last_modified})
    assert not_modified.status_code == 304

    listed = client.get("/api/status-changes/")
    assert "Last-Modified" in listed
    assert client.get("/api/status-changes/", headers={"if-modified-since": listed["Last-Modified"]}).status_code == 304


def test_detail_etag(client, tracker):
    etag = client.get("/api/articles/herefordshire-declines/")["ETag"]
    response = client.get("/api/articles/herefordshire-declines/", headers={"if-none-match": etag})
    assert response.status_code == 304


def test_cors_allows_any_origin_to_read_without_credentials(client, tracker):
    response = client.get("/api/councils/", headers={"origin": "https://newsroom.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert client.get("/api/councils/herefordshire/")["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/councils/", "/api/councils/herefordshire/", "/api/comments/"])
def test_writes_answer_405(client, tracker, method, url):
    response = getattr(client, method)(url, data={"status": "confirmed_lead"}, content_type="application/json")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert tracker["hereford"].__class__.objects.get(slug="herefordshire").status == PilotStatus.DECLINED


def test_anonymous_throttling_answers_429_with_retry_after(client, tracker, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    statuses = [client.get("/api/key-figures/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = client.get("/api/key-figures/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert "detail" in throttled.json()


def test_page_out_of_range_is_a_404_naming_page(client, tracker):
    response = client.get("/api/councils/", {"page": 5})
    assert response.status_code == 404
    assert "page" in response.json()


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"page": "two"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "-1"}, "page_size"),
        ({"page_size": "lots"}, "page_size"),
        ({"format": "xml"}, "format"),
    ],
)
def test_malformed_paging_and_format_are_400s_naming_the_parameter(client, tracker, query, parameter):
    response = client.get("/api/councils/", query)
    assert response.status_code == 400
    assert parameter in response.json()


def test_page_size_is_capped_at_200(client, tracker):
    from tests.support.factories import KeyFigureFactory

    KeyFigureFactory.create_batch(210)
    body = client.get("/api/key-figures/", {"page_size": 1000}).json()
    assert body["count"] == 211
    assert len(body["results"]) == 200
    assert "page_size=1000" in body["next"] and "page=2" in body["next"]
    assert len(client.get("/api/key-figures/").json()["results"]) == 50


def test_page_links(client, tracker):
    body = client.get("/api/councils/", {"scope": "all", "page_size": 2}).json()
    assert body["count"] == 4
    second = client.get(body["next"]).json()
    assert second["previous"] is not None
    assert [c["slug"] for c in second["results"]] == ["leeds", "rutland"]


def test_unknown_address_under_api_is_a_json_404(client):
    for url in ("/api/nothing-here/", "/api/councils/a.b/", "/api/councils/by-gss/X/", "/api/people/a%0Ab/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_root_lists_the_endpoints(client):
    body = client.get("/api/").json()
    assert body["councils"] == "https://send-tracker.example/api/councils/"
    assert body["schema"] == "https://send-tracker.example/api/schema/"


def test_schema_describes_every_filter_and_field(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation["parameters"]:
                assert parameter.get("description"), f"{path} {parameter['name']} is not described"
            assert {"200", "400", "404", "429"} <= set(operation["responses"])
    councils = {p["name"]: p for p in schema["paths"]["/api/councils/"]["get"]["parameters"]}
    assert {"status", "region", "ofsted_judgement", "in_safety_valve", "partnership", "as_of", "ordering", "q"} <= set(
        councils
    )
    assert councils["status"]["example"] == ["declined"]
    changes = {p["name"] for p in schema["paths"]["/api/status-changes/"]["get"]["parameters"]}
    assert {"since", "until", "council", "status"} <= changes
    contracts = {p["name"] for p in schema["paths"]["/api/contracts/"]["get"]["parameters"]}
    assert {"value_min", "value_max"} <= contracts
    council_fields = schema["components"]["schemas"]["Council"]["properties"]
    for name in ("gss_code", "la_number", "page_url", "slug"):
        assert council_fields[name].get("description"), name


def test_docs_page_serves_its_own_assets_without_inline_script_or_style(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en-GB">' in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "<style" not in html and "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    script = client.get("/api/docs/", {"script": ""})  # after the page: the page cache must tell them apart
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
    assert "<html" not in script.content.decode()
    assert "/api/schema/" in script.content.decode()
