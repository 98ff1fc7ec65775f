"""Partnerships, contracts, key figures, people, quotes, articles and comments."""

import pytest

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_partnerships_with_lead_and_members(client, tracker):
    partnership = results(client.get("/api/partnerships/"))[0]
    assert partnership["slug"] == "west-yorkshire"
    assert [lead["slug"] for lead in partnership["leads"]] == ["leeds"]
    assert partnership["leads"][0]["gss_code"] == "E08000035"
    assert partnership["partners"] == []
    assert partnership["members"][0]["council"]["la_number"] == 383
    assert partnership["page_url"] == "https://send-tracker.example/partnerships/west-yorkshire/"
    assert client.get("/api/partnerships/west-yorkshire/").json()["name"] == "West Yorkshire partnership"


def test_partnership_filters(client, tracker):
    assert len(results(client.get("/api/partnerships/", {"council": "leeds"}))) == 1
    assert results(client.get("/api/partnerships/", {"status": "launched"})) == []
    assert len(results(client.get("/api/partnerships/", {"q": "leeds"}))) == 1
    assert client.get("/api/partnerships/", {"status": "imaginary"}).status_code == 400


def test_contracts_over_ten_thousand_pounds(client, tracker):
    contracts = results(client.get("/api/contracts/", {"value_min": "10000"}))
    assert len(contracts) == 2
    assert all(contract["value"] == 16000 for contract in contracts)
    assert contracts[0]["page_url"].startswith("https://send-tracker.example/contracts/#contract-")


def test_contract_value_range_search_and_ordering(client, tracker):
    assert [c["supplier"] for c in results(client.get("/api/contracts/", {"value_max": "10000"}))] == [
        "Small Research Ltd"
    ]
    assert results(client.get("/api/contracts/", {"value_min": "9000", "value_max": "9999.99"}))[0]["value"] == 9500
    assert len(results(client.get("/api/contracts/", {"q": "evaluation"}))) == 1
    assert results(client.get("/api/contracts/", {"ordering": "value"}))[0]["value"] == 9500
    for query in ({"value_min": "lots"}, {"value_min": "-5"}, {"value_max": "NaN"}, {"ordering": "colour"}):
        response = client.get("/api/contracts/", query)
        assert response.status_code == 400
        assert next(iter(query)) in response.json()


def test_key_figures(client, tracker):
    figure = results(client.get("/api/key-figures/"))[0]
    assert figure["key"] == "shortlisted"
    assert figure["value"] == 20
    assert figure["display_value"] == "20"
    assert len(results(client.get("/api/key-figures/", {"q": "shortlisted"}))) == 1
    assert client.get(f"/api/key-figures/{figure['id']}/").status_code == 200


def test_people_and_their_council(client, tracker):
    person = results(client.get("/api/people/", {"council": "herefordshire"}))[0]
    assert person["slug"] == "herefordshire-spokesperson"
    assert person["council"]["gss_code"] == "E06000019"
    assert client.get("/api/people/herefordshire-spokesperson/").status_code == 200
    assert results(client.get("/api/people/", {"q": "minister"})) == []


def test_quotes_by_council_and_never_naming_an_unpublished_article(client, tracker):
    quote = results(client.get("/api/quotes/", {"council": "herefordshire"}))[0]
    assert quote["text"] == "We need to prioritise our resources."
    assert quote["councils"][0]["la_number"] == 884
    assert quote["article"]["slug"] == "herefordshire-declines"

    everything = client.get("/api/quotes/").content.decode()
    assert "Said in a draft." in everything  # the quote itself is public…
    assert "Unpublished scoop" not in everything  # …the draft it came from is not
    assert "draft-scoop" not in everything
    assert len(results(client.get("/api/quotes/", {"person": "herefordshire-spokesperson"}))) == 2
    assert client.get("/api/quotes/", {"person": "nobody"}).status_code == 404


def test_only_published_articles(client, tracker):
    articles = results(client.get("/api/articles/"))
    assert [a["slug"] for a in articles] == ["herefordshire-declines"]
    article = articles[0]
    assert article["councils"][0]["gss_code"] == "E06000019"
    assert article["corrections"][0]["text"] == "An earlier version gave the wrong date."
    assert article["comment_count"] == 1
    assert article["page_url"] == "https://send-tracker.example/articles/herefordshire-declines/"
    assert client.get("/api/articles/draft-scoop/").status_code == 404
    assert client.get("/api/articles/scheduled-piece/").status_code == 404


def test_article_filters(client, tracker):
    published_on = tracker["article"].published_at.date().isoformat()
    assert len(results(client.get("/api/articles/", {"since": published_on}))) == 1
    assert results(client.get("/api/articles/", {"until": "2020-01-01"})) == []
    assert len(results(client.get("/api/articles/", {"council": "herefordshire"}))) == 1
    assert results(client.get("/api/articles/", {"council": "leeds"})) == []
    assert len(results(client.get("/api/articles/", {"q": "declines"}))) == 1
    assert client.get("/api/articles/", {"since": "soon"}).status_code == 400


def test_only_approved_comments_on_published_articles(client, tracker):
    comments = results(client.get("/api/comments/"))
    assert [c["body"] for c in comments] == ["We waited a year for an EHC plan."]
    comment = comments[0]
    assert comment["article"] == "herefordshire-declines"
    assert comment["display_name"] == "A parent in Hereford"
    # The comment's permalink, which redirects to the page of comments that holds it.
    assert comment["page_url"] == f"https://send-tracker.example/articles/comments/{comment['id']}/"
    landing = client.get(comment["page_url"].removeprefix("https://send-tracker.example"))
    assert landing.status_code == 302
    assert landing["Location"] == f"/articles/herefordshire-declines/#comment-{comment['id']}"
    assert len(results(client.get("/api/comments/", {"article": "herefordshire-declines"}))) == 1
    # A draft's comments, and the draft itself, stay private.
    assert client.get("/api/comments/", {"article": "draft-scoop"}).status_code == 404
    pending = tracker["article"].comments.get(body="Pending thoughts")
    assert client.get(f"/api/comments/{pending.pk}/").status_code == 404
