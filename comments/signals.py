"""Signals the comments app sends, so other apps (alerts) can react without comments importing them.

``comments_published``: comments just became visible (approved on sending, or by a
moderator), sent inside the write's transaction with ``comment_ids``.
``personal_data_purged``: ``purge_comment_pii`` cleared readers' personal data older than
``cutoff``; other apps holding readers' addresses apply the same retention.
"""

from django.dispatch import Signal

comments_published = Signal()
personal_data_purged = Signal()
