"""Re-sync the staff groups: journalists and editors keep the programme timeline and former names.

The merger of issue 11 may fold this into the last roles re-sync instead: it must run
after every model the roles name exists.
"""

from django.db import migrations

from sendtracker.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0010_programme_names_and_events"),
        ("articles", "0005_article_comments_close_at"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
