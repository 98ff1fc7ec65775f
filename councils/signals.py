"""Signals the councils app sends, so other apps (alerts) can react without councils importing them.

``changes_recorded`` is sent inside the transaction of every write the public timeline
shows: a status change, a correction of one, a partnership formed or changed, a council
joining, leaving or changing its place in a partnership. Receivers that do slow work
(sending email) must defer it with ``transaction.on_commit``.

Arguments: ``kind`` (one of ``CHANGE_KINDS``), ``instance`` (the StatusChange,
StatusChangeCorrection, Partnership or PartnershipMembership) and ``fields`` (the names
of the fields a "changed" write changed; empty otherwise).
"""

from django.dispatch import Signal

STATUS = "status"
CORRECTION = "correction"
PARTNERSHIP_FORMED = "partnership_formed"
PARTNERSHIP_CHANGED = "partnership_changed"
MEMBER_JOINED = "member_joined"
MEMBER_LEFT = "member_left"
MEMBER_CHANGED = "member_changed"
CHANGE_KINDS = (STATUS, CORRECTION, PARTNERSHIP_FORMED, PARTNERSHIP_CHANGED, MEMBER_JOINED, MEMBER_LEFT, MEMBER_CHANGED)

changes_recorded = Signal()


def send_change(kind, instance, fields=()):
    changes_recorded.send(sender=type(instance), kind=kind, instance=instance, fields=tuple(fields))
