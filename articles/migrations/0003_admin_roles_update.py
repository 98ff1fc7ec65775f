"""Re-sync the staff groups after the admin review of roles.

Journalists no longer add corrections to articles (publishing a correction is an
editor's job, DESIGN §2); editors lose the unused change_statuschange (the history
is corrected only through councils.services.status_change_correct).
"""

from django.db import migrations

from sendtracker.roles import ROLES, before_comments_app, sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps, roles=before_comments_app(ROLES))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_staff_roles"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
