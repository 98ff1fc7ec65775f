"""Connects alerts to the signals the domain apps send: each change becomes a Change, fanned out after commit."""

from django.dispatch import receiver

from comments import signals as comment_signals
from councils import signals as council_signals

from . import changes, services, tasks


@receiver(council_signals.changes_recorded, dispatch_uid="alerts.change_recorded")
def change_recorded(sender, kind, instance, fields=(), **kwargs):
    if kind == council_signals.STATUS:
        change = changes.record_status_change(instance)
    elif kind == council_signals.CORRECTION:
        change = changes.record_correction(instance)
    elif kind in (council_signals.PARTNERSHIP_FORMED, council_signals.PARTNERSHIP_CHANGED):
        change = changes.record_partnership(kind, instance, fields)
    else:
        change = changes.record_membership(kind, instance, fields)
    tasks.enqueue_fan_out(change)


@receiver(comment_signals.comments_published, dispatch_uid="alerts.comments_published")
def comments_published(sender, comment_ids, **kwargs):
    for comment in changes.published_comments(comment_ids):
        tasks.enqueue_fan_out(changes.record_comment(comment))


@receiver(comment_signals.personal_data_purged, dispatch_uid="alerts.personal_data_purged")
def personal_data_purged(sender, cutoff, **kwargs):
    services.purge_subscriber_data(cutoff=cutoff)
