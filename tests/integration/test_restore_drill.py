"""The restore drill: a backup of a database holding the seed story, readers' comments and the admin's
audit trail restores into a fresh database that answers the same tracker CSV, every council's timeline,
the same comments and the same audit log. PostgreSQL only (``.ci/run`` runs the suite on it)."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from comments.models import Comment
from councils.models import Council, StatusChange
from sendtracker import backups
from tests.support.factories import CommentFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not shutil.which("pg_dump"),
        reason="the restore drill needs PostgreSQL and its client tools (.ci/run)",
    ),
    pytest.mark.django_db(transaction=True),
]


def build_the_newsroom():
    """The seed story and what followed, comments in every state, and an editor's changes in the admin log."""
    call_command("import_councils", verbosity=0)
    call_command("load_seed_story", verbosity=0)
    call_command("load_story_updates", verbosity=0)
    article = Article.objects.get()
    for status in Comment.Status.values:
        CommentFactory(article=article, status=status, body=f"A {status} thought.")
    CommentFactory(article=article, parent=Comment.objects.filter(status="approved").first(), body="A reply.")
    editor = UserFactory(username="drill-editor")
    for obj in (article, Council.objects.get(slug="herefordshire"), StatusChange.objects.first()):
        LogEntry.objects.create(
            user=editor,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": ["Note"]}}]),
        )


def feed_content(response):
    """The feed; one with no entries says it was updated now, so that one time is left out."""
    content = response.content
    return content if b"<entry>" in content else re.sub(rb"<updated>[^<]*</updated>", b"", content)


def what_readers_and_editors_see(client):
    """The tracker CSV, every council's timeline page, the comments and the audit log, as they stand."""
    cache.clear()  # every page rendered from this database, none from the page cache
    councils = list(Council.objects.order_by("slug").values_list("slug", flat=True))
    return {
        "tracker.csv": client.get("/tracker.csv").content,
        "timelines": {slug: client.get(f"/councils/{slug}/").content for slug in councils},
        "timeline feeds": {slug: feed_content(client.get(f"/councils/{slug}/feed/")) for slug in councils},
        "status changes": list(StatusChange.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "audit log": list(LogEntry.objects.order_by("pk").values()),
    }


def use_database(name):
    connection.close()
    if connection.settings_dict.get("OPTIONS", {}).get("pool"):
        connection.close_pool()
    connection.settings_dict["NAME"] = name


def test_a_backup_restores_into_a_fresh_database_identically(client, tmp_path):
    build_the_newsroom()
    before = what_readers_and_editors_see(client)
    assert before["comments"] and before["audit log"] and before["status changes"]

    original = connection.settings_dict["NAME"]
    restored = f"{original}_restore_drill_{os.getpid()}"
    dump = backups.backup(str(tmp_path / "drill.dump"))
    try:
        backups.restore(dump, into=restored)
        use_database(restored)
        after = what_readers_and_editors_see(client)
        # The restored sequences carry on after the restored rows: a new comment does not collide.
        assert CommentFactory(body="After the restore.").pk > max(row["id"] for row in before["comments"])
    finally:
        use_database(original)
        backups.drop(restored)

    for part in before:
        assert after[part] == before[part], part


def test_the_make_targets_and_commands_are_documented():
    text = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    for words in ("make backup", "make restore", "manage.py backup_database", "manage.py restore_database"):
        assert words in text
