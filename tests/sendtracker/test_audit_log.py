"""The audit log (django-auditlog): who changed what, each field old → new, readable by editors only."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry as AuditEntry
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.services import erase_reader, moderate_comments
from councils.choices import PilotStatus
from councils.models import StatusChange
from councils.services import council_set_status, status_change_correct
from tests.support.factories import CommentFactory, CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db

AUDIT_LIST = "/admin/auditlog/logentry/"
DAY = datetime.date(2023, 5, 19)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def entries_for(model):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).order_by("pk")


def test_a_status_change_from_the_admin_is_logged_with_who_and_old_and_new_values(journalist, editor):
    council = CouncilFactory(short_name="Brighton and Hove", status=PilotStatus.CONSIDERING)
    form = client_for(journalist).get(reverse("admin:councils_council_change", args=[council.pk]))
    data = {
        name: value
        for name, value in (
            (n, form.context["adminform"].form[n].value()) for n in form.context["adminform"].form.fields
        )
        if value not in (None, False)
    }
    data.update(
        {
            "initial-pilot_status": council.status,
            "pilot_status": PilotStatus.DECLINED,
            "status_effective_date": "2023-06-01",
            "status_note": "Said no.",
            "status_source_url": "https://example.org/brighton",
            "care_board_links-TOTAL_FORMS": 0,
            "care_board_links-INITIAL_FORMS": 0,
            "send_inspections-TOTAL_FORMS": 0,
            "send_inspections-INITIAL_FORMS": 0,
        }
    )
    assert (
        client_for(journalist).post(reverse("admin:councils_council_change", args=[council.pk]), data).status_code
        == 302
    )

    council_entry = entries_for(type(council)).filter(action=AuditEntry.Action.UPDATE).last()
    assert council_entry.actor == journalist
    assert council_entry.changes_dict["status"] == ["considering", "declined"]

    page = client_for(editor).get(AUDIT_LIST).text
    assert "pilot status: Considering → Declined" in page
    assert "to status: Declined" in page  # the new timeline entry, created with its values
    assert "journalist" in page


def test_an_editors_correction_reads_old_to_new(editor):
    council = CouncilFactory()
    change = council_set_status(council=council, status=PilotStatus.SHORTLISTED, effective_on=DAY, by=editor)

    status_change_correct(
        change=change, by=editor, reason="Letter dated 18 May.", effective_on=DAY - datetime.timedelta(days=1)
    )

    entry = entries_for(StatusChange).filter(action=AuditEntry.Action.UPDATE).get()
    assert entry.changes_dict["effective_on"] == ["2023-05-19", "2023-05-18"]
    assert "effective on: 19 May 2023 → 18 May 2023" in client_for(editor).get(AUDIT_LIST).text


def test_bulk_moderation_and_erasure_are_recorded_without_the_readers_words(moderator, editor):
    held = CommentFactory(status=Comment.Status.PENDING, body="Private words", display_name="Jo Bloggs")
    moderate_comments(comments=Comment.objects.filter(pk=held.pk), status=Comment.Status.APPROVED, by=moderator)
    erase_reader(comments=Comment.objects.filter(pk=held.pk), by=editor)

    moderated, erased = entries_for(Comment)
    assert (moderated.actor, moderated.changes_dict["status"]) == (moderator, ["pending", "approved"])
    assert (erased.actor, erased.changes_dict["status"]) == (editor, ["approved", "rejected"])
    assert erased.changes_dict["moderation_reason"][1] == "Erased at the reader’s request"
    logged = " ".join(str(entry.changes) + entry.object_repr for entry in AuditEntry.objects.all())
    assert "Private words" not in logged and "Jo Bloggs" not in logged


def test_changes_to_staff_accounts_are_recorded_but_never_passwords(editor):
    user = UserFactory(username="newhire")
    user.email = "newhire@example.org"
    user.set_password("another-long-passphrase")
    user.save()

    entry = entries_for(type(user)).filter(action=AuditEntry.Action.UPDATE).last()
    assert "email" in entry.changes_dict
    assert "password" not in entry.changes_dict


def test_the_audit_log_filters_by_object_type_and_person_and_lists_nothing_irrelevant(journalist, editor):
    with set_actor(journalist):  # as the middleware does for a request
        council_set_status(council=CouncilFactory(), status=PilotStatus.SHORTLISTED, effective_on=DAY, by=journalist)
    client = client_for(editor)

    page = client.get(AUDIT_LIST).text
    assert "statuschange" in page and "By actor" in page
    for irrelevant in ("session", "access attempt", "permission", "Correlation"):
        assert irrelevant not in page.lower().replace("sessions", "")
    statuschange = ContentType.objects.get(app_label="councils", model="statuschange")
    only = client.get(AUDIT_LIST, {"resource_type": statuschange.pk, "actor__id__exact": journalist.pk})
    assert only.context["cl"].result_count == 1


def test_the_admins_older_history_stays_readable_with_only_relevant_filters(journalist, editor):
    LogEntry.objects.log_actions(
        user_id=journalist.pk,
        queryset=[CouncilFactory()],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Population"]}}],
        single_object=True,
    )

    page = client_for(editor).get("/admin/admin/logentry/").text

    assert "Changed Population." in page
    assert "council" in page
    for irrelevant in ("access attempt", "session", "permission"):
        assert f">{irrelevant}<" not in page


@pytest.mark.parametrize("role", ["journalist", "moderator"])
def test_only_editors_read_the_audit_log(request, role):
    assert client_for(request.getfixturevalue(role)).get(AUDIT_LIST).status_code == 403


def test_nobody_alters_the_audit_log(editor):
    council_set_status(council=CouncilFactory(), status=PilotStatus.SHORTLISTED, effective_on=DAY, by=editor)
    entry = AuditEntry.objects.first()
    client = client_for(editor)

    assert client.get(f"{AUDIT_LIST}{entry.pk}/change/").status_code == 200
    assert client.post(f"{AUDIT_LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_mark_as_on_selected_councils_is_logged_with_who_and_old_and_new_status(journalist, editor):
    """Issue 12 saw "Mark as …" leave no audit entry; each council it moves is logged, old → new, by its author."""
    councils = [
        CouncilFactory(short_name="Fineshire", status=PilotStatus.SHORTLISTED),
        CouncilFactory(short_name="Alsoshire", status=PilotStatus.CONSIDERING),
    ]
    response = client_for(journalist).post(
        reverse("admin:councils_council_changelist"),
        {
            "action": "mark_declined",
            "_selected_action": [council.pk for council in councils],
            "apply": "yes",
            "effective_on": "2023-06-01",
            "note": "Both councils said no.",
            "source_url": "https://example.org/story",
        },
    )
    assert response.status_code == 302
    logged = entries_for(StatusChange)
    assert logged.count() == 2 and {entry.actor for entry in logged} == {journalist}
    moved = entries_for(type(councils[0])).filter(action=AuditEntry.Action.UPDATE)
    assert sorted(entry.changes_dict["status"][0] for entry in moved) == ["considering", "shortlisted"]
    assert {entry.actor for entry in moved} == {journalist}
    page = client_for(editor).get(AUDIT_LIST).text
    assert "pilot status: Shortlisted → Declined" in page
    assert "pilot status: Considering → Declined" in page
