"""The moderators' queue, the word lists, the right to erasure, and the admin's old addresses."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentReport
from tests.support.comments import admin_action
from tests.support.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
QUEUE_ALL = CHANGELIST + "?status__exact=all"


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def test_the_queue_shows_pending_first_then_oldest_first(client, moderator):
    article = ArticleFactory(headline="Queue article")
    newer_pending = CommentFactory(article=article, status="pending", body="newer pending", created_at=ago(hours=1))
    older_pending = CommentFactory(article=article, status="pending", body="older pending", created_at=ago(hours=5))
    approved = CommentFactory(article=article, body="already approved", created_at=ago(days=3))
    client.force_login(moderator)
    opened = client.get(CHANGELIST)
    assert opened.status_code == 302
    assert opened["Location"] == f"{CHANGELIST}?status__exact=pending"  # the queue opens on Pending
    response = client.get(opened["Location"])
    assert list(response.context["cl"].result_list) == [older_pending, newer_pending]
    html = response.content.decode()
    assert "Queue article" in html  # the article is shown with the comment
    everything = client.get(QUEUE_ALL)
    assert list(everything.context["cl"].result_list) == [older_pending, newer_pending, approved]


def test_the_queue_filters_by_status_article_and_reported(client, moderator):
    one, two = ArticleFactory(), ArticleFactory()
    reported = CommentFactory(article=one)
    CommentReport.objects.create(comment=reported, reason="abuse", reporter_hash="r1")
    pending = CommentFactory(article=two, status="pending")
    client.force_login(moderator)
    results = lambda query: list(client.get(CHANGELIST + query).context["cl"].result_list)  # noqa: E731
    assert results("?status__exact=pending") == [pending]
    assert results(f"?article__id__exact={one.pk}") == [reported]
    assert results("?reported=yes") == [reported]
    assert results("?reported=no") == [pending]


def test_a_reply_is_shown_with_its_parent(client, moderator):
    parent = CommentFactory(display_name="Alex", body="The parent comment text")
    reply = CommentFactory(article=parent.article, parent=parent, status="pending")
    client.force_login(moderator)
    html = client.get(reverse("admin:comments_comment_change", args=[reply.pk])).content.decode()
    assert "The parent comment text" in html and "Alex" in html


@pytest.mark.parametrize(
    ("action", "status", "done"),
    [
        ("approve_comments", "approved", "approved"),
        ("reject_comments", "rejected", "rejected"),
        ("mark_as_spam", "spam", "marked as spam"),
    ],
)
def test_bulk_moderation_asks_for_an_optional_reason_and_records_who_and_when(client, moderator, action, status, done):
    comments = CommentFactory.create_batch(2, status="pending")
    untouched = CommentFactory(status="pending")
    client.force_login(moderator)
    confirm = admin_action(client, action, comments)
    assert confirm.status_code == 200
    assert "Reason (optional)" in confirm.content.decode()
    assert Comment.objects.filter(status="pending").count() == 3  # nothing happens until confirmed
    response = admin_action(client, action, comments, confirm="yes", reason="Checked against our rules")
    assert response.status_code == 302
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == moderator
        assert comment.moderated_at and timezone.now() - comment.moderated_at < datetime.timedelta(minutes=1)
        assert comment.moderation_reason == "Checked against our rules"
    untouched.refresh_from_db()
    assert untouched.status == "pending" and untouched.moderated_by is None
    messages = [str(m) for m in client.get(QUEUE_ALL).context["messages"]]
    assert f"2 comments {done}." in messages


def test_the_reason_is_optional(client, moderator):
    comment = CommentFactory(status="pending")
    client.force_login(moderator)
    admin_action(client, "approve_comments", [comment], confirm="yes", reason="")
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.moderated_by == moderator


def test_approving_makes_the_comment_appear_on_the_article(client, moderator):
    comment = CommentFactory(status="pending", body="Waiting to be seen")
    assert "Waiting to be seen" not in client.get(comment.article.get_absolute_url()).content.decode()
    client.force_login(moderator)
    admin_action(client, "approve_comments", [comment], confirm="yes")
    client.logout()
    assert "Waiting to be seen" in client.get(comment.article.get_absolute_url()).content.decode()


def test_changing_status_on_the_form_is_recorded_too(client, moderator):
    comment = CommentFactory(status="pending")
    client.force_login(moderator)
    response = client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {
            "status": "rejected",
            "moderation_reason": "Names a school",
            "reports-TOTAL_FORMS": "0",
            "reports-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by, comment.moderation_reason) == (
        "rejected",
        moderator,
        "Names a school",
    )


def test_a_journalist_cannot_see_or_moderate_comments(client, journalist):
    comment = CommentFactory(status="pending")
    client.force_login(journalist)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(reverse("admin:comments_comment_change", args=[comment.pk])).status_code == 403
    response = admin_action(client, "approve_comments", [comment], confirm="yes")
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"
    index = client.get(reverse("admin:index")).content.decode()
    assert "waiting for moderation" not in index


def test_a_reader_cannot_reach_the_queue(client, reader):
    client.force_login(reader)
    assert client.get(CHANGELIST).status_code == 302  # to the admin login


def test_the_admin_index_shows_the_pending_count_to_moderators(client, moderator):
    CommentFactory.create_batch(3, status="pending")
    CommentFactory()
    client.force_login(moderator)
    html = client.get(reverse("admin:index")).content.decode()
    assert "<strong>3</strong> comments waiting for moderation" in html
    assert f"{CHANGELIST}?status__exact=pending" in html


def test_moderators_can_edit_the_word_lists(client, moderator):
    client.force_login(moderator)
    response = client.post(reverse("admin:comments_moderationword_add"), {"word": "lawsuit", "action": "suspect"})
    assert response.status_code == 302


# The right to erasure.


def test_right_to_erasure_empties_every_comment_by_that_reader(client, moderator):
    mine = CommentFactory(email="Leaver@example.org", display_name="Leaver", body="First", ip_hash="a" * 64)
    also_mine = CommentFactory(email="leaver@example.org", body="Second on another article", user_agent="UA")
    theirs = CommentFactory(email="stayer@example.org", body="Someone else")
    client.force_login(moderator)
    confirm = admin_action(client, "erase_reader_data", [mine])
    assert "This cannot be undone." in confirm.content.decode()
    admin_action(client, "erase_reader_data", [mine], confirm="yes")
    for comment in (mine, also_mine):
        comment.refresh_from_db()
        assert (comment.email, comment.ip_hash, comment.user_agent) == ("", "", "")
        assert comment.display_name == "Removed" and comment.status == "rejected"
        assert "First" not in comment.body and "Second" not in comment.body
    theirs.refresh_from_db()
    assert theirs.body == "Someone else" and theirs.email == "stayer@example.org"
    html = client.get(mine.article.get_absolute_url()).content.decode()
    assert "Leaver" not in html


def test_an_editor_can_moderate_too(client, editor):
    comment = CommentFactory(status="pending")
    client.force_login(editor)
    admin_action(client, "reject_comments", [comment], confirm="yes", reason="Off topic")
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == ("rejected", editor)


def test_the_queue_query_count_does_not_grow_with_comments(client, moderator, django_assert_max_num_queries):
    article = ArticleFactory()
    parent = CommentFactory(article=article)
    CommentFactory.create_batch(3, article=article, parent=parent, status="pending")
    client.force_login(moderator)
    client.get(QUEUE_ALL)  # warm the session and permission caches
    with django_assert_max_num_queries(20) as few:
        client.get(QUEUE_ALL)
    for _ in range(5):
        other = CommentFactory(moderated_by=moderator)
        CommentFactory.create_batch(4, article=other.article, parent=other, status="pending")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(QUEUE_ALL)
    assert len(response.context["cl"].result_list) == 29


# The queue's addresses from when comments were part of the articles app still work.


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/articles/comment/", "/admin/comments/comment/"),
        ("/admin/articles/comment", "/admin/comments/comment/"),
        ("/admin/articles/comment/?status__exact=pending", "/admin/comments/comment/?status__exact=pending"),
        ("/admin/articles/comment/41/change/", "/admin/comments/comment/41/change/"),
        ("/admin/articles/commentreport/?reason__exact=abuse", "/admin/comments/commentreport/?reason__exact=abuse"),
        ("/admin/articles/moderationword/add/", "/admin/comments/moderationword/add/"),
    ],
)
def test_old_admin_addresses_redirect_permanently_to_the_comments_app(client, moderator, old, new):
    client.force_login(moderator)
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)
    assert client.get(new).status_code in (200, 302)  # a real page (a change page of a missing comment redirects)


def test_a_form_posted_to_an_old_admin_address_is_posted_again_to_the_new_one(client, moderator):
    client.force_login(moderator)
    response = client.post("/admin/articles/moderationword/add/", {"word": "lawsuit", "action": "suspect"})
    assert (response.status_code, response["Location"]) == (308, "/admin/comments/moderationword/add/")


def test_the_articles_admin_itself_is_not_redirected(client, editor):
    client.force_login(editor)
    assert client.get("/admin/articles/article/").status_code == 200
    assert client.get("/admin/articles/").status_code == 200


def test_an_old_address_with_a_crafted_path_stays_on_this_site(client):
    response = client.get("/admin/articles/comment//evil.example/")
    assert response["Location"].startswith("/admin/comments/comment/")


def test_the_queue_shows_each_comments_full_text_its_article_and_why_it_was_held(client, moderator):
    long_text = "My daughter waited eighteen months for her plan. " * 6
    comment = CommentFactory(status="pending", body=long_text.strip(), held_reason="Contains a link")
    client.force_login(moderator)

    html = client.get(f"{CHANGELIST}?status__exact=pending").content.decode()

    assert long_text.strip() in html  # the whole comment, not an excerpt
    assert comment.article.headline in html
    assert "Held: Contains a link" in html
    assert "css/admin-moderation.css" in html
    filters = html[html.index('id="changelist-filter"') :]
    assert filters.index("Pending") < filters.index("All")
