"""The API keeps the promises its OpenAPI schema makes, for inputs schemathesis invents.

The schema is the one the site serves at /api/schema/; every default check runs: no
server error, status codes, content types, headers and bodies as documented, valid input
accepted, invalid input refused, 405 for undocumented methods. Bounded to a few examples
per operation so the suite stays quick.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
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
def wsgi_app_in_test(settings):
    """Let the raw WSGI app serve inside the test's transaction, as Django's test client does."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis's WSGI client sends Host: localhost
    # The handler closes database connections at the end of each request; in a test that
    # would close the connection holding the test's transaction (and its data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, tracker, wsgi_app_in_test):
    case.call_and_validate()
