"""Readers' comments under an article ("Your thoughts"), readers' reports of them, and the word lists.

The tables keep the names they had when these models lived in the articles app
(``db_table``): comments/migrations/0001 moved the models without touching the data.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .checks import normalise_email


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def on_published_articles(self):
        """Under an article the public can read (not a draft, not scheduled for later)."""
        return self.filter(article__in=Article.objects.published())

    def published(self):
        """What the public may see: approved comments under published articles, replies only under a shown comment.

        The article page threads one level deep and shows a reply only under its approved,
        top-level parent; ``Article.objects.with_comment_counts()`` counts by the same rule.
        """
        shown_thread = Q(parent__isnull=True) | Q(parent__status=Comment.Status.APPROVED, parent__parent__isnull=True)
        return self.approved().on_published_articles().filter(shown_thread)

    def reportable(self):
        """What a reader may report: what the public sees, and what readers' reports just took back to the queue.

        A comment pulled back by reports was on the page a moment ago, so a reader who had the
        page open can still report it (simultaneous reports all count). A comment held when it
        was sent was never shown: it is not reportable, and nothing says it exists.
        """
        pulled_back = self.on_published_articles().filter(status=Comment.Status.PENDING, reports__isnull=False)
        return (self.published() | pulled_back).distinct()


class Comment(models.Model):
    """A reader's contribution to "Your thoughts". Email and IP hash are never shown publicly."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    class ReaderRole(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        YOUNG_PERSON = "young_person", "Young person"
        EDUCATION = "education", "Education professional"
        HEALTH_CARE = "health_care", "Health or care professional"
        COUNCIL = "council", "Council officer"
        OTHER = "other", "Other"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    display_name = models.CharField(max_length=80)
    email = models.EmailField(blank=True, help_text="Private: never shown or exported.")
    notify_replies = models.BooleanField(
        "email me when someone replies", default=False, help_text="One email per approved reply, to the address above."
    )
    reader_role = models.CharField(max_length=16, choices=ReaderRole, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    held_reason = models.CharField(max_length=200, blank=True, help_text="Why the comment was held.")
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="Set when a member of staff replies.",
    )
    ip_hash = models.CharField("IP hash", max_length=64, blank=True, help_text="Salted hash, never the IP.")
    user_agent = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Digest of the normalised text, to spot duplicates."
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        db_table = "articles_comment"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            # A page of an article's threads (comments/context.py): top-level comments in order.
            models.Index(
                fields=["article", "status", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="comment_thread_idx",
            ),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
            models.Index(fields=["fingerprint", "created_at"], name="comment_fingerprint_idx"),
        ]

    def __str__(self):
        return f"{self.display_name} on “{self.article}”"

    def save(self, *args, **kwargs):
        # One spelling of each address, however it came in (form, admin, loader): comparisons never depend on case.
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The comment's permalink: it redirects to the page of comments that holds it (comments in pages)."""
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def is_staff_reply(self):
        return self.author_id is not None


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        ABUSE = "abuse", "Abusive or offensive"
        PRIVACY = "privacy", "Identifies a child or shares private information"
        SPAM = "spam", "Spam or advertising"
        MISINFORMATION = "misinformation", "Misleading or false"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=16, choices=Reason)
    detail = models.TextField(blank=True, max_length=1000)
    reporter_hash = models.CharField(max_length=64, help_text="Salted hash identifying the reader who reported.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "articles_commentreport"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_hash"],
                name="report_one_per_reader",
                violation_error_message="You have already reported this comment.",
            ),
        ]

    def __str__(self):
        return f"Report on {self.comment}: {self.get_reason_display()}"


class ModerationWord(models.Model):
    class Action(models.TextChoices):
        BANNED = "banned", "Banned: refuse the comment"
        SUSPECT = "suspect", "Suspect: hold the comment for a moderator"

    word = models.CharField(max_length=100, help_text="A word or phrase, matched case-insensitively.")
    action = models.CharField(max_length=8, choices=Action)

    class Meta:
        db_table = "articles_moderationword"
        ordering = ["action", "word"]
        constraints = [
            models.UniqueConstraint(
                fields=["word"],
                name="moderationword_unique",
                violation_error_message="This word is already on the list.",
            )
        ]

    def __str__(self):
        return f"{self.word} ({self.get_action_display()})"
