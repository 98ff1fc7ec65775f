"""Load or refresh the 153 English education authorities from the mySociety register."""

import sys

from django.core.management.base import CommandError
from tqdm import tqdm

from councils.importers import DEFAULT_CSV, CouncilImportError, import_councils, read_councils
from sendtracker.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Import English education authorities from a CSV (default: the copy shipped in councils/data/)."

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(DEFAULT_CSV), help="Path to the CSV file.")

    def handle(self, *args, csv, **options):
        try:
            rows = read_councils(csv)
        except CouncilImportError as error:
            raise CommandError(f"Nothing imported. {error}") from error
        show_bar = self.stdout.isatty() and options["verbosity"] > 0
        with tqdm(total=len(rows), unit="council", disable=not show_bar, file=sys.stdout) as bar:
            result = import_councils(rows, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Councils: {result}."))
