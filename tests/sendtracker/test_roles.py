"""Staff roles: every database has the three groups, each with least privilege."""

import pytest
from django.contrib.auth.models import Group

from sendtracker.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db


def group_perms(name):
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=name).permissions.all()}


def test_the_migrations_create_the_three_groups_with_exactly_their_permissions():
    for name, codes in ROLES.items():
        assert group_perms(name) == set(codes)


def test_syncing_again_changes_nothing():
    before = {name: group_perms(name) for name in ROLES}
    sync_roles()
    assert {name: group_perms(name) for name in ROLES} == before


def test_journalists_keep_the_facts_and_write_drafts_but_do_not_publish_or_rewrite_history(journalist):
    for allowed in (
        "councils.change_council",
        "councils.add_statuschange",
        "councils.add_partnership",
        "councils.add_contract",
        "articles.add_article",
        "articles.change_article",
        "articles.add_quote",
    ):
        assert journalist.has_perm(allowed), allowed
    for refused in (
        "articles.publish_article",
        "articles.add_correction",
        "councils.change_statuschange",
        "councils.delete_statuschange",
        "councils.correct_statuschange",
        "councils.override_status_rules",
        "councils.delete_council",
        "comments.change_comment",
        "admin.view_logentry",
        "auth.view_user",
        "auth.change_user",
        "auth.change_group",
    ):
        assert not journalist.has_perm(refused), refused


def test_moderators_work_comments_only(moderator):
    perms = moderator.get_all_permissions()
    assert "comments.change_comment" in perms
    assert {perm for perm in perms if not perm.startswith("comments.")} == {"articles.view_article"}
    assert not {"articles.change_article", "articles.add_article", "articles.publish_article"} & perms
    assert {perm.split("_", 1)[1] for perm in perms if perm.startswith("comments.")} <= {
        "comment",
        "commentreport",
        "moderationword",
    }


def test_editors_do_everything_content_and_publish_but_never_rewrite_history_directly(editor):
    for allowed in (
        "articles.publish_article",
        "articles.add_correction",
        "councils.correct_statuschange",
        "councils.override_status_rules",
        "councils.delete_partnership",
        "comments.change_comment",
        "admin.view_logentry",
    ):
        assert editor.has_perm(allowed), allowed
    for refused in ("councils.change_statuschange", "councils.delete_statuschange", "auth.change_user"):
        assert not editor.has_perm(refused), refused
