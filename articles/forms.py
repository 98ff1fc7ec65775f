"""The admin's article form: publishing fills its own time, and a body typed as plain paragraphs stays paragraphs."""

import re

from django import forms
from django.utils import timezone

from .models import Article
from .widgets import ArticleBodyWidget

# A block that already starts with block-level HTML is left to the sanitiser; plain text gets paragraphs.
BLOCK_START = re.compile(r"^<\s*(p|h2|h3|ul|ol|blockquote)\b", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n\s*\n")
LIST_ITEM = re.compile(r"^[-*]\s+")


def _block(text):
    lines = text.split("\n")
    if BLOCK_START.match(text):
        return text
    if all(LIST_ITEM.match(line) for line in lines):
        return "<ul>" + "".join(f"<li>{LIST_ITEM.sub('', line)}</li>" for line in lines) + "</ul>"
    return "<p>" + "<br>\n".join(lines) + "</p>"


def paragraphs_from_text(text):
    """Blocks separated by blank lines become paragraphs; lines all starting "- " become a list.

    A block already in HTML (``<p>``, ``<h2>``, ``<ul>`` …) is kept as typed; single line breaks
    inside a paragraph become ``<br>``. Everything is then cleaned by the model's sanitiser.
    """
    text = (text or "").replace("\r\n", "\n").strip()
    blocks = [block.strip() for block in BLANK_LINES.split(text) if block.strip()]
    return "\n".join(_block(block) for block in blocks)


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
        widgets = {"body": ArticleBodyWidget}
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
