"""Clear readers' personal data from old comments: emails, IP hashes, user agents and reporters' hashes."""

from django.core.management.base import CommandError

from comments.services import purge_comment_pii
from sendtracker.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Clear emails, IP hashes and user agents of comments (and reporters' hashes) older than DAYS days."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS", dest="older_than")

    def handle(self, *args, older_than, **options):
        if older_than < 0:
            raise CommandError("--older-than must be zero or more days.")
        comments, reports = purge_comment_pii(older_than_days=older_than)
        self.stdout.write(
            self.style.SUCCESS(
                f"Cleared personal data from {comments} comment{'s' if comments != 1 else ''} "
                f"and {reports} report{'s' if reports != 1 else ''} older than {older_than} days."
            )
        )
