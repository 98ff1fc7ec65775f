"""What the tracker's commands share: the ``--by USERNAME`` option naming who records the changes."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def add_by_option(parser):
    parser.add_argument("--by", metavar="USERNAME", help="Record the changes as made by this staff user.")


def user_named(username):
    """The user ``--by`` names, or None when it names nobody; an unknown name stops the command."""
    if not username:
        return None
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist as error:
        raise CommandError(f"No user called “{username}”.") from error
