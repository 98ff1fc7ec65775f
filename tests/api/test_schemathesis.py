"""The API keeps the promises its OpenAPI schema makes, for inputs schemathesis invents.

The schema is the one the site serves at /api/schema/; every default check runs: no
server error, status codes, content types, headers and bodies as documented, valid input
accepted, invalid input refused, 405 for undocumented methods. Bounded to a few examples
per operation so the suite stays quick.
"""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client, override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

pytestmark = pytest.mark.django_db

CONFIG = schemathesis.Config.from_dict({"generation": {"max-examples": 5, "deterministic": True}})


def served_schema():
    """The schema as a data user downloads it (its generation reads no database)."""
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


schema = schemathesis.openapi.from_dict(served_schema(), config=CONFIG)
schema.app = get_wsgi_application()


@pytest.fixture
def api_host(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis's WSGI client sends Host: localhost


@schema.parametrize()
@hypothesis_settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, tracker, api_host):
    case.call_and_validate()
