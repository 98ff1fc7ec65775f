"""The admin's article form: publishing fills its own time, and a body typed as plain paragraphs stays paragraphs."""

import re

from django import forms
from django.utils import timezone

from .models import Article

# A body that already holds block-level HTML is left to the sanitiser; plain text gets paragraphs.
BLOCK_TAG = re.compile(r"<\s*(p|h2|h3|ul|ol|blockquote)\b", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs_from_text(text):
    """Plain paragraphs separated by blank lines become ``<p>`` elements; single line breaks become ``<br>``.

    Inline HTML a journalist typed (links, emphasis) is kept for the sanitiser to judge; bare
    ampersands and angle brackets that are not tags are left as the sanitiser escapes them.
    """
    text = (text or "").replace("\r\n", "\n").strip()
    if not text or BLOCK_TAG.search(text):
        return text
    paragraphs = [part.strip() for part in BLANK_LINES.split(text) if part.strip()]
    return "".join("<p>" + "<br>\n".join(paragraph.split("\n")) + "</p>\n" for paragraph in paragraphs)


class ArticleAdminForm(forms.ModelForm):
    """Choosing Published with no "publish at" time publishes now; a future time schedules the article."""

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "standfirst",
            "body",
            "byline",
            "status",
            "published_at",
            "councils",
            "partnerships",
            "comment_moderation",
            "comments_close_at",
        )
        labels = {"published_at": "Publish at"}
        help_texts = {
            "published_at": "Blank: published now when you choose Published. A future date and time schedules it.",
        }

    def clean_body(self):
        return paragraphs_from_text(self.cleaned_data.get("body"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            if "published_at" in self.fields and self.has_error("published_at"):
                return cleaned
            cleaned["published_at"] = timezone.now()
        return cleaned

    def publishing_summary(self):
        """What saving did to the article's visibility, for the success message (None for a draft)."""
        article = self.instance
        if article.status != Article.Status.PUBLISHED or article.published_at is None:
            return None
        when = timezone.localtime(article.published_at)
        if article.published_at > timezone.now():
            return f"Scheduled: “{article}” will be published at {when:%-d %b %Y, %H:%M}."
        return f"Published: “{article}” is live since {when:%-d %b %Y, %H:%M}."
