from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sendtracker import backups


class Command(BaseCommand):
    help = "Dump the PostgreSQL database with pg_dump (custom format) to a file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Where to write the dump. Default: sendtracker-<UTC time>.dump in the current directory.",
        )

    def handle(self, *args, output=None, **options):
        path = output or f"sendtracker-{timezone.now():%Y%m%dT%H%MZ}.dump"
        try:
            backups.backup(path)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up to {path}")
