"""Record council status changes from a CSV, through the same door as the admin."""

from django.core.management.base import BaseCommand, CommandError

from councils.status_import import COLUMNS, StatusImportError, import_statuses, read_status_rows

from ._options import add_by_option, user_named


class Command(BaseCommand):
    help = (
        f"Record status changes from a CSV with the columns {', '.join(COLUMNS)} (and optionally source_title). "
        "Every row is checked first; if any is bad nothing is recorded. Rows already recorded are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", help="Path to the CSV file.")
        add_by_option(parser)

    def handle(self, *args, csv, by=None, **options):
        user = user_named(by)
        try:
            rows = read_status_rows(csv)
            result = import_statuses(rows, by=user)
        except StatusImportError as error:
            raise CommandError(f"Nothing recorded.\n{error}") from error
        self.stdout.write(self.style.SUCCESS(f"Status changes: {result}."))
