"""/api/councils/: the tracker's filters, as a data user would call them."""

import pytest

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200, response.content
    return [council["slug"] for council in response.json()["results"]]


def test_declined_councils_come_with_gss_code_la_number_and_page_url(client, tracker):
    response = client.get("/api/councils/", {"status": "declined"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    hereford = body["results"][0]
    assert hereford["name"] == "Herefordshire"
    assert hereford["gss_code"] == "E06000019"
    assert hereford["la_number"] == 884
    assert hereford["page_url"] == "https://send-tracker.example/councils/herefordshire/"
    assert hereford["url"] == "https://send-tracker.example/api/councils/herefordshire/"
    assert hereford["status"] == "declined"
    assert hereford["status_label"] == "Declined"
    assert hereford["status_effective_on"] == "2023-05-19"
    assert hereford["ofsted_judgement"] == "inadequate"


def test_default_list_is_the_councils_in_the_pilot_and_scope_all_shows_every_council(client, tracker):
    assert slugs(client.get("/api/councils/")) == ["brighton-and-hove", "herefordshire", "leeds"]
    assert "rutland" in slugs(client.get("/api/councils/", {"scope": "all"}))


def test_several_statuses_at_once(client, tracker):
    response = client.get("/api/councils/?status=declined&status=considering")
    assert slugs(response) == ["brighton-and-hove", "herefordshire"]


def test_region_ofsted_and_safety_valve_filters(client, tracker):
    assert slugs(client.get("/api/councils/", {"region": "South East"})) == ["brighton-and-hove"]
    assert slugs(client.get("/api/councils/", {"ofsted_judgement": "inadequate"})) == ["herefordshire"]
    assert slugs(client.get("/api/councils/", {"in_safety_valve": "true"})) == ["leeds"]
    assert slugs(client.get("/api/councils/", {"in_safety_valve": "false"})) == ["brighton-and-hove", "herefordshire"]


def test_partnership_filter_and_the_partnership_on_each_council(client, tracker):
    response = client.get("/api/councils/", {"partnership": "west-yorkshire"})
    assert slugs(response) == ["leeds"]
    membership = response.json()["results"][0]["partnerships"][0]
    assert membership["slug"] == "west-yorkshire"
    assert membership["role"] == "lead"
    assert membership["url"] == "https://send-tracker.example/api/partnerships/west-yorkshire/"


def test_unknown_partnership_is_a_404_naming_the_parameter(client, tracker):
    response = client.get("/api/councils/", {"partnership": "atlantis"})
    assert response.status_code == 404
    assert "partnership" in response.json()


def test_search(client, tracker):
    assert slugs(client.get("/api/councils/", {"q": "hereford"})) == ["herefordshire"]


def test_ordering(client, tracker):
    assert slugs(client.get("/api/councils/", {"ordering": "-name"})) == ["leeds", "herefordshire", "brighton-and-hove"]


def test_as_of_rebuilds_the_status_on_that_date(client, tracker):
    before = client.get("/api/councils/", {"as_of": "2023-05-10", "status": "shortlisted"})
    assert slugs(before) == ["brighton-and-hove", "herefordshire", "leeds"]
    hereford = next(c for c in before.json()["results"] if c["slug"] == "herefordshire")
    assert hereford["status_as_of"] == "shortlisted"
    assert hereford["status_effective_as_of"] == "2023-05-01"
    assert hereford["status"] == "declined"  # today's status is still there

    assert slugs(client.get("/api/councils/", {"as_of": "2023-05-20", "status": "declined"})) == ["herefordshire"]
    # Before the shortlist, nobody was in the pilot.
    assert slugs(client.get("/api/councils/", {"as_of": "2023-04-01"})) == []


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"status": "decided"}, "status"),
        ({"region": "Atlantis"}, "region"),
        ({"ofsted_judgement": "brilliant"}, "ofsted_judgement"),
        ({"in_safety_valve": "perhaps"}, "in_safety_valve"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"as_of": "2001-01-01"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": ""}, "as_of"),
        ({"scope": "everything"}, "scope"),
        ({"ordering": "shoe_size"}, "ordering"),
        ({"ordering": ""}, "ordering"),
        ({"ordering": "name,,"}, "ordering"),
        ({"status": ""}, "status"),
    ],
)
def test_bad_filter_values_are_400s_naming_the_parameter(client, tracker, query, parameter):
    response = client.get("/api/councils/", query)
    assert response.status_code == 400
    assert parameter in response.json()


def test_detail_by_slug_shows_any_council_with_its_partnerships_and_icb(client, tracker):
    response = client.get("/api/councils/rutland/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "not_shortlisted"
    assert body["gss_code"] == "E06000017"
    assert body["partnerships"] == []
    assert body["icb"] is None


def test_detail_by_gss_code(client, tracker):
    response = client.get("/api/councils/by-gss/E06000019/")
    assert response.status_code == 200
    assert response.json()["slug"] == "herefordshire"
    assert client.get("/api/councils/by-gss/E06999999/").status_code == 404


def test_unknown_council_is_a_json_404(client, tracker):
    response = client.get("/api/councils/atlantis/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
