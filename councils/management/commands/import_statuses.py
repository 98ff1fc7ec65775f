"""Record council status changes from a CSV, through the same door as the admin."""

from django.core.management.base import CommandError

from councils.status_import import COLUMNS, StatusImportError, import_statuses, read_status_rows
from sendtracker.commands import AuditedCommand


class Command(AuditedCommand):
    help = (
        f"Record status changes from a CSV with the columns {', '.join(COLUMNS)} (and optionally source_title). "
        "Every row is checked first; if any is bad nothing is recorded. Rows already recorded are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", help="Path to the CSV file.")

    def handle(self, *args, csv, **options):
        user = self.by  # --by (every AuditedCommand has it)
        try:
            rows = read_status_rows(csv)
            result = import_statuses(rows, by=user)
        except StatusImportError as error:
            raise CommandError(f"Nothing recorded.\n{error}") from error
        self.stdout.write(self.style.SUCCESS(f"Status changes: {result}."))
