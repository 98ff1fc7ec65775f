from django.core.management.base import BaseCommand, CommandError

from sendtracker import backups


class Command(BaseCommand):
    help = (
        "Restore a dump made by backup_database into a NEW database on the same server (never over one). "
        "Then point DATABASE_URL at it, run migrate and clear the cache (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", help="The file backup_database wrote.")
        parser.add_argument("--into", required=True, help="The name of the database to create and restore into.")

    def handle(self, *args, dump, into, **options):
        try:
            backups.restore(dump, into=into)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {dump} into the new database {into}")
