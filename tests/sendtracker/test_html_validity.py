"""The Nu Html Checker (vnu) finds no error on any public page.

vnu runs once, in one JVM, over every page saved to a folder (it is slow to start). Its jar comes
from the npm registry: ``npm install --prefix .cache/vnu vnu-jar`` (``.ci/run`` does this). Without
the jar the test skips, unless REQUIRE_VNU=1 (set by ``.ci/run``), when it fails.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment
from councils.models import Council, Partnership

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"))

PAGES = [
    "/",
    "/?as_of=2023-05-19",
    "/tracker/",
    "/tracker/?status=declined&region=South+East&ordering=-status",
    "/tracker/?as_of=2023-05-19&scope=all",
    "/tracker/?status=bogus",
    "/tracker/?q=nowhere",
    "/partnerships/",
    "/partnerships/?as_of=2023-09-01",
    "/programme/",
    "/contracts/",
    "/changes/",
    "/changes/?page=2",
    "/articles/",
    "/articles/quotes/",
    "/how-we-track-this/",
    "/data/",
    "/embed/tracker/",
    "/api/docs/",
    "/no-such-page/",
]


def vnu_jar():
    if VNU_JAR.exists() and shutil.which("java"):
        return VNU_JAR
    if os.environ.get("REQUIRE_VNU") == "1":
        pytest.fail(f"REQUIRE_VNU=1 but the Nu Html Checker is missing at {VNU_JAR} (or java is not on PATH)")
    pytest.skip(f"Nu Html Checker not installed at {VNU_JAR}: npm install --prefix .cache/vnu vnu-jar")


def every_public_page():
    """Every page template, as readers see it: the lists above plus each council, partnership and article."""
    pages = list(PAGES)
    for council in Council.objects.filter(status_changes__isnull=False).distinct()[:12]:
        pages += [council.get_absolute_url(), f"{council.get_absolute_url()}?as_of=2023-09-01"]
    for partnership in Partnership.objects.all():
        pages += [partnership.get_absolute_url(), f"{partnership.get_absolute_url()}?as_of=2023-09-01"]
    for article in Article.objects.published():
        pages.append(article.get_absolute_url())
    comment = Comment.objects.filter(article__in=Article.objects.published()).first()
    if comment is not None:
        pages.append(f"/articles/comments/{comment.pk}/report/")
    return pages


def test_the_nu_html_checker_finds_no_error_on_any_public_page(client, seeded, tmp_path):
    jar = vnu_jar()
    call_command("load_story_updates", verbosity=0)
    names = {}
    for number, url in enumerate(every_public_page()):
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        path = tmp_path / f"page-{number:03d}.html"
        path.write_bytes(response.content)
        names[str(path)] = url

    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--errors-only", "--exit-zero-always", *map(str, sorted(names))],
        capture_output=True,
        text=True,
        timeout=300,
    )

    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{names.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m.get('message')} [{m.get('extract', '')}]"
        for m in messages
    ]
    assert len(names) > 30
    assert not errors, "\n".join(errors)
