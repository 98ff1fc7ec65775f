"""Set the staff groups' permissions once every model the roles name exists.

The project's roles (sendtracker/roles.py) span the domain apps, so their last re-sync
belongs to the project and runs after each app's latest migration. A change to ROLES
adds a migration here that depends on this one (and on any new model it names).
"""

from django.db import migrations

from sendtracker.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_comments_move_to_their_app"),
        ("comments", "0001_initial"),
        ("councils", "0004_programme_names_and_events"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
