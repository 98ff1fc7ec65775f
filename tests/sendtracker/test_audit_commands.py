"""Changes made by management commands are attributed in the audit log: to the command, and to the
user ``--by`` names; the admin's audit log shows who or what made each change."""

import pytest
from auditlog.models import LogEntry as AuditEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.test import Client

from councils.models import Council, StatusChange
from sendtracker.commands import AuditedCommand
from tests.support.factories import CouncilFactory

pytestmark = pytest.mark.django_db

AUDIT_LIST = "/admin/auditlog/logentry/"
PROJECT_APPS = ("sendtracker", "councils", "articles", "comments", "alerts", "api")
# Commands that change no tracker data, or replace the whole database (audit log included).
NOT_AUDITED = {"backup_database", "restore_database"}


def entries_for(model):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).order_by("pk")


def statuses_csv(tmp_path):
    path = tmp_path / "statuses.csv"
    path.write_text(
        "council,status,effective_on,note,source_url\n"
        "HEF,shortlisted,2023-05-19,Named on the shortlist.,https://schoolsweek.co.uk/send-pilot\n",
        encoding="utf-8",
    )
    return str(path)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_import_statuses_by_a_named_user_names_both_in_the_audit_log(tmp_path, editor):
    CouncilFactory(code="HEF", short_name="Herefordshire", slug="herefordshire")
    call_command("import_statuses", statuses_csv(tmp_path), by="editor", verbosity=0)

    change = entries_for(StatusChange).get()
    assert change.actor == editor
    assert change.additional_data == {"via": "import_statuses command"}
    council = entries_for(Council).filter(action=AuditEntry.Action.UPDATE).get()
    assert (council.actor, council.additional_data["via"]) == (editor, "import_statuses command")

    page = client_for(editor).get(AUDIT_LIST).text
    assert "editor (via the import_statuses command)" in page


def test_a_command_run_without_by_is_named_as_the_actor(editor):
    call_command("import_councils", verbosity=0)
    entries = entries_for(Council)
    assert entries.count() == 153
    assert not entries.filter(actor__isnull=False).exists()
    assert all(entry.additional_data == {"via": "import_councils command"} for entry in entries)

    client = client_for(editor)
    assert "The import_councils command" in client.get(AUDIT_LIST).text
    made_in_commands = client.get(AUDIT_LIST, {"made_in": "command"}).text
    assert "The import_councils command" in made_in_commands
    assert "The import_councils command" not in client.get(AUDIT_LIST, {"made_in": "admin"}).text


def test_changes_after_a_command_are_not_attributed_to_it():
    call_command("import_councils", verbosity=0)
    council = Council.objects.get(slug="herefordshire")
    council.name = "Herefordshire Council (renamed)"
    council.save()
    latest = entries_for(Council).filter(object_pk=str(council.pk)).latest("pk")
    assert latest.additional_data is None and latest.actor is None


def test_an_unknown_by_user_stops_the_command_before_anything_changes(tmp_path):
    CouncilFactory(code="HEF", short_name="Herefordshire", slug="herefordshire")
    with pytest.raises(CommandError, match="No user called “nobody”"):
        call_command("import_statuses", statuses_csv(tmp_path), by="nobody", verbosity=0)
    assert not StatusChange.objects.exists()


def test_every_data_changing_command_of_the_project_records_its_actor():
    commands = {name: app for name, app in get_commands().items() if app in PROJECT_APPS}
    assert {"import_councils", "import_statuses", "load_story_updates", "load_seed_story"} <= set(commands)
    unaudited = [
        name
        for name, app in commands.items()
        if name not in NOT_AUDITED and not isinstance(load_command_class(app, name), AuditedCommand)
    ]
    assert unaudited == []
    for name, app in commands.items():
        if name not in NOT_AUDITED:
            parser = load_command_class(app, name).create_parser("manage.py", name)
            assert "--by" in parser.format_help(), name
