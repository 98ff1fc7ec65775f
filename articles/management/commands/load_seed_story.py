"""Load the facts of the seed article. Idempotent: run it again and nothing is duplicated."""

from django.core.management.base import CommandError

from articles.seed import load_seed_story
from councils.models import Council
from sendtracker.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Load the programme, key figures, statuses, quotes, contracts and article of the seed story."

    def handle(self, *args, **options):
        if not Council.objects.filter(code__in=["HEF", "BNH"]).exists():
            raise CommandError("Import the councils first: python manage.py import_councils")
        article = load_seed_story()
        self.stdout.write(self.style.SUCCESS(f"Seed story loaded: “{article}”."))
