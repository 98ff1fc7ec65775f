"""Varnish (deploy/varnish/default.vcl) in front of gunicorn: cached pages, exact purges, no cached page for staff.

Starts its own Redis, PostgreSQL database, gunicorn and varnishd (its own ``-n`` working
directory under tmp) on spare loopback ports, as tests/integration/test_scale_out.py does.
Skipped when varnishd is absent, unless REQUIRE_VARNISH=1 (.ci/run sets it); needs PostgreSQL.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.integration.test_scale_out import DATABASE_URL, ROOT, Browser, Cluster, free_ports, wait_for
from tests.support.admin_forms import form_data

VARNISHD = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)

pytestmark = [
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="the Varnish test needs PostgreSQL in DATABASE_URL (.ci/run provides it)",
    ),
    pytest.mark.skipif(
        VARNISHD is None and os.environ.get("REQUIRE_VARNISH") != "1",
        reason="varnishd is not installed (apt-get install varnish varnish-modules)",
    ),
]

SETUP_DATA = """
from councils.choices import PilotStatus
from tests.support.factories import ArticleFactory, CouncilFactory, UserFactory
UserFactory(username="editor", role="Editors")
council = CouncilFactory(short_name="Varnshire", slug="varnshire", name="Varnshire Council", status=PilotStatus.SHORTLISTED)
ArticleFactory(slug="unrelated-story", headline="An unrelated story", comment_moderation="closed")
print(council.pk)
"""


@pytest.fixture(scope="module")
def proxied():
    assert VARNISHD, "varnishd is not installed; REQUIRE_VARNISH=1 needs it"
    tmp = Path(tempfile.mkdtemp(prefix="sendtracker-varnish-"))
    tmp.chmod(0o755)  # varnishd's child runs as its own user (the unix jail) and reads its -n directory
    cluster = Cluster(tmp)
    cluster.db_name += "_varnish"
    cluster.db_url = DATABASE_URL.rsplit("/", 1)[0] + f"/{cluster.db_name}"
    (cluster.varnish_port,) = free_ports(6)[5:]
    vcl = (ROOT / "deploy/varnish/default.vcl").read_text().replace('"8000"', f'"{cluster.port_a}"')
    (tmp / "default.vcl").write_text(vcl)
    try:
        cluster.create_database()
        cluster.start_redis()
        cluster.manage_all([("migrate", "--noinput"), ("collectstatic", "--noinput", "--verbosity", "0")])
        cluster.council_pk = int(cluster.manage("shell", stdin=SETUP_DATA).strip().splitlines()[-1])
        cluster.start_servers(cluster.port_a, VARNISH_PURGE_URLS=f"http://127.0.0.1:{cluster.varnish_port}/")
        varnish = subprocess.Popen(
            [
                VARNISHD,
                "-F",
                "-n",
                str(tmp / "varnish"),
                "-f",
                str(tmp / "default.vcl"),
                "-a",
                f"127.0.0.1:{cluster.varnish_port}",
                "-s",
                "malloc,32m",
                "-T",
                "none",
            ],
            stdout=open(tmp / "varnish.log", "w"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
        )
        cluster.processes.append(varnish)
        wait_for(lambda: _varnish_answers(varnish, cluster, tmp), "varnishd")
        yield cluster
    finally:
        cluster.stop()
        cluster.drop_database()
        shutil.rmtree(tmp, ignore_errors=True)


def _varnish_answers(varnish, cluster, tmp):
    if varnish.poll() is not None:
        raise RuntimeError(f"varnishd exited:\n{(tmp / 'varnish.log').read_text()}")
    return Browser().get(cluster.varnish_port, "/healthz").status == 200


def cached_through_varnish(browser, port, path):
    browser.get(port, path)
    time.sleep(1.1)  # Age counts whole seconds
    response = browser.get(port, path)
    return response


def test_varnish_serves_pages_and_forgets_exactly_what_changed(proxied):
    port = proxied.varnish_port
    public = Browser(address="198.51.100.30")
    council_page, article = "/councils/varnshire/", "/articles/unrelated-story/"
    note = "The cabinet is weighing up a bid."
    for path in (council_page, article):
        response = cached_through_varnish(public, port, path)
        assert response.status == 200
        assert int(response.headers.get("Age", "0")) > 0, path
        assert not {"xkey", "x-cache-ttl"} & {name.lower() for name in response.headers}
        assert note not in response.text

    editor = Browser()
    assert editor.log_in(port, "editor").status == 302
    change_url = f"/admin/councils/council/{proxied.council_pk}/change/"
    form = form_data(
        editor.get(port, change_url).text,
        "council_form",
        {
            "pilot_status": "considering",
            "status_effective_date": time.strftime("%Y-%m-%d"),
            "status_note": note,
            "status_source_url": "https://example.org/varnshire-cabinet",
            "status_source_title": "Varnshire cabinet papers",
        },
    )
    assert editor.post(port, change_url, form).status == 302

    page = public.get(port, council_page)  # the very next request: the purge came before the admin's redirect
    assert note in page.text and re.search(r"considering", page.text, re.I), "the change is not visible through Varnish"
    assert page.headers.get("Age", "0") == "0"
    assert int(public.get(port, article).headers.get("Age", "0")) > 0  # names no council: still cached

    # A signed-in editor is never served a cached page.
    for _ in range(2):
        response = editor.get(port, council_page)
        assert response.headers.get("Age", "0") == "0"
        assert "X-Page-Cache" not in response.headers
