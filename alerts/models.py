"""Readers' email alerts: who follows what (Subscription), what happened (Change), what was sent (SentAlert).

A reader's address is private: it is never shown on a public page, feed, API or log line
(logs name a subscription by its id).
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from councils.models import Council, Partnership, StatusChange, StatusChangeCorrection


def new_token():
    return secrets.token_urlsafe(24)


class Subscription(models.Model):
    class Target(models.TextChoices):
        TRACKER = "tracker", "Every change on the tracker"
        COUNCIL = "council", "A council"
        PARTNERSHIP = "partnership", "A partnership"
        ARTICLE = "article", "New comments on an article"
        REPLIES = "replies", "Replies to a reader's comment"

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "Straight away"
        WEEKLY = "weekly", "A weekly summary"

    email = models.EmailField(help_text="Private: never shown, exported or logged.")
    target = models.CharField(max_length=12, choices=Target)
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # "council:12": what is followed, in one column, so one address follows one thing once.
    topic = models.CharField(max_length=40, editable=False)
    frequency = models.CharField(max_length=10, choices=Frequency, default=Frequency.IMMEDIATE)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField("IP hash", max_length=64, blank=True, help_text="Salted hash of who asked.")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["email", "topic"], name="subscription_one_per_topic"),
            models.CheckConstraint(
                condition=(
                    Q(target="tracker", council=None, partnership=None, article=None, comment=None)
                    | Q(target="council", council__isnull=False, partnership=None, article=None, comment=None)
                    | Q(target="partnership", partnership__isnull=False, council=None, article=None, comment=None)
                    | Q(target="article", article__isnull=False, council=None, partnership=None, comment=None)
                    | Q(target="replies", comment__isnull=False, council=None, partnership=None, article=None)
                ),
                name="subscription_target_matches",
            ),
        ]
        indexes = [models.Index(fields=["target", "confirmed_at"], name="subscription_target_idx")]

    def __str__(self):
        return f"Subscription {self.pk} to {self.followed_name}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.topic = self.topic_for(self.target, self.followed)
        super().save(*args, **kwargs)

    @staticmethod
    def topic_for(target, followed=None):
        return f"{target}:{followed.pk}" if followed is not None else target

    @property
    def followed(self):
        return self.council or self.partnership or self.article or self.comment

    @property
    def followed_name(self):
        if self.target == self.Target.TRACKER:
            return "every change on the tracker"
        if self.target == self.Target.ARTICLE:
            return f"new comments on “{self.article}”"
        if self.target == self.Target.REPLIES:
            return f"replies to your comment on “{self.comment.article}”"
        return str(self.followed)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class Change(models.Model):
    """Something readers may be told about, recorded in the same transaction as the write itself.

    The outbox: a Change is fanned out to its followers after the transaction commits; one
    that was not (the broker was down) is picked up by ``alerts.tasks.fan_out_pending``.
    """

    class Kind(models.TextChoices):
        STATUS = "status", "Status change"
        CORRECTION = "correction", "Correction of a status change"
        PARTNERSHIP = "partnership", "Partnership formed or changed"
        COMMENT = "comment", "Comment published"

    kind = models.CharField(max_length=12, choices=Kind)
    key = models.CharField(max_length=80, unique=True, help_text='What happened, e.g. "status:12".')
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    status_change = models.ForeignKey(StatusChange, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    correction = models.ForeignKey(
        StatusChangeCorrection, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Councils the change concerns (a partnership's members), for council followers.
    council_ids = models.JSONField(default=list, blank=True)
    headline = models.CharField(max_length=300)
    details = models.JSONField(default=list, blank=True, help_text="Lines of the message, as (label, value) pairs.")
    link = models.CharField(max_length=300, help_text="Path of the page to read more.")
    happened_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["happened_at", "pk"]
        indexes = [
            models.Index(fields=["happened_at"], name="change_happened_idx"),
            models.Index(fields=["fanned_out_at"], name="change_fanned_out_idx"),
        ]

    def __str__(self):
        return self.headline


class SentAlert(models.Model):
    """One message per subscriber per change (or per digest): claimed before sending, so it is sent at most once.

    ``sent_at`` stays empty until the mail server accepted the message; a claim left
    unsent (the worker died) is sent again by ``alerts.tasks.send_unsent``.
    """

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="sent")
    key = models.CharField(max_length=80, help_text='The change ("status:12") or the digest ("digest:2026-W48").')
    change = models.ForeignKey(Change, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["subscription", "key"], name="sentalert_once_per_change")]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="sentalert_unsent_idx")]

    def __str__(self):
        return f"{self.key} to subscription {self.subscription_id}"
