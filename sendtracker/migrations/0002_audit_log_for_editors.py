"""Editors read the new audit log (django-auditlog): the roles are synced again once its table exists."""

from django.db import migrations

from sendtracker.roles import sync_roles


def sync(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("sendtracker", "0001_sync_staff_roles"),
        ("auditlog", "0017_add_actor_email"),
        ("articles", "0008_quote_sources"),
        ("comments", "0002_constraint_messages"),
        ("councils", "0006_sources_and_ledgers"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
