"""The journalism: articles and their corrections, people and their quotes."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from councils.models import Council, Partnership
from councils.models.sources import SourcedRecord
from sendtracker.staff_text import StaffTextMixin

from .html import sanitise_html


class Person(StaffTextMixin, models.Model):
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
    """``published()`` is the one rule for what the public may see of an article, anywhere."""

    @staticmethod
    def published_condition(prefix=""):
        """The rule as a condition; ``prefix`` (e.g. ``"article__"``) applies it across a relation."""
        return Q(**{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()})

    def published(self):
        """Published and not scheduled for later."""
        return self.filter(self.published_condition())

    def unpublished(self):
        """Drafts and articles scheduled for later: not a word of them on a public page."""
        return self.exclude(self.published_condition())

    def unpublished_paths(self):
        """The public addresses of the unpublished articles (what ``councils.sources`` hides)."""
        return {
            reverse("articles:detail", kwargs={"slug": slug})
            for slug in self.unpublished().values_list("slug", flat=True)
        }

    def with_comment_counts(self):
        """Annotate ``comment_count``: the approved comments readers can see under "Your thoughts".

        ``comments`` is the reverse of the comments app's ``Comment.article``: the count is
        read by name, so articles imports nothing from comments.
        """
        # A correlated subquery, not a JOIN and GROUP BY: a page of 20 articles counts the
        # comments of those 20 only, however many articles and comments there are.
        comments = self.model._meta.get_field("comments").related_model
        counted = (
            comments.objects.filter(article=models.OuterRef("pk"), status="approved")
            .filter(Q(parent__isnull=True) | Q(parent__status="approved"))
            .order_by()
            .values("article")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(comment_count=Coalesce(models.Subquery(counted[:1]), 0))


class Article(StaffTextMixin, models.Model):
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
                violation_error_message="A published article needs a publish time: give one, or leave it blank to publish now.",
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


class Correction(StaffTextMixin, models.Model):
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

    def public(self):
        """Quotes for a public page: ``quote.public_article`` is the article if it is published, else None.

        Public pages and the API read ``public_article``, never ``article``: one query, joined.
        """
        return self.annotate(
            public_article=models.FilteredRelation(
                "article", condition=ArticleQuerySet.published_condition(prefix="article__")
            )
        ).select_related("person", "public_article")


class Quote(StaffTextMixin, SourcedRecord):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quotes")
    text = models.TextField(help_text="The words in quotation marks, exactly as reported.")
    said_on = models.DateField()
    context = models.TextField(blank=True, help_text="What it was said about, or where.")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    source_url = models.URLField(blank=True, max_length=500, help_text="Where the words were reported or said.")
    source_title = models.CharField(
        max_length=300, blank=True, help_text="The source's title as readers will see the link, e.g. the headline."
    )
    councils = models.ManyToManyField(Council, blank=True, related_name="quotes")

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "pk"]
        # The quotes page reads 30 in this order: an index scan, not a sort of every quote.
        indexes = [models.Index(fields=["-said_on", "id"], name="quote_said_on_idx")]

    def __str__(self):
        text = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"{self.person.name}: “{text}”"

    def get_absolute_url(self):
        return reverse("articles:quotes") + f"#quote-{self.pk}"

    @property
    def source_link_text(self):
        """The words of the link to the source: its title, else the published article's headline, else the site's name.

        Reads ``public_article`` (``Quote.objects.public()``), so a draft's headline never names a link.
        """
        if self.source_title:
            return self.source_title
        article = getattr(self, "public_article", None)
        if article is not None and self.source_url.endswith(article.get_absolute_url()):
            return article.headline
        return urlsplit(self.source_url).hostname or self.source_url
