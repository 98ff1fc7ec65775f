"""The journalism: articles and their corrections, people and their quotes, readers' comments."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from councils.models import Council, Partnership

from .html import sanitise_html


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    role = models.CharField(max_length=200, blank=True, help_text='e.g. "Children\'s minister".')
    organisation = models.CharField(max_length=200, blank=True)
    council = models.ForeignKey(
        Council,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        help_text="If the person speaks for a council.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name

    def get_absolute_url(self):
        return reverse("articles:quotes") + f"#person-{self.slug}"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Published and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def with_comment_counts(self):
        """Annotate ``comment_count``: the approved comments readers can see under "Your thoughts"."""
        return self.annotate(
            comment_count=models.Count(
                "comments",
                filter=Q(comments__status="approved")
                & (Q(comments__parent__isnull=True) | Q(comments__parent__status="approved")),
            )
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Moderation(models.TextChoices):
        PRE = "pre", "Pre-moderated: comments appear once a moderator approves them"
        POST = "post", "Post-moderated: comments appear at once unless held"
        CLOSED = "closed", "Closed: no new comments"

    headline = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250, unique=True)
    standfirst = models.TextField(help_text="The summary under the headline.")
    body = models.TextField(help_text="Paragraphs, subheadings, links and block quotes. Other HTML is removed on save.")
    byline = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, help_text="A time in the future schedules the article.")
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)
    councils = models.ManyToManyField(Council, blank=True, related_name="articles")
    partnerships = models.ManyToManyField(Partnership, blank=True, related_name="articles")
    comment_moderation = models.CharField("Your thoughts", max_length=8, choices=Moderation, default=Moderation.PRE)
    comments_close_at = models.DateTimeField(
        "comments close",
        null=True,
        blank=True,
        help_text="When “Your thoughts” stops taking comments. Blank: the usual number of days after publication.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_published_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]
        permissions = [("publish_article", "Can publish and unpublish articles")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Sanitising is part of storing the field, not a side effect: no raw HTML is ever kept.
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def comments_close_time(self):
        """When "Your thoughts" stops taking comments: the article's own time, else the usual days after publication."""
        if self.comments_close_at is not None:
            return self.comments_close_at
        days = settings.COMMENTS_AUTO_CLOSE_DAYS
        if not days or self.published_at is None:
            return None
        return self.published_at + datetime.timedelta(days=days)

    def comments_closed_reason(self, now=None):
        """Why the article takes no new comments, or None when it does (the page, the form and the API all ask this)."""
        if self.comment_moderation == self.Moderation.CLOSED:
            return "Comments on this article are closed."
        closing = self.comments_close_time()
        if closing is not None and (now or timezone.now()) >= closing:
            return f"Comments on this article closed on {timezone.localtime(closing):%-d %B %Y}."
        return None

    @property
    def comments_open(self):
        return self.comments_closed_reason() is None


class Correction(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    published_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(help_text="What was wrong and what is now correct; shown on the article.")

    class Meta:
        ordering = ["published_at"]

    def __str__(self):
        return f"Correction to “{self.article}” ({self.published_at:%d %b %Y})"

    def get_absolute_url(self):
        return self.article.get_absolute_url() + "#corrections"


class QuoteQuerySet(models.QuerySet):
    def for_council(self, council):
        return self.filter(councils=council)


class Quote(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quotes")
    text = models.TextField(help_text="The words in quotation marks, exactly as reported.")
    said_on = models.DateField()
    context = models.TextField(blank=True, help_text="What it was said about, or where.")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    source_url = models.URLField(blank=True, max_length=500)
    councils = models.ManyToManyField(Council, blank=True, related_name="quotes")

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "pk"]

    def __str__(self):
        text = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"{self.person.name}: “{text}”"

    def get_absolute_url(self):
        return reverse("articles:quotes") + f"#quote-{self.pk}"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)


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
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
            models.Index(fields=["fingerprint", "created_at"], name="comment_fingerprint_idx"),
        ]

    def __str__(self):
        return f"{self.display_name} on “{self.article}”"

    def get_absolute_url(self):
        return self.article.get_absolute_url() + f"#comment-{self.pk}"

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
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_hash"], name="report_one_per_reader"),
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
        ordering = ["action", "word"]
        constraints = [models.UniqueConstraint(fields=["word"], name="moderationword_unique")]

    def __str__(self):
        return f"{self.word} ({self.get_action_display()})"
