"""Purges to the caching proxies (sendtracker/cache/purge.py): exactly the changed keys, after the commit."""

import http.server
import threading

import pytest
from django.db import transaction
from django.utils import timezone

from councils.choices import PilotStatus
from councils.models import Council
from councils.services import council_set_status
from sendtracker.cache import purge
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proxy():
    """A stand-in Varnish on a spare loopback port: records each PURGE's xkey-purge header."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 - the HTTP method's name
            received.append(set(self.headers["xkey-purge"].split()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", received
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_a_status_change_purges_exactly_its_keys_once_committed(proxy, settings):
    url, received = proxy
    settings.VARNISH_PURGE_URLS = [url]
    council = CouncilFactory(status=PilotStatus.SHORTLISTED, status_effective_on=timezone.localdate())
    received.clear()
    with transaction.atomic():
        council_set_status(council=council, status=PilotStatus.CONSIDERING)
        assert received == []  # nothing before the commit
    assert received == [{"tracker", f"council:{council.pk}"}]


def test_no_purge_urls_no_purges(proxy, settings):
    _url, received = proxy
    settings.VARNISH_PURGE_URLS = []
    purge.send({"tracker"})
    assert received == []


def test_an_unreachable_proxy_is_logged_and_the_write_stands(settings, caplog):
    settings.VARNISH_PURGE_URLS = ["http://127.0.0.1:9/"]  # the discard port: nothing listens
    purge.send({"council:1"})
    assert "Could not purge council:1" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_a_transaction_purges_its_keys_at_once(proxy, settings):
    """A bulk update in autocommit (a management command, a shell) also leaves the proxies' copies."""
    url, received = proxy
    settings.VARNISH_PURGE_URLS = [url]
    council = CouncilFactory(status=PilotStatus.SHORTLISTED, status_effective_on=timezone.localdate())
    received.clear()
    Council.objects.filter(pk=council.pk).update(short_name="Renamed")
    assert received == [{"tracker", "council:*"}]
