"""Moving the comment models from the articles app to the comments app loses nothing.

A database in the previous layout (articles at 0005, no comments app) is filled through
the historical models, then migrated to the latest: every row and field must read back
the same through the new models, and a moderators' group keeps its comment permissions.
"""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from comments.models import Comment, CommentReport, ModerationWord

pytestmark = pytest.mark.django_db(transaction=True)

PREVIOUS_LAYOUT = [("articles", "0005_article_comments_close_at"), ("comments", None)]
MODERATOR_CODENAMES = ("change_comment", "view_comment", "change_commentreport", "view_commentreport")


def migrate(targets=None):
    """Migrate the test database to ``targets`` (the latest migrations when None); the state reached."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    state = executor.migrate(targets)
    ContentType.objects.clear_cache()  # the relabelled rows must be read again
    return state.apps


@pytest.fixture
def previous_layout():
    """The historical models of the previous layout; the database is back at the latest afterwards."""
    try:
        yield migrate(PREVIOUS_LAYOUT)
    finally:
        migrate()


def fields(obj):
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def comment_permissions(apps, app_label):
    """The moderators' permissions on the comment models under ``app_label``, made if missing."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    permissions = []
    for codename in MODERATOR_CODENAMES:
        model = codename.split("_", 1)[1]
        content_type, _ = content_type_model.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = permission_model.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
        )
        permissions.append(permission)
    return permissions


def fill_previous_layout(apps):
    """An article with a comment, a reply, a report and the word lists, made by the previous layout's models."""
    user_model = apps.get_model(*get_user_model()._meta.label.split("."))
    article_model = apps.get_model("articles", "Article")
    comment_model = apps.get_model("articles", "Comment")
    now = timezone.now().replace(microsecond=0)
    moderator = user_model.objects.create(username="old-moderator", is_staff=True)
    article = article_model.objects.create(
        headline="Pilot councils named",
        slug="pilot-councils-named",
        standfirst="Who is in.",
        body="<p>The list.</p>",
        byline="A Reporter",
        status="published",
        published_at=now - datetime.timedelta(days=2),
        comment_moderation="post",
    )
    comment = comment_model.objects.create(
        article=article,
        display_name="Sam",
        email="sam@example.org",
        reader_role="parent",
        body="The pilot must reach families sooner.",
        created_at=now - datetime.timedelta(days=1),
        status="approved",
        held_reason="first comment from this email address",
        moderated_by=moderator,
        moderated_at=now - datetime.timedelta(hours=20),
        moderation_reason="Fair comment",
        ip_hash="a" * 64,
        user_agent="Mozilla/5.0 (old layout)",
        fingerprint="f" * 64,
    )
    reply = comment_model.objects.create(
        article=article,
        parent=comment,
        display_name="Newsroom",
        body="Thanks, we are asking the DfE.",
        status="approved",
        author=moderator,
    )
    report = apps.get_model("articles", "CommentReport").objects.create(
        comment=comment, reason="misinformation", detail="Not what the DfE said", reporter_hash="r" * 64
    )
    word_model = apps.get_model("articles", "ModerationWord")
    words = [
        word_model.objects.create(word="lawsuit", action="suspect"),
        word_model.objects.create(word="x", action="banned"),
    ]
    group = apps.get_model("auth", "Group").objects.create(name="Old moderators")
    group.permissions.set(comment_permissions(apps, "articles"))
    moderator.groups.add(group)
    return {"moderator": moderator, "comment": comment, "reply": reply, "report": report, "words": words}


def test_comments_reports_words_and_permissions_survive_the_move(previous_layout):
    old = fill_previous_layout(previous_layout)
    content_type_model = previous_layout.get_model("contenttypes", "ContentType")
    old_content_type = content_type_model.objects.get(app_label="articles", model="comment")
    LogEntry.objects.create(
        user_id=old["moderator"].pk,
        content_type_id=old_content_type.pk,
        object_id=str(old["comment"].pk),
        object_repr="Sam",
        action_flag=CHANGE,
    )

    migrate()

    for before in (old["comment"], old["reply"]):
        after = fields(Comment.objects.get(pk=before.pk))
        # Fields added since the move (notify_replies, comments/migrations/0002) take their defaults.
        assert after.pop("notify_replies") is False
        assert after == fields(before)
    assert Comment.objects.get(pk=old["reply"].pk).parent_id == old["comment"].pk
    assert fields(CommentReport.objects.get()) == fields(old["report"])
    assert sorted(map(fields, ModerationWord.objects.all()), key=str) == sorted(map(fields, old["words"]), key=str)
    assert Comment.objects.count() == 2

    # The same content type row, relabelled: permissions and the admin's log follow it.
    assert ContentType.objects.get_for_model(Comment).pk == old_content_type.pk
    assert not ContentType.objects.filter(app_label="articles", model__in=["comment", "commentreport"]).exists()
    assert LogEntry.objects.get().get_admin_url() == f"/admin/comments/comment/{old['comment'].pk}/change/"
    moderator = get_user_model().objects.get(pk=old["moderator"].pk)
    assert {f"comments.{codename}" for codename in MODERATOR_CODENAMES} <= moderator.get_all_permissions()
    assert not moderator.has_perm("articles.change_comment")
    client = Client()
    client.force_login(moderator)
    assert client.get("/admin/comments/comment/", follow=True).status_code == 200
    assert "Sam" in client.get(f"/admin/comments/comment/{old['comment'].pk}/change/").content.decode()


def test_a_content_type_already_made_for_the_new_label_is_merged_into_the_moved_one(previous_layout):
    old = fill_previous_layout(previous_layout)
    old_content_type = previous_layout.get_model("contenttypes", "ContentType").objects.get(
        app_label="articles", model="comment"
    )
    # As if post_migrate had made the new label's rows early, and someone granted one of them.
    stray_permission = comment_permissions(previous_layout, "comments")[0]
    other_group = previous_layout.get_model("auth", "Group").objects.create(name="Granted early")
    other_group.permissions.add(stray_permission)

    migrate()

    assert list(ContentType.objects.filter(app_label="comments", model="comment").values_list("pk", flat=True)) == [
        old_content_type.pk
    ]
    moderator = get_user_model().objects.get(pk=old["moderator"].pk)
    assert moderator.has_perm("comments.change_comment")
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in moderator.groups.get().permissions.all()}
    assert granted == {f"comments.{codename}" for codename in MODERATOR_CODENAMES}
    early = ContentType.objects.get(app_label="comments", model="comment").permission_set.get(codename="change_comment")
    # The staff roles' last re-sync (sendtracker/migrations) grants it to Editors and Moderators too.
    assert sorted(early.group_set.values_list("name", flat=True)) == [
        "Editors",
        "Granted early",
        "Moderators",
        "Old moderators",
    ]
