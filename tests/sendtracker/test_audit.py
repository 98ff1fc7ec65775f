"""The audit trail: admin changes logged with who and what, readable by editors only; history kept on correction."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from councils.choices import PilotStatus
from councils.models import Contract, StatusChange
from councils.services import council_set_status, status_change_correct
from tests.support.admin_forms import submit_admin_form
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db


def test_creating_changing_and_deleting_in_the_admin_is_logged_with_user_and_changes(client, journalist):
    client.force_login(journalist)
    response = submit_admin_form(
        client,
        "/admin/councils/contract/add/",
        "contract",
        {
            "role": "Safety valve financial adviser",
            "value": "16000",
            "term": "one year",
            "source_url": "https://example.org/contract",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    contract = Contract.objects.get(role="Safety valve financial adviser")

    submit_admin_form(client, f"/admin/councils/contract/{contract.pk}/change/", "contract", {"value": "17500"})
    client.post(f"/admin/councils/contract/{contract.pk}/delete/", {"post": "yes"})
    assert not Contract.objects.filter(pk=contract.pk).exists()

    entries = list(LogEntry.objects.filter(object_id=str(contract.pk)).order_by("action_time", "pk"))
    assert [entry.action_flag for entry in entries] == [ADDITION, CHANGE, DELETION]
    assert {entry.user for entry in entries} == {journalist}
    assert "Value" in entries[1].get_change_message()
    assert entries[2].object_repr  # what was deleted stays named in the log


def test_editors_can_read_the_audit_log_and_no_one_can_alter_it(client, editor, journalist):
    entry = LogEntry.objects.log_actions(
        user_id=journalist.pk,
        queryset=[CouncilFactory()],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Population"]}}],
        single_object=True,
    )
    client.force_login(editor)
    listing = client.get("/admin/admin/logentry/")
    assert listing.status_code == 200
    assert "journalist" in listing.text
    assert "Changed Population." in listing.text
    assert client.get(f"/admin/admin/logentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/admin/logentry/add/").status_code == 403
    assert client.post(f"/admin/admin/logentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/admin/logentry/{entry.pk}/change/", {"change_message": "[]"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("role", ["journalist", "moderator"])
def test_journalists_and_moderators_cannot_read_the_audit_log(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/admin/admin/logentry/").status_code == 403


@pytest.fixture
def recorded_change(journalist):
    council = CouncilFactory(status=PilotStatus.SHORTLISTED)
    return council_set_status(
        council=council,
        status=PilotStatus.CONSIDERING,
        effective_on=datetime.date(2023, 5, 20),
        note="Said it was considering, with NHS colleagues.",
        source_url="https://schoolsweek.co.uk/send-pilot/",
        by=journalist,
    )


def test_journalists_cannot_rewrite_or_delete_status_history(client, journalist, recorded_change):
    with pytest.raises(PermissionDenied):
        status_change_correct(change=recorded_change, by=journalist, reason="Typo", note="Something else")
    assert not journalist.has_perm("councils.change_statuschange")
    assert not journalist.has_perm("councils.delete_statuschange")
    client.force_login(journalist)
    response = client.post(f"/admin/councils/statuschange/{recorded_change.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert StatusChange.objects.filter(pk=recorded_change.pk).exists()


def test_no_one_deletes_status_history_not_even_editors(client, editor, recorded_change):
    assert not editor.has_perm("councils.delete_statuschange")
    client.force_login(editor)
    client.post(f"/admin/councils/statuschange/{recorded_change.pk}/delete/", {"post": "yes"})
    assert StatusChange.objects.filter(pk=recorded_change.pk).exists()


def test_an_editors_correction_keeps_the_original_visible(editor, recorded_change):
    correction = status_change_correct(
        change=recorded_change,
        by=editor,
        reason="The council said this on 22 May, not 20 May.",
        effective_on=datetime.date(2023, 5, 22),
        note="Said on 22 May it was considering.",
    )
    recorded_change.refresh_from_db()
    assert recorded_change.effective_on == datetime.date(2023, 5, 22)
    assert correction.corrected_by == editor
    assert correction.corrected_at is not None
    assert correction.previous == {
        "effective_on": "2023-05-20",
        "note": "Said it was considering, with NHS colleagues.",
    }
    assert list(recorded_change.corrections.all()) == [correction]


def test_a_correction_must_say_why(editor, recorded_change):
    with pytest.raises(ValidationError):
        status_change_correct(change=recorded_change, by=editor, reason="  ", note="Different")
    assert not recorded_change.corrections.exists()


def test_moderation_records_who_and_when(client, moderator):
    from comments.models import Comment
    from tests.support.factories import CommentFactory

    comment = CommentFactory(status=Comment.Status.PENDING)
    client.force_login(moderator)
    response = submit_admin_form(
        client, f"/admin/comments/comment/{comment.pk}/change/", "comment", {"status": Comment.Status.APPROVED}
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get(object_id=str(comment.pk), content_type__model="comment")
    assert entry.user == moderator
    assert entry.action_time is not None
    assert "Status" in entry.get_change_message()
