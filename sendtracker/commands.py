"""What every data-changing management command shares: it says who made its changes.

django-auditlog knows who changed something from the request; a command has none, so its
entries had no actor. ``AuditedCommand`` gives every command the ``--by USERNAME`` option and
runs it inside ``audit.made_by``: each audit entry it writes names that user (if given) and the
command ("import_statuses command"), which the admin's audit log shows.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from .audit import made_by


def user_named(username):
    """The user ``--by`` names, or None when it names nobody; an unknown name stops the command."""
    if not username:
        return None
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist as error:
        raise CommandError(f"No user called “{username}”.") from error


class AuditedCommand(BaseCommand):
    """A command whose changes the audit log attributes to it, and to the user ``--by`` names."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--by", metavar="USERNAME", help="Record the changes as made by this staff user.")
        return parser

    @property
    def command_name(self):
        return self.__module__.rsplit(".", 1)[-1]

    def execute(self, *args, **options):
        self.by = user_named(options.get("by"))
        with made_by(f"{self.command_name} command", self.by):
            return super().execute(*args, **options)
