"""Development only: one demo account per staff role, with the credentials printed."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError

from sendtracker.commands import AuditedCommand

DEMO_USERS = [
    ("journalist", "Journalists", False),
    ("moderator", "Moderators", False),
    ("editor", "Editors", False),
]
DEMO_PASSWORD = "demo-password-{role}-2026"


class Command(AuditedCommand):
    help = "Create demo staff accounts, one per role (refuses to run unless DJANGO_DEBUG is on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only: set DJANGO_DEBUG=1.")
        user_model = get_user_model()
        self.stdout.write("Demo staff accounts (development only):")
        for username, group_name, is_superuser in DEMO_USERS:
            password = DEMO_PASSWORD.format(role=username)
            user, _ = user_model.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = is_superuser
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            self.stdout.write(f"  {group_name[:-1]:<11} username: {username:<11} password: {password}")
