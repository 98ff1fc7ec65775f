"""Readers' emails, IP hashes and browsers appear in no API response, JSON or CSV."""

import pytest

from tests.api.conftest import PRIVATE_EMAIL, PRIVATE_IP_HASH, PRIVATE_USER_AGENT

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/councils/?scope=all",
    "/api/partnerships/",
    "/api/status-changes/",
    "/api/contracts/",
    "/api/key-figures/",
    "/api/people/",
    "/api/quotes/",
    "/api/articles/",
    "/api/comments/",
    "/api/comments/?article=herefordshire-declines",
]


def assert_private_details_absent(body):
    for secret in (PRIVATE_EMAIL, PRIVATE_IP_HASH, PRIVATE_USER_AGENT, "private.example", "ip_hash", "user_agent"):
        assert secret not in body
    assert '"email"' not in body and ",email," not in body


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("format", ["json", "csv"])
def test_no_list_leaks_a_readers_private_details(client, tracker, url, format):
    response = client.get(url, {"format": format})
    assert response.status_code == 200
    assert_private_details_absent(response.content.decode())


@pytest.mark.parametrize("format", ["json", "csv"])
def test_the_comment_itself_carries_only_public_fields(client, tracker, format):
    comment = tracker["comment"]
    for url in (f"/api/comments/{comment.pk}/", f"/api/articles/{tracker['article'].slug}/"):
        response = client.get(url, {"format": format})
        assert response.status_code == 200
        assert_private_details_absent(response.content.decode())
    body = client.get(f"/api/comments/{comment.pk}/").json()
    assert body["body"] == "We waited a year for an EHC plan."
    assert not {"email", "ip_hash", "user_agent", "held_reason", "moderated_by", "moderation_reason"} & set(body)


def test_the_schema_does_not_describe_private_fields(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    comment = schema["components"]["schemas"]["Comment"]["properties"]
    assert not {"email", "ip_hash", "user_agent"} & set(comment)
