"""Load the story since the seed article: the August 2023 announcement, the rename, the programme's events.

Idempotent: run it again and nothing changes. Run after load_seed_story (make setup does).
"""

from django.core.management.base import CommandError
from django.db import transaction

from councils.models import Council
from councils.story_partnerships import load_partnerships
from councils.story_updates import StoryLoadError, load_story_updates, read_event_rows, read_partnership_rows
from sendtracker.commands import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Record the nine partnerships and the 32 councils' status changes of 23 August 2023, the partnerships' rename of 5 October 2023, "
        "the programme's dated events and the announcement's key figures, from councils/data/. Every row is "
        "checked first; if any is bad nothing is loaded. What is already recorded is left as it is."
    )

    def handle(self, *args, **options):
        if not Council.objects.exists():
            raise CommandError("Import the councils first: python manage.py import_councils")
        user = self.by  # --by (every AuditedCommand has it)
        try:
            members = read_partnership_rows()
            events = read_event_rows()
            with transaction.atomic():
                result = load_story_updates(members=members, events=events, by=user)
                warnings = load_partnerships(members, by=user)
        except StoryLoadError as error:
            raise CommandError(f"Nothing loaded.\n{error}") from error
        for warning in warnings:
            self.stdout.write(self.style.WARNING(f"Check: {warning}"))
        self.stdout.write(self.style.SUCCESS(f"Story updates: {result}."))
