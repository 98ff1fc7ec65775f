"""Load or refresh the NHS integrated care boards and each education authority's board(s)."""

import sys

from django.core.management.base import CommandError
from tqdm import tqdm

from councils.importers import CARE_BOARDS_CSV, CouncilImportError, import_care_boards, read_care_boards
from sendtracker.commands import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Import the NHS integrated care board(s) of each education authority from a CSV "
        "(default: the ONS-based copy shipped in councils/data/). Run import_councils first."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(CARE_BOARDS_CSV), help="Path to the CSV file.")

    def handle(self, *args, csv, **options):
        try:
            boards = read_care_boards(csv)
        except CouncilImportError as error:
            raise CommandError(f"Nothing imported. {error}") from error
        show_bar = self.stdout.isatty() and options["verbosity"] > 0
        with tqdm(total=len(boards), unit="council", disable=not show_bar, file=sys.stdout) as bar:
            try:
                result = import_care_boards(boards, progress=bar.update)
            except CouncilImportError as error:
                raise CommandError(f"Nothing imported. {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{result}."))
