"""Create the Journalists, Moderators and Editors groups on every database."""

from django.db import migrations

from sendtracker.roles import ROLES, before_comments_app, sync_roles


def create_roles(apps, schema_editor):
    sync_roles(apps, roles=before_comments_app(ROLES))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("councils", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
